"""Fact checks for the member facts a counter makes (issue 18 item 3; engine/models/member_facts.py):

- a `pin_unlock` (a manager's PIN unlock or reset) is of a known member, of kind unlock or reset,
  by a staff member who is a manager or owner in the definitions here;
- a `member_language` (a member's choice on a kiosk) is of a known member and names a language
  the apps speak;
- a `guest_ticket` is of a known member (its definitions event comes first, from the same
  origin) that no other ticket names, by a known staff member.

A kiosk sends neither of the counter's two (it may send only its own tables and the language
choice: engine/sync/validate.py), and every id is in its origin's namespace
(validate.NAMESPACED_IDS).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.db import database
from engine.i18n.catalogs import LANGUAGES
from engine.sync.verdict import Rejected, Waiting

UNLOCK_KINDS = ("unlock", "reset")
MANAGER_ROLES = ("manager", "owner")
_MEMBER = "SELECT 1 FROM member WHERE code = ? AND NOT deleted"
_STAFF = "SELECT role FROM staff WHERE code = ? AND NOT deleted"
_TICKET = "SELECT id FROM guest_ticket WHERE member = ?"
_ANY_MEMBER = "SELECT 1 FROM member WHERE code = ?"  # deleted since: the choice still stands


def _datetime(value: Any) -> bool:
    try:
        return isinstance(value, str) and len(value) <= 32 and bool(dt.datetime.fromisoformat(value))
    except ValueError:
        return False


def _member(code: Any, what: str) -> None:
    if not isinstance(code, str) or database.execute_sql(_MEMBER, (code,)).fetchone() is None:
        raise Rejected("unknown_member", f"{what} of member {code!r}, whom this device does not know")


def _staff_role(code: Any) -> str | None:
    row = database.execute_sql(_STAFF, (code,)).fetchone() if isinstance(code, str) else None
    return row[0] if row else None


def check_people(rows: dict[str, list[dict[str, Any]]]) -> None:
    for row in rows.get("member_language", []):
        what = f"language choice {str(row.get('id'))[:40]!r}"
        if row.get("language") not in LANGUAGES:
            raise Rejected("bad_language", f"{what}: {str(row.get('language'))[:20]!r} is not one "
                                           f"of {', '.join(LANGUAGES)}")
        if not _datetime(row.get("at")):
            raise Rejected("bad_time", f"{what}: its time {str(row.get('at'))[:40]!r} is not one")
        code = row.get("member")
        known = (database.execute_sql(_ANY_MEMBER, (code,)).fetchone()
                 if isinstance(code, str) else None)
        if known is None:  # registered on a counter whose event is not here yet: judged then
            raise Waiting(f"{what} of member {str(code)[:40]!r}, not here yet")
    for row in rows.get("pin_unlock", []):
        what = f"PIN {row.get('kind')} {row.get('id')!r}"
        if row.get("kind") not in UNLOCK_KINDS:
            raise Rejected("bad_kind", f"{what}: not one of {', '.join(UNLOCK_KINDS)}")
        _member(row.get("member"), what)
        if _staff_role(row.get("staff")) not in MANAGER_ROLES:
            raise Rejected("not_a_manager", f"{what} by {row.get('staff')!r}, not a manager or "
                                            "owner here")
    for row in rows.get("guest_ticket", []):
        what = f"guest ticket {row.get('id')!r}"
        _member(row.get("member"), what)
        other = database.execute_sql(_TICKET, (row.get("member"),)).fetchone()
        if other is not None and other[0] != row.get("id"):
            raise Rejected("ticket_taken", f"{what}: member {row.get('member')} is ticket "
                                           f"{other[0]} already")
        if _staff_role(row.get("staff")) is None:
            raise Rejected("unknown_staff", f"{what} sold by {row.get('staff')!r}, whom this "
                                            "device does not know")
