"""Done: the purchase and the new balances (slip printed), or the pay-at-counter ticket (QR)."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from engine import documents
from engine.entitlements import balance, package_name
from engine.entitlements.purchase import purchase_summary
from engine.orders import find_order, qr_text
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.qr import qr_texture
from uikit.widgets import Panel


class DoneScreen(KioskScreen):
    screen_name = "done"

    def build(self, purchase_id: str | None = None, order_code: str | None = None) -> None:
        if order_code is not None:
            self.build_ticket(order_code)
        else:
            assert purchase_id is not None
            self.build_purchase(purchase_id)
            self.body.add_widget(BoxLayout())  # the ticket's row takes the space itself
        self.body.add_widget(self.button(t("done_ok"), lambda: self.app.go("home"),
                                         color=theme.GOOD))

    def build_purchase(self, purchase_id: str) -> None:
        app = self.app
        bought = purchase_summary(purchase_id)
        totals = balance(app.member, app.now())
        self.body.add_widget(self.label(t("done_title"), "title", halign="center", bold=True,
                                        color=theme.GOOD))
        box = Panel(orientation="vertical", padding=12, spacing=6, size_hint_y=None)
        box.bind(minimum_height=box.setter("height"))
        box.add_widget(self.label(t("done_bought", package=package_name(bought.package),
                                    price=app.money(bought.price)), "large"))
        box.add_widget(self.label(t("done_new_balance", money=app.money(totals.money.total),
                                    minutes=app.minutes(totals.minutes.total))))
        self.body.add_widget(box)
        printed = app.print_once(purchase_id, lambda: documents.purchase_slip(purchase_id))
        self.body.add_widget(self.label(t("done_slip_printed") if printed
                                        else t("done_slip_failed"), halign="center",
                                        color=theme.MUTED if printed else theme.WARN))

    def build_ticket(self, code: str) -> None:
        app = self.app
        order = find_order(code)
        self.body.add_widget(self.label(t("ticket_title"), "title", halign="center", bold=True))
        row = BoxLayout(orientation="horizontal", spacing=16)
        row.add_widget(Image(texture=qr_texture(qr_text(order)), fit_mode="contain",
                             size_hint_x=0.4))
        words = BoxLayout(orientation="vertical", spacing=6)
        name = package_name(f"{order.campaign}/{order.package}")
        words.add_widget(self.label(t("ticket_code", code=order.code), "large", bold=True))
        words.add_widget(self.label(f"{name}  {app.money(order.price)}", "large"))
        words.add_widget(self.label(t("ticket_until", time=f"{order.expires_at:%H:%M}")))
        words.add_widget(self.label(t("ticket_show")))

        def ticket():
            return documents.counter_ticket(qr_text(order), [(name, order.price)], order.created_at,
                                            member=order.member, location=order.location)
        printed = app.print_once(qr_text(order), ticket)
        words.add_widget(self.label(t("ticket_printed") if printed else t("ticket_print_failed"),
                                    "small", color=theme.MUTED if printed else theme.WARN))
        words.add_widget(BoxLayout())
        row.add_widget(words)
        self.body.add_widget(row)
