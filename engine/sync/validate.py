"""Is another device's fact true by the rules? Checked on apply, before any row is written
(issue 14: a signature says who sent a fact, not that it is true; a kiosk is a Pi in a public
room and its key may be stolen).

A fact event is refused (`Rejected`) when:

- its origin's role may not emit its type or rows (a kiosk: purchases, consumption and
  pay-at-counter orders only; definitions and lots of other kinds only from owner and counter);
- a row's id is not in the origin's namespace (`<origin>-…`), a child row's parent is not, or a
  row's `device`/`origin` names another device;
- an amount is not a whole number, is negative, or a lot's total or a draw is not positive;
- a `paid`/`bonus` lot does not come with its purchase in the same event, the purchase is not of a
  package the site has or was not sellable at its time (weekday, the campaign's dates), its lots
  are not exactly what the package grants (member, kind, type, total, device, expiry from the
  purchase's time), or (no receipt, no order) the price is not the package's price and the
  payment does not pay it; a wallet payment pays only by draws on the member's own unrestricted
  money lots;
- a purchase names a receipt not in its event, a kiosk's purchase names a receipt or an order
  (`ORD…` key: only a counter completes orders), a counter's purchase an order of another
  member, package or price;
- a payment belongs to no receipt or purchase of its own event (no device pays another's sale);
- an order completion is not of the origin's own purchase with that order's key; an order's price
  is not its package's price, it does not expire `ORDER_LIFETIME` after it was created, or its
  package was not sellable then;
- a refund is of a purchase of the origin it never made, gives back more than the price, or
  not by the method that paid;
- a `refund` lot is not the refund's own lot of that amount; a manual or correction lot (or a
  correction draw) comes from a kiosk;
- a draw takes more than its lot holds in total, from another member's lot, or from a lot of the
  origin that does not exist (its own earlier events are applied before, so it must be here);
- (play-session facts: engine/sync/validate_sessions.py) a play session is neither a member's nor a guest's or comes without its start event, a session
  event is of no known kind, a charged minute is a guest's, charged already (another row of the
  same session and minute), not paid exactly by the rule (one minute from a minutes lot, or the
  k-th wallet minute's cost) from the member's own lots of the session's device, or a session
  event carries draws that pay none of its minutes; station rows come as rows at all;
- (till facts: engine/sync/validate_till.py) a cash move, price override or parked receipt
  that breaks the till's rules;
- (receipts paid by the wallet: engine/sync/validate_wallet.py) the wallet payments are not
  what the receipt's draws took, or restricted money paid more than its device's lines.

A fact naming another device's fact that is not here yet (a lot drawn, a purchase refunded, an
order completed) raises `Waiting`: whether it is here depends on arrival order and the verdict
must not, so the event is held, with its origin's later events, until it arrives (as for a
gap) and then judged. A refused event is stored, counted and kept as a conflict
(engine/sync/apply.py); its origin's next events apply.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from engine.campaigns.state import ACTIVE, campaign_state
from engine.campaigns.types import WEEKDAYS
from engine.db import database
from engine.sync.validate_days import check_day_closings
from engine.sync.validate_people import check_people
from engine.sync.validate_sessions import check_sessions
from engine.sync.validate_tax import check_receipt_taxes
from engine.sync.validate_till import check_till
from engine.sync.validate_wallet import check_receipt_wallets
from engine.sync.verdict import Rejected, Waiting, by_id, stored_row, whole

# A pending order is valid this long after it was created (engine/sales/orders.py sells by it;
# here, below sales, an order is checked by it).
ORDER_LIFETIME = dt.timedelta(minutes=30)
ORDER_PREFIX = "ORD"

# A kiosk sells packages, spends credit and takes pay-at-counter orders; it also releases an
# authority grant it will not use.
# A member's language choice on its language button is a kiosk's fact too (issue 20).
KIOSK_TYPES = {"purchase", "consume", "order.create", "strict.release", "member.language"}
KIOSK_TABLES = {"purchase", "lot", "payment", "consumption", "pending_order", "strict_release",
                "member_language"}
STAFF_ROLES = {"owner", "counter"}

# The id of each row is "<origin>-<prefix><n>" (engine/ids.py).
NAMESPACED_IDS = {"purchase", "lot", "consumption", "refund", "receipt", "receipt_line", "payment",
                  "entry", "coupon_redemption", "shift", "receipt_void", "receipt_refund",
                  "play_session", "session_event", "session_minute",
                  "parked_receipt", "cash_move", "no_sale", "price_override",
                  "pin_unlock", "guest_ticket", "day_closing", "reprint", "member_language"}
# Child rows: their parent (named by this column) is one of the origin's own rows.
NAMESPACED_PARENTS = {"receipt_line": "receipt_id", "line_reduction": "line_id",
                      "entry_allocation": "entry_id", "receipt_refund_line": "refund_id",
                      "receipt_refund_payment": "refund_id", "shift_close": "shift",
                      "parked_resume": "parked", "receipt_tax": "receipt",
                      "refund_tax": "refund"}
# The column naming the device that made the row.
DEVICE_COLUMNS = {"lot": "origin"}
# Money and minutes that can never be negative.
NON_NEGATIVE = {
    "purchase": ("price", "commission"), "consumption": ("amount",), "refund": ("amount",),
    "payment": ("amount", "commission", "tendered"),
    "receipt": ("subtotal", "discount", "total", "paid", "change"),
    "receipt_tax": ("net", "tax", "gross"),
    "pending_order": ("price",), "receipt_refund": ("amount",),
    "receipt_refund_line": ("amount",), "receipt_refund_payment": ("amount",),
    "play_session": ("rate_per_hour", "minimum_minutes"), "session_minute": ("minute", "amount"),
    "cash_move": ("amount",), "price_override": ("old_price", "new_price"),
    "parked_receipt": ("lines", "total"),
}
# Stations are definitions: they travel in `definitions` documents, never as rows.
DEFINITION_ROWS = {"station_group", "station", "quick_key_page", "tax_rate"}
LOT_TYPES = {"money": {"paid", "bonus", "manual", "correction", "migration", "reversed_refund",
                       "refund"}, "minutes": {"paid", "bonus", "manual"}}
CONSUMPTION_KINDS = {"use", "refund", "correction"}


def check_event(event: dict[str, Any], payload: dict[str, Any], role: str | None) -> None:
    """Raise `Rejected` unless the event's facts are true by the rules (see the module)."""
    origin, kind = event["device"], event["type"]
    if role == "kiosk" and kind not in KIOSK_TYPES:
        raise Rejected("forbidden_type", f"a kiosk may not send {kind} events")
    if role not in STAFF_ROLES and role != "kiosk":
        raise Rejected("unknown_device", f"{origin} has no role in the device list")
    rows = payload.get("rows")
    if rows is None:
        return
    if role == "kiosk":
        refused = sorted(set(rows) - KIOSK_TABLES)
        if refused:
            raise Rejected("forbidden_rows", f"a kiosk may not send rows of {', '.join(refused)}")
    definitions = sorted(set(rows) & DEFINITION_ROWS)
    if definitions:
        raise Rejected("forbidden_rows", f"rows of {', '.join(definitions)} (definitions "
                                         "travel as definitions documents)")
    for table, table_rows in rows.items():
        for row in table_rows:
            _check_row(origin, table, row)
    check_sessions(origin, kind, rows)
    check_people(rows)
    check_till(origin, rows)
    check_day_closings(origin, rows)
    _check_lots(origin, role, rows)
    _check_refund_lines(rows)
    _check_orders(rows)
    _check_completions(origin, rows)
    _check_payments(rows)
    _check_refunds(origin, rows)
    _check_purchases(origin, role, rows)
    _check_consumption(origin, role, kind, rows)
    check_receipt_wallets(rows)
    check_receipt_taxes(rows)


def _check_row(origin: str, table: str, row: dict[str, Any]) -> None:
    prefix = f"{origin}-"
    if table in NAMESPACED_IDS and not str(row.get("id", "")).startswith(prefix):
        raise Rejected("id_namespace", f"{table} {row.get('id')!r} is not an id of {origin}")
    parent = NAMESPACED_PARENTS.get(table)
    if parent and not str(row.get(parent, "")).startswith(prefix):
        raise Rejected("id_namespace", f"{table} of {row.get(parent)!r}: not a row of {origin}")
    column = DEVICE_COLUMNS.get(table, "device")
    if column in row and row[column] != origin and not (table == "coupon" and row[column] is None):
        raise Rejected("wrong_device", f"{table} {row.get('id')!r} says it was made by "
                                       f"{row[column]!r}, not {origin}")
    for name in NON_NEGATIVE.get(table, ()):
        value = row.get(name)
        if value is None and name == "tendered":
            continue
        if not whole(value) or value < 0:
            raise Rejected("bad_amount", f"{table} {row.get('id')!r}: {name} {value!r} is not "
                                         "a whole amount of at least 0")


def _check_refund_lines(rows: dict[str, list[dict[str, Any]]]) -> None:
    """A refunded line names its refund's receipt (the collision key of engine/sync/collisions.py:
    another receipt's line would block that receipt's refunds)."""
    receipts = {r.get("id"): r.get("receipt") for r in rows.get("receipt_refund", [])}
    for line in rows.get("receipt_refund_line", []):
        refund, receipt = line.get("refund_id"), line.get("receipt")
        if receipt is None:
            continue  # an older release's line: its refund names the receipt
        stored = receipts.get(refund) or (stored_row("receipt_refund", refund, "receipt") or [None])[0]
        if receipt != stored:
            raise Rejected("wrong_receipt", f"a line of refund {refund!r} names receipt "
                                            f"{receipt!r}, its refund {stored!r}")


def _check_lots(origin: str, role: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    purchases = by_id(rows, "purchase")
    refund_lots = {r.get("lot"): r.get("amount") for r in rows.get("refund", []) if r.get("lot")}
    refund_lots.update({r.get("lot"): r.get("amount")
                        for r in rows.get("receipt_refund_payment", []) if r.get("lot")})
    for lot in rows.get("lot", []):
        name, lot_type, total = lot.get("id"), lot.get("type"), lot.get("total")
        if not whole(total) or total <= 0:
            raise Rejected("bad_amount", f"lot {name!r}: total {total!r} is not positive")
        if lot_type not in LOT_TYPES.get(lot.get("kind"), ()):
            raise Rejected("bad_lot", f"lot {name!r}: no {lot.get('kind')!r} lot of type "
                                      f"{lot_type!r}")
        if lot_type in ("paid", "bonus"):
            if lot.get("purchase") not in purchases:
                raise Rejected("lot_without_purchase",
                               f"{lot_type} lot {name!r} without its purchase")
        elif lot_type == "refund":
            if refund_lots.get(name) != total:
                raise Rejected("lot_without_refund",
                               f"refund lot {name!r} of {total} is not a refund's lot")
        elif role not in STAFF_ROLES:
            raise Rejected("forbidden_lot", f"a {lot_type} lot ({name!r}) only from a counter "
                                            "or owner device")


_PACKAGE = ("SELECT p.package_type, p.base, p.bonus_type, p.bonus, p.price, p.device, "
            "p.validity_days, p.weekdays, c.code, c.type, c.deleted, c.active, c.starts_at, "
            "c.expires_at, c.to_date FROM package p JOIN campaign c ON c.id = p.campaign_id "
            "WHERE c.code = ? AND p.code = ?")
_ORDER = ("SELECT member, campaign, package, price, created_at, expires_at FROM pending_order "
          "WHERE code = ?")


def _package(campaign: Any, code: Any) -> SimpleNamespace | None:
    row = database.execute_sql(_PACKAGE, (campaign, code)).fetchone()
    if row is None:
        return None
    (package_type, base, bonus_type, bonus, price, device, validity_days, weekdays, _,
     campaign_type, _, _, starts_at, expires_at, to_date) = row
    return SimpleNamespace(
        name=f"{campaign}/{code}", package_type=package_type, base=base, bonus_type=bonus_type,
        bonus=bonus, price=price, device=device, validity_days=validity_days,
        weekdays=[day for day in (weekdays or "").split(",") if day] or None,
        campaign=SimpleNamespace(code=campaign, type=campaign_type, deleted=False, active=True,
                                 starts_at=starts_at, expires_at=expires_at, to_date=to_date))


def _time(value: Any, what: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise Rejected("bad_time", f"{what}: {value!r} is not a time") from None


def _check_sellable(package: SimpleNamespace, at: dt.datetime, what: str) -> None:
    """The package sold at `at` by the rules that are a function of the time (sellable.py's
    weekday and the campaign's dates). The campaign's and package's active flags are left out:
    they say what is sold now, not then, and a deactivation arriving before or after the sale
    must not change the verdict."""
    if campaign_state(package.campaign, at) != ACTIVE:
        raise Rejected("not_sellable", f"{what}: campaign {package.campaign.code} does not "
                                       f"sell at {at:%Y-%m-%d %H:%M}")
    if package.weekdays and WEEKDAYS[at.weekday()] not in package.weekdays:
        raise Rejected("not_sellable", f"{what}: {package.name} is not sold on "
                                       f"{WEEKDAYS[at.weekday()]}")


def _check_orders(rows: dict[str, list[dict[str, Any]]]) -> None:
    """An order is at its package's price when it was created, and lives ORDER_LIFETIME."""
    for order in rows.get("pending_order", []):
        what = f"order {order.get('code')!r}"
        package = _package(order.get("campaign"), order.get("package"))
        if package is None:
            raise Rejected("unknown_package", f"{what} of unknown package "
                                              f"{order.get('campaign')}/{order.get('package')}")
        created = _time(order.get("created_at"), what)
        _check_sellable(package, created, what)
        if order.get("price") != package.price:
            raise Rejected("wrong_price", f"{what} at {order.get('price')!r}, the package costs "
                                          f"{package.price}")
        if _time(order.get("expires_at"), what) != created + ORDER_LIFETIME:
            raise Rejected("bad_order", f"{what} expires at {order.get('expires_at')}, not "
                                        f"{ORDER_LIFETIME} after it was created")


# A purchase that lost a collision is not stored, its lots are (void: engine/sync/collisions.py).
_LOST_PURCHASE = ("SELECT 1 FROM lot JOIN void_lot ON void_lot.lot = lot.id "
                  "WHERE lot.purchase = ? AND lot.origin = ? LIMIT 1")


def _check_completions(origin: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """An order is completed by the origin's own purchase with the order's key (complete_order
    journals that purchase first, so it is here): no completion blocks an order nobody paid."""
    for done in rows.get("order_completion", []):
        bought = stored_row("purchase", done.get("purchase"), "key, device")
        if bought is None and database.execute_sql(_LOST_PURCHASE, (done.get("purchase"),
                                                                    origin)).fetchone():
            continue  # it lost a collision (its lots are here, void): so does the completion
        if bought is None or tuple(bought) != (f"{ORDER_PREFIX}{done.get('order')}", origin):
            raise Rejected("unknown_reference", f"completion of order {done.get('order')!r} by "
                                                f"{done.get('purchase')!r}, not {origin}'s "
                                                "purchase of that order")


def _check_payments(rows: dict[str, list[dict[str, Any]]]) -> None:
    """A payment pays a receipt or purchase of its own event: no device adds a payment to
    another's sale (a refund would pay it out)."""
    receipts, purchases = by_id(rows, "receipt"), by_id(rows, "purchase")
    for payment in rows.get("payment", []):
        receipt, bought = payment.get("receipt"), payment.get("purchase")
        if not ((receipt is not None and receipt in receipts)
                or (receipt is None and bought is not None and bought in purchases)):
            raise Rejected("foreign_payment", f"payment {payment.get('id')!r} pays "
                                              f"{receipt or bought!r}, no sale of its event")


def _check_refunds(origin: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """A refund is of a purchase that exists and gives back at most its price."""
    for refund in rows.get("refund", []):
        name, bought = refund.get("id"), refund.get("purchase")
        stored = stored_row("purchase", bought, "price, payment, receipt")
        if stored is None:
            if str(bought).startswith(f"{origin}-"):
                raise Rejected("unknown_reference", f"refund {name!r} of {origin}'s purchase "
                                                    f"{bought!r}, which it never made")
            raise Waiting(f"refund {name!r} of purchase {bought!r}, not here yet")
        price, paid_by, receipt = stored
        if refund.get("amount") > price:
            raise Rejected("over_refund", f"refund {name!r} gives back {refund.get('amount')} "
                                          f"of a purchase of {price}")
        # by the method that paid; a receipt's purchase by its receipt's refund (refunds.py),
        # or by its own method as releases before receipt refunds did
        methods = {paid_by, "receipt"} if receipt is not None else {paid_by}
        if refund.get("method") not in methods:
            raise Rejected("wrong_method", f"refund {name!r} by {refund.get('method')!r} of a "
                                           f"purchase paid by {paid_by!r}")


def _check_purchases(origin: str, role: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    receipts = by_id(rows, "receipt")
    for purchase in rows.get("purchase", []):
        name = purchase.get("id")
        package = _package(purchase.get("campaign"), purchase.get("package"))
        if package is None:
            raise Rejected("unknown_package", f"purchase {name!r} of unknown package "
                                              f"{purchase.get('campaign')}/{purchase.get('package')}")
        at = _time(purchase.get("at"), f"purchase {name!r}")
        _check_sellable(package, at, f"purchase {name!r}")
        receipt, key = purchase.get("receipt"), purchase.get("key") or ""
        if role == "kiosk" and receipt is not None:
            raise Rejected("forbidden_rows", f"a kiosk's purchase {name!r} names a receipt")
        if role == "kiosk" and key.startswith(ORDER_PREFIX):
            raise Rejected("forbidden_rows", f"a kiosk's purchase {name!r} completes an order "
                                             "(only a counter does)")
        if receipt is not None and receipt not in receipts:
            raise Rejected("unknown_reference", f"purchase {name!r} on receipt {receipt!r}, "
                                                "which its event does not hold")
        if receipt is None:
            price = (_order_price(purchase, key, at) if key.startswith(ORDER_PREFIX)
                     else package.price)
            if purchase.get("price") != price:
                raise Rejected("wrong_price", f"purchase {name!r} at {purchase.get('price')!r}, "
                                              f"the package costs {price}")
        _check_granted(purchase, package, at, rows)
        if receipt is None:  # else the receipt's own payments pay the line (a checkout)
            _check_paid(purchase, rows)


def _order_price(purchase: dict[str, Any], key: str, at: dt.datetime) -> int:
    """The price of the order a counter's purchase completes (the ticket's price), while the
    order is pending."""
    order = database.execute_sql(_ORDER, (key[len(ORDER_PREFIX):],)).fetchone()
    if order is None:
        raise Waiting(f"purchase {purchase.get('id')!r} completes order {key!r}, not here yet")
    member, campaign, package, price, created, expires = order
    if not _time(created, key) <= at < _time(expires, key):
        raise Rejected("bad_order", f"purchase {purchase.get('id')!r} at {at} completes order "
                                    f"{key!r} of {created} to {expires}")
    if (member, campaign, package) != (purchase.get("member"), purchase.get("campaign"),
                                       purchase.get("package")):
        raise Rejected("wrong_order", f"purchase {purchase.get('id')!r} of {purchase.get('member')}"
                                      f" {purchase.get('campaign')}/{purchase.get('package')} "
                                      f"completes order {key!r} of {member} {campaign}/{package}")
    return price


def _check_granted(purchase: dict[str, Any], package: SimpleNamespace, at: dt.datetime,
                   rows: dict[str, list[dict[str, Any]]]) -> None:
    """The purchase's lots are exactly what the package grants (purchase.py _make_lots)."""
    expires = (at + dt.timedelta(days=package.validity_days)).isoformat() \
        if package.validity_days else None
    grant = (purchase.get("member"), package.device, expires)
    expected = sorted([("paid", package.package_type, package.base, *grant)]
                      + ([("bonus", package.bonus_type, package.bonus, *grant)]
                         if package.bonus_type != "none" and package.bonus else []))
    made = sorted((lot.get("type"), lot.get("kind"), lot.get("total"), lot.get("member"),
                   lot.get("device"), _iso(lot.get("expires_at")))
                  for lot in rows.get("lot", []) if lot.get("purchase") == purchase.get("id"))
    if made != expected:
        raise Rejected("bad_lot", f"purchase {purchase.get('id')!r}: its lots {made} are not "
                                  f"the package's {expected}")


def _iso(value: Any) -> str | None:
    """A time as isoformat gives it (a row's text may be written with a space)."""
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(str(value)).isoformat()
    except ValueError:
        return str(value)


def _check_paid(purchase: dict[str, Any], rows: dict[str, list[dict[str, Any]]]) -> None:
    name, price, method = purchase.get("id"), purchase.get("price"), purchase.get("payment")
    if method == "wallet":
        lots = by_id(rows, "lot")
        paid = 0
        for draw in rows.get("consumption", []):
            if draw.get("reference") != name or draw.get("kind") != "use":
                continue
            _check_wallet_draw(purchase, draw, lots)
            paid += draw.get("amount") or 0
    else:
        paid = sum(p.get("amount") or 0 for p in rows.get("payment", [])
                   if p.get("purchase") == name and p.get("method") == method)
    if paid != price:
        raise Rejected("unpaid", f"purchase {name!r} of {price} paid {paid} by {method!r}")


def _check_wallet_draw(purchase: dict[str, Any], draw: dict[str, Any],
                       lots: dict[Any, dict[str, Any]]) -> None:
    """A wallet draw pays only from a lot that is here, the member's own unrestricted money
    (entitlements.md: wallet spends from `device: any` money lots)."""
    name = draw.get("lot")
    if name in lots:
        found = (lots[name].get("member"), lots[name].get("kind"), lots[name].get("device"))
    else:
        found = stored_row("lot", name, "member, kind, device")
    if found is None:
        if str(name).startswith(f"{draw.get('device')}-"):  # the origin's: its earlier events
            raise Rejected("unknown_reference", f"purchase {purchase.get('id')!r} paid from "
                                                f"lot {name!r}, which its origin never made")
        raise Waiting(f"purchase {purchase.get('id')!r} paid from lot {name!r}, not here yet")
    if tuple(found) != (purchase.get("member"), "money", "any") \
            or draw.get("member") != purchase.get("member"):
        raise Rejected("wrong_member", f"purchase {purchase.get('id')!r} of "
                                       f"{purchase.get('member')} paid from lot {name!r} "
                                       f"({found[0]}, {found[1]}, {found[2]})")


def _check_consumption(origin: str, role: str, kind: str,
                       rows: dict[str, list[dict[str, Any]]]) -> None:
    lots = by_id(rows, "lot")
    for record in rows.get("consumption", []):
        name, amount, draw = record.get("id"), record.get("amount"), record.get("kind")
        if draw not in CONSUMPTION_KINDS:
            raise Rejected("bad_consumption", f"consumption {name!r} of kind {draw!r}")
        if draw != "refund" and amount == 0:
            raise Rejected("bad_amount", f"consumption {name!r} draws nothing")
        if draw == "refund" and "refund" not in rows:
            raise Rejected("bad_consumption", f"refund draw {name!r} without its refund")
        if draw == "correction" and role not in STAFF_ROLES:
            raise Rejected("forbidden_lot", f"correction {name!r} only from a staff device")
        lot = _lot(record.get("lot"), lots)
        if lot is None:
            if str(record.get("lot", "")).startswith(f"{origin}-"):
                raise Rejected("unknown_reference", f"consumption {name!r} of {origin}'s lot "
                                                    f"{record.get('lot')!r}, which it never made")
            raise Waiting(f"consumption {name!r} of lot {record.get('lot')!r}, not here yet")
        member, total = lot
        if record.get("member") != member:
            raise Rejected("wrong_member", f"consumption {name!r} for {record.get('member')!r} "
                                           f"from {member}'s lot {record.get('lot')}")
        if amount > total:
            raise Rejected("overdraw", f"consumption {name!r} takes {amount} from lot "
                                       f"{record.get('lot')} of {total}")


def _lot(name: Any, lots: dict[Any, dict[str, Any]]) -> tuple[str, int] | None:
    if name in lots:
        return lots[name].get("member"), lots[name].get("total")
    stored = stored_row("lot", name, "member, total")
    return (stored[0], stored[1]) if stored else None
