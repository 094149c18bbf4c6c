"""Find an item or resource by part of its name or code (for what has no barcode)."""

from __future__ import annotations

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.sales.search import search_items
from uikit import theme
from uikit.screen import load_kv

load_kv(__file__)


class SearchScreen(CounterScreen):
    screen_name = "search"

    def fill(self) -> None:
        self.scan_field = self.ids.field
        self.scan_field.text = ""
        self.find()

    def find(self) -> None:
        """What matches the text typed so far (on every key)."""
        self.results = self.ids.listing
        self.results.clear_widgets()
        self.ids.scroller.scroll_y = 1
        matches = search_items(self.ids.field.text)
        if not matches:
            self.results.add_widget(self.label(t("search_none"), color=theme.MUTED))
        for found in matches:
            self.results.add_widget(self.button(
                f"{found.name} ({found.code}) — {self.app.money(found.price)}",
                lambda f=found: self.pick(f.kind, f.code, f.name), color=theme.PANEL))

    def pick(self, kind: str, code: str, name: str) -> None:
        receipt = self.app.screens.get_screen("receipt")
        receipt.cart.add_line(kind, code, name)
        self.app.go("receipt", message=t("added_item", name=name), good=True)

    def on_scan(self, scanned: str) -> None:
        """A scanner is quicker than searching: the scan goes to the receipt."""
        self.app.go("receipt")
        self.app.screen.on_scan(scanned)
