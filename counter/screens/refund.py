"""A manager refunds a recorded receipt (some or all lines), from the stored allocations; the
refund slip is printed, the drawer kicked open when cash goes back."""

from __future__ import annotations

from counter.names import method_name
from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.derived import refunded_lines
from engine.documents import receipt_document, refund_slip
from engine.errors import PlaydeskError
from engine.sales.queries import receipt_dict, refund_split
from engine.sales.refunds import refund_receipt
from uikit import theme
from uikit.screen import load_kv

load_kv(__file__)


class RefundScreen(CounterScreen):
    screen_name = "refund"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.ids.field.on_submit = lambda _value: self.submit()

    def fill(self, receipt: str) -> None:
        self.receipt = receipt
        if not self.app.is_manager():
            self.app.go("history", message=t("refund_needs_manager"))
            return
        stored = receipt_dict(receipt)
        names = {line.no: line.name for line in receipt_document(receipt).lines}
        done = refunded_lines(receipt)
        self.chosen: set[int] = set()
        self.line_buttons = {}
        box = self.new_listing(t("refund_title", receipt=receipt))
        self.scan_field = self.ids.field
        self.scan_field.text = ""
        for line in stored["lines"]:
            text = t("refund_line", no=line["no"], name=names.get(line["no"], ""),
                     quantity=line["quantity"], net=self.app.money(line["net"]))
            if line["no"] in done:
                box.add_widget(self.label(text + f"  ({t('status_refunded')})",
                                          color=theme.MUTED))
                continue
            button = self.button(text, lambda no=line["no"]: self.toggle(no), color=theme.PANEL)
            self.line_buttons[line["no"]] = button
            box.add_widget(button)
        for no in self.line_buttons:
            self.toggle(no)  # every line not refunded yet, until the manager unticks some

    def toggle(self, no: int) -> None:
        self.chosen ^= {no}
        self.line_buttons[no].background_color = theme.ACCENT if no in self.chosen else theme.PANEL

    def submit(self) -> None:
        reason = self.scan_field.text.strip()
        if not reason:
            self.say(t("refund_need_reason"))
            return
        try:
            result = refund_receipt(self.receipt, self.app.staff.code, reason, self.app.now(),
                                    lines=sorted(self.chosen), shift=self.app.shift)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        parts = [t("refund_packages", amount=self.app.money(part["amount"]))
                 if part["method"] == "packages"
                 else f"{method_name(part['method'])} {self.app.money(part['amount'])}"
                 for part in refund_split(result)]
        methods = ", ".join(parts) or "-"
        self.app.go("history", message=t("refund_done", amount=self.app.money(result["amount"]),
                                         methods=methods))
        slip = refund_slip(result["refund"])
        self.app.print_document(slip, drawer=slip.cash_back > 0)  # cash comes out of the drawer

    def on_scan(self, scanned: str) -> None:
        """A scan here is not a sale: type the reason."""
        self.say(t("refund_need_reason"))
