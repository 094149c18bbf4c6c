"""Kiosk wallet safety (issue 18 item 8) on the real kiosk under Xvfb, by taps and scans only:
the wallet button disabled with the reason, the PIN again before a wallet purchase after a card
login (wrong PINs counted like login attempts), the countdown before the idle logout, and the
done screen that logs out by itself (Done at once, Buy more to stay). Screenshots at 1024×600 and
1280×800 in tests/artifacts/<test>/.
"""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.entitlements import balance, purchase
from engine.models import Member, Purchase, Setting
from engine.models.logins import LoginAttempt
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 12, 0)
PIN = "4711"
SIZES = [(1024, 600), (1280, 800)]

pytestmark = pytest.mark.ui


class FakeIdleTime:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture(scope="module")
def kiosk_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "kiosk_wallet", AT)
    path = next(database)
    Member.update(pin_hash=hash_pin(PIN)).where(Member.code.in_(["M001", "M002"])).execute()
    purchase("M001", "SUMMER/PREMIUM", "cash", "counter", AT - dt.timedelta(days=1),
             location="COUNTER1")  # 50.00 in Ada's wallet; Linus has none
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def kiosk(display, kiosk_db, tmp_path_factory):
    idle_time = FakeIdleTime()

    def make_app(printer):
        from kiosk.app import KioskApp

        return KioskApp(FixedClock(AT), location="KIOSK1", printer=printer, idle_now=idle_time)

    for driver in ui_harness.drive_app(make_app, "1024x600", tmp_path_factory):
        driver.idle_time = idle_time
        yield driver


def scan(ui, text: str) -> None:
    ui_harness.scan(ui, text, lambda: (ui.app.screens.current, ui.app.member))


def tap_keys(ui, keys: str) -> None:
    for key in keys:
        ui.tap(ui.button(key))


def confirm(ui, card: str, package: str) -> None:
    scan(ui, card)
    ui.tap(ui.button("Buy packages"))
    button = ui.app.screen.choose_buttons[package]
    ui.app.screen.scroller.scroll_to(button, padding=10, animate=False)
    ui.tap(button)
    assert ui.app.screens.current == "confirm"


def wait_a_second(ui, seconds: float) -> None:
    """Move the idle clock and let the once-a-second check run."""
    ui.idle_time.value += seconds
    ui.pump_until(lambda: False, seconds=1.1)


@pytest.mark.parametrize("size", SIZES)
def test_the_wallet_button_is_disabled_with_the_reason(kiosk, request, size):
    ui = kiosk.begin(request.node.name, AT, size=size)
    confirm(ui, "MEM0002", "SUMMER/BASIC")
    wallet = ui.app.screen.ids.wallet_button
    assert wallet.disabled and ui.buttons("Pay €5.00 from my wallet") == []
    assert "Your wallet has €0.00 — this costs €5.00. You can pay at the counter." in ui.texts()
    purchases = Purchase.select().count()
    ui.tap(wallet)  # a finger on a disabled button buys nothing
    assert ui.app.screens.current == "confirm" and Purchase.select().count() == purchases
    ui.shot("wallet-short")
    assert ui.layout_problems() == []


@pytest.mark.parametrize("size", SIZES)
def test_a_card_login_types_the_pin_before_the_wallet_pays(kiosk, request, size):
    ui = kiosk.begin(request.node.name, AT, size=size)
    ui.app.clock.at = AT + dt.timedelta(hours=SIZES.index(size) + 1)  # apart from other attempts
    confirm(ui, "MEM0001", "SUMMER/BASIC")
    before = balance("M001", AT).money.total
    ui.tap(ui.button("Pay €5.00 from my wallet"))
    assert ui.app.screens.current == "wallet_pin"
    assert "Type your PIN to pay €5.00 from your wallet" in ui.texts()
    assert balance("M001", AT).money.total == before  # nothing paid yet
    ui.shot("wallet-pin")
    assert ui.layout_problems() == []

    wrong = LoginAttempt.select().where(LoginAttempt.member == "M001",
                                        LoginAttempt.ok == False).count()  # noqa: E712
    tap_keys(ui, "0000")
    ui.tap(ui.button("Pay"))
    assert ui.app.screens.current == "wallet_pin"
    assert ui.app.screen.message.text == "Wrong PIN. 4 tries left."  # counted like a login
    assert LoginAttempt.select().where(LoginAttempt.member == "M001",
                                       LoginAttempt.ok == False).count() == wrong + 1  # noqa: E712
    assert ui.app.screen.display.text == ""
    ui.shot("wallet-pin-wrong")

    ui.tap(ui.button("Back"))  # back to the same confirm (its purchase key kept)
    assert ui.app.screens.current == "confirm"
    ui.tap(ui.button("Pay €5.00 from my wallet"))
    tap_keys(ui, PIN)
    ui.tap(ui.button("Pay"))
    assert ui.app.screens.current == "done"
    assert balance("M001", AT).money.total == before - 500


def test_no_pin_again_when_the_site_says_so(kiosk, request):
    ui = kiosk.begin(request.node.name, AT, size=(1024, 600))
    Setting.create(key="kiosk_wallet_pin", value="false")
    try:
        confirm(ui, "MEM0001", "SUMMER/BASIC")
        ui.tap(ui.button("Pay €5.00 from my wallet"))
        assert ui.app.screens.current == "done"
    finally:
        Setting.delete().where(Setting.key == "kiosk_wallet_pin").execute()


@pytest.mark.parametrize("size", SIZES)
def test_a_countdown_before_the_idle_logout_and_a_touch_stays(kiosk, request, size):
    ui = kiosk.begin(request.node.name, AT, size=size)
    scan(ui, "MEM0001")
    ui.tap(ui.button("Buy packages"))
    wait_a_second(ui, 49)
    assert ui.app.notice_banner.text == ""  # 11 s left: no warning yet
    wait_a_second(ui, 3)
    assert ui.app.notice_banner.text == "Logging out in 8 s — touch to stay"
    ui.shot("idle-countdown")
    assert ui.layout_problems() == []
    wait_a_second(ui, 1)
    assert ui.app.notice_banner.text == "Logging out in 7 s — touch to stay"
    ui.tap(ui.app.screen.ids.scroller)  # a touch anywhere: staying
    assert ui.app.notice_banner.text == ""
    wait_a_second(ui, 55)
    assert ui.app.notice_banner.text == "Logging out in 5 s — touch to stay"
    wait_a_second(ui, 5)
    assert (ui.app.screens.current, ui.app.member) == ("attract", None)
    assert ui.app.notice_banner.text == ""


@pytest.mark.parametrize("size", SIZES)
def test_the_done_screen_logs_out_by_itself(kiosk, request, size):
    ui = kiosk.begin(request.node.name, AT, size=size)
    confirm(ui, "MEM0002", "SUMMER/BASIC")
    ui.tap(ui.button("Pay at the counter"))
    assert ui.app.screens.current == "done"
    assert ui.app.notice_banner.text == "Logging out in 8 s"
    ui.shot("done-countdown")
    assert ui.layout_problems() == []
    wait_a_second(ui, 3)
    assert ui.app.notice_banner.text == "Logging out in 5 s"
    ui.tap(ui.button("Buy more"))  # staying: the normal idle time again
    assert ui.app.screens.current == "packages" and ui.app.notice_banner.text == ""
    wait_a_second(ui, 8)
    assert ui.app.member == "M002"
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Buy packages"))
    ui.tap(ui.app.screen.choose_buttons["SUMMER/BASIC"])
    ui.tap(ui.button("Pay at the counter"))
    wait_a_second(ui, 8)
    assert (ui.app.screens.current, ui.app.member) == ("attract", None)


def test_done_logs_out_at_once(kiosk, request):
    ui = kiosk.begin(request.node.name, AT, size=(1024, 600))
    confirm(ui, "MEM0002", "SUMMER/BASIC")
    ui.tap(ui.button("Pay at the counter"))
    ui.tap(ui.button("Done"))
    assert (ui.app.screens.current, ui.app.member) == ("attract", None)
