"""The journal: seq 1, 2, 3… per device with no gaps, a rising HLC, events inside the caller's
transaction; fact rows inserted in bulk exactly as peewee would insert them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from engine import hlc, journal
from engine.bulk import insert_instances
from engine.db import write
from engine.ids import set_device_id
from engine.models import Coupon, Event, LocalState, Lot, Payment

AT = dt.datetime(2026, 7, 3, 12, 0)


class Abort(Exception):
    pass


def stored() -> list[tuple]:
    return [(event.device, event.seq, event.type, json.loads(event.payload))
            for event in Event.select().order_by(Event.id)]


def test_events_number_per_device_without_gaps(db):
    with write():
        journal.append("a", {"n": 1})
        # another device's events, as sync stores them, do not move this device's numbers
        Event.create(device="DEV2", seq=41, hlc="000000000000001.00000", type="x", payload="{}")
        journal.append("b", {"n": 2})
    journal.append("c", {"n": 3})  # alone it takes its own transaction
    assert stored() == [("DEV1", 1, "a", {"n": 1}), ("DEV2", 41, "x", {}),
                        ("DEV1", 2, "b", {"n": 2}), ("DEV1", 3, "c", {"n": 3})]


def test_the_returned_event_is_the_stored_row(db):
    with write():
        event = journal.append("sale", {"total": 1250, "at": AT, "percent": Decimal("12.5")})
    row = Event.get_by_id(event.id)
    assert (event.device, event.seq, event.hlc, event.type, event.payload, event.sig) == \
           (row.device, row.seq, row.hlc, row.type, row.payload, None)
    assert json.loads(row.payload) == {"at": "2026-07-03T12:00:00", "percent": "12.5",
                                       "total": 1250}


def test_a_rolled_back_change_leaves_no_event_and_no_gap(db):
    with pytest.raises(Abort), write():
        journal.append("lost", {})
        raise Abort
    assert journal.append("kept", {}).seq == 1


def test_hlc_rises_and_is_remembered(db):
    stamps = [journal.append("e", {}).hlc for _ in range(5)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 5
    assert LocalState.get_by_id("hlc").value == stamps[-1]
    # a clock far ahead (learned from another device) is never gone back on
    wall = hlc.Timestamp.decode(stamps[-1]).wall_ms + 10**9
    LocalState.update(value=hlc.Timestamp(wall, 7).encode()).where(
        LocalState.key == "hlc").execute()
    assert journal.append("e", {}).hlc == hlc.Timestamp(wall, 8).encode()
    assert journal.next_hlc() == hlc.Timestamp(wall, 9).encode()
    assert LocalState.get_by_id("hlc").value == hlc.Timestamp(wall, 9).encode()


def test_events_carry_the_device_name(db):
    set_device_id("KIOSK1")
    assert (journal.append("e", {}).device, journal.append("e", {}).seq) == ("KIOSK1", 2)


def test_insert_rows_stores_what_peewee_would(db):
    fields = {"member": "M001", "kind": "money", "type": "paid", "total": 500, "remaining": 500,
              "expires_at": AT + dt.timedelta(days=7), "created_at": AT, "origin": "DEV1"}
    with write():
        Lot.create(id="BY-PEEWEE", **fields)
        insert_instances(Lot(id="BULK", **fields),
                         Payment(id="PAY1", method="card", amount=500, at=AT, device="DEV1"),
                         Lot(id="BULK2", **{**fields, "expires_at": None}))
        Coupon.create(code="BY-PEEWEE", campaign="C10", value=Decimal("12.5"))
        insert_instances(Coupon(code="BULK", campaign="C10", value=Decimal("12.5")))

    def raw(table: str, key: str, value: str) -> tuple:
        row = db.execute_sql(f'SELECT * FROM "{table}" WHERE "{key}" = ?', (value,)).fetchone()
        return row[1:]  # without the id

    assert raw("lot", "id", "BULK") == raw("lot", "id", "BY-PEEWEE")
    assert Lot.get_by_id("BULK2").expires_at is None
    assert Lot.get_by_id("BULK").status == "active"  # model defaults are filled in
    assert Payment.get_by_id("PAY1").commission == 0
    by_peewee, bulk = Coupon.get(Coupon.code == "BY-PEEWEE"), Coupon.get(Coupon.code == "BULK")
    assert bulk.id != by_peewee.id  # the auto-increment id was given by SQLite
    assert raw("coupon", "code", "BULK")[1:] == raw("coupon", "code", "BY-PEEWEE")[1:]


def test_an_event_larger_than_a_broker_message_is_refused_and_nothing_written(db):
    """A published event is one MQTT message of at most the broker's message_size_limit (1 MiB);
    a larger one would be refused by the broker and dropped by every receiver for good."""
    from engine.errors import PlaydeskError

    fits = "x" * 1_000_000  # just under the limit
    journal.append("big", {"text": fits})
    with write():
        Lot.create(id="DEV1-L1", member="M001", kind="money", type="manual", total=10,
                   remaining=10, created_at=AT, origin="DEV1")
    # quotes double in the message (the payload is JSON inside JSON): 600,000 of them are over
    with pytest.raises(PlaydeskError, match=r"too large to replicate: .* bytes, the limit is "
                                            r"1,048,576"), write():
        Lot.update(comment="changed").execute()
        journal.append("too big", {"text": '"' * 600_000})
    assert [row[2] for row in stored()] == ["big"]
    assert Lot.get_by_id("DEV1-L1").comment is None  # the caller's change rolled back with it
    assert journal.append("next", {}).seq == 2  # no gap
