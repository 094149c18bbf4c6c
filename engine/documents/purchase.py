"""The purchase slip of a package bought at the kiosk or counter: the lots it made and the
member's balances after it."""

from __future__ import annotations

from peewee import SQL

from engine.documents.dressing import (
    balances,
    campaign,
    header,
    payment_line,
    person,
    site_currency,
)
from engine.documents.types import LotLine, PurchaseDocument
from engine.errors import NotFound
from engine.models import Campaign, Lot, Member, Package, Purchase

LOT_TYPE_NAMES = {"paid": "Paid", "bonus": "Bonus", "manual": "Manual", "correction": "Correction"}


def _lot_label(lot: Lot) -> str:
    what = "minutes" if lot.kind == "minutes" else "credit"
    return f"{LOT_TYPE_NAMES.get(lot.type, lot.type.title())} {what}"


def purchase_slip(purchase_id: str) -> PurchaseDocument:
    purchase = Purchase.get_or_none(Purchase.id == purchase_id)
    if purchase is None:
        raise NotFound(f"no purchase {purchase_id!r}")
    bought = campaign(purchase.campaign)
    package = (Package.select().join(Campaign)
               .where((Campaign.code == purchase.campaign) & (Package.code == purchase.package))
               .first())
    lots = Lot.select().where(Lot.purchase == purchase_id).order_by(SQL("rowid"))
    return PurchaseDocument(
        header=header(purchase.location, purchase.device),
        currency=site_currency(),
        purchase=purchase.id,
        at=purchase.at,
        member=person(Member, purchase.member) or purchase.member,
        campaign_name=bought.name if bought else purchase.campaign,
        package_name=package.name if package else purchase.package,
        price=purchase.price,
        payment=payment_line(purchase.payment, purchase.price),
        lots=tuple(LotLine(_lot_label(lot), lot.kind, lot.total, lot.expires_at) for lot in lots),
        balances=balances(purchase.member, purchase.at),
    )
