"""Text without a keyboard (issue 18 item 1): the counter under Xvfb typed on by tapping the keys
of our on-screen keyboard only.

The appliance has no keyboard: its udev rules (systemd/udev/70-playdesk.rules) give the app the
touch screen and the scanners (grabbed) and nothing else. Xvfb always has a core keyboard, so
these tests take it out of play instead: every key event the window receives is recorded and
must stay none; text reaches the fields only through taps on the keys (and scans through the
scanner's path, which sends no key events).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.models import Campaign, Receipt, Staff
from engine.models.shifts import ReceiptRefund
from engine.people.pins import hash_pin
from uikit import theme

AT = dt.datetime(2026, 7, 3, 17, 0)
MANAGER_PIN = "2222"
SIZES = ((1024, 600), (1280, 800), (1920, 1080))
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def counter_db(tmp_path_factory):
    from engine.pricing import LineInput, ReceiptInput
    from engine.sales.checkout import checkout
    from engine.sales.receiptfile import PaymentInput

    database = ui_harness.demo_database(tmp_path_factory, "keyboard", AT)
    path = next(database)
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin(MANAGER_PIN))
    checkout(ReceiptInput("COUNTER1", (LineInput(item="CHIPS"),)), [PaymentInput("cash", None)],
             AT)
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
    """The counter at 1280x800, nobody logged in, the keyboard closed; fails a test in which
    the window received a key event (there is no keyboard on the appliance)."""
    from kivy.core.window import Window

    from uikit.keyboard import close_keyboard

    close_keyboard()
    keys: list[tuple] = []

    def record(_window, *args):
        keys.append(args)

    events = {name: record for name in ("on_key_down", "on_key_up", "on_textinput")}
    Window.bind(**events)
    yield counter.begin(request.node.name, AT, size=(1280, 800))
    Window.unbind(**events)
    close_keyboard()
    assert keys == [], "a key event reached the window"


def board():
    from uikit.keyboard import keyboard

    return keyboard()


def login_manager(ui) -> None:
    ui.tap(ui.button("Maria"))
    for key in MANAGER_PIN:
        ui.tap(ui.button(key))
    ui.tap(ui.button("Log in"))
    if ui.app.screens.current == "shift_open":
        ui.tap(ui.button("0"))
        ui.tap(ui.button("Open shift"))
    assert ui.app.screens.current == "receipt"


def void(ui) -> None:
    ui.tap(ui.button("Void receipt"))
    if ui.buttons("Yes, void it"):  # asked first (issue 18 item 4)
        ui.tap(ui.button("Yes, void it"))
    assert ui.app.screen.cart.empty


def tap_field(ui, field, layout: str = "text"):
    """A finger on the field: the keyboard opens for it, with its layout."""
    from uikit.keyboard import keyboard

    ui.tap(field)
    opened = keyboard()
    assert opened.is_open and opened.target == field  # (kv ids are weak proxies)
    assert opened.page.name == layout
    return opened


def type_keys(ui, text: str) -> None:
    """Tap the keys that type `text` (shift before a capital, the symbols page for what only it
    has)."""
    from uikit.keyboard import LETTERS, SHIFT, SPACE, SYMBOL_PAGE, SYMBOLS

    on_symbols = {key for row in SYMBOL_PAGE for key, _units in row}
    for char in text:
        kb = board()
        key = SPACE if char == " " else char.lower()
        wanted = "symbols" if key not in {k.key for k in kb.page.keys} and key in on_symbols \
            else kb.page.name
        if kb.page.name == "numeric":
            wanted = "numeric"
        if wanted != kb.page.name:
            ui.tap(kb.key(SYMBOLS if wanted == "symbols" else LETTERS))
        if char != key and char.isalpha():
            ui.tap(kb.key(SHIFT))
        ui.tap(kb.key(key))
        if kb.page.name == "symbols":
            ui.tap(kb.key(LETTERS))


def tap_key(ui, key: str) -> None:
    ui.tap(board().key(key))


def geometry_problems(ui, field, min_key: int = theme.MIN_TARGET) -> list[str]:
    """The keyboard inside the window, its keys big enough, the edited field above it."""
    kb = board()
    width, height = ui.window.size
    problems = []
    if kb.x < 0 or kb.y < 0 or kb.right > width + 1 or kb.top > height + 1:
        problems.append(f"keyboard at {kb.pos} {kb.size} outside {width}x{height}")
    for key in kb.page.keys:
        x, y = key.to_window(key.x, key.y)
        if key.height < min_key or key.width < min_key:
            problems.append(f"key {key.key!r} is {key.width:.0f}x{key.height:.0f}")
        if x < -1 or y < -1 or x + key.width > width + 1 or y + key.height > height + 1:
            problems.append(f"key {key.key!r} outside the window")
    _x, bottom = field.to_window(field.x, field.y)
    if bottom < kb.top:
        problems.append(f"the field's bottom {bottom:.0f} is under the keyboard's top {kb.top}")
    if bottom + field.height > height + 1:
        problems.append("the field went off the top of the window")
    return problems


def test_typing_by_taps_reaches_the_engine(ui):
    login_manager(ui)
    # search: a name typed on the keys finds the item
    ui.tap(ui.button("Search"))
    field = ui.app.screen.ids.field
    assert not board().is_open  # the app focused it for the scanner: no keyboard for that
    tap_field(ui, field)
    type_keys(ui, "cola")
    ui.shot("search-typed")
    assert field.text == "cola"
    tap_key(ui, "Done")
    assert not board().is_open
    ui.tap(ui.button("Cola 0.5 l (COLA) — €2.50"))
    assert [line.code for line in ui.app.screen.cart.lines] == ["COLA"]
    void(ui)

    # a refund's reason, capitals and punctuation included
    sold = Receipt.select().order_by(Receipt.id).first()
    ui.tap(ui.button("Receipts"))
    ui.tap(next(b for b in ui.buttons("Refund") if b.receipt_id == sold.id))
    assert ui.app.screens.current == "refund"
    reason = ui.app.screen.ids.field
    tap_field(ui, reason)
    assert geometry_problems(ui, reason) == []
    type_keys(ui, "Stale, sorry!")
    ui.shot("refund-reason")
    tap_key(ui, "Done")
    assert reason.focus  # a scan field stays where the scanner types
    ui.tap(ui.button("Refund"))
    assert ReceiptRefund.get(ReceiptRefund.receipt == sold.id).reason == "Stale, sorry!"

    # a campaign's name on the manager's form
    ui.tap(ui.button("Manager"))
    ui.tap(next(b for b in ui.buttons("+ Category") + ui.buttons("+ category")))
    form = ui.app.screen
    form.inputs["code"].text = "KB10"  # (the code: as the campaign form tests fill it)
    name = form.inputs["name"]
    form.view.scroll_to(name, animate=False)
    tap_field(ui, name)
    type_keys(ui, "Keyboard deal")
    assert geometry_problems(ui, name) == []
    ui.shot("campaign-name")
    tap_key(ui, "Done")
    ui.tap(ui.button("Save"))
    assert ui.app.screen.message.text == "Campaign KB10 saved.", ui.app.screen.message.text
    assert Campaign.get(Campaign.code == "KB10").name == "Keyboard deal"

    # a coupon's quantity and value on the numeric keys
    ui.app.handle_scan("CAMPWELCOME")  # (the campaign's barcode brings its row into sight)
    ui.pump(4)
    ui.tap(next(b for b in ui.buttons("Coupons") if getattr(b, "campaign_code", "") == "WELCOME"))
    wizard = ui.app.screen
    tap_field(ui, wizard.inputs["quantity"], "numeric")
    tap_key(ui, "⌫")
    tap_key(ui, "⌫")
    type_keys(ui, "4")
    tap_key(ui, "Done")  # (the next field may be under the keys)
    tap_field(ui, wizard.inputs["value"], "numeric")
    type_keys(ui, "150")
    ui.shot("coupon-numeric")
    tap_key(ui, "Enter")
    assert not board().is_open
    ui.tap(ui.button("Generate"))
    assert wizard.message.text == "4 coupons generated."


def test_the_scan_field_types_and_enters_by_taps(ui):
    login_manager(ui)
    field = ui.app.screen.scan_field
    ui.pump(3)
    assert field.focus and not board().is_open  # focused for the scanner, no keyboard
    tap_field(ui, field)
    assert geometry_problems(ui, field) == []
    type_keys(ui, "CHIPS")
    tap_key(ui, "Enter")  # Enter submits the code, as the scanner's Enter does
    assert [line.code for line in ui.app.screen.cart.lines] == ["CHIPS"]
    assert not board().is_open and field.text == ""
    tap_field(ui, field)
    ui.tap(ui.app.screen.message)  # a tap elsewhere closes it
    assert not board().is_open
    void(ui)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_keyboard_fits_the_screen(ui, size):
    ui.resize(*size)
    login_manager(ui)
    field = ui.app.screen.scan_field
    tap_field(ui, field)
    assert geometry_problems(ui, field) == [], size
    ui.shot(f"receipt-{size[0]}x{size[1]}")
    tap_key(ui, "Done")  # (the Search button is under the keys)
    ui.tap(ui.button("Search"))
    search = ui.app.screen.ids.field
    tap_field(ui, search)
    assert geometry_problems(ui, search) == [], size
    ui.shot(f"search-{size[0]}x{size[1]}")
    tap_key(ui, "?123")
    assert geometry_problems(ui, search) == [], size
    ui.shot(f"symbols-{size[0]}x{size[1]}")
    tap_key(ui, "Done")
    ui.tap(ui.button("Back"))
    ui.tap(ui.button("Manager"))
    ui.app.handle_scan("CAMPWELCOME")
    ui.pump(4)
    ui.tap(next(b for b in ui.buttons("Coupons") if getattr(b, "campaign_code", "") == "WELCOME"))
    quantity = ui.app.screen.inputs["quantity"]
    tap_field(ui, quantity, "numeric")
    assert geometry_problems(ui, quantity) == [], size
    ui.shot(f"numeric-{size[0]}x{size[1]}")
    tap_key(ui, "Done")
    text = ui.app.screen.inputs["text"]  # the lowest field: the screen moves up above the keys
    ui.app.screen.ids.form_view.scroll_to(text, animate=False)
    tap_field(ui, text)
    assert geometry_problems(ui, text) == [], size
    ui.shot(f"lowest-field-{size[0]}x{size[1]}")
    tap_key(ui, "Done")
    assert ui.app.root.y == 0  # back in place
    ui.resize(1280, 800)


def test_kivy_never_docks_its_own_keyboard():
    """The units set KCFG_KIVY_KEYBOARD_MODE=systemanddock; configure_kivy overrides it, so a
    field's focus never docks Kivy's VKeyboard over ours (a fresh interpreter: Kivy reads the
    variable when it is first imported)."""
    probe = ("from uikit.kivyconfig import configure_kivy; configure_kivy('800x480'); "
             "from kivy.config import Config; print(Config.get('kivy', 'keyboard_mode'))")
    env = dict(os.environ, KCFG_KIVY_KEYBOARD_MODE="systemanddock", KIVY_NO_ARGS="1",
               KIVY_NO_FILELOG="1", KIVY_NO_CONSOLELOG="1")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "system"


def test_turkish_capitals_keep_their_dots(ui):
    """Shift in Turkish: i → İ and ı → I (str.upper() gives I for both); other languages as
    str.upper()."""
    from uikit import words
    from uikit.keyboard import capital

    try:
        words.use("tr")
        assert [capital(c) for c in "iışğ"] == ["İ", "I", "Ş", "Ğ"]
    finally:
        words.use(None)
    assert [capital(c) for c in "iä"] == ["I", "Ä"]
