"""What a station tile says and how it looks, from a row of
`engine.sessions.queries.station_board` (no Kivy here: the Stations screen shows it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from counter.texts import text as t
from engine.people.members import member_name
from engine.sessions import facts


def tile_look(tile: dict[str, Any]) -> str:
    """free | running | warning | paused | guest | closed."""
    if not tile["active"]:
        return "closed"
    if tile["state"] == "free":
        return "free"
    if tile["state"] == "paused":
        return "paused"
    if tile["guest"]:
        return "guest"
    return "warning" if tile["warning"] else "running"


def played(seconds: float) -> str:
    whole = int(seconds) // 60
    return f"{whole // 60}:{whole % 60:02d}"


def tile_text(tile: dict[str, Any], look: str, now: dt.datetime) -> str:
    """The tile's lines: the station, who plays and for how long or how much is left; and when
    two counters that were cut off from each other both started a session here, the others."""
    head = f"[b]{tile['name']}[/b]"
    if look in ("free", "closed"):
        return f"{head}\n{t('tile_' + look)}"
    return "\n".join([head, *_session_lines(tile, look, now), *_others_line(tile)])


def _session_lines(tile: dict[str, Any], look: str, now: dt.datetime) -> list[str]:
    if tile["guest"]:
        session = facts.session(tile["session"])
        seconds = session.timeline.running_time(now).total_seconds()
        state = t("tile_guest") if look == "guest" else t("tile_paused_guest")
        return [state, t("tile_played", time=played(seconds))]
    who = member_name(tile["member"])
    left = t("tile_left", minutes=tile["left_minutes"] or 0)
    if look == "paused":
        return [t("tile_paused", name=who), left]
    if look == "warning":
        left = t("tile_warning", left=left)
    return [who, left]


def _others_line(tile: dict[str, Any]) -> list[str]:
    others = tile.get("others") or []
    if not others:
        return []
    devices = ", ".join(sorted({str(other["device"]) for other in others}))
    return [t("tile_others", count=len(others), devices=devices)]
