"""Payment: cash (with change), card, wallet, or a split of them; then checkout records the sale
in one transaction, the receipt prints (with any issued coupons) and a cash sale opens the drawer.
"""

from __future__ import annotations

from kivy.properties import StringProperty

from counter.names import method_name
from counter.screens.amount import AmountEntry
from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.documents import receipt_document
from engine.errors import PlaydeskError
from engine.sales.payments import CASH, WALLET, receipt_wallet
from engine.sales.receiptfile import PaymentInput
from engine.sales.sale import Sale
from engine.sales.station_time import checkout_cart
from uikit import theme
from uikit.confirm import ask
from uikit.screen import load_kv

BANKNOTES = (5, 10, 20, 50)  # major units, for one-tap cash buttons

load_kv(__file__)


class PaymentScreen(CounterScreen):
    screen_name = "payment"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        ids = self.ids
        self.total_label, self.paid_label, self.due_label = (ids.total_label, ids.paid_label,
                                                             ids.due_label)
        self.payment_list, self.complete_button = ids.payment_list, ids.complete_button
        self.entry = AmountEntry(self.app.money, lambda: self.add(CASH), self.fs(),
                                 hint=t("payment_amount"))
        ids.right.add_widget(self.entry, index=len(ids.right.children))  # on top
        self.wallet_button = self.button(t("payment_wallet"), lambda: self.add(WALLET),
                                         color=theme.WARN)
        unit = 10 ** self.app.formats.minor_digits  # the site's money does not change while it runs
        # on the payments' card: keys, not panels
        ids.notes.add_widget(self.button(t("payment_exact"), self.exact_cash, color=theme.KEY))
        for note in BANKNOTES:
            ids.notes.add_widget(self.button(self.app.money(note * unit),
                                             lambda n=note: self.add(CASH, n * unit),
                                             color=theme.KEY))

    def fill(self) -> None:
        """Layout in payment.kv, made once: a show starts the payments of the receipt anew."""
        self.sale = self.app.screens.get_screen("receipt")
        # what the payments must cover: the tax on top in exclusive mode (tax.md)
        self.total = self.sale.priced.total_due if self.sale.priced else 0
        self.payments: list[PaymentInput] = []
        self.entry.set(None)
        self.scan_field = self.entry.field
        member, priced = self.sale.cart.member, self.sale.priced
        # restricted (console-only) money pays only this receipt's lines of its device
        self.wallet_available = receipt_wallet(member, priced, self.app.now()) \
            if member and priced else 0
        methods = self.ids.methods
        if self.sale.cart.member and self.wallet_button.parent is None:
            methods.add_widget(self.wallet_button)  # a member's wallet pays too
        elif not self.sale.cart.member and self.wallet_button.parent is not None:
            methods.remove_widget(self.wallet_button)
        self.show_state()

    # --- state ---------------------------------------------------------------------------------

    @property
    def paid(self) -> int:
        return sum(p.amount or 0 for p in self.payments)

    @property
    def due(self) -> int:
        return max(self.total - self.paid, 0)

    @property
    def change(self) -> int:
        return max(self.paid - self.total, 0)

    def show_state(self) -> None:
        money = self.app.money
        self.total_label.text = t("payment_total", amount=money(self.total))
        self.paid_label.text = t("payment_paid", amount=money(self.paid))
        if self.change:
            self.due_label.text = t("payment_change", amount=money(self.change))
            self.due_label.color = theme.WARN
        else:
            self.due_label.text = t("payment_due", amount=money(self.due))
            self.due_label.color = theme.TEXT if self.due else theme.GOOD
        self.payment_list.clear_widgets()
        for index, payment in enumerate(self.payments):
            name = method_name(payment.method)
            self.payment_list.add_widget(self.row(
                self.label(t("payment_line", method=name, amount=money(payment.amount or 0)),
                           size_hint_y=1),
                self.button(t("remove"), lambda i=index: self.ask_remove(i), color=theme.BAD,
                            size_hint_x=None, width=120, height=theme.MIN_TARGET),
                height=theme.MIN_TARGET))
        self.complete_button.disabled = self.due > 0

    # --- actions -------------------------------------------------------------------------------

    def add(self, method: str, amount: int | None = None) -> None:
        amount = amount if amount is not None else self.entry.amount
        due = self.due
        if due == 0:
            self.say(t("payment_nothing_due"))
            return
        amount = due if amount is None or amount == 0 else amount
        name = method_name(method)
        if method == WALLET:
            wallet_used = sum(p.amount or 0 for p in self.payments if p.method == WALLET)
            amount = min(amount, due, self.wallet_available - wallet_used)
            if amount <= 0:
                self.say(t("payment_no_wallet"))
                return
        elif method != CASH and amount > due:
            self.say(t("payment_more_than_due", method=name, amount=self.app.money(due)))
            return
        self.payments.append(PaymentInput(method, amount))
        self.entry.set(None)
        self.say("")
        self.show_state()

    def exact_cash(self) -> None:
        self.add(CASH, self.due)

    def ask_remove(self, index: int) -> None:
        """A payment taken is removed only when asked twice (the card may be charged)."""
        payment = self.payments[index]
        ask(self, t("payment_remove_confirm", method=method_name(payment.method),
                    amount=self.app.money(payment.amount or 0)),
            [(t("payment_remove_yes"), lambda: self.remove(index), theme.BAD)],
            t("confirm_keep"), font_size=self.fs())

    def remove(self, index: int) -> None:
        del self.payments[index]
        self.show_state()

    def back(self) -> None:
        self.app.go("receipt")

    def complete(self) -> None:
        if self.due > 0:
            self.say(t("payment_due", amount=self.app.money(self.due)))
            return
        try:
            # a guest's station time on the cart bills its session in the sale's transaction
            result = checkout_cart(self.sale.cart, self.payments, self.app.now(),
                                   staff=self.app.staff.code, shift=self.app.shift)
        except PlaydeskError as error:
            self.say(t("payment_refused", reason=self.app.refusal(error)))
            return
        self.sale.reset()
        self.app.go("done", result=result)
        cash = any(p.method == CASH for p in self.payments)
        self.app.print_document(receipt_document(result.receipt), drawer=cash)

    def on_scan(self, scanned: str) -> None:
        """While paying, a scan is not added to the receipt (it would change the total)."""
        self.say(t("payment_nothing_due") if self.due == 0 else
                 t("payment_due", amount=self.app.money(self.due)))


class SaleDoneScreen(CounterScreen):
    """The sale is recorded: the change to give, the coupons issued, reprint, next customer."""

    screen_name = "done"
    receipt = StringProperty("")
    total = StringProperty("")
    change = StringProperty("")  # "" when there is none
    coupons = StringProperty("")  # the codes issued, "" when none

    def fill(self, result: Sale) -> None:
        self.result = result
        money = self.app.money
        self.receipt = result.receipt
        self.total = money(result.priced.total_due)  # what was paid for
        self.change = money(result.change) if result.change else ""
        self.coupons = ", ".join(c.code for c in result.issued_coupons)

    def reprint(self) -> None:
        """Another slip of this sale: a copy, recorded (issue 18 item 7)."""
        self.print_copy(receipt_document(self.result.receipt))
