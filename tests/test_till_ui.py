"""The till on the counter's screens (issue 18 items 4 and 5), by taps and scans only: a quick
key sells a line, a receipt is parked and resumed, logging out with an open receipt parks it
(or voids it, noted), cash in/out and "no sale" open the drawer through the printer and are
recorded, and a line's price changes only with a manager's PIN. At 1024x600 and 1280x800."""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.models import Staff
from engine.models.shifts import ReceiptVoid
from engine.models.till import CashMove, NoSale, ParkedReceipt, ParkedResume, PriceOverride
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 12, 0)  # no happy hour
SIZES = ((1024, 600), (1280, 800))

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def counter_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "till", AT)
    path = next(database)
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S03", name="Kim", role="cashier", pin_hash=hash_pin("3333"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def counter(display, counter_db, tmp_path_factory):
    def make_app(printer):
        from counter.app import CounterApp

        return CounterApp(FixedClock(AT), location="COUNTER1", printer=printer)

    yield from ui_harness.drive_app(make_app, "1280x800", tmp_path_factory)


def log_in(ui, name: str, pin: str) -> None:
    ui.tap(ui.button(name))
    for key in pin:
        ui.tap(ui.button(key))
    ui.tap(ui.button("Log in"))
    if ui.app.screens.current == "shift_open":
        for key in "5000":
            ui.tap(ui.button(key))
        ui.tap(ui.button("Open shift"))
    assert ui.app.screens.current == "receipt"


def tile(ui, code: str):
    return next(b for b in ui.widgets() if getattr(b, "quick_key", None) == code
                and b.get_root_window() is not None)


def lines(ui) -> list[tuple[str, int]]:
    return [(line.code, line.quantity) for line in ui.app.screens.get_screen("receipt").cart.lines]


def fits(ui, name: str, size) -> None:
    ui.shot(f"{name}-{size[0]}x{size[1]}")
    assert not ui.layout_problems(), (name, size, ui.layout_problems())


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_quick_keys_park_resume_and_logout(counter, request, size):
    ui = counter.begin(request.node.name, AT, size=size)
    log_in(ui, "Sam", "1111")
    ui.tap(ui.button("Fridge"))
    ui.tap(tile(ui, "WATER"))
    ui.tap(tile(ui, "WATER"))
    ui.tap(ui.button("Play time"))
    ui.tap(tile(ui, "PS5-HOUR"))
    assert lines(ui) == [("WATER", 2), ("PS5-HOUR", 1)]
    assert ui.app.screen.total == "€9.00"  # repriced: 2 x 1.50 + 6.00
    fits(ui, "quick-keys", size)

    parks = ParkedReceipt.select().count()
    ui.tap(ui.button("Park"))
    assert ui.app.screen.cart.empty and ParkedReceipt.select().count() == parks + 1
    ui.tap(tile(ui, "HEADSET"))
    # logging out with a receipt open asks; going back keeps it
    ui.tap(ui.button("Log out"))
    ui.shot(f"logout-asked-{size[0]}x{size[1]}")
    ui.tap(ui.button("No, go back"))
    assert ui.app.staff is not None and lines(ui) == [("HEADSET", 1)]
    ui.tap(ui.button("Log out"))
    ui.tap(ui.button("Park it and log out"))
    assert ui.app.screens.current == "login"
    assert ParkedReceipt.select().count() == parks + 2

    log_in(ui, "Kim", "3333")  # another cashier does not see Sam's parks
    ui.tap(ui.button("Till"))
    assert "No parked receipts." in ui.texts()
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Log out"))  # nothing open: no question

    log_in(ui, "Sam", "1111")
    ui.tap(ui.button("Till"))
    resumes = [b for b in ui.widgets() if getattr(b, "parked", None)]
    assert len(resumes) == 2
    fits(ui, "till", size)
    first = sorted(resumes, key=lambda b: b.parked)[0]
    ui.tap(first)
    assert ui.app.screens.current == "receipt"
    assert lines(ui) == [("WATER", 2), ("PS5-HOUR", 1)]
    assert ParkedResume.get(ParkedResume.parked == first.parked).staff == "S01"
    voids = ReceiptVoid.select().count()
    ui.tap(ui.button("Log out"))
    ui.tap(ui.button("Void it and log out"))
    assert ReceiptVoid.select().count() == voids + 1  # voided, and the void noted
    log_in(ui, "Sam", "1111")
    ui.tap(ui.button("Till"))
    ui.tap(next(b for b in ui.widgets() if getattr(b, "parked", None)))
    assert lines(ui) == [("HEADSET", 1)]
    ui.tap(ui.button("Void receipt"))
    ui.tap(ui.button("Yes, void it"))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_cash_in_out_and_no_sale_open_the_drawer(counter, request, size):
    ui = counter.begin(request.node.name, AT, size=size)
    log_in(ui, "Sam", "1111")
    ui.tap(ui.button("Till"))
    moves = CashMove.select().count()
    ui.tap(ui.button("Cash in"))
    assert "Type the amount first." in ui.texts()
    for key in "2000":
        ui.tap(ui.button(key))
    ui.tap(ui.button("Cash in"))
    assert "Tap a reason first." in ui.texts() and CashMove.select().count() == moves
    ui.tap(ui.button("Change"))
    ui.tap(ui.button("Cash in"))
    move = CashMove.select().order_by(CashMove.id.desc()).first()
    assert (move.direction, move.amount, move.reason) == ("in", 2000, "Change")
    assert "In €20.00 · Change" in ui.texts()
    printed = ui.prints / f"drawer_slip-{move.id}.bin"
    assert b"\x1bp" in printed.read_bytes()  # the drawer kick
    for key in "99999":
        ui.tap(ui.button(key))
    ui.tap(ui.button("Safe drop"))
    ui.tap(ui.button("Cash out"))
    assert any("more than" in text for text in ui.texts())  # the drawer holds less
    assert CashMove.select().count() == moves + 1
    ui.tap(ui.button("No sale"))
    no_sale = NoSale.select().order_by(NoSale.id.desc()).first()
    assert no_sale.staff == "S01" and no_sale.shift == ui.app.shift
    assert b"\x1bp" in (ui.prints / f"drawer_slip-{no_sale.id}.bin").read_bytes()
    fits(ui, "till-moves", size)
    ui.tap(ui.button("Back"))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_new_price_needs_a_managers_pin(counter, request, size):
    ui = counter.begin(request.node.name, AT, size=size)
    log_in(ui, "Sam", "1111")
    ui.tap(ui.button("Fridge"))
    ui.tap(tile(ui, "COLA"))
    ui.tap(ui.button("Price"))
    assert ui.app.screens.current == "price_override"
    for key in "199":
        ui.tap(ui.button(key))
    ui.tap(ui.button("Manager approves"))
    assert "Tap a reason first." in ui.texts()
    ui.tap(ui.button("Damaged"))
    ui.tap(ui.button("Manager approves"))
    fits(ui, "override-pin", size)
    overrides = PriceOverride.select().count()
    for key in "3333":  # a cashier's PIN approves nothing
        ui.tap(ui.button(key))
    ui.tap(ui.button("Approve"))
    assert any("needs a manager" in text for text in ui.texts())
    assert PriceOverride.select().count() == overrides
    for key in "2222":
        ui.tap(ui.button(key))
    ui.tap(ui.button("Approve"))
    assert ui.app.screens.current == "receipt"
    row = PriceOverride.select().order_by(PriceOverride.id.desc()).first()
    assert (row.code, row.old_price, row.new_price, row.approved_by, row.reason) == \
        ("COLA", 250, 199, "S02", "Damaged")
    assert ui.app.screen.total == "€1.99"
    fits(ui, "overridden", size)
    ui.tap(ui.button("Void receipt"))
    ui.tap(ui.button("Yes, void it"))
