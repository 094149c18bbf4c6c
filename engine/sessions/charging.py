"""What a member's minute costs and charging one minute (sessions.md "What a minute costs").

Minute n is drawn, in its own transaction, with `device` = the group's device: one minute from
the member's usable minutes lots, else money from the usable money lots, where the session's
k-th wallet minute costs round_half_up(rate × k / 60) − round_half_up(rate × (k − 1) / 60), so
k wallet minutes cost exactly the rounding of their exact price. The draw is strict: the
authority is asked before the transaction and names the lots (engine.sync.strict).

Each charged minute is a `session_minute` row, UNIQUE (session, minute), and its consumption
records carry the reference `<session>:<minute>`: a retry, a second meter or a restart finds the
minute there and charges nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from peewee import IntegrityError

from engine import journal
from engine.bulk import insert_instances
from engine.db import database, write
from engine.entitlements.consumption import draw_and_record
from engine.errors import N_, InsufficientBalance, PlaydeskError
from engine.ids import device_id, next_id
from engine.lots.draws import usable_lots
from engine.models import SessionEvent, SessionMinute
from engine.money import round_half_up
from engine.playtime import wallet_cost, wallet_total  # noqa: F401 - part of this API
from engine.sessions.facts import Session
from engine.sessions.terms import warning_minutes
from engine.sync.authority import Decision
from engine.sync.strict import authority_here, holding, judged_here, spend

log = logging.getLogger("playdesk.sessions")

CHARGED, ALREADY, NO_CREDIT, DEFERRED = "charged", "already charged", "no credit", "deferred"


def wallet_minutes_covered(rate_per_hour: int, wallet_minutes: int, money: int) -> int:
    """How many more wallet minutes `money` pays after the session's first `wallet_minutes`:
    the largest j with wallet_total(k + j) − wallet_total(k) ≤ money. round_half_up(r·x/60) ≤ M
    exactly when r·x < (2M + 1)·30, so x ≤ ((2M + 1)·30 − 1) // r."""
    if money < 0:
        return 0
    limit = money + wallet_total(rate_per_hour, wallet_minutes)
    return max(0, ((2 * limit + 1) * 30 - 1) // rate_per_hour - wallet_minutes)


@dataclass(frozen=True)
class Cover:
    """A member's cover for a session at a moment: minutes lots, and wallet money at the rate."""

    minutes: int  # usable minutes-lot minutes
    money: int  # usable money (minor units)
    wallet_minutes: int  # the minutes that money pays at the rate, after the session's own

    @property
    def total(self) -> int:
        return self.minutes + self.wallet_minutes


def _usable_total(member: str, kind: str, device: str, at: dt.datetime,
                  needed: int | None = None) -> int:
    """What the usable lots hold (at least `needed` of it, when given: fewer lots read)."""
    return sum(lot.remaining for lot in usable_lots(member, kind, device, at, needed=needed))


def cover(member: str, device: str, rate_per_hour: int, wallet_minutes: int,
          at: dt.datetime) -> Cover:
    minutes = _usable_total(member, "minutes", device, at)
    money = _usable_total(member, "money", device, at)
    return Cover(minutes, money, wallet_minutes_covered(rate_per_hour, wallet_minutes, money))


def session_cover(session: Session, at: dt.datetime) -> Cover | None:
    """The cover left of a member's session (None for a guest)."""
    if session.member is None:
        return None
    return cover(session.member, session.device, session.rate_per_hour, session.wallet_minutes,
                 at)


@dataclass(frozen=True)
class Spend:
    """How one minute is paid: `kind` minutes (amount 1) or money (the wallet minute's cost),
    with the authority's decision (None: nothing to ask, a wallet minute that costs 0)."""

    kind: str
    amount: int
    wallet_minute: int | None
    decision: Decision | None


def reference(session_id: str, minute: int) -> str:
    return f"{session_id}:{minute}"


Asker = Callable[[str, str, int, str, dt.datetime, str], "Decision | None"]


def _asked(member: str, kind: str, amount: int, device: str, at: dt.datetime,
           ref: str) -> Decision | None:
    """The authority's yes, asked before the transaction, or None when it (or the offline
    policy) says the credit is not there; other refusals raise PlaydeskError (the minute waits
    for the next try)."""
    try:
        return spend(member, kind, amount, at, ref, device=device)
    except InsufficientBalance:
        return None


def _judged_here(member: str, kind: str, amount: int, device: str, at: dt.datetime,
                 ref: str) -> Decision | None:
    """On the authority, inside the charge's transaction: the same judgement, one commit."""
    decision = judged_here("balance.spend", at, member=member, kind=kind, amount=amount,
                           device=device, partial=False, reference=ref)
    if decision.allowed:
        return decision
    if decision.reason == "insufficient balance":
        return None
    raise PlaydeskError(N_("spending {amount} {kind} of {member} refused by the authority: "
                           "{reason}"),
                        amount=amount, kind=kind, member=member, reason=decision.reason or "denied")


def obtain(member: str, device: str, rate_per_hour: int, wallet_minutes: int, session_id: str,
           minute: int, at: dt.datetime, asker: Asker = _asked) -> Spend | None:
    """How minute `minute` is paid at `at`, as `asker` decides (the authority asked before
    write(), or judged inside it on the authority); None when neither minutes nor money cover
    it (`no credit`)."""
    ref = reference(session_id, minute)
    if usable_lots(member, "minutes", device, at, needed=1):
        decision = asker(member, "minutes", 1, device, at, ref)
        if decision is not None:
            return Spend("minutes", 1, None, decision)
    k = wallet_minutes + 1
    cost = wallet_cost(rate_per_hour, k)
    if cost == 0:
        return Spend("money", 0, k, None)
    if _usable_total(member, "money", device, at, needed=cost) < cost:
        return None
    decision = asker(member, "money", cost, device, at, ref)
    return None if decision is None else Spend("money", cost, k, decision)


def record_minute(session_id: str, member: str, device: str, minute: int, at: dt.datetime,
                  paid: Spend) -> list:
    """Inside write(): the minute's row and its draws (raises IntegrityError when the minute is
    charged already, InsufficientBalance when the lots changed since they were asked)."""
    records = []
    if paid.amount > 0:
        _, records = draw_and_record(member, paid.kind, paid.amount, device, at,
                                     reference(session_id, minute),
                                     offline=bool(paid.decision and paid.decision.offline),
                                     decision=paid.decision)
    row = SessionMinute(id=next_id("SM"), session=session_id, minute=minute, source=paid.kind,
                        amount=paid.amount, wallet_minute=paid.wallet_minute, at=at,
                        device=device_id())
    insert_instances(row)
    return [row, *records]


_WARNED = "SELECT 1 FROM session_event WHERE session = ? AND kind = 'warning' LIMIT 1"


def warning_due(session_id: str, member: str, device: str, rate_per_hour: int,
                wallet_minutes: int, at: dt.datetime) -> SessionEvent | None:
    """Inside write(), after a charge: the session's one warning, when the cover left has
    fallen to `session_warning_minutes` (sessions.md) and it was not warned yet."""
    limit = warning_minutes()
    # the cover is over the limit as soon as its first part is: most minutes read one lot
    minutes = _usable_total(member, "minutes", device, at, needed=limit + 1)
    if minutes > limit:
        return None
    money = _usable_total(member, "money", device, at)
    left = minutes + wallet_minutes_covered(rate_per_hour, wallet_minutes, money)
    if left > limit or database.execute_sql(_WARNED, (session_id,)).fetchone():
        return None
    event = SessionEvent(id=next_id("SE"), session=session_id, kind="warning", at=at,
                         actor="meter", reason=f"{left} minutes left", device=device_id())
    insert_instances(event)
    return event


# what a charge checks inside its transaction: the session did not change since it was read
_SINCE = ("SELECT (SELECT COUNT(*) FROM session_event WHERE session = ?), "
          "(SELECT COALESCE(MAX(minute), 0) FROM session_minute WHERE session = ?), "
          "(SELECT COUNT(*) FROM session_minute WHERE session = ? AND source = 'money')")


def _unchanged(session: Session, minute: int) -> str | None:
    """Inside write(): None when `session` is still as read, else ALREADY or DEFERRED."""
    events, charged, wallet = database.execute_sql(
        _SINCE, (session.id, session.id, session.id)).fetchone()
    if charged >= minute:
        return ALREADY
    if (events, charged, wallet) != (len(session.events), session.charged,
                                     session.wallet_minutes) or charged != minute - 1:
        return DEFERRED  # paused, stopped or charged elsewhere meanwhile: read it again
    return None


def _record(session: Session, minute: int, at: dt.datetime, paid: Spend) -> None:
    """Inside write(): the minute, its draws, maybe the warning, in one journal event."""
    member = str(session.member)
    rows = record_minute(session.id, member, session.device, minute, at, paid)
    warning = None
    if not session.timeline.warned:
        wallet = session.wallet_minutes + (paid.kind == "money")
        warning = warning_due(session.id, member, session.device, session.rate_per_hour,
                              wallet, at)
    journal.append_rows("session.charge", *rows, *([warning] if warning else []))


def charge_minute(session: Session, minute: int, at: dt.datetime) -> str:
    """Charge minute `minute` of a member's session at its boundary `at`, in one transaction:
    CHARGED, ALREADY (it was), NO_CREDIT (nothing covers it: the caller stops the session) or
    DEFERRED (the authority refused for another reason, or the session changed meanwhile: the
    next try decides). On the authority device the spend is judged inside that transaction;
    elsewhere the authority is asked before it."""
    member = session.member
    if member is None:
        raise PlaydeskError(N_("session {session_id} is a guest's: it charges nothing while it "
                               "runs"), session_id=session.id)
    if minute <= session.charged:
        return ALREADY
    if authority_here():
        return _charge_here(session, minute, at)
    try:
        paid = obtain(member, session.device, session.rate_per_hour, session.wallet_minutes,
                      session.id, minute, at)
    except PlaydeskError as error:
        log.warning("session %s minute %d not charged now: %s", session.id, minute, error)
        return DEFERRED
    if paid is None:
        return NO_CREDIT
    with holding(paid.decision, at=at):
        try:
            with write():
                changed = _unchanged(session, minute)
                if changed is not None:
                    return changed
                _record(session, minute, at, paid)
        except IntegrityError:
            return ALREADY  # another process charged it between our read and our insert
        except InsufficientBalance as error:
            log.warning("session %s minute %d: %s; tried again next time", session.id, minute,
                        error)
            return DEFERRED
    return CHARGED


def _charge_here(session: Session, minute: int, at: dt.datetime) -> str:
    """charge_minute on the authority: judge, grant and fact in one transaction."""
    try:
        with write():
            changed = _unchanged(session, minute)
            if changed is not None:
                return changed
            paid = obtain(str(session.member), session.device, session.rate_per_hour,
                          session.wallet_minutes, session.id, minute, at, asker=_judged_here)
            if paid is None:
                return NO_CREDIT
            _record(session, minute, at, paid)
    except IntegrityError:
        return ALREADY
    except PlaydeskError as error:  # nothing was written (the transaction rolled back)
        log.warning("session %s minute %d not charged now: %s", session.id, minute, error)
        return DEFERRED
    return CHARGED


def guest_bill(session: Session, minutes: int) -> dict:
    """The receipt line of a stopped guest session (sessions.md "Guest sessions")."""
    billed = max(minutes, session.minimum_minutes)
    return {"resource": session.resource, "quantity": 1,
            "unit_price": round_half_up(Fraction(session.rate_per_hour * billed, 60)),
            "minutes": minutes, "session": session.id}
