"""A kiosk pay-at-counter ticket: the cashier takes the payment and the purchase is made."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.documents import purchase_slip
from engine.entitlements.people import member_name
from engine.entitlements.sellable import find_package
from engine.errors import PlaydeskError
from engine.orders import complete_order, pending_order
from uikit import theme


class OrderScreen(CounterScreen):
    screen_name = "order"

    def build(self, code: str) -> None:
        self.code = code
        try:
            self.order = pending_order(code, self.app.now())
        except PlaydeskError as error:
            self.app.go("receipt", message=t("order_refused", reason=error))
            return
        package = find_package(f"{self.order.campaign}/{self.order.package}")
        member = self.order.member
        self.body.add_widget(self.title_row(t("order_title", code=self.order.code),
                                            back=lambda: self.app.go("receipt")))
        self.body.add_widget(self.label(t("order_line", member=f"{member_name(member)} ({member})",
                                          package=package.name,
                                          price=self.app.money(package.price)), "large"))
        self.body.add_widget(BoxLayout())
        self.body.add_widget(self.message)
        self.body.add_widget(self.row(
            self.button(t("order_pay_cash"), lambda: self.pay("cash"), color=theme.GOOD),
            self.button(t("order_pay_card"), lambda: self.pay("card"))))

    def pay(self, method: str) -> None:
        try:
            bought = complete_order(self.code, method, self.app.staff.code, self.app.now(),
                                    location=self.app.location)
        except PlaydeskError as error:
            self.say(t("order_refused", reason=error))
            return
        self.app.go("receipt", message=t("order_done", code=self.order.code,
                                         purchase=bought.id), good=True)
        self.app.print_document(purchase_slip(bought.id), drawer=method == "cash")
