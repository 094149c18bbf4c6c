"""The counter's printer (issue 18 item 7) under Xvfb, with a real spooled `file:` printer whose
status file stands for the printer's DLE EOT answer: a receipt printed while the printer is
offline waits and the status bar says so; a reprint from the Receipts screen is a copy marked
on paper; "Print N waiting" sends what waited once the printer is back. Taps and scans only.
"""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.models import Receipt, Staff
from engine.people.pins import hash_pin
from hardware.printing.queue import Spool
from hardware.printing.status import status_file

AT = dt.datetime(2026, 7, 3, 12, 0)
CASHIER_PIN = "1111"

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def counter_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "counter_printer", AT)
    path = next(database)
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin(CASHIER_PIN))
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def counter(display, counter_db, tmp_path_factory):
    ui_harness.configure_test_kivy("1280x800")
    from counter.app import CounterApp
    from uikit.devices import Printer

    folder = tmp_path_factory.mktemp("printer")
    device = folder / "lp0"
    status_file(device).write_text("ready")
    # polls rarely: what the badge shows here comes from the jobs' own results and the button
    printer = Printer(f"file:{device}", spool=folder / "spool", poll_seconds=600)
    driver = ui_harness.AppDriver(CounterApp(FixedClock(AT), location="COUNTER1",
                                             printer=printer))
    driver.device, driver.spool = device, Spool(folder / "spool")
    yield driver
    driver.stop()


def tap_keys(ui, keys: str) -> None:
    for key in keys:
        ui.tap(ui.button(key))


def badge(ui) -> str:
    return ui.app.status_bar.text_of("printer")


def sell_a_cola(ui) -> Receipt:
    ui.tap(ui.button("Sam"))
    tap_keys(ui, CASHIER_PIN)
    ui.tap(ui.button("Log in"))
    if ui.app.screens.current == "shift_open":
        tap_keys(ui, "0")
        ui.tap(ui.button("Open shift"))
    ui_harness.scan(ui, "4006381333931", lambda: len(ui.app.screen.cart.lines))
    (pay,) = pay_buttons(ui)
    ui.tap(pay)
    ui.tap(ui.button("Exact"))
    ui.tap(ui.button("Complete sale"))
    assert ui.app.screens.current == "done"
    return Receipt.select().order_by(Receipt.at.desc(), Receipt.id.desc()).first()


def pay_buttons(ui):
    from kivy.uix.button import Button

    return [w for w in ui.widgets() if isinstance(w, Button) and w.text.startswith("Pay ")
            and w.get_root_window() is not None and not w.disabled]


def test_offline_receipt_waits_reprint_is_a_copy_and_waiting_slips_print(counter, request):
    ui = counter.begin(request.node.name, AT, size=(1280, 800))
    assert ui.pump_until(lambda: badge(ui) == "Printer ready")
    status_file(ui.device).write_text("offline")
    receipt = sell_a_cola(ui)
    assert ui.pump_until(lambda: badge(ui) == "Printer offline · 1 waiting")  # said at once
    (waiting,) = ui.spool.jobs("queued")
    assert (waiting.document, waiting.reference) == ("receipt", receipt.id)
    ui.shot("done-printer-offline")

    ui.tap(ui.button("Next customer"))
    ui.tap(ui.button("Receipts"))
    assert ui.app.screens.current == "history"
    ui.tap(next(b for b in ui.buttons("Reprint") if getattr(b, "receipt_id", "") == receipt.id))
    assert ui.pump_until(lambda: badge(ui) == "Printer offline · 2 waiting")
    assert ui.pump_until(lambda: ui.buttons("Print 2 waiting") != [])
    assert ui.app.screen.message.text == f"A copy of {receipt.id} waits for the printer (marked COPY)."
    ui.shot("history-two-waiting")
    assert ui.layout_problems() == []

    status_file(ui.device).write_text("ready")  # the printer is back
    ui.tap(ui.button("Print 2 waiting"))
    assert ui.pump_until(lambda: ui.spool.jobs("queued") == [], seconds=5)
    printed = ui.device.read_bytes()  # the device file holds the last job: the copy
    assert b"*** COPY ***" in printed and receipt.id.encode() in printed
    assert b"\x1bp" not in printed  # a copy never opens the drawer
    first, copy = sorted(ui.spool.jobs("sent"), key=lambda job: job.id)
    assert b"*** COPY ***" not in ui.spool.data(first.id)  # the original stays an original
    assert ui.pump_until(lambda: badge(ui) == "Printer ready")
    assert ui.pump_until(lambda: ui.buttons("Print 2 waiting") == [])

    ui.tap(ui.button("Reprint last slip"))
    assert ui.pump_until(lambda: len(ui.spool.jobs("sent")) == 3)
    assert f"A copy of {receipt.id} is printing (marked COPY)." in ui.texts()
    ui.shot("history-reprinted")
    assert ui.layout_problems() == []
    ui.resize(1024, 600)
    ui.shot("history-1024x600")
    assert ui.layout_problems() == []
    ui.resize(1280, 800)
