"""The on-screen keyboard of both touch apps: the appliances have a touch screen and a scanner,
no keyboard, so every text field types through this one.

One keyboard per process, built on first use and reused (its pages are made once; a resize only
lays them out again), docked at the bottom of the window over the app. While it is open the
window's content is moved up just enough that the field being edited stays above it (as a phone
pans), and moved back when it closes.

A `uikit.textfield.TextField` opens it when a finger taps the field (never when the app gives a
field the focus for the scanner) and it closes on Done, on Enter in a one-line field, when the
field loses the focus (a tap elsewhere) or leaves the window. Pages: "text" (letters with
shift, digits, punctuation; "?123" turns to symbols and letters with accents), "numeric"
(digits, minus, point: amounts, quantities, PINs, dates); each has backspace, Enter and Done.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.behaviors import FocusBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.widget import Widget

from uikit import theme, words
from uikit.widgets import Panel
from uikit.words import text

BACKSPACE = "⌫"
SHIFT = "⇧"
ENTER = "Enter"
DONE = "Done"
SYMBOLS = "?123"
LETTERS = "ABC"
SPACE = "space"
ACTIONS = (BACKSPACE, SHIFT, ENTER, DONE, SYMBOLS, LETTERS, SPACE)
ACTION_LABELS = {SPACE: ""}
ACTION_WORDS = {ENTER: "key_enter", DONE: "key_done"}  # labels in the language in use

# Turkish dotted and dotless i: i → İ, ı → I (str.upper() would make both I)
TURKISH_CAPITALS = {"i": "İ", "ı": "I"}


def capital(char: str) -> str:
    """A key's capital in the language shown (the keyboard's words follow it too)."""
    if words.catalogue.language == "tr" and char in TURKISH_CAPITALS:
        return TURKISH_CAPITALS[char]
    return char.upper()


# a page is rows of (key, width in units); every row of a text page is 12 units wide
Row = tuple[tuple[str, float], ...]


def _keys(chars: str, width: float = 1) -> Row:
    return tuple((char, width) for char in chars)


TEXT_PAGE: tuple[Row, ...] = (
    _keys("1234567890") + ((BACKSPACE, 2),),
    _keys("qwertyuiop-'"),
    _keys("asdfghjkl") + ((ENTER, 3),),
    ((SHIFT, 2),) + _keys("zxcvbnm,.?"),
    ((SYMBOLS, 2), ("@", 1), (SPACE, 5), ("!", 1), (DONE, 3)),
)
SYMBOL_PAGE: tuple[Row, ...] = (
    _keys("1234567890") + ((BACKSPACE, 2),),
    _keys("€$%&*()_+=#/"),
    _keys("äöüßçğşıé") + ((ENTER, 3),),  # German and Turkish names are typed too
    ((SHIFT, 2),) + _keys(":;<>[]|\\~^"),
    ((LETTERS, 2), ("@", 1), (SPACE, 5), ("!", 1), (DONE, 3)),
)
NUMERIC_PAGE: tuple[Row, ...] = (
    (("1", 1), ("2", 1), ("3", 1), (BACKSPACE, 1.5)),
    (("4", 1), ("5", 1), ("6", 1), ("-", 1.5)),
    (("7", 1), ("8", 1), ("9", 1), (ENTER, 1.5)),
    ((".", 1), ("0", 1), (":", 1), (DONE, 1.5)),
)
PAGES = {"text": TEXT_PAGE, "symbols": SYMBOL_PAGE, "numeric": NUMERIC_PAGE}

KEY_COLOR = (0.25, 0.28, 0.36, 1)
ACTION_COLOR = (0.19, 0.21, 0.27, 1)
SPACING = 6
GAP = 8  # px between the edited field and the keyboard's top


def key_height(window_height: float) -> int:
    """A key's height for the window: 48 px at 600 high, 60 at 800, at most 72 (1080)."""
    return max(theme.MIN_TARGET, min(72, round(window_height * 0.075)))


class Key(Button):
    """One key: `key` is the character it types (or one of ACTIONS)."""

    def __init__(self, key: str, units: float, press: Callable[[str], None]) -> None:
        action = key in ACTIONS
        label = text(ACTION_WORDS[key]) if key in ACTION_WORDS else ACTION_LABELS.get(key, key)
        super().__init__(text=label, size_hint_x=units,
                         background_normal="", halign="center", valign="middle",
                         background_color=ACTION_COLOR if action else KEY_COLOR,
                         font_name="DejaVuSans" if key in (BACKSPACE, SHIFT) else "Roboto")
        self.key = key
        self.bind(on_release=lambda _b: press(key))


class Page(BoxLayout):
    """The rows of one page of keys (all as wide), centred in the keyboard."""

    def __init__(self, name: str, rows: tuple[Row, ...], press: Callable[[str], None]) -> None:
        super().__init__(orientation="vertical", spacing=SPACING, size_hint=(None, None))
        self.name = name
        self.units = max(sum(units for _key, units in row) for row in rows)
        self.keys: list[Key] = []
        self.rows: list[BoxLayout] = []
        for row in rows:
            box = BoxLayout(orientation="horizontal", spacing=SPACING)
            for key, units in row:
                button = Key(key, units, press)
                self.keys.append(button)
                box.add_widget(button)
            self.rows.append(box)
            self.add_widget(box)

    def fit(self, width: float, row_height: int) -> None:
        self.width = width
        self.height = len(self.rows) * row_height + (len(self.rows) - 1) * SPACING
        font = round(row_height * 0.42)
        for key in self.keys:
            key.font_size = font


class OnScreenKeyboard(Panel):
    """The keyboard docked at the bottom of the window; `open(field)` / `close()`."""

    def __init__(self) -> None:
        super().__init__(orientation="vertical", size_hint=(None, None), padding=SPACING,
                         background=[0.05, 0.06, 0.08, 1])
        self.pages = {name: Page(name, rows, self.press) for name, rows in PAGES.items()}
        self.page: Page | None = None
        self.target = None  # the TextField typed into
        self.shifted = False
        self.panned: tuple[Widget, float] | None = None  # (window child moved up, its old y)
        self._watch = None
        self.show_page("text")
        Window.bind(size=self._resized)

    @property
    def is_open(self) -> bool:
        return self.parent is not None

    # --- opening and closing -----------------------------------------------------------------

    def open(self, field) -> None:
        """Type into `field` from now on (its layout: numeric or text)."""
        if self.target is not None and self.target is not field:
            self._unbind_target()
        self.target = field
        field.bind(focus=self._focus_changed)
        self.set_shift(False)
        self.show_page("numeric" if field.keyboard_layout == "numeric" else "text")
        if self.parent is not None:  # on top of what was added since (a popup)
            self.parent.remove_widget(self)
        self._unpan()
        self.fit()
        Window.add_widget(self)
        self.pan()
        if self._watch is None:
            self._watch = Clock.schedule_interval(self._check_target, 0.25)

    def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        field = self.target
        self._unbind_target()
        if self.parent is not None:
            self.parent.remove_widget(self)
        self._unpan()
        if field is not None and not field.keeps_focus:
            field.focus = False

    def _unbind_target(self) -> None:
        if self.target is not None:
            self.target.unbind(focus=self._focus_changed)
        self.target = None

    def _focus_changed(self, field, focused: bool) -> None:
        if not focused and field is self.target:
            self.close()  # a tap elsewhere took the focus away

    def _check_target(self, _dt) -> None:
        if self.target is None or self.target.get_root_window() is None:
            self.close()  # its screen is gone

    # --- geometry -----------------------------------------------------------------------------

    def fit(self) -> None:
        """Size the keyboard (and its page) from the window: bottom, full width, keys tall
        enough for a finger."""
        width, height = Window.size
        row = key_height(height)
        page = self.page
        page_width = min(width - 2 * SPACING, 1400)
        if page.name == "numeric":  # a number pad, not a 12-unit-wide row of keys
            page_width = min(page_width, round(page.units * row * 2.2))
        page.fit(page_width, row)
        self.size = (width, page.height + 2 * SPACING)
        self.pos = (0, 0)
        side = max(0, (width - page_width) / 2)
        self.padding = (side, SPACING, side, SPACING)

    def pan(self) -> None:
        """Move the window's content that holds the field up until the field is above the
        keyboard (never further than the field's own top)."""
        field = self.target
        if field is None:
            return
        holder = field
        while holder.parent is not None and holder.parent is not Window:
            holder = holder.parent
        if holder.parent is not Window or holder is self:
            return
        _x, bottom = field.to_window(field.x, field.y)
        needed = self.top + GAP - bottom
        room = Window.height - (bottom + field.height)  # the field's own top stays inside
        shift = max(0, min(needed, room))
        if shift <= 0:
            return
        self.panned = (holder, holder.y)
        holder.y += shift

    def _unpan(self) -> None:
        if self.panned is not None:
            holder, old_y = self.panned
            holder.y = old_y
            self.panned = None

    def _resized(self, *_args) -> None:
        if not self.is_open:
            return
        self._unpan()
        self.fit()
        Clock.schedule_once(lambda _dt: self._repan(), 0)  # after the app's layout followed

    def _repan(self) -> None:
        if self.is_open:
            self._unpan()
            self.pan()

    # --- keys ---------------------------------------------------------------------------------

    def show_page(self, name: str) -> None:
        page = self.pages[name]
        if self.page is page:
            return
        self.clear_widgets()
        self.page = page
        self.add_widget(page)
        self.set_shift(self.shifted)
        if self.is_open:
            self.fit()

    def set_shift(self, on: bool) -> None:
        self.shifted = on
        for key in self.page.keys:
            if key.key in ACTIONS:
                if key.key == SHIFT:
                    key.background_color = theme.ACCENT if on else ACTION_COLOR
                continue
            key.text = capital(key.key) if on else key.key

    def press(self, key: str) -> None:
        field = self.target
        if field is None:
            return
        if key == DONE:
            self.close()
        elif key == ENTER:
            if field.multiline:
                field.insert_text("\n")
            else:
                self.close()
                field.dispatch("on_text_validate")
        elif key == BACKSPACE:
            field.do_backspace()
        elif key == SHIFT:
            self.set_shift(not self.shifted)
        elif key == SYMBOLS:
            self.show_page("symbols")
        elif key == LETTERS:
            self.show_page("text")
        else:
            char = " " if key == SPACE else key
            field.insert_text(capital(char) if self.shifted else char)
            if self.shifted:
                self.set_shift(False)  # one capital, as on a phone

    def key(self, key: str) -> Key:
        """The button of `key` on the page shown (tests tap it)."""
        return next(button for button in self.page.keys if button.key == key)

    # --- touches ------------------------------------------------------------------------------

    def on_touch_down(self, touch) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        FocusBehavior.ignored_touch.append(touch)  # a key tap does not take the field's focus
        super().on_touch_down(touch)
        return True  # nothing under the keyboard gets the touch

    def on_touch_move(self, touch) -> bool:
        return super().on_touch_move(touch) or self.collide_point(*touch.pos)

    def on_touch_up(self, touch) -> bool:
        return super().on_touch_up(touch) or self.collide_point(*touch.pos)


_KEYBOARD: OnScreenKeyboard | None = None


def keyboard() -> OnScreenKeyboard:
    """The process's one keyboard (built on first use)."""
    global _KEYBOARD
    if _KEYBOARD is None:
        _KEYBOARD = OnScreenKeyboard()
    return _KEYBOARD


def open_keyboard(field) -> OnScreenKeyboard:
    board = keyboard()
    board.open(field)
    return board


def close_keyboard() -> None:
    if _KEYBOARD is not None and _KEYBOARD.is_open:
        _KEYBOARD.close()
