"""Recent receipts of this counter: reprint, and (managers) refund from the stored allocations.

A reprint is a copy marked on paper (engine/documents/copies.py: "*** COPY ***" and when), never
a second original, and it never opens the drawer. Above the receipts: reprint the last slip
printed here (whatever it was: a coupon, a refund slip, a shift report), and send the slips
that wait in the spool (the worker also does by itself when the printer is back). "Purchases"
lists the site's recent package purchases, the kiosk's included, each with a Reprint button: a
member whose kiosk slip did not print gets it here, as a copy. Every reprint is recorded
(a `Reprint` fact: engine/documents/copies.py).
"""

from __future__ import annotations

from counter.names import method_name
from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.documents import purchase_slip, receipt_document
from engine.documents.copies import recent_purchases
from engine.ids import device_id
from engine.sales.queries import recent_receipts
from uikit import theme
from uikit.screen import load_kv

load_kv(__file__)


class HistoryScreen(CounterScreen):
    screen_name = "history"

    def fill(self, message: str = "", view: str = "receipts") -> None:
        self.view = view
        if view == "purchases":
            self.fill_purchases()
        else:
            self.fill_receipts()
        if message:
            self.good(message)

    def fill_receipts(self) -> None:
        box = self.new_listing(t("history_title"))
        box.add_widget(self.printer_row())
        for receipt in recent_receipts(device_id()):
            code = receipt["receipt"]
            text = t("history_row", receipt=code, at=self.app.datetime_text(receipt['at']),
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

    def fill_purchases(self) -> None:
        box = self.new_listing(t("history_purchases_title"))
        box.add_widget(self.printer_row())
        purchases = recent_purchases()
        if not purchases:
            box.add_widget(self.label(t("history_no_purchases"), color=theme.MUTED,
                                      size_hint_y=None, height=theme.MIN_TARGET))
        for bought in purchases:
            code = bought["purchase"]
            text = t("history_purchase_row", purchase=code, at=self.app.datetime_text(bought['at']),
                     member=bought["member_name"], package=bought["package_name"],
                     price=self.app.money(bought["price"]), method=method_name(bought["payment"]),
                     channel=t(f"channel_{bought['channel']}"))
            button = self.button(t("reprint"), lambda p=code: self.reprint_purchase(p),
                                 color=theme.PANEL, size_hint_x=None, width=140,
                                 height=theme.MIN_TARGET)
            button.purchase_id = code  # which row the button acts on (tests find it)
            box.add_widget(self.row(self.label(text, "small", size_hint_y=1), button,
                                    height=theme.MIN_TARGET))

    def toggle_view(self) -> None:
        self.show(view="receipts" if self.view == "purchases" else "purchases")

    def printer_row(self):
        printer = self.app.printer
        other = "history_show_receipts" if getattr(self, "view", "") == "purchases" \
            else "history_show_purchases"
        widgets = [self.button(t(other), self.toggle_view, color=theme.PANEL, size_hint_x=None,
                               width=200, height=theme.MIN_TARGET),
                   self.label("", size_hint_y=1),
                   self.button(t("history_reprint_last"), self.reprint_last, color=theme.PANEL,
                               size_hint_x=None, width=240, height=theme.MIN_TARGET)]
        if printer.waiting:
            widgets.append(self.button(t("history_send_waiting", count=printer.waiting),
                                       self.send_waiting, color=theme.WARN, size_hint_x=None,
                                       width=220, height=theme.MIN_TARGET))
        return self.row(*widgets, height=theme.MIN_TARGET)

    def reprint(self, receipt: str) -> None:
        self.print_copy(receipt_document(receipt))

    def reprint_purchase(self, purchase: str) -> None:
        self.print_copy(purchase_slip(purchase))

    def reprint_last(self) -> None:
        last = self.app.printer.last
        if last is None:
            self.say(t("history_nothing_printed"))
            return
        self.print_copy(last[0])

    def send_waiting(self) -> None:
        count = self.app.printer.retry()
        self.good(t("history_sending", count=count))

    def printer_changed(self) -> None:
        """Slips printed or left waiting: the "Print N waiting" button follows."""
        listing = self.ids.listing
        if listing.children:
            listing.remove_widget(listing.children[-1])  # the printer row is the first
            listing.add_widget(self.printer_row(), index=len(listing.children))
