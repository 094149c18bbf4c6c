"""A walk-in guest's ticket slip: the code (and its Code 128 barcode), the PIN printed once, the
minutes on it and, when it was sold with a package, what was paid."""

from __future__ import annotations

from engine.documents.dressing import balances, dressed
from engine.documents.types import GuestTicketSlip, PaymentLine
from engine.entitlements.guest_tickets import Ticket
from engine.entitlements.sellable import package_name
from engine.models import Lot


def guest_ticket_slip(ticket: Ticket, location: str | None = None) -> GuestTicketSlip:
    head, money = dressed(location)
    sale = ticket.purchase
    expiry = None
    if sale is not None:
        lots = Lot.select(Lot.expires_at).where((Lot.purchase == sale.id) & Lot.expires_at.is_null(False))
        expiry = min((lot.expires_at for lot in lots), default=None)
    return GuestTicketSlip(
        header=head, currency=money, code=ticket.code, pin=ticket.pin, at=ticket.at,
        minutes=balances(ticket.code, ticket.at).minutes,
        package_name=package_name(f"{sale.campaign}/{sale.package}") if sale else None,
        price=sale.price if sale else None,
        payment=PaymentLine(sale.payment, sale.price) if sale else None,
        expires_at=expiry)
