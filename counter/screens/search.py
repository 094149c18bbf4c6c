"""Find an item or resource by part of its name or code (for what has no barcode)."""

from __future__ import annotations

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.catalog import search_items
from uikit import theme
from uikit.scanfield import ScanField


class SearchScreen(CounterScreen):
    screen_name = "search"

    def build(self) -> None:
        self.body.add_widget(self.title_row(t("search_title"), back=lambda: self.app.go("receipt")))
        self.scan_field = ScanField(lambda _v: None, hint=t("search_hint"), font_size=self.fs(),
                                    clear_on_submit=False)
        self.scan_field.bind(text=lambda *_a: self.fill())
        self.body.add_widget(self.scan_field)
        view, self.results = self.scroll_list()
        self.body.add_widget(view)
        self.body.add_widget(self.message)
        self.fill()

    def fill(self) -> None:
        self.results.clear_widgets()
        matches = search_items(self.scan_field.text)
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
