"""The till attacked (issue 18, a hostile review of park, override and cash moves): guessing a
manager's PIN on the approval keypad, a back-dated cash out, a parked cart that cannot be read,
an override of something that is not an item or resource. Each refused, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from test_till_engine import AT, a_cart, counts, refused

from engine.errors import PlaydeskError
from engine.models.till import ParkedReceipt
from engine.people.staff import StaffLoginRefused
from engine.pricing import LineInput, ReceiptInput
from engine.sales.cash_moves import move_cash
from engine.sales.checkout import checkout
from engine.sales.overrides import approver_by_pin, record_override
from engine.sales.park import park_receipt, parked_receipts, resume_receipt
from engine.sales.receiptfile import PaymentInput
from engine.sales.refunds import refund_receipt
from engine.sales.shifts import expected_cash, get_shift, open_shift


@pytest.fixture
def site(demo_site):
    from engine.models import Staff
    from engine.people.pins import hash_pin

    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def test_the_approval_keypad_slows_guessing_and_a_cashiers_pin_resets_nothing(site):
    refusals = []
    for guess in ("9999", "1111", "9998", "1111", "9997"):  # Sam's own PIN between guesses
        with pytest.raises(StaffLoginRefused) as refused_login:
            approver_by_pin(guess, AT, "COUNTER1")
        refusals.append(refused_login.value)
    # a cashier's PIN is a wrong PIN here: after three, the keypad waits, longer each time
    assert refusals[-1].until is not None and refusals[-1].until > AT
    with pytest.raises(StaffLoginRefused, match="the next in"):
        approver_by_pin("2222", AT, "COUNTER1")  # even the right PIN waits its turn
    later = AT + dt.timedelta(minutes=2)
    assert approver_by_pin("2222", later, "COUNTER1").code == "S02"
    # the login keypad's own count is apart: Sam logs in at once
    from engine.people.staff import login

    assert login("1111", AT, "COUNTER1").code == "S01"


def test_a_back_dated_cash_out_is_refused_and_the_guard_sees_every_fact(site):
    shift = open_shift("S01", 1000, AT, "COUNTER1").id
    refused("before shift", move_cash, "out", 500, "safe drop", "S01",
            AT - dt.timedelta(hours=1), shift)
    # a cash sale of 450, refunded at a time the clock later goes back past
    sale = checkout(ReceiptInput("COUNTER1", (LineInput(item="COLA"), LineInput(item="CHIPS"))),
                    [PaymentInput("cash", None)], AT + dt.timedelta(minutes=1), staff="S01",
                    shift=shift)
    refund_receipt(sale.receipt, "S02", "spilled", AT + dt.timedelta(minutes=30), shift=shift)
    holds = expected_cash(get_shift(shift), AT + dt.timedelta(hours=1))
    assert holds == 1000
    refused("more than", move_cash, "out", holds + 1, "safe drop", "S01",
            AT + dt.timedelta(minutes=5), shift)  # the clock says before the refund
    assert move_cash("out", holds, "safe drop", "S01", AT + dt.timedelta(minutes=5), shift)


def test_a_parked_cart_that_cannot_be_read_stays_parked(site):
    shift = open_shift("S01", 0, AT, "COUNTER1").id
    parked = park_receipt(a_cart(), "S01", AT, shift, total=450)
    ParkedReceipt.update(cart='{"lines": [{"kind": "item"}]').where(
        ParkedReceipt.id == parked.id).execute()  # damaged, or from another build
    refused("cannot be read", resume_receipt, parked.id, "S01", AT)
    assert [p.id for p in parked_receipts("S01")] == [parked.id]


def test_a_parked_total_must_be_an_amount(site):
    shift = open_shift("S01", 0, AT, "COUNTER1").id
    for total in (10 ** 13, 12.9, "abc", -1):
        refused("whole amount", park_receipt, a_cart(), "S01", AT, shift, total=total)


def test_an_override_with_an_old_price_still_checks_what_it_changes(site):
    shift = open_shift("S01", 0, AT, "COUNTER1").id
    refused("not a package", record_override, "package", "SUMMER/PREMIUM", 100, "goodwill",
            "S01", "S02", AT, shift, old_price=4500)
    refused("unknown item", record_override, "item", "NOPE", 100, "goodwill", "S01", "S02", AT,
            shift, old_price=250)
    refused("old price", record_override, "item", "COLA", 100, "goodwill", "S01", "S02", AT,
            shift, old_price=-7)
    with pytest.raises(PlaydeskError):
        record_override("item", "COLA", 100, "goodwill", "S01", "S01", AT, shift)  # no manager
    assert counts()[4] == 0


def test_a_no_sale_needs_a_shift(site):
    from engine.sales.no_sale import record_no_sale

    refused("needs an open shift", record_no_sale, "S01", AT, None)
