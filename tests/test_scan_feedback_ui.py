"""Feedback you can feel (issue 18 item 6): every accepted and refused scan flashes the window
green or red and asks for its sound, in the counter and the kiosk; the site setting
`scan_sounds: false` keeps the flash and drops the sound. Scans come through the scanner's path
(the app's scan stream), as from a real scanner."""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.models import Setting, Staff
from engine.people.pins import hash_pin
from uikit import theme

AT = dt.datetime(2026, 7, 3, 17, 0)

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "feedback", AT)
    path = next(database)
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    yield path
    next(database, None)


@pytest.fixture
def sounds_off(site_db):
    Setting.insert(key="scan_sounds", value="false").on_conflict_replace().execute()
    yield
    Setting.delete().where(Setting.key == "scan_sounds").execute()



@pytest.fixture
def counter(display, site_db, tmp_path_factory, request):
    def make_app(printer):
        from counter.app import CounterApp

        return CounterApp(FixedClock(AT), location="COUNTER1", printer=printer)

    for driver in ui_harness.drive_app(make_app, "1280x800", tmp_path_factory):
        driver.start_test(request.node.name)
        yield driver


@pytest.fixture
def kiosk(display, site_db, tmp_path_factory, request):
    def make_app(printer):
        from kiosk.app import KioskApp

        return KioskApp(FixedClock(AT), location="KIOSK1", printer=printer)

    for driver in ui_harness.drive_app(make_app, "1024x600", tmp_path_factory):
        driver.start_test(request.node.name)
        yield driver


def scan(ui, text: str) -> None:
    """A scan from the scanner's thread; frames run until its feedback is requested."""
    from hardware.scanners.base import Scan
    from uikit.feedback import feedback

    before = len(feedback().flashes)
    ui.app.scans.push(Scan(text, "test", 0.0))
    assert ui.pump_until(lambda: len(feedback().flashes) > before)


def flash_color(ui):
    """The colour of the flash on the window now (None: no flash), read off the widget tree."""
    from uikit.feedback import Flash

    shown = [w for w in ui.window.children if isinstance(w, Flash)]
    return tuple(shown[0].color.rgba) if shown else None


def counter_login(ui) -> None:
    ui.app.handle_scan("1111")  # the cashier's PIN on the scanner channel, as the demo does
    ui.pump(3)
    if ui.app.screens.current == "shift_open":
        ui.app.handle_scan("0")
        ui.pump(3)
    assert ui.app.screens.current == "receipt"


def test_counter_scans_flash_and_beep(counter):
    from uikit.feedback import ACCEPTED, REFUSED, feedback

    ui = counter
    counter_login(ui)
    played = len(feedback().played)
    scan(ui, "CHIPS")
    assert flash_color(ui) == tuple(theme.GOOD)
    ui.shot("accepted")
    assert feedback().played[played:] == [ACCEPTED]
    assert ui.pump_until(lambda: flash_color(ui) is None, 2)  # gone after ~200 ms
    scan(ui, "NOSUCHCODE")
    assert flash_color(ui) == tuple(theme.BAD)
    ui.shot("refused")
    assert feedback().played[played:] == [ACCEPTED, REFUSED]
    assert [line.code for line in ui.app.screen.cart.lines] == ["CHIPS"]


def test_counter_without_sounds_still_flashes(counter, sounds_off):
    from uikit.feedback import feedback

    ui = counter
    counter_login(ui)
    played = len(feedback().played)
    scan(ui, "CHIPS")
    assert flash_color(ui) == tuple(theme.GOOD)
    scan(ui, "NOSUCHCODE")
    assert flash_color(ui) == tuple(theme.BAD)
    assert feedback().played[played:] == []  # the setting turns the sound off


def test_kiosk_card_scans_flash_and_beep(kiosk):
    from uikit.feedback import ACCEPTED, REFUSED, feedback

    ui = kiosk
    played = len(feedback().played)
    scan(ui, "NOSUCHCARD")
    assert flash_color(ui) == tuple(theme.BAD)
    ui.shot("refused")
    scan(ui, "MEM0001")
    assert flash_color(ui) == tuple(theme.GOOD)
    assert ui.app.member is not None
    ui.shot("accepted")
    assert feedback().played[played:] == [REFUSED, ACCEPTED]
