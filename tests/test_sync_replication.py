"""Journal replication between real sync processes over a real Mosquitto."""

from __future__ import annotations

import datetime as dt

import pytest
from sync_helpers import Broker, provision, stop_all, using, wait_until

AT = dt.datetime(2026, 7, 3, 12, 0)


def add_lots(device, count: int, member: str = "M001", amount: int = 10) -> None:
    """`count` facts on `device`: one lot per event, written as the engine writes facts."""
    from engine import journal
    from engine.db import write
    from engine.ids import next_id
    from engine.models import Lot

    with using(device.db), write():
        for _ in range(count):
            lot = Lot.create(id=next_id("L"), member=member, kind="money", type="manual",
                             total=amount, remaining=amount, created_at=AT, origin=device.name)
            journal.append_rows("lot", lot)


def converged(devices) -> bool:
    seqs = {d.name: d.journal_seq() for d in devices}
    return all(d.applied(o) == seq for d in devices for o, seq in seqs.items() if o != d.name)


@pytest.fixture
def broker(tmp_path):
    running = Broker(tmp_path / "broker").start()
    yield running
    running.kill()


def test_two_devices_exchange_their_journals(tmp_path, broker):
    a, b = devices = provision(tmp_path, {"C1": "counter", "K1": "kiosk"}, owner=None)
    try:
        add_lots(a, 5)
        for device in devices:
            device.start_sync(broker)
        wait_until(lambda: b.applied("C1") == 5, what="K1 to apply C1's 5 events")
        add_lots(a, 3)
        wait_until(lambda: b.applied("C1") == 8, what="K1 to apply 3 more")
        assert b.sql("SELECT COUNT(*), SUM(remaining) FROM lot") == [(8, 80)]
        assert a.events() == [e for e in b.events() if e[0] == "C1"]
        assert all(sig for (sig,) in b.sql("SELECT sig FROM event"))
    finally:
        stop_all(devices)
