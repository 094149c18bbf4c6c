"""The verdict on another device's fact (engine/sync/validate.py and validate_sessions.py):
refused (`Rejected`) or waiting for a fact not here yet (`Waiting`), and the small readers both
checkers share."""

from __future__ import annotations

import json
from typing import Any

from engine.db import database
from engine.money import MAX_AMOUNT


class Rejected(Exception):
    """A fact false by the rules: `reason` is a short code, the message says what."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Waiting(Rejected):
    """A fact names another device's fact that is not here yet: judged once it is (until then
    the event and its origin's later events wait; a caller that cannot wait refuses it)."""

    def __init__(self, message: str) -> None:
        super().__init__("missing_reference", message)


def whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_AMOUNT


def by_id(rows: dict[str, list[dict[str, Any]]], table: str) -> dict[Any, dict[str, Any]]:
    return {row.get("id"): row for row in rows.get(table, [])}


def stored_row(table: str, key: Any, columns: str) -> tuple | None:
    return database.execute_sql(f'SELECT {columns} FROM "{table}" WHERE id = ?',
                                (key,)).fetchone()


# every version of the definitions this device applied (its own and others'), narrowed by the
# code's text and then parsed: a refused event (a conflict) never defined anything
_DEFINITIONS = ("SELECT payload FROM event AS e WHERE e.type = 'definitions' "
                "AND instr(e.payload, ?) > 0 AND NOT EXISTS (SELECT 1 FROM sync_conflict AS c "
                "WHERE c.device = e.device AND c.seq = e.seq)")


def applied_records(section: str, code: Any) -> list[dict[str, Any]]:
    """Every record of `code` in `section` that a definitions event applied here carried."""
    found = []
    for (payload,) in database.execute_sql(_DEFINITIONS, (json.dumps(code),)):
        try:
            records = (json.loads(payload).get("document") or {}).get(section) or []
        except (ValueError, AttributeError):
            continue
        found += [r for r in records if isinstance(r, dict) and r.get("code") == code]
    return found
