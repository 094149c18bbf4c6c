"""How a receipt's payments cover its total: a plan computed before anything is written.

Payments are taken in the order listed, each against what is still due: cash pays at most what
is due and the rest of what was tendered is change; a method without an amount (and wallet
always, unless given less) pays what is still due; a card cannot pay more than is due. Payments
that leave something due are refused (exit 2, nothing recorded), and so is a wallet payment the
member's money may not cover (`check_wallet`).

Which money a wallet payment may use (entitlements.md): unrestricted (`device: any`) lots for
anything, and lots restricted to a device (console-only bonus money) only for the net of the
receipt's lines whose resource has that device — the receipt's `device_caps`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.errors import N_, InsufficientBalance, PlaydeskError
from engine.lots.draws import device_caps, spendable_capped, usable_lots
from engine.models import PaymentMethod
from engine.money import MAX_AMOUNT
from engine.pricing.allocation import pro_rata
from engine.pricing.result import PricedReceipt
from engine.sales.receiptfile import PaymentInput, is_amount

CASH = "cash"
WALLET = "wallet"


@dataclass(frozen=True)
class PlannedPayment:
    method: str
    amount: int  # what it pays towards the total
    tendered: int | None  # cash handed over


@dataclass(frozen=True)
class PaymentPlan:
    payments: tuple[PlannedPayment, ...]
    change: int

    @property
    def paid(self) -> int:
        return sum(p.amount for p in self.payments)


def known_methods() -> set[str]:
    rows = PaymentMethod.select(PaymentMethod.code).where(~PaymentMethod.deleted)
    return {row.code for row in rows} | {CASH, WALLET}


def plan_payments(total: int, payments: tuple[PaymentInput, ...], member: str | None
                  ) -> PaymentPlan:
    methods = known_methods()
    due = total
    planned: list[PlannedPayment] = []
    change = 0
    for payment in payments:
        if payment.method not in methods:
            raise PlaydeskError(N_("unknown payment method {method!r} "
                                   "(known: {methods})"),
                                method=payment.method, methods=", ".join(sorted(methods)))
        if payment.amount is not None and not is_amount(payment.amount):
            raise PlaydeskError(N_("a {method} payment must be a whole amount in minor "
                                   "units (0 to {max_amount}), not {amount!r}"),
                                method=payment.method, max_amount=MAX_AMOUNT, amount=payment.amount)
        if payment.method == WALLET and member is None:
            raise PlaydeskError(N_("a wallet payment needs a member on the receipt"))
        offered = due if payment.amount is None else payment.amount
        if payment.method == CASH:
            pays = min(offered, due)
            change += offered - pays
            planned.append(PlannedPayment(CASH, pays, offered))
        elif payment.method == WALLET:
            pays = min(offered, due)
            planned.append(PlannedPayment(WALLET, pays, None))
        else:
            if offered > due:
                raise PlaydeskError(N_("{method} payment of {offered} is more than the "
                                       "{due} still due"),
                                    method=payment.method, offered=offered, due=due)
            pays = offered
            planned.append(PlannedPayment(payment.method, pays, None))
        due -= pays
    if due > 0:
        paid = total - due
        raise PlaydeskError(N_("payments of {paid} do not cover the total of {total} "
                               "({due} still due); nothing was recorded"),
                            paid=paid, total=total, due=due)
    return PaymentPlan(tuple(planned), change)


def wallet_amount(plan: PaymentPlan) -> int:
    return sum(p.amount for p in plan.payments if p.method == WALLET)


def receipt_caps(priced: PricedReceipt) -> dict[str, int]:
    """The priced receipt's `device_caps`."""
    return device_caps((line.resource, line.net) for line in priced.lines)


def wallet_spendable(member: str, caps: Mapping[str, int], at: dt.datetime) -> int:
    """How much of the member's money a wallet payment on a receipt with these caps can use."""
    return spendable_capped(usable_lots(member, "money", None if caps else "any", at), caps)


def receipt_wallet(member: str, priced: PricedReceipt, at: dt.datetime) -> int:
    """What the member's wallet can pay on this priced receipt (the counter's wallet button)."""
    return wallet_spendable(member, receipt_caps(priced), at)


def check_wallet(plan: PaymentPlan, member: str | None, at: dt.datetime,
                 caps: Mapping[str, int] | None = None) -> None:
    """Refuse a wallet payment the member's usable money does not cover: unrestricted lots, and
    restricted lots up to the receipt's `caps`. Checkout calls it inside its transaction before
    writing anything, so the lots its own package lines are about to create never pay for the
    receipt (sync or not)."""
    wanted = wallet_amount(plan)
    if wanted <= 0 or member is None:
        return
    usable = wallet_spendable(member, caps or {}, at)
    if usable < wanted:
        raise InsufficientBalance(f"insufficient wallet balance: {member} has {usable} usable "
                                  f"money for this receipt, {wanted} needed; nothing was "
                                  f"recorded", member=member, kind="money", needed=wanted,
                                  available=usable)


def commission_shares(commission: int, nets: Sequence[tuple[int, int]]) -> dict[int, int]:
    """The receipt's payment commissions over its lines `nets` = [(line_no, net)]: every payment
    pays each line in proportion to its net, so the commission splits pro rata to the nets,
    exact ints summing to `commission` (largest remainder, as discounts are allocated)."""
    total = sum(net for _, net in nets)
    if commission <= 0 or total <= 0:
        return {}
    scale = -(-commission // total)  # pro_rata gives at most Σnets: scale the weights, not the ratios
    return pro_rata(commission, [(no, net * scale) for no, net in nets])
