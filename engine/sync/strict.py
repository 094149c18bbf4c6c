"""Strict operations as the engines use them (spec/sync.md): ask the authority BEFORE the write
transaction, since network I/O must never happen while holding SQLite's write lock, refuse with a
clear message when it says no, and hand the decision to the code that records the fact inside
the transaction (its `offline` flag, its `hold`, a spend's `draws`).

A function that spends credit (`consume`, a wallet `purchase`) asks by itself when it is called
standalone. Inside a caller's transaction it cannot ask any more: the caller asks first, before
its own `write()`, and passes the decision down (a `decision` argument, or `granted(...)` around
its transaction, as checkout does for its wallet payment).

Holds. Every request has a unique id, which is the grant's id. Before asking, the requester
stores it in `strict_hold` (its own short transaction, so two processes of one device never
share one); the transaction that records the fact deletes it (`use`, which refuses when the
hold was given up meanwhile) and the fact carries the id (`hold` on consumption and coupon
redemptions), so the authority settles exactly that grant. When the operation fails after the
yes, `holding` releases the grant (`hold.release` to the authority); a hold whose process died,
or that is older than HOLD_SECONDS, is given up by the device's next strict operation and its
release sent then (retried until the authority answers). A hold is either used by its fact or
released, never both, so the authority may keep a grant reserved until it sees one of them:
grants never lapse by time.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from engine.db import database, write
from engine.errors import InsufficientBalance, PlaydeskError
from engine.ids import device_id
from engine.models.sync import StrictGrant
from engine.sync.authority import Decision, decide, judge, spend_here
from engine.sync.config import stored_config, sync_configured

if TYPE_CHECKING:
    from engine.sync.authority import Decision

log = logging.getLogger("playdesk.strict")

_NEW_HOLD = "INSERT INTO strict_hold (id, op, pid, created, released) VALUES (?, ?, ?, ?, 0)"
_USE_HOLD = "DELETE FROM strict_hold WHERE id = ? AND NOT released"
_GIVE_UP = "UPDATE strict_hold SET released = 1 WHERE id = ?"
HOLD_SECONDS = 600  # no operation takes this long between the answer and its commit

# (member, kind) -> the decision the caller obtained for spending inside its transaction
_granted: contextvars.ContextVar[dict[tuple[str, str], Decision] | None] = \
    contextvars.ContextVar("playdesk_strict_granted", default=None)


def _allowed_locally() -> Decision:
    return Decision(True, False, "decided here")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _give_up_stale() -> None:
    """Holds of processes that died (or older than HOLD_SECONDS): given up, to be released."""
    rows = database.execute_sql("SELECT id, pid, created FROM strict_hold WHERE NOT released"
                                ).fetchall()
    stale = [hold for hold, pid, created in rows
             if created < time.time() - HOLD_SECONDS or not _process_alive(pid)]
    if stale:
        with write():
            for hold in stale:
                database.execute_sql(_GIVE_UP, (hold,))


def send_releases(at: dt.datetime) -> int:
    """Tell the authority about the holds given up; returns how many are still to tell (the
    authority unreachable: the next strict operation tries again)."""
    pending = [row[0] for row in database.execute_sql(
        "SELECT id FROM strict_hold WHERE released ORDER BY created").fetchall()]
    for position, hold in enumerate(pending):
        answer = decide("hold.release", at, hold=hold)
        if answer.offline:
            return len(pending) - position
        with write():
            database.execute_sql("DELETE FROM strict_hold WHERE id = ?", (hold,))
    return 0


def ask(op: str, at: dt.datetime, **subject) -> Decision:
    """The authority's (or the offline policy's) decision; a lone device allows (its own
    transaction checks). Never call inside a write transaction."""
    if not sync_configured():
        return _allowed_locally()
    if database.in_transaction():
        raise RuntimeError(f"strict operation {op} asked inside a write transaction: "
                           "ask before write(), then pass the decision down")

    _give_up_stale()
    send_releases(at)
    hold = uuid.uuid4().hex
    with write():
        database.execute_sql(_NEW_HOLD, (hold, op, os.getpid(), int(time.time())))
    try:
        decision = decide(op, at, request_id=hold, **subject)
    except BaseException:
        _give_up(hold)
        raise
    if decision.hold is None:
        if decision.offline:  # the authority may have said yes to a request whose answer was lost
            _give_up(hold)
        else:  # refused: there is no grant
            with write():
                database.execute_sql("DELETE FROM strict_hold WHERE id = ?", (hold,))
    return decision


def authority_here() -> bool:
    """Whether this device is the site's authority (sync configured, naming this device)."""
    config = stored_config()
    return config is not None and config.get("authority") == device_id()


def judged_here(op: str, at: dt.datetime, **subject) -> Decision:
    """On the authority device, INSIDE the caller's write transaction: the authority's decision
    with its grant recorded in that transaction and settled at once, because the caller writes
    the fact in the same transaction (both commit, or neither). No hold, no round trip, no
    extra commit: the meter charges every running session's minute this way, once a minute.
    Only for `authority_here()`; elsewhere ask before the transaction."""
    if not database.in_transaction() or not authority_here():
        raise RuntimeError(f"{op} judged here: only inside a write transaction on the authority")
    if op == "balance.spend" and not subject.get("partial"):
        return spend_here(str(subject["member"]), str(subject["kind"]), int(subject["amount"]),
                          str(subject.get("device", "any")), at)
    request = {"op": op, "request_id": uuid.uuid4().hex, "requester": device_id(),
               "at": at.isoformat(), **subject}
    decision = judge(request)
    if decision.hold is not None:
        StrictGrant.update(settled=True).where(StrictGrant.id == decision.hold).execute()
    return Decision(decision.allowed, False, decision.reason, hold=None, draws=decision.draws)


def _give_up(hold: str) -> None:
    with write():
        database.execute_sql(_GIVE_UP, (hold,))


def use(decision: Decision | None) -> str | None:
    """Inside the transaction recording the fact: take the decision's hold (None when there is
    no grant: decided here or by the offline policy). Refuses when the hold was given up
    meanwhile (it may be released already), so a grant is never both used and released."""
    if decision is None or decision.hold is None:
        return None
    if database.execute_sql(_USE_HOLD, (decision.hold,)).rowcount != 1:
        raise PlaydeskError("the authority's grant for this operation was given up (the "
                            "operation waited too long); nothing was recorded, try again")
    return decision.hold


def release(*decisions: Decision | None, at: dt.datetime) -> None:
    """Give up the decisions' grants their facts did not use (the operation failed, or did not
    need them) and tell the authority; a hold its fact used is gone already."""
    holds = [d.hold for d in decisions if d is not None and d.hold is not None]
    if not holds:
        return
    marks = ", ".join("?" * len(holds))
    unused = [row[0] for row in database.execute_sql(
        f"SELECT id FROM strict_hold WHERE id IN ({marks})", holds).fetchall()]
    if not unused:
        return
    with write():
        for hold in unused:
            database.execute_sql(_GIVE_UP, (hold,))
    try:
        send_releases(at)
    except Exception:  # noqa: BLE001 - the next strict operation sends it
        log.exception("strict: releasing %s failed; the next operation retries", unused)


@contextlib.contextmanager
def holding(*decisions: Decision | None, at: dt.datetime) -> Iterator[None]:
    """Around the transaction that records the facts: afterwards, grants it did not use (it
    failed, or took another path) are released. Inside a caller's transaction it does
    nothing: the caller's own `holding` releases."""
    if database.in_transaction():
        yield
        return
    try:
        yield
    finally:
        release(*decisions, at=at)


def refuse(decision: Decision, what: str) -> None:
    """PlaydeskError unless `decision` allows `what` (e.g. "refunding purchase C1-P1")."""
    if decision.allowed:
        return
    how = "offline policy" if decision.offline else "authority"
    raise PlaydeskError(f"{what} refused by the {how}: {decision.reason or 'denied'}")


def spend(member: str, kind: str, amount: int, at: dt.datetime, reference: str | None = None,
          shortage: str = "insufficient balance", device: str = "any",
          partial: bool = False, caps: Mapping[str, int] | None = None) -> Decision:
    """Ask to spend `amount` of `kind` from `member` (lots of `device`, as the consumption
    rule; with `caps`, a receipt's wallet payment, restricted lots up to their device's cap);
    PlaydeskError when refused (a shortage the authority sees starts with `shortage`, as the
    engines' own shortage messages do). The answer names the draws."""
    extra = {} if caps is None else {"caps": dict(caps)}
    decision = ask("balance.spend", at, member=member, kind=kind, amount=amount,
                   device=device, partial=partial, reference=reference, **extra)
    if decision.allowed:
        return decision
    how = "offline policy" if decision.offline else "authority"
    if decision.reason == "insufficient balance":
        raise InsufficientBalance(f"{shortage}: the {how} refused spending {amount} {kind} "
                                  f"of {member} (other devices spent it)", member=member,
                                  kind=kind, needed=amount)
    raise PlaydeskError(f"spending {amount} {kind} of {member} refused by the {how}: "
                        f"{decision.reason or 'denied'}")


def spend_decision(member: str, kind: str, amount: int, at: dt.datetime,
                   reference: str | None, decision: Decision | None = None,
                   shortage: str = "insufficient balance", device: str = "any",
                   caps: Mapping[str, int] | None = None) -> Decision:
    """The decision a spend goes by: the one passed down, the one the caller's `granted`
    scope holds for this member and kind, or (standalone) asked now. Inside a caller's
    transaction without either, the caller took responsibility (e.g. a lone device)."""
    if decision is not None:
        return decision
    held = granted_decision(member, kind)
    if held is not None:
        return held
    if database.in_transaction():
        if sync_configured():
            log.warning("strict: %s spends %d %s inside a caller's transaction that did not ask "
                        "the authority first", member, amount, kind)
        return _allowed_locally()
    return spend(member, kind, amount, at, reference, shortage, device, caps=caps)


def granted_decision(member: str, kind: str) -> Decision | None:
    """The decision the caller's `granted` scope holds for spending this member's kind."""
    held = _granted.get()
    return held.get((member, kind)) if held else None


@contextlib.contextmanager
def granted(decisions: dict[tuple[str, str], Decision]) -> Iterator[None]:
    """Spends of these (member, kind) inside the block go by these decisions."""
    token = _granted.set(decisions)
    try:
        yield
    finally:
        _granted.reset(token)
