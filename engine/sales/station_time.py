"""A guest's station time on a receipt (spec/sessions.md "Guest sessions").

A stopped guest session becomes ONE receipt line: `{resource: <the group's resource>, quantity:
1, unit_price: round_half_up(rate_per_hour x max(minutes, minimum_minutes) / 60)}` with the
session named on it (`engine.sessions.charging.guest_bill`). The line is a resource line of the
cart with its price fixed, so the receipt is priced and paid like any other: campaigns on the
resource apply, the wallet pays it as a line of that resource's device.

A play moved between stations (engine/sessions/move.py) is several sessions: the line names the
last one and bills the running time of all of them (started minutes of the sum, the group's
minimum once), so a move never costs a guest a second minimum or an extra started minute.

A guest session bills once: `checkout_cart` records a `session_bill` row per session of the
play, keyed by the session, inside the sale's own transaction (checkout's `within`, after the
strict operations were asked of the authority), so a second receipt, a retry or a second tap is
refused and nothing of it is written. A refund of the receipt gives money back; it does not make the session billable
again.

A group without a resource: the spec's "station-time line that no campaign filter can name"
needs a line kind pricing does not have (a line is an item, a resource or a package), so such a
session is refused here with a clear error until pricing has one (reported on issue 17).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine import journal
from engine.bulk import insert_instances
from engine.db import database
from engine.errors import N_, PlaydeskError
from engine.ids import device_id
from engine.models import Station
from engine.models.session_bills import SessionBill
from engine.sales.cart import Cart, CartLine
from engine.sales.checkout import checkout
from engine.sales.sale import Sale
from engine.sessions import facts
from engine.sessions.charging import guest_bill
from engine.sessions.plays import moved_to, play, played_minutes  # one play, one price


@dataclass
class StationTimeLine(CartLine):
    """A cart line that bills a guest session (the cart prices it as its resource line)."""

    session: str = ""
    minutes: int = 0


@dataclass(frozen=True)
class StationBill:
    session: str  # the session named on the line (the last of the play)
    sessions: tuple[str, ...]  # every session of the play, first to last
    station: str
    resource: str | None
    minutes: int  # started minutes of the play's running time
    unit_price: int
    ended_at: dt.datetime | None = None

    def as_dict(self) -> dict:
        return {"session": self.session, "sessions": list(self.sessions),
                "station": self.station, "resource": self.resource, "quantity": 1,
                "unit_price": self.unit_price, "minutes": self.minutes}


def billed_receipt(session_id: str) -> str | None:
    row = SessionBill.get_or_none(SessionBill.session == session_id)
    return row.receipt if row else None


def station_bill(session_id: str) -> StationBill:
    """What a stopped guest session bills; PlaydeskError when it bills nothing (a member's, still
    open, moved on to another station, billed already)."""
    session = facts.session(session_id)
    if not session.guest:
        raise PlaydeskError(N_("session {session_id} is a member's: its minutes were charged "
                               "as they were played"), session_id=session.id)
    if session.open:
        raise PlaydeskError(N_("session {session_id} is {state}: stop it first"),
                            session_id=session.id, state=session.state)
    onward = moved_to(session)
    if onward is not None:
        raise PlaydeskError(N_("session {session_id} was moved to {onward}: bill the session "
                               "there"), session_id=session.id, onward=onward)
    sessions = play(session)
    for one in sessions:
        receipt = billed_receipt(one.id)
        if receipt is not None:
            raise PlaydeskError(N_("session {session} is billed already (receipt {receipt})"),
                                session=one.id, receipt=receipt)
    minutes = played_minutes(sessions)
    bill = guest_bill(session, minutes)
    return StationBill(session.id, tuple(s.id for s in sessions), session.station,
                       bill["resource"], minutes, bill["unit_price"], session.timeline.ended_at)


def add_station_time(cart: Cart, session_id: str) -> StationTimeLine:
    """The guest session's line on `cart` (refused when it is there already or bills nothing)."""
    if any(isinstance(line, StationTimeLine) and line.session == session_id
           for line in cart.lines):
        raise PlaydeskError(N_("session {session_id} is on this receipt already"),
                            session_id=session_id)
    bill = station_bill(session_id)
    if bill.resource is None:
        raise PlaydeskError(N_("station {station}'s group has no resource: its guest time "
                               "cannot be put on a receipt yet (give the group a resource)"),
                            station=bill.station)
    station = Station.get_or_none(Station.code == bill.station)
    line = StationTimeLine("resource", bill.resource,
                           f"{station.name if station else bill.station} · {bill.minutes} min",
                           1, bill.unit_price, session=bill.session, minutes=bill.minutes)
    cart.lines.append(line)
    cart.selected = len(cart.lines) - 1
    return line


def station_lines(cart: Cart) -> list[tuple[int, StationTimeLine]]:
    """(line number on the receipt, line) of every station-time line of the cart."""
    return [(no, line) for no, line in enumerate(cart.lines, 1)
            if isinstance(line, StationTimeLine)]


def checkout_cart(cart: Cart, payments, at: dt.datetime, staff: str | None = None,
                  shift: str | None = None) -> Sale:
    """`checkout` of the cart; its station-time lines are recorded as billing their sessions in
    the same transaction (a session billed already, or whose bill changed, refuses the sale)."""
    billed = station_lines(cart)
    if not billed:
        return checkout(cart.receipt_input(), payments, at, staff=staff, shift=shift)

    def record_bills(receipt: str) -> None:
        # inside checkout's transaction: the sale and its sessions' bills commit together, and
        # the strict operations were asked of the authority before it (sync.md)
        rows = []
        for no, line in billed:
            bill = station_bill(line.session)
            if (line.code, line.quantity, line.unit_price, line.manual_discount) != \
                    (bill.resource, 1, bill.unit_price, 0):
                raise PlaydeskError(N_("line {no} is not the bill of session {session} "
                                       "({minutes} min at {unit_price}): put it on again"),
                                    no=no, session=line.session, minutes=bill.minutes,
                                    unit_price=bill.unit_price)
            rows += [SessionBill(session=one, bill=bill.session, receipt=receipt, line_no=no,
                                 minutes=bill.minutes, amount=bill.unit_price, at=at,
                                 device=device_id())
                     for one in bill.sessions]
        insert_instances(*rows)
        journal.append_rows("station_time.bill", *rows)

    sale = checkout(cart.receipt_input(), payments, at, staff=staff, shift=shift,
                    within=record_bills)
    return sale


def receipt_sessions(receipt_id: str) -> dict[int, SessionBill]:
    """The sessions a receipt's lines bill, by line number (the line's named session)."""
    return {row.line_no: row for row in SessionBill.select().where(
        (SessionBill.receipt == receipt_id) & (SessionBill.session == SessionBill.bill))}


@dataclass(frozen=True)
class StationTimeTotals:
    """A shift's guest station time: lines billed on its receipts (minutes, net money after
    campaigns) and the guest sessions of its device not paid yet (the spec: they stay open)."""

    lines: int
    minutes: int
    money: int
    unpaid: tuple[dict, ...]  # {session, station, state, started_at, ended_at}


def shift_station_time(receipt_ids: list[str], device: str, end: dt.datetime
                       ) -> StationTimeTotals:
    lines = minutes = money = 0
    if receipt_ids:
        marks = ",".join("?" * len(receipt_ids))
        for billed_minutes, net in database.execute_sql(
                "SELECT b.minutes, l.net FROM session_bill AS b JOIN receipt_line AS l "
                f"ON l.receipt_id = b.receipt AND l.no = b.line_no WHERE b.receipt IN ({marks}) "
                "AND b.session = b.bill", receipt_ids):
            lines, minutes, money = lines + 1, minutes + billed_minutes, money + net
    unpaid = []
    for (session_id,) in database.execute_sql(
            "SELECT s.id FROM play_session AS s WHERE s.guest AND s.device = ? "
            "AND s.started_at <= ? AND NOT EXISTS (SELECT 1 FROM session_bill AS b "
            "WHERE b.session = s.id) ORDER BY s.started_at, s.id", (device, end)):
        session = facts.session(session_id)
        if moved_to(session) is None:
            unpaid.append({"session": session.id, "station": session.station,
                           "state": session.state, "started_at": session.started_at,
                           "ended_at": session.timeline.ended_at})
    return StationTimeTotals(lines, minutes, money, tuple(unpaid))


def billable_sessions(device: str | None = None) -> list[StationBill]:
    """The stopped guest plays of this device (or `device`) no receipt has paid yet, oldest
    first: what the counter offers to put on a receipt."""
    found = []
    for (session_id,) in database.execute_sql(
            "SELECT s.id FROM play_session AS s JOIN session_event AS e ON e.session = s.id "
            "AND e.kind = 'stop' WHERE s.guest AND s.device = ? AND NOT EXISTS "
            "(SELECT 1 FROM session_bill AS b WHERE b.session = s.id) "
            "ORDER BY e.at, s.id", (device or device_id(),)):
        session = facts.session(session_id)
        if moved_to(session) is None:
            found.append(station_bill(session_id))
    return found
