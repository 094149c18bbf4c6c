"""Issue 16 item 4: the sync process applies many events in one transaction (a savepoint per
event), and that changes nothing but speed. One stream of signed events from three devices —
true facts, duplicates, gaps and out-of-order messages, forged facts a stolen key signs, a
collision (one purchase refunded on two counters), facts naming another device's fact not here
yet (they wait), events stamped a day ahead (held) and one whose rows fail half-way — is given
to a receiver's real SyncService (its message handling and applying, no broker) applying in
batches and applying each event alone: the receiver's database and its sync state are the
same. Real SQLite files; the wall clock is the HLC module's (tests replace it)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_helpers import SITE, provision, using
from test_sync_fact_checks import AT, lot, purchase_rows, with_site

DAY_MS = 24 * 3600 * 1000  # far beyond clock_tolerance_seconds × 10: held
# Columns that say when or in which order a row was written here, not what it is.
VOLATILE = {"sync_conflict": {"noted_at"}, "sync_drop": {"last_at", "last_detail"}}
# Local state the two ways may write differently without meaning anything: this clock (each
# event received alone moves it one tick more; it is after every event either way, checked).
LOCAL_KEYS_APART = ("hlc",)


class Wall:
    """engine.hlc's wall clock, set by the test."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def wall(monkeypatch) -> Wall:
    from engine import hlc

    fake = Wall(hlc.wall_ms())
    monkeypatch.setattr(hlc, "wall_ms", fake)
    return fake


def signer(device) -> Callable[[dict], dict]:
    from engine.sync import signing
    from engine.sync.keys import key_path, load_or_create

    key = load_or_create(key_path(device.db))
    return lambda body: signing.sign({"site": SITE, **body}, key)


def journal(device) -> list[dict]:
    """The device's events as its sync process publishes them (signed messages)."""
    from engine.models import Event

    sign = signer(device)
    with using(device.db):
        return [sign({"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                      "payload": e.payload})
                for e in Event.select().where(Event.device == device.name).order_by(Event.seq)]


def apply_on(device, events: list[dict]) -> None:
    from engine.sync.apply import apply_batch

    with using(device.db):
        apply_batch(events)


def after(stamp: str, ticks: int = 1) -> str:
    from engine.hlc import Timestamp

    value = Timestamp.decode(stamp)
    for _ in range(ticks):
        value = value.successor()
    return value.encode()


def forged(origin: str, seq: int, stamp: str, kind: str, rows: dict,
           spelled: Callable[[dict], str] | None = None) -> dict:
    from engine.journal import dumps

    payload = {"rows": rows}
    return {"device": origin, "seq": seq, "hlc": stamp, "type": kind,
            "payload": (spelled or dumps)(payload)}


def sale(purchase_id: str, origin: str = "K1") -> dict:
    """SUMMER/BASIC by card (true)."""
    return purchase_rows(purchase_id, "SUMMER/BASIC", 500,
                         [lot(purchase_id.replace("-P", "-L"), 60, purchase=purchase_id,
                              kind="minutes", origin=origin)], origin=origin)


def produce(tmp_path: Path, wall: Wall) -> tuple[object, dict[str, list[dict]]]:
    """C1, C2 (counters) and K1 (a kiosk) make their facts; C3 is the receiver, fresh."""
    from engine.db import write
    from engine.entitlements.adjust import add_lot
    from engine.entitlements.consumption import consume
    from engine.entitlements.purchase import purchase
    from engine.entitlements.refunds import refund
    from engine.models import Event

    c1, c2, k1, receiver = devices = provision(
        tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk", "C3": "counter"})
    for device in devices:
        with_site(device)
        with using(device.db), write():
            Event.delete().execute()  # the site is loaded everywhere: only facts travel here
    start = wall.ms
    with using(c1.db):
        bought = purchase("M001", "SUMMER/BASIC", "cash", "counter", AT)  # C1-P1, C1-L1
        add_lot("M001", "money", "manual", 1000, "MGR", "welcome", AT)  # C1-L2
    first = journal(c1)
    apply_on(c2, first)
    apply_on(k1, first)
    wall.ms = start + 1
    with using(c1.db):
        refund(bought.id, "MGR", "broken", AT)  # seq 3: wins the collision (earlier)
        for _ in range(5):
            purchase("M002", "SUMMER/BASIC", "cash", "counter", AT)  # seq 4-8
    wall.ms = start + 2
    with using(c2.db):
        refund(bought.id, "MGR", "broken", AT + dt.timedelta(minutes=1))  # seq 1: loses
        consume("M001", "money", 900, "any", AT)  # seq 2: with K1's 300, C1-L2 is overdrawn
        purchase("M002", "SUMMER/BASIC", "cash", "counter", AT)  # seq 3
    with using(k1.db):
        consume("M001", "money", 300, "any", AT)  # seq 1: draws C1-L2 (waits until it is here)
        purchase("M001", "SUMMER/BASIC", "card", "kiosk", AT)  # seq 2
    wall.ms = start + DAY_MS  # C2's clock is set a day ahead for its next two sales
    with using(c2.db):
        purchase("M001", "SUMMER/BASIC", "cash", "counter", AT)  # seq 4, 5: held
        purchase("M001", "SUMMER/BASIC", "cash", "counter", AT)
    wall.ms = start + 3
    streams = {"C1": journal(c1), "C2": journal(c2), "K1": journal(k1)}
    # a stolen kiosk key: a lot without a purchase, a backdated sale, a sale not in the
    # journal's spelling, then a true sale (its origin goes on after each refusal)
    sign_k1, last = signer(k1), streams["K1"][-1]["hlc"]
    streams["K1"] += [sign_k1(event) for event in (
        forged("K1", 3, after(last), "purchase", {"lot": [lot("K1-L90", 100_000)]}),
        forged("K1", 4, streams["K1"][0]["hlc"], "purchase", sale("K1-P95")),
        forged("K1", 5, after(last, 2), "purchase", sale("K1-P96"),
               spelled=lambda payload: json.dumps(payload, sort_keys=True)),
        forged("K1", 6, after(last, 3), "purchase", sale("K1-P97")))]
    # a counter event whose first lot goes in and whose second then fails (no such column):
    # nothing of it may stay, and C1's next event is applied
    sign_c1, last = signer(c1), streams["C1"][-1]["hlc"]
    manual = {**lot("C1-L99", 100, "manual", origin="C1"), "staff": "MGR", "comment": "x"}
    half = {"lot": [manual, {**manual, "id": "C1-L97", "bogus": 1}]}
    streams["C1"] += [sign_c1(forged("C1", 9, after(last), "lot", half)),
                      sign_c1(forged("C1", 10, after(last, 2), "purchase",
                                     sale("C1-P98", "C1")))]
    return receiver, streams


def messages(streams: dict[str, list[dict]]) -> list[tuple[str, list[dict]]]:
    """What the receiver gets, in this order: the kiosk's spend before the lot it draws, C2's
    refund before the purchase, C1's gap before its first events, duplicates, the held ones."""
    c1, c2, k1 = streams["C1"], streams["C2"], streams["K1"]
    return [("K1", k1[0:3]), ("C2", c2[0:3]), ("C1", c1[2:8]), ("K1", k1[0:3]),
            ("C2", c2[3:5]), ("K1", k1[3:6]), ("C1", c1[0:2]), ("C1", c1[2:8]),
            ("C1", c1[8:10]), ("C2", c2[0:1])]


class Receiver:
    """The receiver's SyncService on a copy of its fresh database, `apply_size` events a
    transaction (nothing connects: the test hands it the messages)."""

    def __init__(self, fresh: Path, copy: Path, apply_size: int | None) -> None:
        shutil.copy(fresh, copy)
        self.path = copy
        self.apply_size = apply_size
        self.sizes: list[int] = []

    def run(self, schedule: list[tuple[str, list[dict]]], wall: Wall, each: bool) -> dict:
        from engine.sync import apply as applying
        from engine.sync import client
        from engine.sync.config import SyncConfig
        from engine.sync.keys import key_path, load_or_create

        real = applying.apply_batch

        def counted(events, **options):
            self.sizes.append(len(events))
            return real(events, **options)

        with using(self.path):
            options = {} if self.apply_size is None else {"apply_size": self.apply_size}
            service = client.SyncService(SyncConfig("127.0.0.1", 1, SITE),
                                         load_or_create(key_path(self.path)), **options)
            client.apply_batch = counted
            try:
                for topic, events in schedule:
                    service._journal(topic, json.loads(json.dumps(events)))
                    if each:
                        settle(service)
                settle(service)
                held = snapshot(self.path, service)
                wall.ms += DAY_MS + 60_000  # this clock catches up: the held ones are applied
                settle(service)
                service._store_bookkeeping(force=True)
            finally:
                client.apply_batch = real
        return {"held": held, "end": snapshot(self.path, service)}


def apart(drops: dict[str, int]) -> dict[str, int]:
    """The counters, but for how often an event waited: applying each event alone, the
    receiver also sees the moments between two events of a batch, where a fact named by one
    origin's event may not be here yet though the batch brings it (C2's refund of C1-P1 waits
    once more for C1-L2). Which events wait, at each moment compared, is the same."""
    return {reason: count for reason, count in drops.items() if reason != "waiting_reference"}


def settle(service) -> None:
    """Turns of the loop's applying (held released, ready applied) until nothing moves."""
    for _ in range(10_000):
        before = progress(service)
        service.last_release = float("-inf")
        service._release_held()
        service._apply_ready()
        if progress(service) == before:
            return
    raise AssertionError("the receiver never settled")


def progress(service) -> tuple:
    return (tuple(sorted(service.applied.items())), tuple(sorted(service.waiting)),
            tuple(sorted((origin, tuple(sorted(state.pending)), tuple(sorted(state.held)))
                         for origin, state in service.origins.items())))


def snapshot(path: Path, service) -> dict:
    """Every table sync writes (all of them, but for ids that number rows as written here
    and the columns in VOLATILE), and the service's view of each origin."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        tables = {}
        for (table,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"):
            info = connection.execute(f'PRAGMA table_info("{table}")').fetchall()
            columns = [name for _, name, kind, _, _, pk in info
                       if not (pk and kind.upper() == "INTEGER")
                       and name not in VOLATILE.get(table, set())]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = connection.execute(f'SELECT {names} FROM "{table}"').fetchall()
            if table == "local_state":
                rows = [row for row in rows if row[columns.index("key")] not in LOCAL_KEYS_APART]
            if table == "sync_drop":  # see apart()
                rows = [row for row in rows if row[columns.index("reason")] in apart(
                    {row[columns.index("reason")]: 0})]
            tables[table] = sorted(rows, key=repr)
        stamps = connection.execute("SELECT MAX(hlc) FROM event").fetchone()[0]
        clock = connection.execute("SELECT value FROM local_state WHERE key = 'hlc'").fetchone()
    finally:
        connection.close()
    assert stamps is None or (clock is not None and clock[0] > stamps)  # after all it applied
    return {"tables": tables, "progress": progress(service), "drops": dict(service.drops)}


@pytest.mark.parametrize("each", [True, False], ids=["a-turn-per-message", "all-then-apply"])
def test_a_stream_applied_in_batches_gives_what_each_alone_gives(tmp_path, wall, each):
    receiver, streams = produce(tmp_path, wall)
    schedule = messages(streams)
    start = wall.ms
    alone = Receiver(receiver.db, tmp_path / "alone.db", 1)
    one_by_one = alone.run(schedule, wall, each)
    wall.ms = start
    batches = Receiver(receiver.db, tmp_path / "batched.db", None)  # the default size
    batched = batches.run(schedule, wall, each)
    assert max(alone.sizes) == 1 and max(batches.sizes) > 1
    for moment in ("held", "end"):
        for table, rows in one_by_one[moment]["tables"].items():
            assert batched[moment]["tables"][table] == rows, (moment, table)
        assert batched[moment]["progress"] == one_by_one[moment]["progress"], moment
        assert apart(batched[moment]["drops"]) == apart(one_by_one[moment]["drops"]), moment
    # what the stream holds did happen (else the comparison proves little)
    held, end = batched["held"], batched["end"]
    assert ("C2", (), (4, 5)) in held["progress"][2]  # held, not applied, not dropped
    tables = end["tables"]
    assert sorted((row[1], row[2], row[5]) for row in tables["sync_conflict"]) == [
        ("C1", 9, "refused"), ("C2", 1, "refund.purchase"), ("K1", 3, "lot_without_purchase"),
        ("K1", 4, "hlc_not_increasing"), ("K1", 5, "not_canonical")]
    assert end["progress"][0] == (("C1", 10), ("C2", 5), ("K1", 6))
    counted = held["drops"]  # before the service stored (and cleared) its counters
    assert counted["waiting_reference"] >= 1 and counted["duplicate"] >= 1
    assert counted["held_future_hlc"] == 2
    lots = {row[0]: row for row in tables["lot"]}
    assert "C1-L99" not in lots and "K1-L97" in lots and "K1-L95" not in lots
    assert tables["lot_overdraw"], "C1-L2 drawn 1,200 of 1,000: the overdraw is noted"
    assert len(tables["event"]) == 10 + 5 + 6


def test_a_refused_event_inside_a_batch_keeps_the_events_before_and_after_it(tmp_path, wall):
    """One apply_batch of C1's 10 events: the half-failing 9th is refused and nothing of it
    stays, the 8 before it and the 10th after it are applied, all stored, the seq at 10."""
    from engine.sync.apply import apply_batch

    receiver, streams = produce(tmp_path, wall)
    with using(receiver.db):
        touched = apply_batch(streams["C1"])
    assert [(origin, seq) for origin, seq, _, _ in touched.rejected] == [("C1", 9)]
    assert receiver.applied("C1") == 10
    assert receiver.sql("SELECT COUNT(*) FROM event WHERE device = 'C1'") == [(10,)]
    assert receiver.sql("SELECT id FROM purchase ORDER BY id") == [
        ("C1-P1",), ("C1-P2",), ("C1-P3",), ("C1-P4",), ("C1-P5",), ("C1-P6",), ("C1-P98",)]
    assert receiver.sql("SELECT id FROM lot WHERE id IN ('C1-L2', 'C1-L99', 'C1-L98')"
                        " ORDER BY id") == [("C1-L2",), ("C1-L98",)]
    assert receiver.sql("SELECT purchase FROM refund") == [("C1-P1",)]
