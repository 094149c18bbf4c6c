"""Done: the purchase and the new balances (slip printed), or the pay-at-counter ticket (QR).

Shown for `kiosk_done_seconds` (counted down over the screen), then the kiosk logs out: the next
person at the kiosk must not find the last member logged in. "Done" logs out at once, "Buy
more" stays. "Your slip is printing" follows the printer: offline, out of paper or missing (or
the job failing on the way), it says to ask at the counter, where the slip can be reprinted.
"""

from __future__ import annotations

from kivy.properties import ColorProperty, ObjectProperty, StringProperty

from engine import documents
from engine.entitlements import balance, package_name
from engine.entitlements.purchase import purchase_summary
from engine.sales.orders import find_order, qr_text
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.qr import qr_texture
from uikit.screen import load_kv

load_kv(__file__)


class KioskDoneScreen(KioskScreen):
    """Laid out in done.kv: a purchase part and a ticket part, made once; a show puts the one
    it needs under the title and sets the properties they show."""

    screen_name = "done"
    title = StringProperty("")
    title_color = ColorProperty(theme.TEXT)
    bought = StringProperty("")  # what was bought (or ordered) and its price
    balances = StringProperty("")
    code = StringProperty("")  # the order's
    until = StringProperty("")
    qr = ObjectProperty(None, allownone=True)
    printed = StringProperty("")
    printed_color = ColorProperty(theme.MUTED)

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        # the widgets themselves (ids are weak references: a part out of the tree would go)
        self.parts = {"purchase": self.ids.purchase_part.__self__,
                      "ticket": self.ids.ticket_part.__self__}
        self.ids.content.clear_widgets()

    def fill(self, purchase_id: str | None = None, order_code: str | None = None) -> None:
        self.slip: tuple[str, str, str] | None = None  # (print key, printed text, failed text)
        if order_code is not None:
            self.fill_ticket(order_code)
            self.use("ticket")
        else:
            assert purchase_id is not None
            self.fill_purchase(purchase_id)
            self.use("purchase")

    def use(self, part: str) -> None:
        content = self.ids.content
        if self.parts[part].parent is not content:
            content.clear_widgets()
            content.add_widget(self.parts[part])

    def fill_purchase(self, purchase_id: str) -> None:
        app = self.app
        bought = purchase_summary(purchase_id)
        totals = balance(app.member, app.now(), lots=False)  # the figures only: no lot list
        self.title, self.title_color = t("done_title"), theme.GOOD
        self.bought = t("done_bought", package=package_name(bought.package),
                        price=app.money(bought.price))
        self.balances = t("done_new_balance", money=app.money(totals.money.total),
                          minutes=app.minutes(totals.minutes.total))
        app.print_once(purchase_id, lambda: documents.purchase_slip(purchase_id))
        self.slip = (purchase_id, "done_slip_printed", "done_slip_failed")
        self.printer_changed()

    def fill_ticket(self, code: str) -> None:
        app = self.app
        order = find_order(code)
        name = package_name(f"{order.campaign}/{order.package}")
        self.title, self.title_color = t("ticket_title"), theme.TEXT
        self.qr = qr_texture(qr_text(order))
        self.code = order.code
        self.bought = f"{name}  {app.money(order.price)}"
        self.until = t("ticket_until", time=self.app.time_text(order.expires_at))

        def ticket():
            return documents.counter_ticket(qr_text(order), [(name, order.price)], order.created_at,
                                            member=order.member, location=order.location)
        app.print_once(qr_text(order), ticket)
        self.slip = (qr_text(order), "ticket_printed", "ticket_print_failed")
        self.printer_changed()

    def printer_changed(self) -> None:
        """Say whether the slip is coming out (again when the printer's state changed)."""
        if self.slip is None:
            return
        key, done, failed = self.slip
        printed = self.app.print_once(key, lambda: None)  # printed already: only its state
        self.printed = t(done) if printed else t(failed)
        self.printed_color = theme.MUTED if printed else theme.WARN

    def on_enter(self, *_args) -> None:
        self.app.purchase_done()

    def on_leave(self, *_args) -> None:
        self.app.stay()

    def finish(self) -> None:
        self.app.logout()

    def buy_more(self) -> None:
        self.app.go("packages")
