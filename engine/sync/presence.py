"""Presence: `devices/<device>`, retained, signed; the Last Will says online false."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from engine.db import write
from engine.models import Site
from engine.models.sync import SyncDevice
from engine.ops.clockcheck import note_peer_clocks


def site_version() -> str | None:
    site = Site.select().first()
    return site.version if site else None


def body(device: str, site: str, kind: str, online: bool, journal_seq: int,
         applied: dict[str, int], clock: dt.datetime) -> dict[str, Any]:
    return {"device": device, "site": site, "kind": kind, "online": online,
            "journal_seq": journal_seq, "applied": applied, "site_version": site_version(),
            "clock": clock.isoformat(timespec="milliseconds")}


def record(messages: list[dict[str, Any]], seen_at: dt.datetime) -> None:
    """Store the latest presence of other devices (already verified)."""
    if not messages:
        return
    with write():
        for message in messages:
            values = {"kind": message.get("kind"), "online": bool(message.get("online")),
                      "last_seen": seen_at, "journal_seq": int(message.get("journal_seq") or 0),
                      "applied": json.dumps(message.get("applied") or {}),
                      "site_version": message.get("site_version")}
            SyncDevice.insert(device=message["device"], **values).on_conflict(
                conflict_target=[SyncDevice.device],
                update={getattr(SyncDevice, k): v for k, v in values.items()}).execute()
        # the other devices' clocks, for the apps' clock warning (a Pi has no real-time clock)
        note_peer_clocks(messages, seen_at)

