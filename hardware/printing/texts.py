"""Every word printed on a slip, in one place (key → English source), translated by gettext.

Documents are data: they carry codes (a payment method, a lot's type and kind, a manual-discount
flag) and the locale they are written in; `layout` turns them into these words, in the
document's language (`in_language`). `text(key, **values)` formats one in the language of the
slip being laid out. Hardware imports no app code, so this catalogue stands alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from engine.i18n import catalogs

# The language of the slip being laid out: a context variable, so two threads laying out slips
# in two languages never mix their words
_LANGUAGE: ContextVar[str] = ContextVar("print_language", default=catalogs.SOURCE_LANGUAGE)

TEXTS: dict[str, str] = {
    # shared
    "total": "TOTAL {symbol}",
    "member": "Member: {name}",
    "minutes": "{minutes} min",
    "none": "none",
    "manual_discount": "Manual discount",
    # tax (spec/tax.md): the table's head, a money package's mark, exclusive mode's lines
    "tax_rate": "Rate",
    "tax_net": "Net",
    "tax_tax": "Tax",
    "tax_gross": "Gross",
    "tax_voucher": "voucher",
    "tax_net_total": "Total net",
    "tax_added": "Tax added",
    "refund_deducted": "Deducted",
    # payment methods (payment_<method>; an unknown method prints as its code, titled)
    "payment_cash": "Cash",
    "payment_card": "Card",
    "payment_wallet": "Wallet",
    # lots on a purchase slip (lot_<type>_<kind>)
    "lot_paid_minutes": "Paid minutes",
    "lot_paid_money": "Paid credit",
    "lot_bonus_minutes": "Bonus minutes",
    "lot_bonus_money": "Bonus credit",
    "lot_manual_minutes": "Manual minutes",
    "lot_manual_money": "Manual credit",
    "lot_correction_minutes": "Correction minutes",
    "lot_correction_money": "Correction credit",
    "lot_other_minutes": "{type} minutes",
    "lot_other_money": "{type} credit",
    "lot_valid_until": "valid until {when}",
    # balances
    "balance_title": "Your balance",
    "balance_credit": "Credit",
    "balance_minutes": "Minutes",
    # coupon
    "coupon_title": "COUPON",
    "coupon_valid_until": "Valid until {date}",
    # receipt
    "receipt_title": "Receipt {receipt}",
    "receipt_cashier": "Cashier: {name}",
    "receipt_subtotal": "Subtotal",
    "receipt_discount": "Discount",
    "receipt_change": "Change",
    "receipt_coupon_below": "Your coupon is below",
    "receipt_coupons_below": "Your {count} coupons are below",
    # purchase
    "purchase_title": "Purchase {purchase}",
    # pay-at-counter ticket
    "ticket_title": "PAY AT THE COUNTER",
    "ticket_hint": "Show this ticket at the counter to pay.",
    # shift report
    "shift_title": "SHIFT REPORT",
    "day_title": "DAY CLOSING Z {z}",
    "day_day": "Day",
    "day_closing": "Closing",
    "day_receipts_range": "Receipts",
    "day_tax": "Tax per rate",
    "day_refund_tax": "Refunds: tax per rate",
    "day_wallet": "Wallet money spent",
    "day_loose": "Packages without a receipt",
    "day_package_tax": "Packages without a receipt: tax per rate",
    "shift_shift": "Shift",
    "shift_cashier": "Cashier",
    "shift_closed_by": "Closed by",
    "shift_from": "From",
    "shift_to": "To",
    "shift_printed": "Printed",
    "shift_receipts": "Receipts",
    "shift_gross": "Gross sales",
    "shift_discounts": "Discounts",
    "shift_payments": "Payments",
    "shift_by_campaign": "Discounts by campaign",
    "shift_coupons_redeemed": "Coupons redeemed",
    "shift_coupons_issued": "Coupons issued",
    "shift_packages": "Packages sold",
    "shift_station_time": "Guests' station time",
    "shift_refunds": "Refunds",
    "shift_voids": "Voided receipts",
    "shift_takings": "Total taken",
    "shift_cash_moves": "Cash in / out",
    "shift_no_sales": "No-sale openings",
    "shift_price_overrides": "Price overrides",
    "drawer_no_sale": "NO SALE",
    "drawer_cash_in": "CASH IN",
    "drawer_cash_out": "CASH OUT",
    "drawer_amount": "Amount",
    "cash_title": "CASH DRAWER",
    "cash_opening": "Opening",
    "cash_expected": "Expected",
    "cash_counted": "Counted",
    "cash_open": "(shift open)",
    "cash_difference": "Difference",
    # refund slip
    "refund_title": "REFUND",
    "refund_refund": "Refund {refund}",
    "refund_of": "of receipt {receipt}",
    "refund_manager": "Manager: {name}",
    "refund_reason": "Reason: {reason}",
    "refund_total": "REFUND {symbol}",
    "refund_paid_back": "Paid back",
    "refund_signature": "Signature: ____________________",
    # member card slip and guest ticket (issue 18 item 3)
    # a reprint's marks (engine/documents/copies.py): {at} is when it was printed again
    "copy_mark": "*** COPY ***",
    "reprinted": "Reprinted {at}",
    "member_card_title": "MEMBER CARD",
    "member_card_code": "Member {code}",
    "member_card_hint": "Scan this card at the kiosk or the counter.",
    "guest_ticket_title": "GUEST TICKET",
    "guest_ticket_code": "Code",
    "guest_ticket_pin": "PIN",
    "guest_ticket_minutes": "Minutes on it",
    "guest_ticket_hint": "Log in at the kiosk or a station with the code and PIN, "
                         "or scan the barcode. Keep the PIN secret.",
}



@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Lay out (and word) a slip in `language` (`de`, `tr`; None or `en` for English)."""
    token = _LANGUAGE.set(language or catalogs.SOURCE_LANGUAGE)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def language() -> str:
    return _LANGUAGE.get()


def has(key: str) -> bool:
    return key in TEXTS


def text(key: str, **values: object) -> str:
    translated = catalogs.translate(_LANGUAGE.get(), key, TEXTS[key])
    try:
        return translated.format(**values)
    except Exception:  # noqa: BLE001 - a broken translation prints English, never nothing
        return TEXTS[key].format(**values)


def payment(method: str) -> str:
    """A payment method's printed name; a method the catalogue lacks prints as its code."""
    key = f"payment_{method}"
    return text(key) if has(key) else method.title()


def lot(type_: str, kind: str) -> str:
    """A lot's printed label, e.g. "Bonus credit" for a bonus lot of money."""
    what = "minutes" if kind == "minutes" else "money"
    key = f"lot_{type_}_{what}"
    return text(key) if has(key) else text(f"lot_other_{what}", type=type_.title())
