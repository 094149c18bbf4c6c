"""Pay-at-counter orders: a member picks a package on the kiosk, pays a cashier, gets it.

The kiosk creates a pending order (`create_order`) and prints a ticket whose QR holds
`ORDER_PREFIX + code`; the counter scans it, looks it up (`pending_order`) and completes it
(`complete_order`), which is the entitlements purchase at the order's price (the one printed on
the ticket) with the order's QR text as idempotency key, so completing twice buys once. Orders
expire `ORDER_LIFETIME` after creation.
"""

from __future__ import annotations

import datetime as dt
import secrets

from engine import journal
from engine.db import write
from engine.entitlements.purchase import purchase
from engine.entitlements.sellable import find_package, package_reason
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id
from engine.models import Location, Purchase
from engine.models.orders import OrderCompletion, PendingOrder
from engine.people.members import buying_member
from engine.sync.strict import ask, holding, refuse, release, spend, use
from engine.sync.validate import ORDER_LIFETIME  # the rule synced orders are checked by

ORDER_PREFIX = "ORD"
# No 0/O, 1/I/L, 5/S, 2/Z: a cashier can read a code aloud or type it from a crumpled ticket.
CODE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8  # 27**8 ≈ 2.8e11: not guessable within an order's 30 minutes


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def order_code(scanned: str) -> str:
    """The order code from a ticket's QR text ("ORD…") or from the code as typed."""
    text = scanned.strip().upper()
    return text[len(ORDER_PREFIX):] if text.startswith(ORDER_PREFIX) else text


def qr_text(order: PendingOrder) -> str:
    return ORDER_PREFIX + order.code


def create_order(member: str, package: str, location: str | None,
                 at: dt.datetime) -> PendingOrder:
    """A pending order for `member` to buy `package` ("CAMPAIGN/PACKAGE"), paid at the counter."""
    buying_member(member, "kiosk")
    _check_location(location)
    item = find_package(package)
    reason = package_reason(item, member, at)
    if reason:
        raise PlaydeskError(N_("package {package} is not sellable: {reason}"),
                            package=package, reason=reason)
    with write():
        code = new_code()
        while PendingOrder.get_or_none(PendingOrder.code == code) is not None:
            code = new_code()
        order = PendingOrder.create(
            code=code, member=member, campaign=item.campaign.code, package=item.code,
            price=item.price, location=location, created_at=at, expires_at=at + ORDER_LIFETIME,
            device=device_id())
        journal.append_rows("order.create", order)
    return order


def _check_location(code: str | None) -> None:
    """The kiosk's location code, when given, must be a location of the site (it is printed on
    the ticket and kept with the order)."""
    if code is not None and not Location.select().where(
            (Location.code == code) & ~Location.deleted).exists():
        raise NotFound(N_("unknown location {code!r}"), code=code)


def completion(code: str) -> OrderCompletion | None:
    return OrderCompletion.get_or_none(OrderCompletion.order == order_code(code))


def find_order(code: str) -> PendingOrder:
    order = PendingOrder.get_or_none(PendingOrder.code == order_code(code))
    if order is None:
        raise NotFound(N_("no order {order!r}; check the ticket or order again at the "
                          "kiosk"), order=order_code(code))
    return order


def pending_order(code: str, at: dt.datetime) -> PendingOrder:
    """The order to take payment for; refused when unknown, already paid, or expired."""
    order = find_order(code)
    done = completion(order.code)
    if done is not None:
        raise PlaydeskError(N_("order {order_code} was already paid at {paid_at:%H:%M} "
                               "(purchase {purchase})"),
                            order_code=order.code, paid_at=done.at, purchase=done.purchase)
    if at >= order.expires_at:
        raise PlaydeskError(N_("order {order_code} expired at {expires_at:%H:%M}; please "
                               "order again at the kiosk"),
                            order_code=order.code, expires_at=order.expires_at)
    return order


def complete_order(code: str, payment: str, staff: str | None, at: dt.datetime,
                   location: str | None = None) -> Purchase:
    """Take payment for the order and make the purchase; completing it again returns the same
    purchase and writes nothing.

    Completing is a strict operation (sync.md), asked of the authority before the write
    transaction, so two counters completing one order (for cash or otherwise) never both hand
    it over; a wallet payment is a spend besides."""
    decisions = []
    if completion(code) is None:
        order = pending_order(code, at)
        granted = ask("order.complete", at, order=order.code)
        refuse(granted, f"completing order {order.code}")
        decisions.append(granted)
        if payment == "wallet":
            try:
                decisions.append(spend(order.member, "money", order.price, at,
                                       shortage="insufficient wallet balance"))
            except BaseException:
                release(granted, at=at)
                raise
    wallet = decisions[1] if len(decisions) > 1 else None
    with holding(*decisions, at=at), write():
        done = completion(code)
        if done is not None:
            return Purchase.get_by_id(done.purchase)
        order = pending_order(code, at)
        if decisions:
            use(decisions[0])
        # the ticket's price is what the member agreed to, whatever the package costs now
        bought = purchase(order.member, f"{order.campaign}/{order.package}", payment, "counter",
                          at, location=location, staff=staff, key=qr_text(order),
                          price=order.price, decision=wallet)
        record = OrderCompletion.create(order=order.code, purchase=bought.id, payment=payment,
                                        staff=staff, location=location, at=at,
                                        device=device_id())
        journal.append_rows("order.complete", record)
    return bought


def order_status(order: PendingOrder, at: dt.datetime) -> str:
    if completion(order.code) is not None:
        return "completed"
    return "expired" if at >= order.expires_at else "pending"


def order_dict(order: PendingOrder, at: dt.datetime) -> dict:
    done = completion(order.code)
    status = order_status(order, at)
    return {"order": order.code, "qr": qr_text(order), "member": order.member,
            "campaign": order.campaign, "package": order.package, "price": order.price,
            "location": order.location, "created_at": order.created_at,
            "expires_at": order.expires_at, "status": status,
            "purchase": done.purchase if done else None}
