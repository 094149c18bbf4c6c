"""A device restored from an older backup: its journal is behind what the other devices hold.

Its sync process learns, from the others' presence (`applied[<this device>]`), the highest own
seq the site holds (H). Until it holds its own events up to H again (the others resend them,
signed by it), it publishes nothing; then `reconcile` puts them back in its journal, and the
events the apps appended since the restore — which took seqs the site already knows — are
renumbered after H, in their order. So a seq is never reused, nothing is lost, and the id
counters move past every id the site already saw from this device.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine import hlc
from engine.db import database, write
from engine.models import Event
from engine.sync import outbox
from engine.sync.apply import apply_effects, receive_clock

_BUMP_COUNTER = ("INSERT INTO counter (name, value) VALUES (?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)")


def _same(local: Event, original: dict[str, Any]) -> bool:
    return (local.hlc, local.type, local.payload) == (original["hlc"], original["type"],
                                                       original["payload"])


def _ids_in(value: Any, pattern: re.Pattern[str], found: dict[str, int]) -> None:
    """The highest number per prefix among this device's fact ids in a payload."""
    if isinstance(value, str):
        match = pattern.match(value)
        if match:
            found[match.group(1)] = max(found.get(match.group(1), 0), int(match.group(2)))
    elif isinstance(value, dict):
        for item in value.values():
            _ids_in(item, pattern, found)
    elif isinstance(value, list):
        for item in value:
            _ids_in(item, pattern, found)


def reconcile(device: str, floor: int, originals: list[dict[str, Any]]) -> int:
    """Put this device's own `originals` (seq floor+1 … H, as the site holds them) back into its
    journal; local events after `floor` that differ are renumbered after H. Returns how many
    were renumbered. One transaction: the apps' appends wait, then continue after them."""
    if not originals:
        return 0
    by_seq = {event["seq"]: event for event in originals}
    high = max(by_seq)
    with write():
        local = list(Event.select().where((Event.device == device) & (Event.seq > floor))
                     .order_by(Event.seq))
        same = {e.seq for e in local if e.seq in by_seq and _same(e, by_seq[e.seq])}
        differing = [e.seq for e in local if e.seq <= high and e.seq not in same]
        # from the first event that took a known seq on, the new events go after H, in order
        moved = [e for e in local if differing and e.seq >= differing[0] and e.seq not in same]
        for index, event in enumerate(moved):  # out of the way first: (device, seq) is unique
            Event.update(seq=-1 - index).where(Event.id == event.id).execute()
        restored = [by_seq[seq] for seq in sorted(by_seq) if seq not in same]
        for original in restored:
            Event.insert(device=device, seq=original["seq"], hlc=original["hlc"],
                         type=original["type"], payload=original["payload"],
                         sig=original["sig"]).execute()
        apply_effects(restored)  # the facts and definitions the backup had lost
        # the signature covers the seq: signed again; receivers refuse an HLC not after the
        # origin's previous one (a backdated fact would win collisions), and these were stamped
        # by the backup's clock, maybe before the lost events: restamped after them if so
        last = hlc.Timestamp.decode(max(event["hlc"] for event in originals))
        for index, event in enumerate(moved):
            stamp = max(hlc.Timestamp.decode(event.hlc), last.successor())
            Event.update(seq=high + 1 + index, hlc=stamp.encode(), sig=None).where(
                Event.id == event.id).execute()
            last = stamp
        _counters_past(device, originals)
        numbers_past(device)
        receive_clock(last)
        outbox.set_published_seq(high)
    return len(moved)


def numbers_past(device: str) -> None:
    """Per-device numbers that are not ids (`next_number`): the entry numbers, unique per
    device, past the highest this device's entries hold (call inside write())."""
    database.execute_sql(_BUMP_COUNTER.replace("?, ?", "'entry_no', ?"), (0,))
    database.execute_sql(
        "UPDATE counter SET value = MAX(value, (SELECT COALESCE(MAX(entry_no), 0) FROM entry "
        "WHERE device = ?)) WHERE name = 'entry_no'", (device,))


def _counters_past(device: str, originals: list[dict[str, Any]]) -> None:
    pattern = re.compile(rf"^{re.escape(device)}-([A-Za-z]+)(\d+)$")
    found: dict[str, int] = {}
    for event in originals:
        try:
            _ids_in(json.loads(event["payload"]), pattern, found)
        except ValueError:
            continue
    for prefix, number in found.items():
        database.execute_sql(_BUMP_COUNTER, ("id:" + prefix, number))
