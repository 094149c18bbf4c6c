"""The sync transport against real processes (real Mosquitto, real `playdesk-sync`): clocks from
the future, oversize messages, client ids tied to usernames, and restores (issue 14, items 5, 7,
8 and 10)."""

from __future__ import annotations

import json
import re
import time

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
    """C1's clock runs 20 s ahead with its HLC counter at the top of its range, C3's by years;
    C2 allows 1 s × 10. C1's events (fixed-width HLCs although the counter overflowed) wait on
    C2 until its clock has caught up and then apply; C3's stay held and reported; C2's clock
    never jumps ahead, and C2's own next events are stamped by its own time."""
    c1, c2, c3 = devices = provision(tmp_path, {"C1": "counter", "C2": "counter",
                                                "C3": "counter"})
    set_tolerance(c2, 1)
    now = hlc.wall_ms()
    # 20 s: C1 becomes acceptable ~10 s after the start, time enough to see it held first
    # even on a loaded machine
    set_clock(c1, hlc.Timestamp(now + 20_000, TOP_COUNTER - 1))
    set_clock(c3, hlc.Timestamp(now + 5 * YEAR_MS, 0))
    try:
        add_lots(c1, 4)
        add_lots(c3, 3)
        stamps = [row[0] for row in c1.sql("SELECT hlc FROM event WHERE device = 'C1'")]
        assert all(HLC_TEXT.match(stamp) for stamp in stamps), stamps
        assert stamps == sorted(stamps) and len(set(stamps)) == 4
        for device in devices:
            device.start_sync(broker)
        def both_held() -> bool:  # every event of both origins received and held
            report = held_report(c2)
            return (set(report) == {"C1", "C3"} and report["C1"]["events"] == 4
                    and report["C3"]["events"] == 3
                    and c2.drops().get("held_future_hlc", 0) >= 7)

        wait_until(both_held, 20, "C2 to report both held")
        report = held_report(c2)
        assert report["C1"]["seq"] == 1
        assert report["C3"]["ahead_seconds"] > 300 * 24 * 3600
        assert c2.applied("C1") == 0 and c2.applied("C3") == 0
        assert "malformed" not in c2.drops()
        # C1 is 20 s ahead: applied once it is less than 10 s ahead, about 10 s from the start
        wait_until(lambda: c2.applied("C1") == 4, 30, "C1's events once C2's clock caught up")
        # the held report is the sync process's bookkeeping, written a moment after it applies
        wait_until(lambda: set(held_report(c2)) == {"C3"}, 10, "C1 no longer reported held")
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


def test_a_huge_message_is_dropped_unread_and_sync_goes_on(tmp_path):
    """A 3 MB and a 15 MB message on C1's journal topic (a broker without playdesk's limit):
    C2 drops both unread, logs once, counts them, and C1's next events apply at once; a large
    legitimate backlog (60 events of ~25 KB) is packed below the limit and arrives whole on a
    broker with playdesk's limit."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion
    from sync_helpers import Broker

    open_broker = Broker(tmp_path / "open", message_size_limit=0).start()
    c1, c2 = devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    attacker = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="x", protocol=mqtt.MQTTv5)
    try:
        for device in devices:
            device.start_sync(open_broker)
        add_lots(c1, 1)
        wait_until(lambda: c2.applied("C1") == 1, 20, "the first event")
        attacker.connect("127.0.0.1", open_broker.port)
        attacker.loop_start()
        fake = {"site": "DEMO", "device": "C1", "seq": 2, "hlc": "0" * 15 + ".00000",
                "type": "lot", "payload": "{}", "sig": "00"}
        for megabytes in (3, 15):
            body = json.dumps([fake] * (megabytes * 1024 * 1024 // len(json.dumps(fake))))
            attacker.publish("playdesk/DEMO/journal/C1", body, qos=1).wait_for_publish(20)
        add_lots(c1, 1)
        started = time.monotonic()
        wait_until(lambda: c2.applied("C1") == 2, 20, "C1's next event")
        assert time.monotonic() - started < 5
        wait_until(lambda: c2.drops().get("oversize") == 2, 10, "both counted")
        assert c2.log().count("on playdesk/DEMO/journal/C1 unread") == 1
        assert len(c2.log()) < 10_000
    finally:
        attacker.loop_stop()
        stop_all(devices)
        open_broker.kill()


def add_big_events(device, count: int) -> None:
    """`count` events of 100 lots each (~25 KB per event)."""
    from test_sync_replication import AT

    from engine import journal
    from engine.ids import next_id
    from engine.models import Lot

    with using(device.db), write():
        for _ in range(count):
            lots = [Lot.create(id=next_id("L"), member="M001", kind="money", type="manual",
                               total=1, remaining=1, created_at=AT, origin=device.name)
                    for _ in range(100)]
            journal.append_rows("lot", *lots)


def test_a_large_backlog_is_split_below_the_broker_limit(tmp_path, broker):  # noqa: F811
    c1, c2 = devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    try:
        add_big_events(c1, 60)
        for device in devices:
            device.start_sync(broker)
        wait_until(lambda: c2.applied("C1") == 60, 30, "the whole backlog")
        assert c2.sql("SELECT COUNT(*) FROM lot") == [(6000,)]
    finally:
        stop_all(devices)
