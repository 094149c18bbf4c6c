"""Purchases of a package campaign: entitlement against consumption, and refunds (manager)."""

from __future__ import annotations

from counter.names import method_name
from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.entitlements import purchase_records, refund
from engine.errors import PlaydeskError
from uikit import theme
from uikit.screen import load_kv

LIMIT = 200

load_kv(__file__)


class PurchasesScreen(CounterScreen):
    screen_name = "purchases"
    manager_screen = True

    def fill(self, code: str, message: str = "") -> None:
        self.code = code
        box = self.new_listing(t("purchases_title", code=code))
        self.scan_field = self.ids.field
        self.scan_field.text = ""
        records = purchase_records(campaign=code, at=self.app.now())
        if not records:
            box.add_widget(self.label(t("report_none"), color=theme.MUTED))
        for record in records[-LIMIT:]:
            box.add_widget(self.row(self.label(self.describe(record), "small", size_hint_y=1),
                                    *self.refund_button(record),
                                    height=max(theme.MIN_TARGET, self.fs("small") * 4)))
        if message:
            self.good(message)

    def describe(self, record: dict) -> str:
        parts = []
        for kind in ("minutes", "money"):
            entitled = sum(record["entitled"][kind].values())
            if not entitled:
                continue
            consumed = sum(record["consumed"][kind].values())
            remaining = sum(record["remaining"][kind].values())
            show = self.app.minutes if kind == "minutes" else self.app.money
            parts.append(f"{kind}: {show(entitled)} entitled, {show(consumed)} used, "
                         f"{show(remaining)} left")
        refunded = (f"  · refunded {self.app.money(record['refund']['amount'])}"
                    if record["refund"] else "")
        return (f"[b]{record['purchase']}[/b] {record['member']} {record['package']} "
                f"{self.app.money(record['price'])} {record['payment']} "
                f"{self.app.datetime_text(record['at'])}{refunded}\n" + "; ".join(parts))

    def refund_button(self, record: dict) -> list:
        if record["refund"] is not None:
            return []
        if record["receipt"] is not None:
            # the receipt's payments paid for it: only the receipt's refund gives money back
            return [self.label(t("refund_on_receipt", receipt=record["receipt"]), "small",
                               color=theme.MUTED, size_hint=(None, 1), width=360)]
        return [self.button(t("refund"), lambda p=record["purchase"]: self.refund(p),
                            color=theme.WARN, size_hint_x=None, width=130,
                            height=theme.MIN_TARGET)]

    def refund(self, purchase: str) -> None:
        reason = self.scan_field.text.strip()
        if not reason:
            self.say(t("refund_need_reason"))
            return
        try:
            done = refund(purchase, self.app.staff.code, reason, self.app.now())
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.show(code=self.code, message=t("refund_done", amount=self.app.money(
            done["refund_amount"]), methods=method_name(done["method"])))
