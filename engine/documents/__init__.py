"""Printable documents as plain data: what a receipt, coupon slip or purchase slip says.

The engine decides the content (which reductions are shown and how, the member's balances after a
purchase, the coupons issued); `hardware.printing` decides the look (ESC/POS bytes, a PNG preview).
Builders read the recorded facts only, so a reprint says exactly what the first print said.

`types` holds the dataclasses (no database: what hardware imports), `currency` the one money
formatter, `dressing` what every slip shares, and one module per document builds it. This package
re-exports today's names: `from engine.documents import receipt_document` keeps working.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from engine.documents.currency import Currency
from engine.documents.types import (
    Balances,
    CashCount,
    CounterTicket,
    CountLine,
    CouponDocument,
    CouponSlip,
    Document,
    Header,
    Line,
    LotLine,
    PaymentLine,
    PurchaseDocument,
    ReceiptDocument,
    Reduction,
    RefundLine,
    RefundSlip,
    ShiftReport,
    as_dict,
)

# The builders read the database, so they load on first use: `import engine.documents.types`
# (hardware's only engine import) runs this file and must not load peewee and the models.
_BUILDERS = {
    "balances": "dressing", "site_currency": "dressing", "header": "dressing", "dressed": "dressing",
    "HEADER_SETTING": "dressing", "FOOTER_SETTING": "dressing", "LOGO_SETTING": "dressing",
    "coupon_barcode": "coupon", "coupon_document": "coupon", "coupon_slip": "coupon",
    "coupon_value_text": "coupon",
    "MANUAL_DISCOUNT": "receipt", "campaign_labels": "receipt", "printed_line": "receipt",
    "receipt_document": "receipt", "receipt_lines": "receipt", "reduction_label": "receipt",
    "reduction_labels": "receipt",
    "purchase_slip": "purchase",
    "counter_ticket": "ticket",
    "shift_report": "shift",
    "refund_slip": "refund",
}


def __getattr__(name: str) -> Any:
    module = _BUILDERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


__all__ = [
    "Balances", "CashCount", "CountLine", "CounterTicket", "CouponDocument", "CouponSlip",
    "Currency", "Document", "Header", "Line", "LotLine", "PaymentLine", "PurchaseDocument",
    "ReceiptDocument", "Reduction", "RefundLine", "RefundSlip", "ShiftReport", "as_dict",
    "balances", "counter_ticket", "coupon_document", "purchase_slip", "receipt_document",
    "refund_slip", "shift_report",
]
