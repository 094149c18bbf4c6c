"""The sync transport against real processes (real Mosquitto, real `playdesk-sync`): clocks from
the future, oversize messages, client ids tied to usernames, and restores (issue 14, items 5, 7,
8 and 10)."""

from __future__ import annotations

import json
import re

from sync_helpers import provision, stop_all, using, wait_until
from test_sync_replication import add_lots, broker  # noqa: F401 - the fixture

from engine import hlc
from engine.db import write

YEAR_MS = 365 * 24 * 3600 * 1000
HLC_TEXT = re.compile(r"^\d{15}\.\d{5}$")  # what every receiver accepts
TOP_COUNTER = 99_999


def set_clock(device, stamp: hlc.Timestamp) -> None:
    """The device's stored HLC, as if its wall clock had been `stamp` at its last event."""
    from engine.models import LocalState

    with using(device.db), write():
        LocalState.insert(key="hlc", value=stamp.encode()).on_conflict_replace().execute()


def set_tolerance(device, seconds: int) -> None:
    from engine.models import Setting

    with using(device.db), write():
        Setting.insert(key="clock_tolerance_seconds", value=str(seconds)).on_conflict_replace(
        ).execute()


def held_report(device) -> dict:
    rows = device.sql("SELECT value FROM local_state WHERE key = 'sync.held'")
    return json.loads(rows[0][0]) if rows else {}


def ahead_ms(stamp: hlc.Timestamp) -> int:
    return stamp.wall_ms - hlc.wall_ms()


def stored_clock(device) -> hlc.Timestamp:
    return hlc.Timestamp.decode(device.sql("SELECT value FROM local_state WHERE key = 'hlc'")[0][0])


def test_events_from_the_future_are_held_not_dropped_and_never_move_this_clock(
        tmp_path, broker):  # noqa: F811
    """C1's clock runs 14 s ahead with its HLC counter at the top of its range, C3's by years;
    C2 allows 1 s × 10. C1's events (fixed-width HLCs although the counter overflowed) wait on
    C2 until its clock has caught up and then apply; C3's stay held and reported; C2's clock
    never jumps ahead, and C2's own next events are stamped by its own time."""
    c1, c2, c3 = devices = provision(tmp_path, {"C1": "counter", "C2": "counter",
                                                "C3": "counter"})
    set_tolerance(c2, 1)
    now = hlc.wall_ms()
    set_clock(c1, hlc.Timestamp(now + 14_000, TOP_COUNTER - 1))
    set_clock(c3, hlc.Timestamp(now + 5 * YEAR_MS, 0))
    try:
        add_lots(c1, 4)
        add_lots(c3, 3)
        stamps = [row[0] for row in c1.sql("SELECT hlc FROM event WHERE device = 'C1'")]
        assert all(HLC_TEXT.match(stamp) for stamp in stamps), stamps
        assert stamps == sorted(stamps) and len(set(stamps)) == 4
        for device in devices:
            device.start_sync(broker)
        wait_until(lambda: set(held_report(c2)) == {"C1", "C3"}, 20, "C2 to report both held")
        report = held_report(c2)
        assert report["C1"]["seq"] == 1 and report["C1"]["events"] == 4
        assert report["C3"]["events"] == 3 and report["C3"]["ahead_seconds"] > 300 * 24 * 3600
        assert c2.applied("C1") == 0 and c2.applied("C3") == 0
        assert c2.drops().get("held_future_hlc", 0) >= 7
        assert "malformed" not in c2.drops()
        # C1 is 14 s ahead: applied once it is less than 10 s ahead, about 4 s from the start
        wait_until(lambda: c2.applied("C1") == 4, 30, "C1's events once C2's clock caught up")
        assert set(held_report(c2)) == {"C3"}
        assert c2.applied("C3") == 0
        assert ahead_ms(stored_clock(c2)) < 11_000  # never dragged years ahead
        add_lots(c2, 1)
        mine = c2.sql("SELECT hlc FROM event WHERE device = 'C2'")[0][0]
        assert ahead_ms(hlc.Timestamp.decode(mine)) < 11_000
        wait_until(lambda: c1.applied("C2") == 1, 20, "C2's own event to reach C1")
        assert c2.log().count("C3 seq 1 is stamped") == 1  # logged once per origin
    finally:
        stop_all(devices)


def test_the_hlc_text_is_fixed_width_at_the_counter_limit() -> None:
    top = hlc.Timestamp(1_000, TOP_COUNTER)
    following = hlc.tick(top, now_ms=999)
    assert following == hlc.Timestamp(1_001, 0)
    assert hlc.receive(None, top, now_ms=5) == hlc.Timestamp(1_001, 0)
    assert HLC_TEXT.match(following.encode())
    stamp = None
    texts = []
    for _ in range(3 * TOP_COUNTER):
        stamp = hlc.tick(stamp, now_ms=7)
        texts.append(stamp.encode())
    assert all(len(text) == 21 for text in texts) and texts == sorted(texts)
    assert len(set(texts)) == len(texts)
