"""Buying a package: the spec's five steps in one transaction (entitlements.md: Purchase)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from engine import journal
from engine.bulk import insert_instances
from engine.db import database, write
from engine.entitlements.consumption import draw_and_record
from engine.entitlements.lots import make_lot
from engine.entitlements.sellable import find_package, package_reason
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id, next_id, next_ids
from engine.lots.draws import id_key
from engine.models import Consumption, Location, Lot, Package, Payment, Purchase
from engine.money import commission
from engine.people.members import buying_member
from engine.people.staff import existing_staff
from engine.sync.strict import holding, spend_decision

if TYPE_CHECKING:
    from engine.sync.authority import Decision

PAYMENTS = ("cash", "card", "wallet")
CHANNELS = ("kiosk", "counter")


# Looked up on every purchase: plain SQL (peewee builds a statement in ~300 µs).
_METHOD = ("SELECT commission_percent, fixed_fee FROM payment_method "
           "WHERE code = ? AND NOT deleted")
_KEY_USED = "SELECT 1 FROM purchase WHERE key = ?"


def method_commission(method: str, amount: int) -> int:
    """amount × commission_percent / 100 + fixed_fee, half-up; a method the site does not
    describe (e.g. plain cash) costs nothing."""
    row = database.execute_sql(_METHOD, (method,)).fetchone()
    if row is None:
        return 0
    percent, fixed_fee = row
    return commission(amount, Decimal(percent), fixed_fee)


def _check_choices(payment: str, channel: str) -> None:
    if payment not in PAYMENTS:
        raise PlaydeskError(N_("payment must be one of {payments}, not {payment!r}"),
                            payments=", ".join(PAYMENTS), payment=payment)
    if channel not in CHANNELS:
        raise PlaydeskError(N_("channel must be one of {channels}, not {channel!r}"),
                            channels=", ".join(CHANNELS), channel=channel)


def _check_location(code: str | None) -> None:
    if code is None:
        return
    row = Location.get_or_none(Location.code == code)
    if row is None or row.deleted:
        raise NotFound(N_("unknown location {code!r}"), code=code)


def _repeat(key: str, member: str, package: str) -> Purchase | None:
    """The purchase already made with this idempotency key, if any."""
    if database.execute_sql(_KEY_USED, (key,)).fetchone() is None:
        return None  # the usual case, answered without building a model
    first = Purchase.get(Purchase.key == key)
    if first is not None and (first.member, f"{first.campaign}/{first.package}") != (member,
                                                                                      package):
        raise PlaydeskError(N_("idempotency key {key!r} was used for {member} buying "
                               "{campaign}/{package} ({purchase})"),
                            key=key, member=first.member, campaign=first.campaign,
                            package=first.package, purchase=first.id)
    return first


def _make_lots(member: str, package: Package, purchase_id: str, at: dt.datetime) -> list[Lot]:
    """The paid lot for the base and a separate bonus lot of the bonus's kind."""
    expires_at = at + dt.timedelta(days=package.validity_days) if package.validity_days else None
    common = {"device": package.device, "expires_at": expires_at, "purchase": purchase_id}
    parts = [(package.package_type, "paid", package.base)]
    if package.bonus_type != "none" and package.bonus:
        parts.append((package.bonus_type, "bonus", package.bonus))
    origin = device_id()
    return [make_lot(lot_id, member, kind, lot_type, amount, at, origin, **common)
            for lot_id, (kind, lot_type, amount) in zip(next_ids("L", len(parts)), parts, strict=True)]


def _wallet_decision(member: str, package: str, price: int | None, at: dt.datetime,
                     key: str | None, decision: Decision | None) -> Decision | None:
    """The strict decision for paying `package` from the wallet (asked before the write
    transaction); None for a repeated idempotency key, which spends nothing."""
    if key is not None and database.execute_sql(_KEY_USED, (key,)).fetchone() is not None:
        return decision
    amount = find_package(package).price if price is None else price
    if amount <= 0:
        return decision
    # the grant is named by its hold on the wallet draws, not by the purchase id to come
    return spend_decision(member, "money", amount, at, None, decision,
                          shortage="insufficient wallet balance")


def purchase(member: str, package: str, payment: str, channel: str, at: dt.datetime,
             location: str | None = None, staff: str | None = None, key: str | None = None,
             receipt: str | None = None, price: int | None = None, commission_share: int = 0,
             decision: Decision | None = None) -> Purchase:
    """Sell `package` ("CAMPAIGN/PACKAGE") to `member`; one transaction, nothing written on error.

    cash/card record a Payment with the method's commission; wallet spends the price from the
    member's unrestricted (`device: any`) money lots by the consumption order. With `receipt` (a
    counter checkout selling a package line) the receipt's own payments are the payment, so none
    is taken here; `price` then is the line's net (default: the package price) and
    `commission_share` the line's share of the commission the receipt's payments cost. A
    repeated `key` returns the first purchase and writes nothing.

    A wallet payment is a strict operation (sync.md): asked of the authority before the
    transaction when standalone; inside a caller's transaction the caller passes `decision`.
    """
    _check_choices(payment, channel)
    if price is not None and (not isinstance(price, int) or price < 0):
        raise PlaydeskError(N_("price must be a whole number of minor units, at least 0"))
    if (not isinstance(commission_share, int) or isinstance(commission_share, bool)
            or commission_share < 0 or (commission_share and receipt is None)):
        raise PlaydeskError(N_("a commission share is given only for a receipt's package line, "
                               "as a whole number of minor units, at least 0"))

    if receipt is None and payment == "wallet":
        decision = _wallet_decision(member, package, price, at, key, decision)
    # BEGIN IMMEDIATE: a racing repeat of the same key waits, then sees ours
    with holding(decision, at=at), write():
        if key is not None and (first := _repeat(key, member, package)) is not None:
            return first
        buying_member(member, channel)
        item = find_package(package)
        reason = package_reason(item, member, at)
        if reason:
            raise PlaydeskError(N_("package {package} is not sellable: {reason}"),
                                package=package, reason=reason)
        if staff is not None:
            existing_staff(staff)
        _check_location(location)
        amount = item.price if price is None else price
        origin = device_id()
        purchase_id = next_id("P")

        wallet_records: list[Consumption] = []
        payments: list[Payment] = []
        paid_commission = commission_share  # a receipt line's share; else what its payment costs
        if receipt is None and payment == "wallet":
            _, wallet_records = draw_and_record(member, "money", amount, "any", at,
                                                reference=purchase_id,
                                                shortage_message="insufficient wallet balance",
                                                offline=bool(decision and decision.offline),
                                                decision=decision)
        elif receipt is None:
            paid_commission = method_commission(payment, amount)
            payments = [Payment(id=next_id("PAY"), purchase=purchase_id,
                                method=payment, amount=amount, commission=paid_commission,
                                at=at, device=origin)]
        record = Purchase(
            id=purchase_id, member=member, campaign=item.campaign.code, package=item.code,
            price=amount, payment=payment, commission=paid_commission, channel=channel,
            location=location, staff=staff, at=at, key=key, receipt=receipt, device=origin)
        lots = _make_lots(member, item, purchase_id, at)
        insert_instances(record, *lots, *payments)
        journal.append_rows("purchase", record, *lots, *payments, *wallet_records)
    return record


def purchase_lots(purchase_id: str) -> list[Lot]:
    """The purchase's lots, paid first (ids number in creation order)."""
    return sorted(Lot.select().where(Lot.purchase == purchase_id), key=lambda lot: id_key(lot.id))


def purchase_dict(record: Purchase, at: dt.datetime) -> dict:
    """A purchase as `playdesk buy` prints it (cli.md)."""
    lots = purchase_lots(record.id)
    return {
        "purchase": record.id, "member": record.member, "campaign": record.campaign,
        "package": record.package, "price": record.price, "payment": record.payment,
        "commission": record.commission, "channel": record.channel, "at": record.at,
        "key": record.key,
        "lots": [{"id": lot.id, "kind": lot.kind, "type": lot.type, "total": lot.total,
                  "remaining": lot.remaining, "device": lot.device,
                  "expires_at": lot.expires_at} for lot in lots],
    }


class PurchaseSummary(NamedTuple):
    package: str  # campaign/package
    price: int


def purchase_summary(purchase_id: str) -> PurchaseSummary:
    """What a purchase bought and for how much (the kiosk's done screen)."""
    bought = Purchase.get_or_none(Purchase.id == purchase_id)
    if bought is None:
        raise NotFound(N_("unknown purchase {purchase_id!r}"), purchase_id=purchase_id)
    return PurchaseSummary(f"{bought.campaign}/{bought.package}", bought.price)
