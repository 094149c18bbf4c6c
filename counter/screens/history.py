"""Recent receipts of this counter: reprint, and (managers) refund from the stored allocations.

A reprint is a copy marked on paper (engine/documents/copies.py: "*** COPY ***" and when), never
a second original, and it never opens the drawer. Above the receipts: reprint the last slip
printed here (whatever it was: a coupon, a refund slip, a shift report), and send the slips
that wait in the spool (the worker also does by itself when the printer is back).
"""

from __future__ import annotations

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.documents import receipt_document
from engine.documents.copies import as_copy
from engine.ids import device_id
from engine.sales.queries import recent_receipts
from uikit import theme
from uikit.screen import load_kv

load_kv(__file__)


class HistoryScreen(CounterScreen):
    screen_name = "history"

    def fill(self, message: str = "") -> None:
        box = self.new_listing(t("history_title"))
        box.add_widget(self.printer_row())
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

    def printer_row(self):
        printer = self.app.printer
        widgets = [self.label("", size_hint_y=1),
                   self.button(t("history_reprint_last"), self.reprint_last, color=theme.PANEL,
                               size_hint_x=None, width=240, height=theme.MIN_TARGET)]
        if printer.waiting:
            widgets.append(self.button(t("history_send_waiting", count=printer.waiting),
                                       self.send_waiting, color=theme.WARN, size_hint_x=None,
                                       width=220, height=theme.MIN_TARGET))
        return self.row(*widgets, height=theme.MIN_TARGET)

    def reprint(self, receipt: str) -> None:
        self.print_copy(receipt_document(receipt))

    def reprint_last(self) -> None:
        last = self.app.printer.last
        if last is None:
            self.say(t("history_nothing_printed"))
            return
        self.print_copy(last[0])

    def print_copy(self, document) -> None:
        if not self.app.print_document(as_copy(document, self.app.now())):
            return  # the app said why
        if self.app.printer.printable:
            self.good(t("history_reprinted", what=document.reference))
        else:  # spooled: it prints when the printer is back (or with "Print N waiting")
            self.say(t("history_reprint_waiting", what=document.reference), theme.WARN)

    def send_waiting(self) -> None:
        count = self.app.printer.retry()
        self.good(t("history_sending", count=count))

    def printer_changed(self) -> None:
        """Slips printed or left waiting: the "Print N waiting" button follows."""
        listing = self.ids.listing
        if listing.children:
            listing.remove_widget(listing.children[-1])  # the printer row is the first
            listing.add_widget(self.printer_row(), index=len(listing.children))
