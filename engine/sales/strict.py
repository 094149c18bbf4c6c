"""Checkout's strict operations (spec/sync.md), asked BEFORE its write transaction: each applied
coupon with a redemption limit (`coupon.redeem`) and the wallet payment (`balance.spend`).

    with strict_checkout(receipt_input, payments, at) as grants, write():
        definitions = grants.definitions(cached_definitions(receipt_input.coupons))
        ...
        rows += grants.redeemed(_redemption_rows(priced, receipt_id, at), receipt_id)

A coupon the authority refuses is priced as used up (rejected "used up", the receipt re-priced
without it); a refused wallet payment refuses the sale; what the offline policy allowed is
marked `offline` on the redemption and the consumption. The receipt is priced once here,
outside the lock, to learn which coupons apply and what the wallet pays.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.models import CouponRedemption
from engine.pricing import ReceiptInput, price_receipt
from engine.pricing.definitions import cached_definitions
from engine.pricing.types import Definitions
from engine.sales.payments import WALLET, plan_payments, receipt_caps, wallet_amount
from engine.sales.receiptfile import PaymentInput
from engine.sync.config import sync_configured
from engine.sync.strict import ask, granted, holding, release, spend, use

if TYPE_CHECKING:
    from engine.sync.authority import Decision

log = logging.getLogger("playdesk.strict")


@dataclass
class CheckoutGrants:
    denied: set[str] = field(default_factory=set)  # coupons refused: priced as used up
    offline: set[str] = field(default_factory=set)  # coupons allowed by the offline policy
    coupons: dict[str, Decision] = field(default_factory=dict)  # the authority's yes per coupon
    spends: dict[tuple[str, str], Decision] = field(default_factory=dict)

    def decisions(self) -> list[Decision]:
        return [*self.coupons.values(), *self.spends.values()]

    def definitions(self, definitions: Definitions) -> Definitions:
        """`definitions` with the refused coupons used up."""
        if not self.denied:
            return definitions
        coupons = dict(definitions.coupons)
        for code in self.denied & set(coupons):
            coupon = coupons[code]
            coupons[code] = dataclasses.replace(coupon, redemptions=max(coupon.redemptions,
                                                                        coupon.max_redemptions))
        return definitions.with_coupons(coupons)

    def redeemed(self, rows: list[CouponRedemption], receipt_id: str) -> list[CouponRedemption]:
        """The redemption rows, marked offline where the offline policy allowed them and with
        the authority's grant they use (inside the transaction, before the journal event is
        built from them)."""
        for row in rows:
            if row.coupon in self.offline:
                row.offline = True
                CouponRedemption.update(offline=True).where(CouponRedemption.id == row.id
                                                            ).execute()
            elif row.coupon in self.coupons:
                row.hold = use(self.coupons[row.coupon])
                CouponRedemption.update(hold=row.hold).where(CouponRedemption.id == row.id
                                                             ).execute()
        return rows


def ask_checkout(receipt_input: ReceiptInput, payments: tuple[PaymentInput, ...],
                 at: dt.datetime) -> CheckoutGrants:
    """Ask the authority about this sale's limited coupons and wallet payment."""
    grants = CheckoutGrants()
    if not sync_configured():
        return grants  # alone: checkout's own transaction serializes the redemptions
    wallet_possible = any(p.method == WALLET for p in payments)
    if not receipt_input.coupons and not wallet_possible:
        return grants  # nothing to ask: no pricing before the transaction's own
    definitions = cached_definitions(receipt_input.coupons)
    priced = price_receipt(receipt_input, definitions, at)
    limited = [code for code in dict.fromkeys(priced.redeemed_coupons)
               if definitions.coupons[code].max_redemptions > 0]
    if not limited and not wallet_possible:
        return grants
    try:
        _ask_all(grants, receipt_input, payments, at, definitions, priced, limited)
    except BaseException:
        release(*grants.decisions(), at=at)
        raise
    return grants


def _ask_all(grants: CheckoutGrants, receipt_input: ReceiptInput,
             payments: tuple[PaymentInput, ...], at: dt.datetime, definitions: Definitions,
             priced, limited: list[str]) -> None:
    for code in limited:
        decision = ask("coupon.redeem", at, code=code)
        if not decision.allowed:
            grants.denied.add(code)
        elif decision.offline:
            grants.offline.add(code)
        else:
            grants.coupons[code] = decision
    if grants.denied:
        priced = price_receipt(receipt_input, grants.definitions(definitions), at)
    plan = plan_payments(priced.total, payments, receipt_input.member)
    wallet = wallet_amount(plan)
    if wallet > 0 and receipt_input.member:
        grants.spends[(receipt_input.member, "money")] = spend(
            receipt_input.member, "money", wallet, at, shortage="insufficient wallet balance",
            caps=receipt_caps(priced))


@contextlib.contextmanager
def strict_checkout(receipt_input: ReceiptInput, payments: tuple[PaymentInput, ...],
                    at: dt.datetime) -> Iterator[CheckoutGrants]:
    """Ask first (outside the transaction), then hold the wallet decision for the sale; the
    grants the sale did not use (it failed, or priced a coupon out) are released after."""
    grants = ask_checkout(receipt_input, payments, at)
    with holding(*grants.decisions(), at=at), granted(grants.spends):
        yield grants
