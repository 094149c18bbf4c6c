"""Package campaigns, purchases, wallet and time credit lots, consumption, refunds, reports.

The behaviour is spec/entitlements.md. Every function that changes something is one transaction
(`engine.db.write()`, a savepoint inside a caller's), appends its journal event in it, and raises
`PlaydeskError` before writing anything on bad input.
"""

from engine.entitlements.adjust import add_lot
from engine.entitlements.balances import balance, expiring_lots, expiring_within
from engine.entitlements.consumption import ConsumeResult, consume
from engine.entitlements.history import member_history
from engine.entitlements.purchase import purchase, purchase_dict
from engine.entitlements.refunds import refund
from engine.entitlements.reports import purchase_records, report_campaigns, report_liability
from engine.entitlements.sellable import (
    campaigns_on_offer,
    package_name,
    sellable_packages,
    why_not_sellable,
)
from engine.lots.draws import consumption_order

__all__ = [
    "ConsumeResult", "add_lot", "balance", "campaigns_on_offer", "consume", "consumption_order",
    "expiring_lots", "expiring_within", "member_history", "package_name", "purchase",
    "purchase_dict", "purchase_records", "refund", "report_campaigns", "report_liability",
    "sellable_packages", "why_not_sellable",
]
