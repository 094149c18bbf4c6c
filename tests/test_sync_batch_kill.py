"""Issue 16 item 4: a power cut in the middle of a catch-up (kill -9 of the real playdesk-sync
process while it holds the write lock of a batch) leaves the receiver with a prefix of the
origin's events applied and nothing of the batch it was in: every event up to the applied seq
stored once with its rows, none after it, every lot's total − remaining = Σ its draws. After
the restarts the catch-up ends with every event applied exactly once. Real SQLite files, a real
Mosquitto, real sync processes."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time

from sync_helpers import Broker, provision, stop_all, using, wait_until

EVENTS = 20_000
AT = dt.datetime(2026, 7, 3, 12)
KILLS = 3


def journal_of_lots_and_draws(device, count: int) -> dict[int, tuple[list[str], list[str]]]:
    """`count` signed events in the device's journal (written straight into its tables, as
    events it published before the receiver went away): odd seqs a 10-lot, even seqs a draw of
    1-7 from the lot just before, every tenth also 1 from the lot before that. Returns per seq
    the lot and draw ids it brings."""
    from engine import journal, localstate
    from engine.db import write
    from engine.entitlements.lots import make_lot
    from engine.hlc import Timestamp
    from engine.models import Event
    from engine.sync import outbox, signing
    from engine.sync.keys import key_path, load_or_create

    brings: dict[int, tuple[list[str], list[str]]] = {}
    start_ms = int(time.time() * 1000) - count
    with using(device.db):
        key = load_or_create(key_path(device.db))
        rows = []
        for seq in range(1, count + 1):
            lot_no = (seq + 1) // 2
            if seq % 2:
                lot = make_lot(f"C1-L{lot_no}", "M001", "money", "manual", 10, AT, "C1")
                payload, kind, brings[seq] = journal.rows_payload(lot), "lot", ([lot.id], [])
            else:
                draws = [draw(f"C1-C{seq}", f"C1-L{lot_no}", lot_no % 7 + 1)]
                if seq % 10 == 0:
                    draws.append(draw(f"C1-C{seq}B", f"C1-L{lot_no - 1}", 1))
                payload, kind = {"rows": {"consumption": draws}}, "consume"
                brings[seq] = ([], [row["id"] for row in draws])
            event = Event(device="C1", seq=seq, hlc=Timestamp(start_ms + seq, 0).encode(),
                          type=kind, payload=journal.dumps(payload))
            event.sig = signing.sign(outbox.event_body(event, "DEMO"), key)["sig"]
            rows.append((event.device, event.seq, event.hlc, event.type, event.payload,
                         event.sig))
        with write():
            journal.database.cursor().executemany(
                "INSERT INTO event (device, seq, hlc, type, payload, sig) "
                "VALUES (?, ?, ?, ?, ?, ?)", rows)
            localstate.put(localstate.PUBLISHED_SEQ, str(count))
            localstate.put(localstate.HLC, rows[-1][2])
    return brings


def draw(record_id: str, lot_id: str, amount: int) -> dict:
    return {"id": record_id, "lot": lot_id, "member": "M001", "kind": "use", "amount": amount,
            "reference": None, "at": AT.isoformat(), "device": "C1", "offline": False,
            "hold": None}


def writing(path) -> bool:
    """Whether a connection holds the database's write lock now (a batch being applied)."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def kill_inside_a_batch(device, deadline: float) -> int:
    """SIGKILL while the sync process holds the write lock twice in a row 20 ms apart (a
    batch, not the bookkeeping's few milliseconds); returns the applied seq seen just before."""
    while time.monotonic() < deadline:
        seen = device.applied("C1")
        if writing(device.db):
            time.sleep(0.02)
            if writing(device.db):
                device.kill_sync()
                return seen
        time.sleep(random.uniform(0.001, 0.01))
    raise AssertionError("the receiver never held the write lock long enough to be cut")


def check_prefix(device, brings: dict[int, tuple[list[str], list[str]]]) -> int:
    """The receiver holds exactly C1's events 1..applied with their rows; lots consistent."""
    applied = device.applied("C1")
    assert device.sql("SELECT COUNT(*), COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0) "
                      "FROM event WHERE device = 'C1'") == [
        (applied, 1 if applied else 0, applied)]
    lots = sorted(lot for seq in range(1, applied + 1) for lot in brings[seq][0])
    draws = sorted(d for seq in range(1, applied + 1) for d in brings[seq][1])
    assert [row[0] for row in device.sql("SELECT id FROM lot ORDER BY id")] == lots
    assert [row[0] for row in device.sql("SELECT id FROM consumption ORDER BY id")] == draws
    assert device.sql(
        "SELECT lot.id, lot.total, lot.remaining, COALESCE(SUM(c.amount), 0) FROM lot "
        "LEFT JOIN consumption AS c ON c.lot = lot.id GROUP BY lot.id "
        "HAVING lot.total - lot.remaining != COALESCE(SUM(c.amount), 0)") == []
    assert device.sql("SELECT COUNT(*) FROM sync_conflict") == [(0,)]
    return applied


def test_a_catch_up_cut_by_kill_9_inside_batches_applies_each_event_once(tmp_path):
    broker = Broker(tmp_path / "broker").start()
    c1, c2 = devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    try:
        brings = journal_of_lots_and_draws(c1, EVENTS)
        c1.start_sync(broker)
        wait_until(lambda: c1.sql("SELECT value FROM local_state WHERE key='sync.online'")
                   == [("true",)], 30, "C1 online")
        cuts, applied = [], 0
        for cut in range(KILLS):
            c2.start_sync(broker)  # it asks C1 for what it lacks, from its applied seq on
            if cut:  # the later cuts each after one batch more
                wait_until(lambda done=applied: c2.applied("C1") > done, 60, "a batch more")
            before = kill_inside_a_batch(c2, time.monotonic() + 120)
            after = check_prefix(c2, brings)
            assert before <= after < EVENTS  # cut before the end: the rest is to come
            cuts.append((before, after))
            applied = after
        c2.start_sync(broker)
        wait_until(lambda: c2.applied("C1") == EVENTS, 180, "the whole catch-up")
        c2.stop_sync()
        assert check_prefix(c2, brings) == EVENTS
        assert c2.sql("SELECT COUNT(*), SUM(total - remaining) FROM lot") == [
            (EVENTS // 2, sum(d["amount"] for d in all_draws(brings, EVENTS)))]
        # the later cuts came after batches had committed (check_prefix proved each cut left a
        # whole prefix); whether the first cut lands inside the very first batch is the
        # machine's timing, not the rule: a quiet machine had committed 100 events by then
        assert cuts[-1][1] > 0, cuts
    finally:
        stop_all(devices)
        broker.kill()


def all_draws(brings, count: int) -> list[dict]:
    """The draws' amounts, as journal_of_lots_and_draws made them."""
    amounts = []
    for seq in range(2, count + 1, 2):
        lot_no = (seq + 1) // 2
        amounts.append({"amount": lot_no % 7 + 1})
        if seq % 10 == 0:
            amounts.append({"amount": 1})
    return amounts
