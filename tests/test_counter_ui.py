"""The real counter app under Xvfb: login, shift, a full sale by scans, split payment, printing,
refund, shift close, and manager mode (campaigns of every kind, activation, the lock).

One app per module (Kivy has one window per process). Screenshots of every screen go to
tests/artifacts/<test>/; look at them after a change.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.coupons.cancel import cancel
from engine.coupons.wizard import generate
from engine.models import Receipt, Staff
from engine.models.shifts import ReceiptRefund, ShiftClose
from engine.people.pins import hash_pin
from engine.sitefile.campaign_form import save_campaign, set_campaign_state

AT = dt.datetime(2026, 7, 3, 17, 0)  # a Friday in happy hour, the summer campaign running
CASHIER_PIN, MANAGER_PIN = "1111", "2222"
CODES: dict[str, str] = {}

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def counter_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "counter", AT)
    path = next(database)
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin(CASHIER_PIN))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin(MANAGER_PIN))
    good = generate("WELCOME", 1, AT, created_by="S02", discount_type="reduce", value=200)
    used = generate("WELCOME", 1, AT, created_by="S02", discount_type="reduce", value=300)
    cancel(used[0].code, AT, "S02")
    CODES["good"], CODES["canceled"] = good[0].code, used[0].code
    save_campaign("couponing", {"code": "LOYAL", "name": "Loyalty voucher",
                                "notification_type": "always", "print_type": "coupon"},
                  AT, "S02")
    set_campaign_state("LOYAL", "activate", AT, "S02")
    CODES["loyal"] = generate("LOYAL", 1, AT, sales_type="contact", sales_filter="M003",
                              discount_type="reduce", value=100)[0].code
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def counter(display, counter_db, tmp_path_factory):
    def make_app(printer):
        from counter.app import CounterApp

        return CounterApp(FixedClock(AT), location="COUNTER1", printer=printer)

    yield from ui_harness.drive_app(make_app, "1280x800", tmp_path_factory)


@pytest.fixture
def ui(counter, request):
    return counter.begin(request.node.name, AT)


def scan(ui, text: str) -> None:
    ui_harness.scan(ui, text, lambda: (ui.app.screens.current, ui.app.screen.message.text))


def type_pin(ui, pin: str) -> None:
    for key in pin:
        ui.tap(ui.button(key))


def login(ui, name: str | None, pin: str) -> None:
    if name:
        ui.tap(ui.button(name))
    type_pin(ui, pin)
    ui.tap(ui.button("Log in"))


def test_sale_by_scans_split_payment_and_shift_close(ui):
    ui.shot("login")
    login(ui, "Sam", CASHIER_PIN)
    assert ui.app.screens.current == "shift_open"
    type_pin(ui, "10000")
    ui.shot("shift-open")
    ui.tap(ui.button("Open shift"))
    assert ui.app.screens.current == "receipt"
    scan(ui, "4006381333931")  # cola by barcode
    scan(ui, "4006381333931")
    scan(ui, "CHIPS")
    scan(ui, "MEM0001")
    ui.shot("receipt")
    lines = ui.app.screen.lines_view.data
    assert [row["name"] for row in lines] == ["Cola 0.5 l", "  − Happy hour 20% on drinks",
                                               "Chips"]
    assert ui.app.screen.total_label.text == "€6.00"

    scan(ui, CODES["canceled"])
    assert "refused: canceled" in ui.app.screen.message.text
    assert CODES["canceled"] not in ui.app.screen.cart.coupons
    ui.shot("coupon-refused")
    scan(ui, CODES["good"])
    assert ui.app.screen.message.text == f"Coupon {CODES['good']} added"
    assert ui.app.screen.total_label.text == "€4.00"
    ui.shot("coupon-accepted")

    ui.tap(ui.button("Pay €4.00"))
    assert ui.app.screens.current == "payment"
    ui.tap(ui.button("Card"))  # nothing typed: the card pays what is due
    ui.tap(ui.button("Remove"))
    ui.tap(ui.button("Yes, remove it"))  # asked first (issue 18 item 4)
    type_pin(ui, "150")
    ui.tap(ui.button("Card"))
    ui.tap(ui.button("€5.00"))  # a 5 € note for the €2.50 still due
    assert "Change €2.50" in ui.texts()
    ui.shot("payment-split")
    ui.tap(ui.button("Complete sale"))
    assert ui.app.screens.current == "done"
    ui.shot("done")
    receipt = Receipt.select().order_by(Receipt.at.desc(), Receipt.id.desc()).first()
    assert (receipt.total, receipt.change, receipt.shift) == (400, 250, ui.app.shift)
    printed = ui.prints / f"receipt-{receipt.id}.png"
    escpos = (ui.prints / f"receipt-{receipt.id}.bin").read_bytes()
    assert printed.exists()
    shutil.copy(printed, ui.folder / "printed-receipt.png")  # to look at with the screens
    assert escpos.startswith(b"\x1b@") and b"\x1bp" in escpos  # reset, then the drawer kick
    # WELCOME prints per print_type "coupon": its reduction is labelled with the coupon's code
    assert CODES["good"].encode() in escpos and b"Welcome voucher" not in escpos
    assert not ui.layout_problems()

    ui.tap(ui.button("Next customer"))
    ui.tap(ui.button("Close shift"))
    type_pin(ui, "10250")
    ui.shot("shift-close")
    ui.tap(ui.button("Close shift and print report"))
    ui.tap(ui.button("Yes, close the shift"))  # asked first (issue 18 item 4)
    assert ui.app.screens.current == "shift_report"
    ui.shot("shift-report")
    day_close = ui.app.screen.ids.day_close  # a cashier is told who closes the day
    assert (day_close.text, day_close.disabled) == ("A manager closes the day", True)
    closing = ShiftClose.get(ShiftClose.shift == receipt.shift)
    assert (closing.expected_cash, closing.counted_cash, closing.difference) == (10250, 10250, 0)
    report = ui.prints / f"shift_report-{receipt.shift}.png"
    assert report.exists()
    shutil.copy(report, ui.folder / "printed-shift-report.png")
    printed_report = (ui.prints / f"shift_report-{receipt.shift}.bin").read_bytes()
    for figure in (rb"Discounts by campaign", rb"Happy hour 20% on drinks +1x -1\.00",
                   rb"Welcome voucher +1x -2\.00", rb"Welcome voucher +1x\n", rb"CASH DRAWER",
                   rb"Opening +100\.00", rb"Expected +102\.50", rb"Counted +102\.50",
                   rb"Difference +0\.00", rb"Card +1\.50", rb"Cash +2\.50"):
        assert re.search(figure, printed_report), figure


def row_button(ui, text: str, code: str):
    found = [b for b in ui.buttons(text) if getattr(b, "campaign_code", None) == code]
    assert len(found) == 1, f"{len(found)} {text!r} buttons for {code}"
    ui.app.screen.ids.scroller.scroll_to(found[0], padding=10, animate=False)  # a finger scrolls
    return found[0]


def manager_login(ui) -> None:
    login(ui, "Maria", MANAGER_PIN)
    if ui.app.screens.current == "shift_open":
        type_pin(ui, "0")
        ui.tap(ui.button("Open shift"))
    ui.tap(ui.button("Manager"))
    assert ui.app.screens.current == "manager"


def fill_form(ui, values: dict[str, str]) -> None:
    """Type the text fields; tap the choice buttons (enums and yes/no) as a manager would."""
    form = ui.app.screen
    for path, text in values.items():
        field = form.inputs[path]
        if hasattr(field, "buttons"):
            ui.tap(form.choose(path, text))
            assert field.text == text, (path, field.text)
        else:
            field.text = text


def test_manager_creates_a_campaign_of_each_kind_and_activates_it(ui):
    from test_campaign_form import FORMS

    from counter.names import campaign_type_name

    manager_login(ui)
    ui.shot("campaigns")
    for kind, values in FORMS.items():
        ui.tap(ui.button("+ " + campaign_type_name(kind)))  # human names (issue 18 item 6)
        assert ui.app.screens.current == "campaign_form"
        fill_form(ui, values)
        ui.shot(f"new-{kind}")
        ui.tap(ui.button("Save"))
        assert ui.app.screen.message.text == f"Campaign {values['code']} saved.", \
            ui.app.screen.message.text
        ui.tap(row_button(ui, "Activate", values["code"]))
        assert ui.app.screen.message.text == f"Campaign {values['code']} is now active."
    ui.shot("campaigns-after")
    from engine.models import Campaign

    created = Campaign.select().where(Campaign.code.in_([v["code"] for v in FORMS.values()]))
    assert {c.type: c.active for c in created} == {kind: True for kind in FORMS}


def test_the_lock_refuses_editing_an_active_discount_campaign(ui):
    manager_login(ui)
    ui.tap(row_button(ui, "Edit", "SNACK3FOR2"))
    form = ui.app.screen
    assert form.inputs["buy"].text == "3" and form.inputs["code"].readonly
    form.inputs["buy"].text = "4"
    ui.tap(ui.button("Save"))
    assert "campaign SNACK3FOR2 is active: deactivate it first" in form.message.text
    ui.shot("lock-refused")
    ui.tap(ui.button("Cancel"))
    ui.tap(row_button(ui, "Deactivate", "SNACK3FOR2"))
    ui.tap(row_button(ui, "Edit", "SNACK3FOR2"))
    ui.app.screen.inputs["buy"].text = "4"
    ui.tap(ui.button("Save"))
    assert ui.app.screen.message.text == "Campaign SNACK3FOR2 saved."
    ui.tap(row_button(ui, "Activate", "SNACK3FOR2"))


def test_manager_tools(ui):
    manager_login(ui)
    ui.app.handle_scan("CAMPWELCOME")  # a campaign barcode brings its row into sight
    ui.pump(4)
    ui.tap(row_button(ui, "Coupons", "WELCOME"))
    ui.app.screen.inputs["quantity"].text = "3"
    ui.app.screen.inputs["value"].text = "250"
    ui.tap(ui.button("Generate"))
    assert ui.app.screen.message.text == "3 coupons generated."
    ui.tap(ui.button("Print coupons"))
    assert ui.app.screen.message.text == "3 coupons printed."
    assert len(list(ui.prints.glob("coupon-*.png"))) == 3
    ui.shot("coupon-wizard")
    ui.tap(ui.button("Back"))
    ui.tap(row_button(ui, "Entries", "HAPPY"))
    ui.shot("entries")
    ui.tap(ui.button("Back"))
    ui.app.handle_scan("SUMMER")
    ui.pump(4)
    # one package sold on a receipt, one sold alone: only the second has its own Refund button
    from counter.screens.purchases import LIMIT as PURCHASES_SHOWN
    from engine.entitlements import purchase, purchase_records
    from engine.pricing import LineInput, ReceiptInput
    from engine.sales.checkout import checkout
    from engine.sales.receiptfile import PaymentInput

    on_receipt = checkout(ReceiptInput("COUNTER1", (LineInput(package="SUMMER/BASIC"),),
                                       member="M003"), [PaymentInput("cash", None)], AT)
    alone = purchase("M003", "SUMMER/BASIC", "cash", "counter", AT, location="COUNTER1")
    ui.tap(row_button(ui, "Purchases", "SUMMER"))
    ui.shot("purchases")
    shown = purchase_records(campaign="SUMMER", at=AT)[-PURCHASES_SHOWN:]
    assert f"refund on receipt {on_receipt.receipt}" in ui.texts()
    assert len(ui.buttons("Refund")) == sum(1 for r in shown
                                            if r["receipt"] is None and r["refund"] is None)
    assert any(alone.id in text for text in ui.texts())
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Try a receipt"))
    for code in ("4006381333931", "CHIPS", "CHIPS", "CHIPS", "MEM0002", "STAFF10"):
        ui.app.screen.on_scan(code)
    ui.shot("try-receipt")
    assert any("Staff discount" in text for text in ui.texts())
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Reports"))
    ui.shot("reports")
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Push changes"))
    ui.shot("push")
    assert not ui.layout_problems()


def test_packages_kiosk_orders_and_refunds(ui):
    from engine.models import Purchase
    from engine.sales.orders import create_order

    manager_login(ui)
    ui.tap(ui.button("Sale"))
    scan(ui, "MEM0002")
    ui.tap(ui.button("Packages"))
    ui.shot("packages")
    ui.tap(ui.button("Basic (SUMMER/BASIC) — €5.00"))
    scan(ui, "PC-HOUR")
    ui.shot("receipt-with-package")
    assert [line.kind for line in ui.app.screen.cart.lines] == ["package", "resource"]
    ui.tap(ui.button("Pay €9.00"))
    ui.tap(ui.button("Exact"))
    ui.tap(ui.button("Complete sale"))
    sold = Receipt.select().order_by(Receipt.at.desc(), Receipt.id.desc()).first()
    assert Purchase.get(Purchase.receipt == sold.id).member == "M002"
    ui.tap(ui.button("Next customer"))

    order = create_order("M003", "SUMMER/STD", "KIOSK1", AT)  # Grace ordered on the kiosk
    scan(ui, "ORD" + order.code)
    assert ui.app.screens.current == "order"
    ui.shot("kiosk-order")
    ui.tap(ui.button("Paid by card"))
    assert ui.app.screen.message.text.startswith(f"Order {order.code} completed")
    scan(ui, "ORD" + order.code)
    assert "already paid" in ui.app.screen.message.text

    ui.tap(ui.button("Receipts"))
    ui.shot("receipts")
    ui.tap(next(b for b in ui.buttons("Refund") if b.receipt_id == sold.id))
    assert ui.app.screens.current == "refund" and ui.app.screen.receipt == sold.id
    ui.app.screen.scan_field.text = "bought the wrong package"
    ui.shot("refund")
    ui.tap(ui.button("Refund"))
    assert ui.app.screens.current == "history"
    # the package line's money goes back by the receipt's own payment, like the resource's
    assert ui.app.screen.message.text == "Refunded €9.00 (Cash €9.00)."
    assert not [b for b in ui.buttons("Refund") if b.receipt_id == sold.id]
    ui.shot("refunded")
    refund = ReceiptRefund.get(ReceiptRefund.receipt == sold.id)
    slip = (ui.prints / f"refund-{refund.id}.bin").read_bytes()
    assert slip.startswith(b"\x1b@") and b"\x1bp" in slip  # cash back: the drawer opens
    assert b"bought the wrong package" in slip and b"-9.00" in slip
    assert re.search(rb"Cash +9\.00", slip)  # 4.00 for the hour, 5.00 for the package
    shutil.copy(ui.prints / f"refund-{refund.id}.png", ui.folder / "printed-refund.png")
    assert not ui.layout_problems()


def type_and_enter(ui, text: str) -> None:
    """What a keyboard-wedge scanner (or a person at a keyboard) does: keys, then Enter."""
    field = ui.app.screen.scan_field
    assert field.focus, "the scan field must have the keyboard focus"
    field.insert_text(text)
    field.dispatch("on_text_validate")
    ui.pump(3)


def test_keyboard_and_scanner_focus(ui):
    manager_login(ui)
    ui.tap(ui.button("Sale"))
    ui.pump(2)
    type_and_enter(ui, "3*CHIPS")
    assert [(line.code, line.quantity) for line in ui.app.screen.cart.lines] == [("CHIPS", 3)]
    ui.tap(ui.button("Qty +"))  # a tap leaves the focus where the next scan goes
    ui.pump(2)
    type_and_enter(ui, "-")
    assert ui.app.screen.cart.lines[0].quantity == 3
    type_and_enter(ui, "MEM0001")
    ui.tap(ui.button("Search"))
    ui.pump(2)
    ui.app.screen.scan_field.text = "cola"
    ui.pump(2)
    ui.shot("search")
    ui.tap(ui.button("Cola 0.5 l (COLA) — €2.50"))
    ui.pump(2)
    assert [line.code for line in ui.app.screen.cart.lines] == ["CHIPS", "COLA"]
    type_and_enter(ui, "NOSUCHCODE")
    assert "not an item" in ui.app.screen.message.text
    for size in ((1024, 600), (1280, 800)):
        ui.resize(*size)
        ui.app.go("receipt")
        ui.pump(3)
        ui.shot(f"receipt-{size[0]}x{size[1]}")
        assert not ui.layout_problems(), size
    ui.tap(ui.button("Void receipt"))
    ui.tap(ui.button("Yes, void it"))  # asked first (issue 18 item 4)
    assert ui.app.screen.cart.empty and "voided" in ui.app.screen.message.text


def test_the_members_redeemable_coupons_are_offered(ui):
    ui.app.handle_scan(CASHIER_PIN)  # a PIN from the scanner channel (the demo's stdin) logs in
    ui.pump(3)
    assert ui.app.staff.code == "S01"
    if ui.app.screens.current == "shift_open":
        ui.app.handle_scan("0")
        ui.pump(3)
    scan(ui, "CHIPS")
    scan(ui, "MEM0003")
    assert f"Loyalty voucher · {CODES['loyal']}" in ui.texts()
    ui.shot("member-coupons")
    ui.tap(ui.button("Use"))
    assert ui.app.screen.cart.coupons == [CODES["loyal"]]
    assert ui.app.screen.total_label.text == "€1.00"
    assert ui.buttons("Use") == []  # offered no more: it is on the receipt
    ui.tap(ui.button("Void receipt"))
    ui.tap(ui.button("Yes, void it"))  # asked first (issue 18 item 4)


def test_exclusive_mode_adds_the_tax_to_what_is_due(ui):
    """tax.md: in exclusive mode the tax comes on top; screens and payments use total_due."""
    from engine.models import Site

    Site.update(tax_mode="exclusive").execute()
    try:
        ui.app.handle_scan(CASHIER_PIN)
        ui.pump(3)
        if ui.app.screens.current == "shift_open":
            ui.app.handle_scan("0")
            ui.pump(3)
        scan(ui, "CHIPS")  # €2.00 at B, 7 %: €0.14 on top
        assert ui.app.screen.total_label.text == "€2.14"
        assert "Total + tax €0.14" in ui.texts()
        ui.shot("exclusive-receipt")
        ui.tap(ui.button("Pay €2.14"))
        assert ui.app.screens.current == "payment"
        assert "Total €2.14" in ui.texts()
        ui.tap(ui.button("Card"))
        ui.tap(ui.button("Complete sale"))
        assert ui.app.screens.current == "done"
        receipt = Receipt.select().order_by(Receipt.at.desc(), Receipt.id.desc()).first()
        assert (receipt.total, receipt.total_due, receipt.paid) == (200, 214, 214)
        ui.tap(ui.button("Next customer"))
    finally:
        Site.update(tax_mode="inclusive").execute()


def test_a_manager_closes_the_day_after_the_shift(ui):
    """Issue 18 item 9 / tax.md: the shift close offers the day closing to a manager, once."""
    from engine.models.days import DayClosing

    manager_login(ui)
    ui.tap(ui.button("Sale"))
    ui.pump(2)
    ui.tap(ui.button("Close shift"))
    type_pin(ui, "0")
    ui.tap(ui.button("Close shift and print report"))
    ui.tap(ui.button("Yes, close the shift"))
    assert ui.app.screens.current == "shift_report"
    day_close = ui.app.screen.ids.day_close
    assert (day_close.text, day_close.disabled) == ("Close the day 2026-07-03 (Z report)", False)
    ui.tap(day_close)
    ui.shot("day-close-confirm")
    ui.tap(ui.button("Yes, close the day"))
    closing = DayClosing.get(DayClosing.day == "2026-07-03")
    assert (closing.z, closing.staff) == (1, "S02")
    assert ui.app.screen.message.text == "Day closed: Z 1. The report is printing."
    assert (day_close.text, day_close.disabled) == ("Day closed: Z 1", True)
    assert list(ui.prints.glob("day*.bin")), "the Z report is printed"
    ui.shot("day-closed")
    assert not ui.layout_problems()
