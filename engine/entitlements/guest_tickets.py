"""A walk-in guest's ticket (issue 18 item 3): a code and a PIN printed on a slip, minutes sold
on it, used at the kiosk (code + PIN, or the slip's barcode) and at a station like a member.

A ticket is a member definition (its card number is its code, so the slip's barcode scans like
a member card) plus a journaled `guest_ticket` fact saying it is a guest's ticket, who sold it
and when (docs/counter.md says why: every rule about members — login, the PIN limits, minutes
lots, station sessions, balances — then holds for tickets unchanged). Its minutes are a package
sold to it with the ordinary purchase (engine/entitlements/purchase.py), in the same
transaction; or the ticket is issued alone and its package sold on a receipt.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from engine import db, journal
from engine.entitlements.purchase import purchase
from engine.entitlements.sellable import find_package
from engine.errors import N_, PlaydeskError
from engine.ids import device_id, next_id
from engine.models import Purchase
from engine.models.member_facts import GuestTicket
from engine.people.pins import check_pin, hash_pin
from engine.people.staff import require_role
from engine.sitefile.apply import apply_document
from engine.sitefile.member_admin import unused_code

CODE_DIGITS = 8  # "T" + eight digits: typed on the kiosk's code pad
PIN_DIGITS = 6
PAYMENTS = ("cash", "card")  # a ticket has no wallet to pay from


@dataclass(frozen=True)
class Ticket:
    code: str
    pin: str  # the PIN in clear: printed once on the slip, never stored
    id: str  # the guest_ticket fact
    at: dt.datetime
    staff: str
    purchase: Purchase | None = None


def _new_pin(pin: str | None) -> str:
    if pin is not None:
        return check_pin(pin)
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


def issue_ticket(at: dt.datetime, staff: str | None, pin: str | None = None) -> Ticket:
    """A new guest ticket with no minutes yet (sell a package to its code); a cashier may."""
    with db.write():
        who = require_role(staff, "cashier", "selling a guest ticket")
        code = unused_code("T", CODE_DIGITS)
        secret = _new_pin(pin)
        record = {"code": code, "name": f"Guest {code}", "card": code, "debtor": None,
                  "pin_hash": hash_pin(secret), "can_login": True, "active": True,
                  "deleted": False}
        apply_document({"members": [record]}, at, source="ticket.issue")
        row = GuestTicket.create(id=next_id("GT"), member=code, staff=who.code, at=at,
                                 device=device_id())
        journal.append_rows("ticket.issue", row)
        return Ticket(code, secret, row.id, at, who.code)


def sell_ticket(package: str, payment: str, at: dt.datetime, staff: str | None,
                location: str | None = None, pin: str | None = None) -> Ticket:
    """Issue a ticket and sell it a minutes package paid by cash or card: one transaction."""
    if payment not in PAYMENTS:
        raise PlaydeskError(N_("a guest ticket is paid by {payments}, not {payment!r}"),
                            payments=" or ".join(PAYMENTS), payment=payment)
    with db.write():
        item = find_package(package)
        if item.package_type != "minutes":
            raise PlaydeskError(N_("package {package} is not of minutes: a guest ticket holds "
                                   "minutes"), package=package)
        ticket = issue_ticket(at, staff, pin)
        sale = purchase(ticket.code, package, payment, "counter", at, location=location,
                        staff=ticket.staff)
        return Ticket(ticket.code, ticket.pin, ticket.id, at, ticket.staff, sale)


def is_ticket(member: str) -> bool:
    return GuestTicket.get_or_none(GuestTicket.member == member) is not None


def ticket_packages(at: dt.datetime) -> list[dict]:
    """The packages a guest ticket may be sold with at `at`: minutes packages sellable now."""
    from engine.entitlements.sellable import sellable_packages

    return [p for p in sellable_packages(None, at) if p["package_type"] == "minutes"]
