"""Recent receipts of this counter: reprint, and (managers) refund from the stored allocations."""

from __future__ import annotations

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.documents import receipt_document
from engine.ids import device_id
from engine.sales.queries import recent_receipts
from uikit import theme
from uikit.screen import load_kv

load_kv(__file__)


class HistoryScreen(CounterScreen):
    screen_name = "history"

    def fill(self, message: str = "") -> None:
        box = self.new_listing(t("history_title"))
        for receipt in recent_receipts(device_id()):
            code = receipt["receipt"]
            text = t("history_row", receipt=code, at=f"{receipt['at']:%d.%m. %H:%M}",
                     total=self.app.money(receipt["total"]), status=t(f"status_{receipt['status']}"))
            widgets = [self.label(text, size_hint_y=1),
                       self.button(t("reprint"), lambda r=code: self.reprint(r),
                                   color=theme.PANEL, size_hint_x=None, width=140,
                                   height=theme.MIN_TARGET)]
            if self.app.is_manager() and receipt["status"] != "refunded":
                widgets.append(self.button(t("refund"), lambda r=code: self.app.go(
                    "refund", receipt=r), color=theme.WARN, size_hint_x=None, width=140,
                    height=theme.MIN_TARGET))
            for widget in widgets[1:]:
                widget.receipt_id = code  # which row a button acts on (tests find it)
            box.add_widget(self.row(*widgets, height=theme.MIN_TARGET))
        if message:
            self.good(message)

    def reprint(self, receipt: str) -> None:
        self.app.print_document(receipt_document(receipt))
