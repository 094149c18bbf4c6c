"""Devices you can trust (issue 18 item 7), on the real kiosk under Xvfb with a real spooled
printer: a `file:` printer whose status file says it is out of paper (hardware/printing/status.py),
polled by the print worker as a DLE EOT printer is. The status bar says so at once, the done
screen says the slip could not be printed, the job waits in the spool and prints when the paper is
back. Taps and scans only; screenshots at 1024×600 and 1280×800 in tests/artifacts/<test>/.
"""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.entitlements import purchase
from engine.models import Member, Purchase
from engine.people.pins import hash_pin
from hardware.printing.queue import Spool
from hardware.printing.status import status_file

AT = dt.datetime(2026, 7, 3, 12, 0)
PIN = "4711"

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def kiosk_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "kiosk_printer", AT)
    path = next(database)
    Member.update(pin_hash=hash_pin(PIN)).where(Member.code.in_(["M001", "M002"])).execute()
    purchase("M001", "SUMMER/PREMIUM", "cash", "counter", AT - dt.timedelta(days=1),
             location="COUNTER1")  # 50.00 in the wallet
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def kiosk(display, kiosk_db, tmp_path_factory):
    ui_harness.configure_test_kivy("1024x600")
    from kiosk.app import KioskApp
    from uikit.devices import Printer

    folder = tmp_path_factory.mktemp("printer")
    device = folder / "lp0"
    status_file(device).write_text("ready")
    printer = Printer(f"file:{device}", spool=folder / "spool", poll_seconds=0.1)
    driver = ui_harness.AppDriver(KioskApp(FixedClock(AT), location="KIOSK1", printer=printer))
    driver.device, driver.spool = device, Spool(folder / "spool")
    yield driver
    driver.stop()


def scan(ui, text: str) -> None:
    ui_harness.scan(ui, text, lambda: (ui.app.screens.current, ui.app.member))


def printer_badge(ui) -> str:
    return ui.app.status_bar.text_of("printer")


def buy_basic_from_the_wallet(ui) -> None:
    scan(ui, "MEM0001")
    ui.tap(ui.button("Buy packages"))
    button = ui.app.screen.choose_buttons["SUMMER/BASIC"]
    ui.app.screen.scroller.scroll_to(button, padding=10, animate=False)
    ui.tap(button)
    ui.tap(ui.button("Pay €5.00 from my wallet"))
    for key in PIN:  # a card login: the PIN again before the wallet pays
        ui.tap(ui.button(key))
    ui.tap(ui.button("Pay"))
    assert ui.app.screens.current == "done"


@pytest.mark.parametrize("size", [(1024, 600), (1280, 800)])
def test_out_of_paper_is_said_at_once_and_the_slip_prints_when_paper_is_back(kiosk, request,
                                                                              size):
    ui = kiosk.begin(request.node.name, AT, size=size)
    assert ui.pump_until(lambda: printer_badge(ui) == "Printer ready")
    status_file(ui.device).write_text("out_of_paper")  # the roll ran out
    assert ui.pump_until(lambda: printer_badge(ui) == "Printer out of paper")
    ui.shot("attract-out-of-paper")
    assert ui.layout_problems() == []

    buy_basic_from_the_wallet(ui)
    bought = Purchase.select().order_by(Purchase.at.desc(), Purchase.id.desc()).first()
    slip_failed = ("Your slip could not be printed — ask at the counter. Your purchase is "
                   "saved.")
    assert slip_failed in ui.texts()
    assert "Your slip is printing." not in ui.texts()
    assert ui.pump_until(lambda: printer_badge(ui) == "Printer out of paper · 1 waiting")
    (waiting,) = ui.spool.jobs("queued")  # kept, not lost
    assert (waiting.document, waiting.reference, waiting.printer_status) == (
        "purchase", bought.id, "out_of_paper")
    ui.shot("done-slip-not-printed")
    assert ui.layout_problems() == []

    status_file(ui.device).write_text("ready")  # paper in: the worker sends what waited
    assert ui.pump_until(lambda: ui.spool.jobs("queued") == [], seconds=5)
    assert ui.spool.get(waiting.id).status == "sent"
    assert bought.id.encode() in ui.device.read_bytes()
    assert ui.pump_until(lambda: printer_badge(ui) == "Printer ready")
    assert ui.pump_until(lambda: "Your slip is printing." in ui.texts())
    ui.shot("done-printed-after-all")
    ui.tap(ui.button("Done"))
    assert (ui.app.screens.current, ui.app.member) == ("attract", None)


def test_a_printer_that_is_gone_is_offline(kiosk, request):
    ui = kiosk.begin(request.node.name, AT, size=(1024, 600))
    status_file(ui.device).write_text("offline")
    assert ui.pump_until(lambda: printer_badge(ui) == "Printer offline")
    scan(ui, "MEM0001")
    ui.shot("home-printer-offline")
    assert ui.layout_problems() == []
    status_file(ui.device).write_text("ready")
    assert ui.pump_until(lambda: printer_badge(ui) == "Printer ready")
