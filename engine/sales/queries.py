"""Reading recorded sales: campaign entries, whole receipts, a device's recent receipts, and how
a receipt refund's money went back."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from engine.coupons.notification import redeemable
from engine.entitlements.balances import balance
from engine.errors import N_, NotFound, PlaydeskError
from engine.models import (
    Campaign,
    Coupon,
    CouponRedemption,
    Entry,
    EntryAllocation,
    LineReduction,
    Payment,
    Receipt,
    ReceiptLine,
)
from engine.people.members import member_name
from engine.sales.refunds import refund_status


def entries(campaign: str | None = None, receipt: str | None = None) -> list[dict[str, Any]]:
    """Entries in the order they were written (device, entry_no), with their allocations."""
    query = Entry.select()
    if campaign is not None:
        query = query.where(Entry.campaign == campaign)
    if receipt is not None:
        query = query.where((Entry.origin_type == "receipt") & (Entry.origin_code == receipt))
    rows = list(query.order_by(Entry.device, Entry.entry_no))
    allocations: dict[str, list[dict[str, int]]] = defaultdict(list)
    if rows:
        for row in (EntryAllocation.select()
                    .where(EntryAllocation.entry.in_([r.id for r in rows]))
                    .order_by(EntryAllocation.line_no)):
            allocations[row.entry_id].append({"line": row.line_no, "amount": row.amount})
    return [entry_dict(row, allocations[row.id]) for row in rows]


def entry_dict(row: Entry, allocations: list[dict[str, int]]) -> dict[str, Any]:
    return {"entry_no": row.entry_no, "device": row.device, "origin_type": row.origin_type,
            "origin_code": row.origin_code, "timestamp": row.timestamp,
            "campaign": row.campaign, "campaign_type": row.campaign_type,
            "registration": row.registration, "registration_code": row.registration_code,
            "discount_type": row.discount_type, "discount_value": row.discount_value,
            "reduce_amount": row.reduce_amount, "process": row.process,
            "allocations": allocations}


def receipt_dict(receipt_id: str) -> dict[str, Any]:
    """The recorded receipt: lines with reductions, payments, entries, coupons."""
    receipt = Receipt.get_or_none(Receipt.id == receipt_id)
    if receipt is None:
        raise NotFound(N_("unknown receipt {receipt_id!r}"), receipt_id=receipt_id)
    lines = list(ReceiptLine.select().where(ReceiptLine.receipt == receipt_id)
                 .order_by(ReceiptLine.no))
    reductions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in (LineReduction.select().where(LineReduction.line.in_([line.id for line in lines]))
                .order_by(LineReduction.position)):
        reductions[row.line_id].append({"campaign": row.campaign, "amount": row.amount})
    payments = Payment.select().where(Payment.receipt == receipt_id).order_by(Payment.at)
    redeemed = CouponRedemption.select().where(CouponRedemption.receipt == receipt_id)
    issued = Coupon.select().where(Coupon.issued_receipt == receipt_id)
    return {
        "receipt": receipt.id, "device": receipt.device, "at": receipt.at,
        "location": receipt.location, "member": receipt.member, "debtor": receipt.debtor,
        "contact": receipt.contact, "staff": receipt.staff, "shift": receipt.shift,
        "status": receipt.status,
        "lines": [{"no": line.no, "item": line.item, "resource": line.resource,
                   "package": line.package, "quantity": line.quantity,
                   "unit_price": line.unit_price, "gross": line.gross,
                   "manual_discount": line.manual_discount, "discount": line.discount,
                   "net": line.net, "purchase": line.purchase,
                   "reductions": reductions[line.id]} for line in lines],
        "subtotal": receipt.subtotal, "discount": receipt.discount, "total": receipt.total,
        "paid": receipt.paid, "change": receipt.change,
        "payments": [{"id": p.id, "method": p.method, "amount": p.amount,
                      "tendered": p.tendered, "commission": p.commission} for p in payments],
        "entries": entries(receipt=receipt_id),
        "redeemed_coupons": [row.coupon for row in redeemed],
        "issued_coupons": [{"code": c.code, "campaign": c.campaign, "value": c.value,
                            "expires_on": c.expires_on, "text": c.text, "image": c.image}
                           for c in issued],
    }


RECENT_LIMIT = 30


def recent_receipts(device: str, limit: int = RECENT_LIMIT) -> list[dict[str, Any]]:
    """The receipts `device` recorded, newest first, with their refund status (paid,
    partly_refunded, refunded): a counter's history is its own sales, not every synced one."""
    if limit < 1:
        raise PlaydeskError(N_("the limit is at least 1"))
    rows = (Receipt.select(Receipt.id, Receipt.at, Receipt.total, Receipt.member)
            .where(Receipt.device == device)
            .order_by(Receipt.at.desc(), Receipt.id.desc()).limit(limit))
    return [{"receipt": row.id, "at": row.at, "total": row.total, "member": row.member,
             "status": refund_status(row.id)} for row in rows]


def refund_split(refund: dict[str, Any]) -> list[dict[str, Any]]:
    """Where a receipt refund's money went (`refund_receipt`'s answer): per payment method, then
    "packages" for what package lines gave back by their own purchases' payment, if any."""
    split = [{"method": p["method"], "amount": p["amount"]} for p in refund["payments"]]
    packages = refund["amount"] - sum(p["amount"] for p in refund["payments"])
    if packages:
        split.append({"method": "packages", "amount": packages})
    return split


def campaign_names(codes: list[str]) -> dict[str, str]:
    """The names of the campaigns `codes` (one query; an unknown code is left out)."""
    if not codes:
        return {}
    return {row.code: row.name
            for row in Campaign.select(Campaign.code, Campaign.name).where(Campaign.code.in_(codes))}


@dataclass(frozen=True)
class CounterMember:
    """The receipt's member as the counter shows them: who, what is left, the coupons they may
    redeem now (`coupons.notification.redeemable` entries)."""

    code: str
    name: str
    money: int
    minutes: int
    coupons: tuple[dict[str, Any], ...]


def counter_member(code: str, at: dt.datetime) -> CounterMember:
    left = balance(code, at)
    return CounterMember(code, member_name(code), left.money.total, left.minutes.total,
                         tuple(redeemable(code, at)))
