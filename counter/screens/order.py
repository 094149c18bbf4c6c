"""A kiosk pay-at-counter ticket: the cashier takes the payment and the purchase is made."""

from __future__ import annotations

from kivy.properties import StringProperty

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.documents import purchase_slip
from engine.entitlements.sellable import find_package
from engine.errors import PlaydeskError
from engine.people.members import member_name
from engine.sales.orders import complete_order, pending_order
from uikit.screen import load_kv

load_kv(__file__)


class OrderScreen(CounterScreen):
    screen_name = "order"

    order_code = StringProperty("")  # the order's own code (what was scanned may say more)
    line = StringProperty("")  # who buys what for how much

    def fill(self, code: str) -> None:
        self.code = code  # as scanned: what completes the order
        try:
            self.order = pending_order(code, self.app.now())
        except PlaydeskError as error:
            self.app.go("receipt", message=t("order_refused", reason=self.app.refusal(error)))
            return
        package = find_package(f"{self.order.campaign}/{self.order.package}")
        member = self.order.member
        self.order_code = self.order.code
        self.line = t("order_line", member=f"{member_name(member)} ({member})",
                      package=package.name, price=self.app.money(package.price))

    def pay(self, method: str) -> None:
        try:
            bought = complete_order(self.code, method, self.app.staff.code, self.app.now(),
                                    location=self.app.location)
        except PlaydeskError as error:
            self.say(t("order_refused", reason=self.app.refusal(error)))
            return
        self.app.go("receipt", message=t("order_done", code=self.order.code,
                                         purchase=bought.id), good=True)
        self.app.print_document(purchase_slip(bought.id), drawer=method == "cash")
