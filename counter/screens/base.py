"""What counter screens have beyond uikit's DeviceScreen: smaller text, where scans go (the
receipt screen, unless the screen takes them itself), a scan field that keeps the focus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from uikit import theme
from uikit.scanfield import ScanField
from uikit.screen import DeviceScreen
from uikit.widgets import BigButton, Panel

if TYPE_CHECKING:
    from counter.app import CounterApp


class CounterScreen(DeviceScreen):
    manager_screen = False  # part of manager mode (the header's mode button says "Sale")
    text_scale = 0.85
    min_font = 16
    message_halign = "left"
    title = StringProperty("")  # the title of a kv screen's TitleRow

    def __init__(self, app: CounterApp, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.scan_field: ScanField | None = None

    def show(self, **kwargs) -> None:
        self.scan_field = None
        super().show(**kwargs)

    def focus_scan(self) -> None:
        if self.scan_field is not None:
            self.scan_field.grab_focus()

    def on_scan(self, scanned: str) -> None:
        """A scan on a screen that does not take scans: it goes to the receipt being built."""
        if self.app.staff is None:
            return
        self.app.go("receipt")
        self.app.screen.on_scan(scanned)

    def print_copy(self, document) -> None:
        """Print `document` again, marked COPY (never a second original, never the drawer), and
        record the reprint (issue 18 item 7) once a copy exists: printed or in the spool."""
        from counter.texts import text as t
        from engine.documents.copies import as_copy, record_reprint
        from engine.errors import PlaydeskError

        at = self.app.now()
        if not self.app.print_document(as_copy(document, at)):
            return  # the app said why
        try:
            record_reprint(document.kind, document.reference, self.app.staff.code, at)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        if self.app.printer.printable:
            self.good(t("history_reprinted", what=document.reference))
        else:  # spooled: it prints when the printer is back (or with "Print N waiting")
            self.say(t("history_reprint_waiting", what=document.reference), theme.WARN)

    # --- widget helpers ------------------------------------------------------------------------

    def button(self, text: str, on_release, color=theme.ACCENT, height: int = theme.BUTTON_HEIGHT,
               **kwargs) -> BigButton:
        return super().button(text, on_release, color=color, height=height, **kwargs)

    def pressed(self, action) -> None:
        action()
        if self.app.screens.current == self.name:  # (a screen shown instead focuses itself)
            self.focus_scan()  # a tap never leaves the scanner without a place to type

    def new_listing(self, title: str) -> BoxLayout:
        """A kv list screen: its title set, its list emptied and scrolled to the top (the box to
        fill)."""
        self.title = title
        self.ids.scroller.scroll_y = 1
        self.ids.listing.clear_widgets()
        return self.ids.listing


class Card(Panel):
    """A panel for a group of facts on a screen."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("padding", 8)
        kwargs.setdefault("spacing", 4)
        super().__init__(**kwargs)
