"""How a receipt's payments cover its total: a plan computed before anything is written.

Payments are taken in the order listed, each against what is still due: cash pays at most what
is due and the rest of what was tendered is change; a method without an amount (and wallet
always, unless given less) pays what is still due; a card cannot pay more than is due. Payments
that leave something due are refused (exit 2, nothing recorded), and so is a wallet payment the
member's unrestricted money does not cover (`check_wallet`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from engine.errors import InsufficientBalance, PlaydeskError
from engine.lots.draws import usable_lots
from engine.models import PaymentMethod
from engine.money import MAX_AMOUNT
from engine.pricing.allocation import pro_rata
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
            raise PlaydeskError(f"unknown payment method {payment.method!r} "
                                f"(known: {', '.join(sorted(methods))})")
        if payment.amount is not None and not is_amount(payment.amount):
            raise PlaydeskError(f"a {payment.method} payment must be a whole amount in minor "
                                f"units (0 to {MAX_AMOUNT}), not {payment.amount!r}")
        if payment.method == WALLET and member is None:
            raise PlaydeskError("a wallet payment needs a member on the receipt")
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
                raise PlaydeskError(f"{payment.method} payment of {offered} is more than the "
                                    f"{due} still due")
            pays = offered
            planned.append(PlannedPayment(payment.method, pays, None))
        due -= pays
    if due > 0:
        paid = total - due
        raise PlaydeskError(f"payments of {paid} do not cover the total of {total} "
                            f"({due} still due); nothing was recorded")
    return PaymentPlan(tuple(planned), change)


def wallet_amount(plan: PaymentPlan) -> int:
    return sum(p.amount for p in plan.payments if p.method == WALLET)


def check_wallet(plan: PaymentPlan, member: str | None, at: dt.datetime) -> None:
    """Refuse a wallet payment the member's usable unrestricted (`device: any`) money lots do not
    cover. Checkout calls it inside its transaction before writing anything, so the lots its own
    package lines are about to create never pay for the receipt (sync or not)."""
    wanted = wallet_amount(plan)
    if wanted <= 0 or member is None:
        return
    usable = sum(lot.remaining for lot in usable_lots(member, "money", "any", at, needed=wanted))
    if usable < wanted:
        raise InsufficientBalance(f"insufficient wallet balance: {member} has {usable} usable "
                                  f"money, {wanted} needed; nothing was recorded", member=member,
                                  kind="money", needed=wanted, available=usable)


def commission_shares(commission: int, nets: Sequence[tuple[int, int]]) -> dict[int, int]:
    """The receipt's payment commissions over its lines `nets` = [(line_no, net)]: every payment
    pays each line in proportion to its net, so the commission splits pro rata to the nets,
    exact ints summing to `commission` (largest remainder, as discounts are allocated)."""
    total = sum(net for _, net in nets)
    if commission <= 0 or total <= 0:
        return {}
    scale = -(-commission // total)  # pro_rata gives at most Σnets: scale the weights, not the ratios
    return pro_rata(commission, [(no, net * scale) for no, net in nets])
