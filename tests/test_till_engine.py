"""The till's operations (issue 18 item 5): park and resume, cash in and out, no sale, price
overrides; each one transaction, refused with nothing written, roles in the engine, a CLI
command printing JSON."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json

import pytest

from engine.errors import PlaydeskError
from engine.models import Event, Staff
from engine.models.till import CashMove, NoSale, ParkedReceipt, ParkedResume, PriceOverride
from engine.people.pins import hash_pin
from engine.sales.cart import Cart, apply_scan
from engine.sales.cash_moves import move_cash
from engine.sales.no_sale import record_no_sale
from engine.sales.overrides import approver_by_pin, override_line, record_override
from engine.sales.park import park_receipt, parked_receipts, resume_receipt
from engine.sales.shifts import close_shift, open_shift, shift_report

AT = dt.datetime(2026, 7, 3, 12, 0)  # no happy hour
TILL_TABLES = (ParkedReceipt, ParkedResume, CashMove, NoSale, PriceOverride)


@pytest.fixture
def site(demo_site):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S03", name="Kim", role="cashier", pin_hash=hash_pin("3333"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def counts() -> tuple[int, ...]:
    return (*(model.select().count() for model in TILL_TABLES), Event.select().count())


def refused(match: str, call, *args, **kwargs) -> None:
    """The call is refused with `match` and writes nothing (no row, no event)."""
    before = counts()
    with pytest.raises(PlaydeskError, match=match):
        call(*args, **kwargs)
    assert counts() == before


def a_cart() -> Cart:
    cart = Cart("COUNTER1")
    for code in ("4006381333931", "CHIPS", "MEM0001"):
        assert apply_scan(cart, code, AT).accepted
    return cart


def test_a_parked_receipt_is_resumed_once_by_its_cashier_or_a_manager(site):
    shift = open_shift("S01", 0, AT, "COUNTER1").id
    cart = a_cart()
    parked = park_receipt(cart, "S01", AT, shift, total=cart.price(AT).total)
    assert (parked.lines, parked.total, parked.reason) == (2, 450, "park")
    assert [p.id for p in parked_receipts("S01")] == [parked.id]
    assert parked_receipts("S03") == []  # another cashier does not see it
    assert [p.id for p in parked_receipts("S02")] == [parked.id]  # a manager sees every one
    refused("parked by S01", resume_receipt, parked.id, "S03", AT)
    back = resume_receipt(parked.id, "S01", AT + dt.timedelta(minutes=5))
    assert [(line.code, line.quantity) for line in back.lines] == [("COLA", 1), ("CHIPS", 1)]
    assert back.member == "M001" and back.price(AT).total == 450
    refused("resumed already", resume_receipt, parked.id, "S02", AT)
    assert parked_receipts("S02") == []
    kinds = [e.type for e in Event.select().where(Event.type.startswith("till."))]
    assert kinds == ["till.park", "till.resume"]


def test_a_manager_resumes_any_park_and_a_park_keeps_overridden_prices(site):
    cart = a_cart()
    cart.lines[0].unit_price = 199
    parked = park_receipt(cart, "S03", AT, reason="logout")
    back = resume_receipt(parked.id, "S02", AT)
    assert back.lines[0].unit_price == 199 and back.lines[0].name == "Cola 0.5 l"


def test_bad_parks_write_nothing(site):
    refused("empty", park_receipt, Cart("COUNTER1"), "S01", AT)
    refused("unknown staff", park_receipt, a_cart(), "S99", AT)
    refused("unknown shift", park_receipt, a_cart(), "S01", AT, "COUNTER1-SH99")
    refused("reason", park_receipt, a_cart(), "S01", AT, reason="bored")
    refused("unknown parked", resume_receipt, "COUNTER1-PK9", "S01", AT)


def test_cash_in_and_out_count_in_the_expected_cash_and_the_report(site):
    shift = open_shift("S01", 5000, AT, "COUNTER1").id
    move_cash("in", 2000, "change from the bank", "S01", AT, shift)
    move_cash("out", 6000, "safe drop", "S02", AT, shift)
    report = shift_report(shift, AT)
    assert report.cash.expected == 5000 + 2000 - 6000
    assert [(m.direction, m.amount, m.reason) for m in report.cash_moves] == [
        ("in", 2000, "change from the bank"), ("out", 6000, "safe drop")]
    refused("more than the 1000", move_cash, "out", 1001, "too much", "S01", AT, shift)
    refused("reason", move_cash, "in", 100, "  ", "S01", AT, shift)
    refused("1 to", move_cash, "in", 0, "nothing", "S01", AT, shift)
    refused("1 to", move_cash, "in", -5, "negative", "S01", AT, shift)
    refused("'in' or 'out'", move_cash, "sideways", 5, "x", "S01", AT, shift)
    refused("needs an open shift", move_cash, "in", 5, "x", "S01", AT, None)
    refused("unknown staff", move_cash, "in", 5, "x", "S99", AT, shift)
    closing = close_shift(shift, "S01", 1000, AT)
    assert closing.cash.difference == 0
    refused("was closed", move_cash, "in", 5, "late", "S01", AT, shift)


def test_no_sale_is_recorded_and_counted(site):
    shift = open_shift("S01", 0, AT, "COUNTER1").id
    record_no_sale("S01", AT, shift)
    record_no_sale("S01", AT, shift, reason="change for a 50")
    assert shift_report(shift, AT).no_sales == 2
    refused("unknown staff", record_no_sale, "S99", AT, shift)
    refused("unknown shift", record_no_sale, "S01", AT, "COUNTER1-SH9")


def test_a_price_override_needs_a_managers_approval(site):
    shift = open_shift("S01", 0, AT, "COUNTER1").id
    cart = a_cart()
    manager = approver_by_pin("2222", AT, "COUNTER1")
    assert manager.code == "S02"
    with pytest.raises(PlaydeskError, match="not a manager's PIN"):
        approver_by_pin("3333", AT, "COUNTER1")  # a cashier's PIN approves nothing
    refused("needs a manager", override_line, cart, 0, 100, "dented", "S01", "S03", AT, shift)
    refused("reason", override_line, cart, 0, 100, "", "S01", "S02", AT, shift)
    refused("0 to", override_line, cart, 0, -1, "dented", "S01", "S02", AT, shift)
    refused("pick the line", override_line, cart, 5, 100, "dented", "S01", "S02", AT, shift)
    refused("already", override_line, cart, 0, 250, "same", "S01", "S02", AT, shift)
    row = override_line(cart, 0, 100, "dented can", "S01", "S02", AT, shift)
    assert (row.old_price, row.new_price, row.approved_by, row.code) == (250, 100, "S02", "COLA")
    assert cart.lines[0].unit_price == 100 and cart.price(AT).total == 300
    assert shift_report(shift, AT).price_overrides == 1
    refused("only an item's or a resource's", record_override, "package", "SUMMER/BASIC", 1,
            "x", "S01", "S02", AT)


def run_cli(db_path, *argv: str) -> object:
    from engine.cli import main

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = main(["--db", str(db_path), "--at", "2026-07-03T12:00", *argv])
    assert code == 0, output.getvalue()
    return json.loads(output.getvalue())


def test_the_till_commands(site, db_path, tmp_path, capsys):
    from engine.cli import main

    shift = open_shift("S01", 1000, AT, "COUNTER1").id
    receipt = tmp_path / "r.yaml"
    receipt.write_text("location: COUNTER1\nlines:\n  - {item: COLA, quantity: 2}\n")
    parked = run_cli(db_path, "till", "park", str(receipt), "--staff", "S01", "--shift", shift)
    assert (parked["lines"], parked["total"], parked["names"]) == (1, 500, ["Cola 0.5 l"])
    assert [p["id"] for p in run_cli(db_path, "till", "parked", "--staff", "S01")] == \
        [parked["id"]]
    resumed = run_cli(db_path, "till", "resume", parked["id"], "--staff", "S01")
    assert resumed["lines"][0]["quantity"] == 2
    moved = run_cli(db_path, "till", "cash-out", "--staff", "S01", "--shift", shift,
                    "--amount", "300", "--reason", "safe drop")
    assert (moved["direction"], moved["amount"]) == ("out", 300)
    assert run_cli(db_path, "till", "no-sale", "--staff", "S01", "--shift", shift)["staff"] == \
        "S01"
    override = run_cli(db_path, "till", "override", "--staff", "S01", "--approved-by", "S02",
                       "--item", "COLA", "--price", "200", "--reason", "dented")
    assert (override["old_price"], override["new_price"]) == (250, 200)
    capsys.readouterr()
    before = counts()
    assert main(["--db", str(db_path), "till", "cash-in", "--staff", "S01", "--shift", shift,
                 "--amount", "0", "--reason", "x"]) == 2
    assert "playdesk: error:" in capsys.readouterr().err
    assert main(["--db", str(db_path), "till", "override", "--staff", "S01", "--approved-by",
                 "S03", "--item", "COLA", "--price", "1", "--reason", "x"]) == 2
    assert counts() == before
    assert shift_report(shift, AT).cash.expected == 700
