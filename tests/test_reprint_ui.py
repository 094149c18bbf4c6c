"""The counter reprints a kiosk purchase's slip (issue 18 item 7) under Xvfb, with a real spooled
`file:` printer: Receipts → Purchases lists the site's recent purchases, the kiosk's included;
Reprint prints the purchase slip marked COPY (the drawer stays shut) and records a `Reprint`.
Taps only."""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.models import Event, Staff
from engine.models.reprints import Reprint
from engine.people.pins import hash_pin
from hardware.printing.queue import Spool
from hardware.printing.status import status_file

AT = dt.datetime(2026, 7, 3, 12, 0)
CASHIER_PIN = "1111"
MANAGER_PIN = "2222"

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def counter_db(tmp_path_factory):
    from engine.entitlements.purchase import purchase
    from engine.ids import device_id, set_device_id

    database = ui_harness.demo_database(tmp_path_factory, "counter_reprint", AT)
    path = next(database)
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin(CASHIER_PIN))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin(MANAGER_PIN))
    counter = device_id()
    set_device_id("KIOSK1")  # the kiosk's purchase, as sync brings it
    bought = purchase("M001", "SUMMER/STD", "card", "kiosk", AT - dt.timedelta(minutes=5),
                      location="KIOSK1")
    set_device_id(counter)
    yield path, bought.id
    next(database, None)


@pytest.fixture(scope="module")
def counter(display, counter_db, tmp_path_factory):
    ui_harness.configure_test_kivy("1280x800")
    from counter.app import CounterApp
    from uikit.devices import Printer

    folder = tmp_path_factory.mktemp("printer")
    device = folder / "lp0"
    status_file(device).write_text("ready")
    printer = Printer(f"file:{device}", spool=folder / "spool", poll_seconds=600)
    driver = ui_harness.AppDriver(CounterApp(FixedClock(AT), location="COUNTER1",
                                             printer=printer))
    driver.device, driver.spool, driver.purchase = device, Spool(folder / "spool"), counter_db[1]
    yield driver
    driver.stop()


def log_in(ui, name: str = "Sam", pin: str = CASHIER_PIN) -> None:
    ui.tap(ui.button(name))
    for key in pin:
        ui.tap(ui.button(key))
    ui.tap(ui.button("Log in"))
    if ui.app.screens.current == "shift_open":
        ui.tap(ui.button("0"))
        ui.tap(ui.button("Open shift"))
    assert ui.app.screens.current == "receipt"


@pytest.mark.parametrize("size", [(1280, 800), (1024, 600)])
def test_the_counter_reprints_a_kiosk_purchase_as_a_copy(counter, request, size):
    ui = counter.begin(request.node.name, AT, size=size)
    log_in(ui)
    ui.tap(ui.button("Receipts"))
    assert ui.app.screens.current == "history"
    ui.tap(ui.button("Purchases"))
    assert ui.app.screen.title == "Recent purchases (kiosk and counter)"
    (row,) = [text for text in ui.texts() if ui.purchase in text]
    assert "Ada" in row and "Standard" in row and "Card" in row and "kiosk" in row
    ui.shot("purchases")
    assert ui.layout_problems() == []

    before = Reprint.select().count(), len(ui.spool.jobs("sent"))
    (reprint,) = [b for b in ui.buttons("Reprint")
                  if getattr(b, "purchase_id", "") == ui.purchase]
    ui.tap(reprint)
    assert ui.pump_until(lambda: len(ui.spool.jobs("sent")) == before[1] + 1, seconds=5)
    printed = ui.device.read_bytes()  # the device file holds the last job: the copy
    assert b"*** COPY ***" in printed and ui.purchase.encode() in printed
    assert b"\x1bp" not in printed  # a copy never opens the drawer
    assert f"A copy of {ui.purchase} is printing (marked COPY)." in ui.texts()
    recorded = Reprint.select().order_by(Reprint.at.desc(), Reprint.id.desc()).first()
    assert Reprint.select().count() == before[0] + 1
    assert (recorded.kind, recorded.document, recorded.staff) == ("purchase", ui.purchase, "S01")
    assert Event.select().where(Event.type == "till.reprint").count() == before[0] + 1
    ui.shot("purchase-reprinted")
    assert ui.layout_problems() == []

    ui.tap(ui.button("Receipts"))  # back to the receipts list
    assert ui.app.screen.title == "Recent receipts"


def test_the_reports_screen_counts_kiosk_orders_paid_here(counter, request):
    """Issue 18 item 9: the open shift's payments on the manager's Reports screen, in words, with
    a kiosk order paid in cash at this counter as its own line, adding up to the total taken."""
    from engine.sales.orders import complete_order, create_order
    from engine.sales.shifts import shift_report

    ui = counter.begin(request.node.name, AT, size=(1024, 600))
    log_in(ui, "Maria", MANAGER_PIN)
    order = create_order("M002", "SUMMER/BASIC", "KIOSK1", AT)
    complete_order(order.code, "cash", "S02", AT, location="COUNTER1")
    ui.tap(ui.button("Manager"))
    ui.tap(ui.button("Reports"))
    assert ui.app.screens.current == "reports"
    report = shift_report(ui.app.shift, AT)
    assert report.orders.count == 1
    texts = ui.texts()
    assert "    Kiosk orders (1) · Cash: €5.00" in texts, texts
    assert f"    [b]Total taken: {ui.app.money(report.takings)}[/b]" in texts
    assert sum(line.amount for line in report.payment_lines) == report.takings
    assert not any(" cash:" in text or " card:" in text for text in texts)
    ui.shot("reports-kiosk-order")
    assert ui.layout_problems() == []
