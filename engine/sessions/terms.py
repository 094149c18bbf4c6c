"""A station and the terms its group sets (sessions.md "Site file"), and the session settings."""

from __future__ import annotations

import json
from dataclasses import dataclass

from engine.db import database
from engine.errors import N_, NotFound, PlaydeskError
from engine.sitefile.schema import SETTINGS_DEFAULTS

_STATION = """
SELECT s.code, s.name, s.active, s.deleted, s.agent, s.hook_start, s.hook_stop,
       g.code, g.name, g.device, g.rate_per_hour, g.minimum_minutes, g.deleted, r.code
FROM station AS s JOIN station_group AS g ON g.id = s.group_id
LEFT JOIN resource AS r ON r.id = g.resource_id
"""


@dataclass(frozen=True)
class StationTerms:
    code: str
    name: str
    active: bool
    deleted: bool
    agent: bool
    hook_start: str | None
    hook_stop: str | None
    group: str
    group_name: str
    device: str  # pc | console
    rate_per_hour: int
    minimum_minutes: int
    group_deleted: bool
    resource: str | None

    @property
    def usable(self) -> bool:
        return self.active and not self.deleted and not self.group_deleted


def _terms(row) -> StationTerms:
    (code, name, active, deleted, agent, start, stop, group, group_name, device, rate, minimum,
     group_deleted, resource) = row
    return StationTerms(code, name, bool(active), bool(deleted), bool(agent), start, stop, group,
                        group_name, device, rate, minimum, bool(group_deleted), resource)


def station_terms(code: str) -> StationTerms:
    """The station `code` (deleted ones too: their sessions are still shown)."""
    row = database.execute_sql(_STATION + " WHERE s.code = ?", (code,)).fetchone()
    if row is None:
        raise NotFound(N_("unknown station {code!r}"), code=code)
    return _terms(row)


def startable_station(code: str) -> StationTerms:
    """A station a session may start on: it exists, is active and not deleted."""
    terms = station_terms(code)
    if terms.deleted or terms.group_deleted:
        raise PlaydeskError(N_("station {code} is deleted"), code=code)
    if not terms.active:
        raise PlaydeskError(N_("station {code} is inactive"), code=code)
    return terms


def all_stations(include_deleted: bool = False) -> list[StationTerms]:
    where = "" if include_deleted else " WHERE NOT s.deleted"
    return [_terms(row) for row in database.execute_sql(_STATION + where + " ORDER BY s.code")]


def _int_setting(key: str) -> int:
    """A whole-number setting (the site file checked it), else its default; plain SQL: the
    meter reads one after each minute it charges."""
    row = database.execute_sql("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    try:
        value = json.loads(row[0]) if row else SETTINGS_DEFAULTS[key]
    except ValueError:
        value = None
    if isinstance(value, bool) or not isinstance(value, int):
        return SETTINGS_DEFAULTS[key]
    return value


def warning_minutes() -> int:
    return _int_setting("session_warning_minutes")


def agent_heartbeat_seconds() -> int:
    return _int_setting("agent_heartbeat_seconds")


def agent_timeout_seconds() -> int:
    return _int_setting("agent_timeout_seconds")
