"""The kiosk's PIN pad waits after many failed tries (issue 18 item 8), shown on the login
screen as a countdown with Log in disabled; a member's card still logs in at once. The real
kiosk under Xvfb, driven by taps and scans; screenshots in tests/artifacts/<test>/."""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.models import Member
from engine.models.logins import LoginLockout
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 12, 0)
PIN = "4711"

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def kiosk_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "kiosk", AT)
    path = next(database)
    Member.update(pin_hash=hash_pin(PIN)).execute()
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def kiosk(display, kiosk_db, tmp_path_factory):
    def make_app(printer):
        from kiosk.app import KioskApp

        return KioskApp(FixedClock(AT), location="KIOSK1", printer=printer)

    yield from ui_harness.drive_app(make_app, "1024x600", tmp_path_factory)


def type_keys(ui, keys: str) -> None:
    for key in keys:
        ui.tap(ui.button(key))


def try_code(ui, code: str, pin: str) -> None:
    ui.tap(ui.button("No card? Log in with code and PIN"))
    type_keys(ui, code)
    ui.tap(ui.button("Next"))
    type_keys(ui, pin)
    ui.tap(ui.button("Log in"))


@pytest.mark.parametrize("size", [(1024, 600), (1280, 800)])
def test_guessing_codes_makes_the_kiosk_wait_and_the_card_still_works(kiosk, request, size):
    start = AT + dt.timedelta(hours=3 * (size[0] == 1280))  # each size its own hour of tries
    ui = kiosk.begin(request.node.name, start, size=size)
    for n, code in enumerate(["X1", "X2", "M001", "X3", "M002", "X4", "M003", "X5"]):
        ui.app.clock.at = start + dt.timedelta(seconds=n)
        if ui.app.screens.current != "login" or ui.app.screen.step != "pin":
            ui.app.logout()
            try_code(ui, code, "0000")
        else:  # a refused PIN keeps the code: Back to type another one
            ui.tap(ui.button("Back"))
            ui.tap(ui.button("Clear"))
            type_keys(ui, code)
            ui.tap(ui.button("Next"))
            type_keys(ui, "0000")
            ui.tap(ui.button("Log in"))
        assert ui.app.member is None
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Clear"))
    type_keys(ui, "M001")
    ui.tap(ui.button("Next"))
    screen = ui.app.screen
    # the 8th failure at +7 s: the next try waits 5 s, i.e. until +12 s (now +7 s)
    assert screen.message.text == ("Too many tries at this kiosk: the next try in 5 s. Your "
                                   "card works at once.")
    assert ui.buttons("Log in") == []  # disabled while the kiosk waits
    assert ui.layout_problems() == []
    ui.shot("waiting")
    ui.app.clock.at = start + dt.timedelta(seconds=10)
    assert ui.pump_until(lambda: "in 2 s" in screen.message.text), screen.message.text
    ui.app.clock.at = start + dt.timedelta(seconds=12)
    assert ui.pump_until(lambda: screen.message.text == ""), screen.message.text
    type_keys(ui, PIN)
    ui.tap(ui.button("Log in"))
    assert ui.app.member == "M001"  # the right PIN once the wait is over
    assert LoginLockout.select().count() == 0  # guessing locked no member out
    ui.app.logout()
    try_code(ui, "X6", "0000")  # the ninth failure: 10 s now
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Next"))
    assert "the next try in 10 s" in ui.app.screen.message.text
    ui_harness.scan(ui, "MEM0002", lambda: ui.app.member)  # a card logs in during the wait
    assert ui.app.member == "M002"
    ui.shot("card-during-wait")
