"""The purchase slip of a package bought at the kiosk or counter: the lots it made and the
member's balances after it."""

from __future__ import annotations

from peewee import SQL

from engine.documents.dressing import balances, campaign, dressed, person
from engine.documents.types import LotLine, PaymentLine, PurchaseDocument
from engine.errors import NotFound
from engine.models import Campaign, Lot, Member, Package, Purchase


def purchase_slip(purchase_id: str) -> PurchaseDocument:
    purchase = Purchase.get_or_none(Purchase.id == purchase_id)
    if purchase is None:
        raise NotFound(f"no purchase {purchase_id!r}")
    bought = campaign(purchase.campaign)
    package = (Package.select().join(Campaign)
               .where((Campaign.code == purchase.campaign) & (Package.code == purchase.package))
               .first())
    head, money = dressed(purchase.location, purchase.device)
    lots = Lot.select().where(Lot.purchase == purchase_id).order_by(SQL("rowid"))
    return PurchaseDocument(
        header=head,
        currency=money,
        purchase=purchase.id,
        at=purchase.at,
        member=person(Member, purchase.member) or purchase.member,
        campaign_name=bought.name if bought else purchase.campaign,
        package_name=package.name if package else purchase.package,
        price=purchase.price,
        payment=PaymentLine(purchase.payment, purchase.price),
        lots=tuple(LotLine(lot.type, lot.kind, lot.total, lot.expires_at) for lot in lots),
        balances=balances(purchase.member, purchase.at),
    )
