"""The till's facts reach the other devices (issue 18 item 5): a counter's parks, resumes,
cash moves, no-sales and price overrides are applied on another counter as they are, and false
ones (as a stolen key could sign them) are refused and kept as conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
from sync_helpers import provision, using
from test_sync_fact_checks import apply_on, conflicts_of, forged, with_site

AT = dt.datetime(2026, 7, 3, 12, 0)
TILL_TABLES = ("parked_receipt", "parked_resume", "cash_move", "no_sale", "price_override")


@pytest.fixture
def site(tmp_path):
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)
        with using(device.db):
            from engine.db import write
            from engine.models import Staff

            with write():
                Staff.create(code="S01", name="Sam", role="cashier")
    return devices


def events_of(device) -> list[dict]:
    from engine.models import Event

    with using(device.db):
        return [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                 "payload": e.payload, "sig": e.sig}
                for e in Event.select().where((Event.device == device.name)
                                              & (Event.type != "definitions"))]


def test_a_counters_till_facts_are_applied_on_another_counter(site):
    from engine.sales.cart import Cart, apply_scan
    from engine.sales.cash_moves import move_cash
    from engine.sales.no_sale import record_no_sale
    from engine.sales.overrides import override_line
    from engine.sales.park import park_receipt, resume_receipt
    from engine.sales.shifts import open_shift

    c1, c2, _ = site
    with using(c1.db):
        shift = open_shift("S01", 1000, AT, "COUNTER1").id
        cart = Cart("COUNTER1")
        apply_scan(cart, "COLA", AT)
        override_line(cart, 0, 200, "dented", "S01", "MGR", AT, shift)
        parked = park_receipt(cart, "S01", AT, shift, total=200)
        resume_receipt(parked.id, "S01", AT)
        move_cash("in", 500, "change", "S01", AT, shift)
        move_cash("out", 300, "safe drop", "S01", AT, shift)
        record_no_sale("S01", AT, shift)
    touched = apply_on(c2, [dict(e, seq=n) for n, e in enumerate(events_of(c1), 1)])
    assert touched.rejected == [] and conflicts_of(c2) == []
    for table in TILL_TABLES:
        query = f"SELECT * FROM {table} ORDER BY 1"
        assert c2.sql(query) == c1.sql(query) != [], table


def cash_move(**changes) -> dict:
    return {"cash_move": [{"id": "C1-CM1", "shift": "C1-SH1", "direction": "in", "amount": 100,
                           "reason": "change", "staff": "S01", "at": AT.isoformat(),
                           "device": "C1", **changes}]}


def override(**changes) -> dict:
    return {"price_override": [{"id": "C1-PO1", "shift": None, "kind": "item", "code": "COLA",
                                "old_price": 250, "new_price": 0, "reason": "free",
                                "staff": "S01", "approved_by": "MGR", "at": AT.isoformat(),
                                "device": "C1", **changes}]}


FALSE = {
    "cash moved sideways": (cash_move(direction="up"), "bad_cash_move"),
    "a cash move of nothing": (cash_move(amount=0), "bad_amount"),
    "a negative cash move": (cash_move(amount=-100), "bad_amount"),
    "a cash move without a reason": (cash_move(reason=" "), "bad_cash_move"),
    "cash into another device's drawer": (cash_move(shift="C2-SH1"), "id_namespace"),
    "a cash move in C2's namespace": (cash_move(id="C2-CM1"), "id_namespace"),
    "an override approved by a cashier": (override(approved_by="S01"), "not_approved"),
    "an override approved by nobody known": (override(approved_by="X"), "not_approved"),
    "an override of a package": (override(kind="package"), "bad_override"),
    "a resume of C2's park": ({"parked_resume": [{"parked": "C2-PK1", "staff": "S01",
                                                  "at": AT.isoformat(), "device": "C1"}]},
                              "id_namespace"),
    "a parked receipt without a cart": ({"parked_receipt": [{
        "id": "C1-PK1", "shift": None, "staff": "S01", "location": None, "cart": "[]",
        "lines": 1, "total": 0, "reason": "park", "at": AT.isoformat(), "device": "C1"}]},
        "bad_park"),
    # the hostile review of issue 18: facts true in form but false in what they name
    "cash into a shift C1 never opened": (cash_move(), "wrong_shift"),
    "a no sale on C2's shift": ({"no_sale": [{"id": "C1-NS1", "shift": "C2-SH1", "staff": "S01",
                                              "reason": None, "at": AT.isoformat(),
                                              "device": "C1"}]}, "wrong_shift"),
    "a no sale by staff the site never had": ({"no_sale": [{
        "id": "C1-NS1", "shift": None, "staff": "NOBODY", "reason": None, "at": AT.isoformat(),
        "device": "C1"}]}, "unknown_staff"),
    "a resume of a park never made": ({"parked_resume": [{"parked": "C1-PK42", "staff": "S01",
                                                          "at": AT.isoformat(),
                                                          "device": "C1"}]}, "bad_resume"),
    "a park with a made-up reason": ({"parked_receipt": [{
        "id": "C1-PK1", "shift": None, "staff": "S01", "location": None,
        "cart": '{"lines": []}', "lines": 1, "total": 0, "reason": "gift",
        "at": AT.isoformat(), "device": "C1"}]}, "bad_park"),
    "quick keys as rows": ({"quick_key_page": [{"id": 1, "code": "X", "name": "X",
                                                "position": 0, "tiles": "[]",
                                                "deleted": False, "version": None}]},
                           "forbidden_rows"),
}


@pytest.mark.parametrize("case", sorted(FALSE))
def test_a_false_till_fact_is_refused(site, case):
    _, c2, _ = site
    rows, reason = FALSE[case]
    touched = apply_on(c2, [forged(1, "till.fact", rows, origin="C1")])
    assert [(seq, why) for _, seq, why, _ in touched.rejected] == [(1, reason)]
    assert conflicts_of(c2) == [("rejected", "C1", 1, reason)]
    for table in TILL_TABLES:
        assert c2.sql(f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    assert c2.sql("SELECT code FROM quick_key_page") == [("FRIDGE",), ("PLAY",)]


def test_a_kiosk_sends_no_till_facts(site):
    _, c2, _ = site
    touched = apply_on(c2, [forged(1, "till.fact", cash_move(id="K1-CM1", device="K1"))])
    assert [why for _, _, why, _ in touched.rejected] == ["forbidden_type"]
