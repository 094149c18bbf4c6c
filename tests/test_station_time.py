"""A guest's station time on a receipt (engine/sales/station_time.py, spec/sessions.md "Guest
sessions"): the spec's line with the session named on it, priced like any line (campaigns on
the resource apply), paid once — a second receipt, a second checkout of the same cart, a line
whose price is not the bill are refused with nothing written — and the shift report's station
time with the guest sessions not paid yet."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.db import write
from engine.errors import PlaydeskError
from engine.models import Event, Receipt, ReceiptLine, Staff
from engine.models.session_bills import SessionBill
from engine.sales.cart import Cart, apply_scan
from engine.sales.receiptfile import PaymentInput
from engine.sales.shifts import open_shift, shift_report
from engine.sales.station_time import add_station_time, checkout_cart, receipt_sessions
from engine.sessions import lifecycle

T0 = dt.datetime(2026, 7, 3, 12, 0)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture
def site(demo_site):
    with write():
        Staff.create(code="S01", name="Sam", role="cashier")
    return demo_site


def guest(station: str, played: float, start: dt.datetime = T0) -> str:
    session = lifecycle.start(station, start, guest=True, staff="S01")
    lifecycle.stop(start + minutes(played), session_id=session.id, staff="S01")
    return session.id


def cash(amount: int) -> list[PaymentInput]:
    return [PaymentInput("cash", amount)]


def written() -> tuple[int, int, int]:
    return Receipt.select().count(), SessionBill.select().count(), Event.select().count()


def test_a_stopped_guest_session_is_the_spec_s_line_and_bills_once(site):
    session = guest("PS5-1", 47 + 10 / 60)  # 47:10 of play: 48 started minutes
    cart = Cart("COUNTER1")
    line = add_station_time(cart, session)
    assert (line.kind, line.code, line.quantity, line.unit_price, line.session,
            line.minutes) == ("resource", "PS5-HOUR", 1, 480, session, 48)
    with pytest.raises(PlaydeskError, match="on this receipt already"):
        add_station_time(cart, session)
    other = Cart("COUNTER1")
    add_station_time(other, session)  # a second open receipt may show it, but not pay it
    sale = checkout_cart(cart, cash(480), T0 + minutes(50), staff="S01")
    assert sale.total == 480
    row = ReceiptLine.get(ReceiptLine.receipt == sale.receipt)
    assert (row.resource, row.quantity, row.unit_price, row.net) == ("PS5-HOUR", 1, 480, 480)
    assert {no: bill.session for no, bill in receipt_sessions(sale.receipt).items()} == \
        {1: session}
    assert Event.select().where(Event.type == "station_time.bill").count() == 1

    before = written()
    with pytest.raises(PlaydeskError, match=f"session {session} is billed already"):
        checkout_cart(other, cash(480), T0 + minutes(51), staff="S01")
    with pytest.raises(PlaydeskError, match="billed already"):
        checkout_cart(cart, cash(480), T0 + minutes(51), staff="S01")  # the same cart again
    with pytest.raises(PlaydeskError, match="billed already"):
        add_station_time(Cart("COUNTER1"), session)
    assert written() == before


def test_the_minimum_applies_and_campaigns_on_the_resource_price_the_receipt(site):
    short, long = guest("PS5-1", 3), guest("PS5-2", 65, start=T0 + minutes(1))
    cart = Cart("COUNTER1")
    assert add_station_time(cart, short).unit_price == 300  # 3 minutes, billed the minimum 30
    assert add_station_time(cart, long).unit_price == 650  # 65 minutes at 600/h
    apply_scan(cart, "4006381333931", T0 + minutes(70))  # a cola
    priced = cart.price(T0 + minutes(70))
    cola = priced.lines[2]
    # CONSOLEDRINK: two console hours (the PS5-HOUR lines), a free drink
    assert [r.campaign for r in cola.reductions] == ["CONSOLEDRINK"] and cola.net == 0
    sale = checkout_cart(cart, cash(priced.total), T0 + minutes(70), staff="S01")
    assert sorted(b.session for b in receipt_sessions(sale.receipt).values()) == \
        sorted([short, long])


def test_what_bills_nothing_is_refused(site):
    running = lifecycle.start("PS5-1", T0, guest=True, staff="S01")
    with pytest.raises(PlaydeskError, match="running: stop it first"):
        add_station_time(Cart("COUNTER1"), running.id)
    pc = add_station_time(Cart("COUNTER1"), guest("PC01", 10))  # the PCs bill PC-HOUR
    assert (pc.code, pc.quantity, pc.unit_price) == ("PC-HOUR", 1, 50)  # 10 min at 300/h
    with pytest.raises(PlaydeskError, match="unknown session"):
        add_station_time(Cart("COUNTER1"), "NOPE-S1")


def test_a_guest_cannot_start_where_the_time_could_not_be_billed(site):
    """A group without a resource: its guest time could never be put on a receipt, so the
    guest does not start (found by review: the stop printed a bill no receipt took)."""
    from engine.models import StationGroup

    with write():
        StationGroup.update(resource=None).where(StationGroup.code == "STANDARD").execute()
    with pytest.raises(PlaydeskError, match="has no resource"):
        lifecycle.start("PC02", T0, guest=True, staff="S01")
    assert lifecycle.start("PS5-1", T0, guest=True, staff="S01").state == "running"


def test_a_line_that_is_not_the_bill_is_refused(site):
    session = guest("PS5-1", 40)
    cart = Cart("COUNTER1")
    line = add_station_time(cart, session)
    line.unit_price = 1  # a cart changed by hand
    before = written()
    with pytest.raises(PlaydeskError, match="is not the bill of session"):
        checkout_cart(cart, cash(1), T0 + minutes(41), staff="S01")
    line.unit_price, line.quantity = 400, 2
    with pytest.raises(PlaydeskError, match="is not the bill of session"):
        checkout_cart(cart, cash(800), T0 + minutes(41), staff="S01")
    assert written() == before


def test_the_shift_report_shows_station_time_and_guests_not_paid(site):
    shift = open_shift("S01", 10000, T0 - minutes(5)).id
    paid, unpaid = guest("PS5-1", 40), guest("PS5-2", 20)
    running = lifecycle.start("PS5-1", T0 + minutes(45), guest=True, staff="S01")
    cart = Cart("COUNTER1")
    add_station_time(cart, paid)
    checkout_cart(cart, cash(400), T0 + minutes(50), staff="S01", shift=shift)
    report = shift_report(shift, T0 + minutes(60))
    station = report.station_time
    assert (station.lines, station.minutes, station.money) == (1, 40, 400)
    assert [(u["session"], u["state"]) for u in station.unpaid] == \
        [(unpaid, "ended"), (running.id, "running")]
    assert report.as_dict()["station_time"]["minutes"] == 40


def test_the_printed_receipt_and_shift_report_show_station_time(site, tmp_path):
    from engine.documents import receipt_document
    from engine.documents import shift_report as shift_document
    from hardware.printing.profile import PrinterProfile
    from hardware.printing.render_escpos import render_document

    shift = open_shift("S01", 0, T0 - minutes(5)).id
    session, waiting = guest("PS5-1", 47 + 10 / 60), guest("PS5-2", 5)
    cart = Cart("COUNTER1")
    add_station_time(cart, session)
    sale = checkout_cart(cart, cash(480), T0 + minutes(50), staff="S01", shift=shift)
    line = receipt_document(sale.receipt).lines[0]
    assert (line.name, line.amount) == (f"PS5 console hour 48 min · {session}", 480)
    report = shift_document(shift_report(shift, T0 + minutes(55)), T0 + minutes(55))
    assert [(r.label, r.count, r.amount) for r in report.station_time] == \
        [("48 min", 1, 480), (f"not paid PS5-2 {waiting}", 1, None)]
    paper = render_document(report, PrinterProfile())
    assert b"Guests' station time" in paper and f"not paid PS5-2 {waiting}".encode() in paper


def test_the_counter_is_offered_the_stopped_guest_plays_not_paid(site):
    from engine.sales.station_time import billable_sessions

    first, second = guest("PS5-1", 10), guest("PS5-2", 40)
    lifecycle.start("PS5-1", T0 + minutes(20), guest=True, staff="S01")  # running: not yet
    assert [(b.session, b.unit_price) for b in billable_sessions()] == [(first, 300),
                                                                       (second, 400)]
    cart = Cart("COUNTER1")
    add_station_time(cart, first)
    checkout_cart(cart, cash(300), T0 + minutes(45), staff="S01")
    assert [b.session for b in billable_sessions()] == [second]


def test_the_bill_is_a_checked_fact_and_a_second_device_s_bill_of_it_loses(site):
    import json

    from engine.models import Event
    from engine.models.conflicts import SyncConflict
    from engine.sync.apply import Touched, apply_rows
    from engine.sync.validate import check_event

    session = guest("PS5-1", 40)
    cart = Cart("COUNTER1")
    add_station_time(cart, session)
    sale = checkout_cart(cart, cash(400), T0 + minutes(41), staff="S01")
    mine = Event.get(Event.type == "station_time.bill")
    event = {"device": mine.device, "seq": mine.seq, "hlc": mine.hlc, "type": mine.type}
    payload = json.loads(mine.payload)
    check_event(event, payload, "counter")  # what the other devices' fact checks see
    assert payload["rows"]["session_bill"][0]["receipt"] == sale.receipt

    # another counter billed the same session later (offline): its bill stays out
    row = dict(payload["rows"]["session_bill"][0], receipt="C2-R9", device="C2")
    theirs = {"device": "C2", "seq": 5, "hlc": "999999999999999.00000",
              "type": "station_time.bill",
              "payload": json.dumps({"rows": {"session_bill": [row]}}, separators=(",", ":"))}
    with write():
        apply_rows({"session_bill": [row]}, Touched(), theirs)
    assert [b.receipt for b in SessionBill.select()] == [sale.receipt]
    assert SyncConflict.select().count() == 1


def test_station_time_paid_from_the_wallet_on_the_authority_records_sale_and_bill(site):
    """A wallet payment is a strict operation: it is asked before the sale's transaction. The
    bill used to open its own transaction around checkout, so the ask ran inside it and the
    counter got a RuntimeError instead of a sale (found by review)."""
    from engine import localstate
    from engine.entitlements import add_lot, balance
    from engine.ids import device_id

    with write():
        localstate.put_json(localstate.SYNC_CONFIG, {"authority": device_id(), "site": "DEMO",
                                                     "broker": "127.0.0.1:1"})
        Staff.create(code="MGR", name="Mia", role="manager")
    add_lot("M001", "money", "manual", 5000, "MGR", "x", T0)
    session = guest("PS5-1", 40)
    cart = Cart("COUNTER1")
    cart.member = "M001"
    add_station_time(cart, session)
    sale = checkout_cart(cart, [PaymentInput("wallet", 400)], T0 + minutes(41), staff="S01")
    assert receipt_sessions(sale.receipt)[1].session == session
    assert balance("M001", T0 + minutes(41), lots=False).money.total == 4600
