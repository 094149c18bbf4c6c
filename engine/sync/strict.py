"""Strict operations as the engines use them (spec/sync.md): ask the authority BEFORE the write
transaction, since network I/O must never happen while holding SQLite's write lock, refuse with a
clear message when it says no, and hand the decision to the code that records the fact inside
the transaction (its `offline` flag).

A function that spends credit (`consume`, a wallet `purchase`) asks by itself when it is called
standalone. Inside a caller's transaction it cannot ask any more: the caller asks first, before
its own `write()`, and passes the decision down (a `decision` argument, or `granted(...)` around
its transaction, as checkout does for its wallet payment).

The authority recognises a fact by its reference (a consumption's reference or id, a coupon
redemption's receipt), so the request names the id the fact is about to get (`peek_id`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from engine.db import database
from engine.errors import InsufficientBalance, PlaydeskError
from engine.ids import device_id

if TYPE_CHECKING:
    from engine.sync.authority import Decision

log = logging.getLogger("playdesk.strict")

_PEEK = "SELECT value FROM counter WHERE name = ?"
_CONFIG = "SELECT value FROM local_state WHERE key = 'sync.config'"

# (member, kind) -> the decision the caller obtained for spending inside its transaction
_granted: contextvars.ContextVar[dict[tuple[str, str], Decision] | None] = \
    contextvars.ContextVar("playdesk_strict_granted", default=None)


def peek_id(prefix: str) -> str:
    """The id `engine.ids.next_id(prefix)` will give next on this device (unless another
    process of the device takes it first: the authority's grant then lapses after its hold)."""
    row = database.execute_sql(_PEEK, ("id:" + prefix,)).fetchone()
    return f"{device_id()}-{prefix}{(row[0] if row else 0) + 1}"


def sync_configured() -> bool:
    """Whether strict operations go through an authority. A lone device (never started sync)
    or a site without an authority serializes them in each device's own write transaction:
    there is nobody to ask."""
    row = database.execute_sql(_CONFIG).fetchone()
    if row is None:
        return False
    try:
        return bool(json.loads(row[0]).get("authority"))
    except (ValueError, AttributeError):
        return False


def _allowed_locally() -> Decision:
    from engine.sync.authority import Decision

    return Decision(True, False, "decided here")


def ask(op: str, at: dt.datetime, **subject) -> Decision:
    """The authority's (or the offline policy's) decision; a lone device allows (its own
    transaction checks). Never call inside a write transaction."""
    if not sync_configured():
        return _allowed_locally()
    if database.in_transaction():
        raise RuntimeError(f"strict operation {op} asked inside a write transaction: "
                           "ask before write(), then pass the decision down")
    from engine.sync.authority import decide

    return decide(op, at, **subject)


def spend(member: str, kind: str, amount: int, at: dt.datetime, reference: str,
          shortage: str = "insufficient balance") -> Decision:
    """Ask to spend `amount` of `kind` from `member`; PlaydeskError when refused (a shortage
    the authority sees starts with `shortage`, as the engines' own shortage messages do)."""
    decision = ask("balance.spend", at, member=member, kind=kind, amount=amount,
                   reference=reference)
    if decision.allowed:
        return decision
    how = "offline policy" if decision.offline else "authority"
    if decision.reason == "insufficient balance":
        raise InsufficientBalance(f"{shortage}: the {how} refused spending {amount} {kind} "
                                  f"of {member} (other devices spent it)", member=member,
                                  kind=kind, needed=amount)
    raise PlaydeskError(f"spending {amount} {kind} of {member} refused by the {how}: "
                        f"{decision.reason or 'denied'}")


def spend_decision(member: str, kind: str, amount: int, at: dt.datetime, reference: str,
                   decision: Decision | None = None,
                   shortage: str = "insufficient balance") -> Decision:
    """The decision a spend goes by: the one passed down, the one the caller's `granted`
    scope holds for this member and kind, or (standalone) asked now. Inside a caller's
    transaction without either, the caller took responsibility (e.g. a lone device)."""
    if decision is not None:
        return decision
    held = _granted.get()
    if held and (member, kind) in held:
        return held[(member, kind)]
    if database.in_transaction():
        if sync_configured():
            log.warning("strict: %s spends %d %s inside a caller's transaction that did not ask "
                        "the authority first", member, amount, kind)
        return _allowed_locally()
    return spend(member, kind, amount, at, reference, shortage)


@contextlib.contextmanager
def granted(decisions: dict[tuple[str, str], Decision]) -> Iterator[None]:
    """Spends of these (member, kind) inside the block go by these decisions."""
    token = _granted.set(decisions)
    try:
        yield
    finally:
        _granted.reset(token)
