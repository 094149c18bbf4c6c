"""The apps' clock warning (issue 10 item 4): the engine compares this device's clock with the
other devices' as their presences arrived, and decides whether to warn."""

from __future__ import annotations

import datetime as dt

from engine.models import Setting
from engine.ops.clockcheck import (
    PeerClock,
    device_clock_warning,
    note_peer_clocks,
    peer_clock_warning,
    peer_clocks,
)

AT = dt.datetime(2026, 7, 3, 12, 0)


def presence(device: str, clock: dt.datetime, online: bool = True) -> dict:
    return {"device": device, "online": online, "clock": clock.isoformat(timespec="milliseconds")}


def test_noted_and_read_back(db):
    note_peer_clocks([presence("K1", AT - dt.timedelta(hours=2)),
                      presence("K2", AT, online=False)], AT)  # a Last Will carries no news
    note_peer_clocks([presence("C1", AT + dt.timedelta(seconds=3))], AT)
    assert peer_clocks() == [PeerClock("C1", AT + dt.timedelta(seconds=3), AT),
                             PeerClock("K1", AT - dt.timedelta(hours=2), AT)]


def test_the_median_of_fresh_notes_decides():
    ahead = [PeerClock(name, AT - dt.timedelta(hours=3), AT) for name in ("A", "B")]
    right = PeerClock("C", AT, AT)
    warning = peer_clock_warning(AT, ahead + [right])
    assert warning is not None and warning.startswith("this device's clock is 3 hours ahead")
    assert peer_clock_warning(AT, [right, right, ahead[0]]) is None  # one wrong peer is outvoted
    assert peer_clock_warning(AT, [PeerClock("A", AT - dt.timedelta(seconds=100), AT)]) is None
    assert peer_clock_warning(AT, []) is None
    stale = PeerClock("A", AT - dt.timedelta(hours=3), AT - dt.timedelta(hours=1))
    assert peer_clock_warning(AT, [stale]) is None  # an hour-old note says nothing now


def test_device_warning_uses_the_site_tolerance(db):
    note_peer_clocks([presence("C1", AT + dt.timedelta(minutes=5))], AT)
    assert "5 minutes behind" in device_clock_warning(AT + dt.timedelta(seconds=30))
    Setting.create(key="clock_tolerance_seconds", value="600")
    assert device_clock_warning(AT + dt.timedelta(seconds=30)) is None


def test_presences_the_sync_process_records_feed_the_clock_warning(db):
    """engine.sync.presence.record notes each online peer's clock as its presence arrives."""
    import datetime as dt

    from engine.ops.clockcheck import device_clock_warning
    from engine.sync import presence

    now = dt.datetime(2026, 7, 3, 12, 0)
    peer_clock = now + dt.timedelta(minutes=10)  # this device is 10 minutes behind the others
    presence.record([{"device": "COUNTER1", "kind": "counter", "online": True, "journal_seq": 1,
                      "applied": {}, "site_version": None,
                      "clock": peer_clock.isoformat(timespec="milliseconds")}], now)
    assert "10 minutes behind" in device_clock_warning(now)
    presence.record([{"device": "COUNTER1", "kind": "counter", "online": True, "journal_seq": 1,
                      "applied": {}, "site_version": None,
                      "clock": now.isoformat(timespec="milliseconds")}], now)  # clock fixed
    assert device_clock_warning(now) is None
