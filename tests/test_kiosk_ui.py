"""The real kiosk app under Xvfb: scans, PIN logins, purchases, tickets, idle logout, errors.

One app per module (Kivy has one window per process); every test starts logged out on the attract
screen. Screenshots of each screen go to tests/artifacts/<test>/; look at them after a change.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.entitlements import balance, consume, purchase, sellable_packages
from engine.localstate import PEER_CLOCKS as PEER_CLOCKS_STATE
from engine.models import Member, Purchase
from engine.models.orders import PendingOrder
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 12, 0)  # a Friday, the summer campaign running
PIN = "4711"

pytestmark = pytest.mark.ui


class FakeIdleTime:
    """The idle timer's clock: tests move it instead of waiting a minute."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture(scope="module")
def kiosk_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "kiosk", AT)
    path = next(database)
    pin_hash = hash_pin(PIN)
    Member.update(pin_hash=pin_hash).where(Member.code.in_(["M001", "M002"])).execute()
    Member.update(active=False).where(Member.code == "M003").execute()
    Member.create(code="M004", name="Alan", card="MEM0004", pin_hash=pin_hash, can_login=False)
    purchase("M001", "SUMMER/PREMIUM", "cash", "counter", AT - dt.timedelta(days=1),
             location="COUNTER1")  # 50.00 wallet credit + 60 bonus minutes
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def kiosk(display, kiosk_db, tmp_path_factory):
    idle_time = FakeIdleTime()

    def make_app(printer):
        from kiosk.app import KioskApp

        return KioskApp(FixedClock(AT), location="KIOSK1", printer=printer, idle_now=idle_time)

    for driver in ui_harness.drive_app(make_app, "800x480", tmp_path_factory):
        driver.idle_time = idle_time
        yield driver


@pytest.fixture
def ui(kiosk, request):
    """The kiosk, logged out on the attract screen at 800×480, screenshots for this test."""
    return kiosk.begin(request.node.name, AT, size=(800, 480))


def scan(ui, text: str) -> None:
    ui_harness.scan(ui, text, lambda: (ui.app.screens.current, ui.app.member,
                                       ui.app.screen.message.text))


def type_keys(ui, keys: str) -> None:
    for key in keys:
        ui.tap(ui.button(key))


def pin_login(ui, code: str, pin: str) -> None:
    ui.tap(ui.button("No card? Log in with code and PIN"))
    type_keys(ui, code)
    ui.tap(ui.button("Next"))
    type_keys(ui, pin)
    ui.tap(ui.button("Log in"))


def wallet_total(member: str) -> int:
    return balance(member, AT).money.total


def test_attract_screen(ui):
    assert ui.app.screens.current == "attract"
    texts = ui.texts()
    assert "Welcome to Pixel Arena" in texts
    assert "Scan your card to start" in texts
    assert "[b]Summer Special[/b] — Extra gaming time all summer long." in texts
    # what is on offer is what sells now: the weekend bundle sells on Saturdays and Sundays
    assert not any("Weekend Console Bundle" in text for text in texts)
    ui.shot("attract")


def test_card_scan_logs_in_to_home(ui):
    scan(ui, "MEM0001")
    assert (ui.app.screens.current, ui.app.member) == ("home", "M001")
    texts = ui.texts()
    assert "Hello, Ada" in texts
    assert "€50.00" in texts  # wallet total
    assert "Paid €50.00   Bonus €0.00" in texts
    assert "1 h" in texts  # the bonus minutes
    ui.shot("home")


@pytest.mark.parametrize(("card", "message"), [
    ("MEM9999", "We do not know this card. Please ask at the counter."),
    ("MEM0003", "Your membership is not active. Please ask at the counter."),
    ("MEM0004", "Your membership cannot use the kiosk. Please ask at the counter."),
])
def test_refused_cards(ui, card, message):
    scan(ui, card)
    assert (ui.app.screens.current, ui.app.member) == ("attract", None)
    assert ui.app.screen.message.text == message
    ui.shot("refused")


def test_pin_login(ui):
    ui.tap(ui.button("No card? Log in with code and PIN"))
    assert ui.app.screens.current == "login"
    type_keys(ui, "M001")
    assert ui.app.screen.display.text == "M001"
    ui.shot("login-code")
    ui.tap(ui.button("Next"))
    type_keys(ui, PIN)
    assert ui.app.screen.display.text == "●●●●"
    ui.shot("login-pin")
    ui.tap(ui.button("Log in"))
    assert (ui.app.screens.current, ui.app.member) == ("home", "M001")


@pytest.mark.parametrize(("code", "pin", "message"), [
    ("M999", PIN, "No member has this code. Check it, or ask at the counter."),
    ("M003", PIN, "Your membership is not active. Please ask at the counter."),
    ("M004", PIN, "Your membership cannot use the kiosk. Please ask at the counter."),
])
def test_refused_pin_logins(ui, code, pin, message):
    pin_login(ui, code, pin)
    assert ui.app.member is None
    assert ui.app.screen.message.text == message
    ui.shot("refused")


def test_pin_keypad_messages(ui):
    ui.tap(ui.button("No card? Log in with code and PIN"))
    ui.tap(ui.button("Next"))
    assert ui.app.screen.message.text == "Please type your member code first."
    type_keys(ui, "M002")
    ui.tap(ui.button("Next"))
    type_keys(ui, "12")
    ui.tap(ui.button("Log in"))
    assert ui.app.screen.message.text == "Your PIN has 4 to 8 digits."
    ui.shot("short-pin")


def test_member_without_pin(ui):
    Member.update(pin_hash=None).where(Member.code == "M001").execute()
    try:
        pin_login(ui, "M001", PIN)
        assert ui.app.screen.message.text == ("You have no PIN yet. Scan your card, or ask at the "
                                              "counter.")
    finally:
        Member.update(pin_hash=hash_pin(PIN)).where(Member.code == "M001").execute()


def test_wrong_pins_lock_the_member_out(ui):
    ui.app.clock.at = AT + dt.timedelta(hours=2)  # away from other tests' attempts
    pin_login(ui, "M002", "0000")
    assert ui.app.screens.current == "login"
    assert ui.app.screen.message.text == "Wrong PIN. 4 tries left."
    assert ui.app.screen.display.text == ""  # the PIN is cleared, the code kept
    ui.shot("wrong-pin")
    messages = []
    for _ in range(4):
        type_keys(ui, "0000")
        ui.tap(ui.button("Log in"))
        messages.append(ui.app.screen.message.text)
    assert messages == ["Wrong PIN. 3 tries left.", "Wrong PIN. 2 tries left.",
                        "Wrong PIN. 1 try left before the kiosk locks.",
                        "Too many wrong PINs. Try again after 2:15\u00a0PM, or ask at the counter."]
    ui.shot("locked")
    type_keys(ui, PIN)
    ui.tap(ui.button("Log in"))
    assert ui.app.member is None
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Cancel"))
    scan(ui, "MEM0002")  # only the PIN was guessed: the member's own card still logs in
    assert ui.app.member == "M002"


def open_packages(ui, card: str = "MEM0001") -> None:
    scan(ui, card)
    ui.tap(ui.button("Buy packages"))
    assert ui.app.screens.current == "packages"


def choose(ui, package: str) -> None:
    screen = ui.app.screen
    button = screen.choose_buttons[package]
    screen.scroller.scroll_to(button, padding=10, animate=False)
    ui.tap(button)
    assert ui.app.screens.current == "confirm"


def test_packages_show_only_what_is_sellable_now(ui):
    open_packages(ui)
    texts = ui.texts()
    names = [p["name"] for p in sellable_packages("M001", AT)]
    assert names == ["Basic", "Standard", "Premium"]  # no weekend console bundle on a Friday
    for name in names:
        assert any(text.startswith(f"[b]{name}[/b]") for text in texts)
    assert not any("3 console hours" in text for text in texts)
    assert "2 h play time + 30 min bonus" in texts
    assert "PC and console · Valid 90 days" in texts
    assert "€9.00" in texts
    ui.shot("packages")


def test_wallet_purchase_with_a_double_tap_buys_once(ui):
    pin_login(ui, "M001", PIN)  # by PIN: the PIN is not asked again before paying
    ui.tap(ui.button("Buy packages"))
    choose(ui, "SUMMER/STD")
    assert "Price: €9.00" in ui.texts()
    assert "Your wallet: €50.00" in ui.texts()
    ui.shot("confirm")
    before = wallet_total("M001")
    kiosk_purchases = Purchase.select().where(Purchase.channel == "kiosk").count()
    pay = ui.button("Pay €9.00 from my wallet")
    pay.dispatch("on_release")  # two taps in one frame: the second reuses the key
    pay.dispatch("on_release")
    ui.pump()
    assert ui.app.screens.current == "done"
    assert wallet_total("M001") == before - 900
    assert Purchase.select().where(Purchase.channel == "kiosk").count() == kiosk_purchases + 1
    bought = Purchase.select().where(Purchase.channel == "kiosk").order_by(Purchase.at.desc(),
                                                                          Purchase.id.desc()).first()
    assert (bought.payment, bought.location, bought.package) == ("wallet", "KIOSK1", "STD")
    assert bought.key.startswith("kiosk-KIOSK1-")
    texts = ui.texts()
    assert "You bought Standard for €9.00." in texts
    assert f"Now: wallet {ui.app.money(before - 900)}, play time 3 h 30 min" in texts
    assert "Your slip is printing." in texts
    slip = ui.prints / f"purchase-{bought.id}.png"
    assert slip.exists() and slip.stat().st_size > 0
    ui.shot("done")
    ui.tap(ui.button("Buy more"))
    assert ui.app.screens.current == "packages"


def test_insufficient_wallet(ui):
    open_packages(ui, "MEM0002")
    choose(ui, "SUMMER/BASIC")
    assert ui.buttons("Pay €5.00 from my wallet") == []  # disabled: the wallet has 0.00
    ui.tap(ui.app.screen.ids.wallet_button)
    assert ui.app.screens.current == "confirm"
    assert "Your wallet has €0.00 — this costs €5.00. You can pay at the counter." in ui.texts()
    ui.shot("insufficient")


def test_pay_at_counter_ticket(ui):
    open_packages(ui, "MEM0002")
    choose(ui, "SUMMER/PREMIUM")
    orders = PendingOrder.select().count()
    pay = ui.button("Pay at the counter")
    pay.dispatch("on_release")
    pay.dispatch("on_release")
    ui.pump()
    assert PendingOrder.select().count() == orders + 1
    order = PendingOrder.select().order_by(PendingOrder.created_at.desc()).first()
    assert (order.member, order.campaign, order.package, order.location) == ("M002", "SUMMER",
                                                                             "PREMIUM", "KIOSK1")
    texts = ui.texts()
    assert f"Order {order.code}" in texts
    assert "Valid until 12:30\u00a0PM" in texts  # en_US, the demo site's locale
    assert "Your ticket is printing; take it with you." in texts
    assert (ui.prints / f"counter_ticket-ORD{order.code}.png").exists()
    ui.shot("ticket")


def test_history_newest_first(ui):
    played = AT - dt.timedelta(hours=12)
    consume("M001", "minutes", 15, "pc", played)  # between the fixture's purchase and now
    scan(ui, "MEM0001")
    ui.tap(ui.button("History"))
    assert ui.app.screens.current == "history"
    lines = [text for text in ui.texts() if "Bought" in text or "Used" in text]
    # en_US: "Jul 2, 2026, 11:00 PM"
    stamps = [dt.datetime.strptime(line.split("  ")[0].replace("\u00a0", " "),
                                   "%b %d, %Y, %I:%M %p") for line in lines]
    assert stamps == sorted(stamps, reverse=True) and len(lines) >= 2
    bought = AT - dt.timedelta(days=1)
    assert lines[-2:] == ["Jul 3, 2026, 12:00\u00a0AM  Used 15 min",
                          "Jul 2, 2026, 12:00\u00a0PM  Bought Premium  €45.00"]
    assert (played, bought) == (dt.datetime(2026, 7, 3, 0, 0), dt.datetime(2026, 7, 2, 12, 0))
    ui.shot("history")


def test_idle_timeout_logs_out_from_any_screen(ui):
    scan(ui, "MEM0001")
    ui.tap(ui.button("Buy packages"))
    ui.idle_time.value += 59
    ui.pump_until(lambda: False, seconds=1.1)  # the timer checks once a second
    assert ui.app.screens.current == "packages"
    ui.idle_time.value += 2
    assert ui.pump_until(lambda: ui.app.screens.current == "attract", seconds=3)
    assert ui.app.member is None
    ui.shot("after-idle")


def test_offline_mark_follows_the_sync_process(ui, kiosk_db):
    assert ui.app.offline_mark.text == ""
    other = sqlite3.connect(kiosk_db)  # another process's connection, as the sync process
    with other:
        other.execute("INSERT OR REPLACE INTO local_state (key, value) VALUES "
                      "('sync.online', 'false')")
    assert ui.pump_until(lambda: ui.app.offline_mark.text == "Offline", seconds=3)
    ui.shot("offline")
    with other:
        other.execute("UPDATE local_state SET value = 'true' WHERE key = 'sync.online'")
    other.close()
    assert ui.pump_until(lambda: ui.app.offline_mark.text == "", seconds=3)


def test_clock_banner_follows_the_other_devices_clocks(ui, kiosk_db):
    assert ui.app.clock_banner.text == "" and ui.app.clock_banner.height == 0
    seen = AT - dt.timedelta(minutes=1)  # noted by this device a minute ago ...
    behind = {"COUNTER1": {"clock": (seen + dt.timedelta(hours=3)).isoformat(),  # ... 3 h ahead
                           "seen_at": seen.isoformat()}}
    other = sqlite3.connect(kiosk_db)  # the sync process notes the presences it receives
    with other:
        other.execute("INSERT OR REPLACE INTO local_state (key, value) VALUES (?, ?)",
                      (PEER_CLOCKS_STATE, json.dumps(behind)))
    assert ui.pump_until(lambda: ui.app.clock_banner.text.startswith(
        "Clock problem: this device's clock is 3 hours behind"), seconds=3)
    assert ui.app.clock_banner.height > 0
    ui.shot("clock-warning")
    with other:
        other.execute("DELETE FROM local_state WHERE key = ?", (PEER_CLOCKS_STATE,))
    other.close()
    assert ui.pump_until(lambda: ui.app.clock_banner.text == "", seconds=3)




@pytest.mark.parametrize("size", [(800, 480), (1024, 600), (1280, 800)])
def test_layouts_fit_every_screen_size(ui, size):
    ui.resize(*size)
    assert tuple(ui.window.size) == size
    seen = {}

    def check(name: str) -> None:
        ui.pump(3)
        seen[name] = ui.layout_problems()
        ui.shot(name)

    ui.app.go("attract")
    check("attract")
    ui.tap(ui.button("No card? Log in with code and PIN"))
    check("login-code")
    type_keys(ui, "M001")
    ui.tap(ui.button("Next"))
    check("login-pin")
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Cancel"))
    open_packages(ui)
    check("packages")
    choose(ui, "SUMMER/BASIC")
    check("confirm")
    ui.tap(ui.button("Pay at the counter"))
    check("ticket")
    ui.tap(ui.button("Buy more"))
    ui.tap(ui.button("Back"))
    check("home")
    ui.tap(ui.button("History"))
    check("history")
    assert {name: problems for name, problems in seen.items() if problems} == {}
