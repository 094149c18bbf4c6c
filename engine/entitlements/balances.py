"""A member's balances: per kind the sum of remaining over active, unexpired lots, split into
paid, bonus and other (one aggregate query), with the lots and their expiries when asked for
(cli.md `balance`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from engine.db import database
from engine.lots.rules import KINDS, effective_status
from engine.people.members import existing_member

EXPIRING_DAYS = 7  # what "expires soon" means to a member (issue 8: home screen)

# One query over the lot(member, kind, status) index; earliest expiry first (none last), then
# oldest, then the lowest id (shorter first, so L9 before L10). Plain SQL read straight from the
# cursor: a member with years of lots must still answer at once, and a model instance costs
# ~50 µs a row.
_MEMBER_LOTS = """
SELECT id, kind, type, total, remaining, device, status, expires_at, purchase, created_at, comment
FROM lot WHERE member = ? {filter}
ORDER BY expires_at IS NULL, expires_at, created_at, LENGTH(id), id
"""
_ALL_LOTS = _MEMBER_LOTS.format(filter="")
_KNOWN_KINDS = f"kind IN ({', '.join(repr(kind) for kind in KINDS)})"
_LEFT_LOTS = _MEMBER_LOTS.format(
    filter=f"AND {_KNOWN_KINDS} AND status = 'active' AND remaining > 0")
# The balance itself (entitlements.md): per kind and type, Σ remaining over the usable lots
# (active, something left, not expired at t: `expires_at` ≤ t is expired, as
# rules.is_expired). SQLite sums them over the same index: a member with 1,000 lots costs
# a few rows to Python, not 1,000 (issue 16). `expires_at` and t compare as stored text
# ('YYYY-MM-DD HH:MM:SS[.ffffff]', the form sqlite3 binds a datetime in), as usable_lots does.
_TOTALS = f"""
SELECT kind, type, SUM(remaining) FROM lot
WHERE member = ? AND {_KNOWN_KINDS} AND status = 'active' AND remaining > 0
  AND (expires_at IS NULL OR expires_at > ?)
GROUP BY kind, type
"""


@dataclass
class Split:
    """What is left of one kind: the total, and how much of it was paid for, bonus or other
    (manual, correction, refund ...)."""

    total: int = 0
    paid: int = 0
    bonus: int = 0
    other: int = 0

    def add(self, lot_type: str, amount: int) -> None:
        self.total += amount
        if lot_type == "paid":
            self.paid += amount
        elif lot_type == "bonus":
            self.bonus += amount
        else:
            self.other += amount


@dataclass
class Balances:
    """A member's balances at a moment (cli.md `balance`); `lots` as `member_lots` lists them."""

    member: str
    money: Split = field(default_factory=Split)
    minutes: Split = field(default_factory=Split)
    lots: list[dict[str, Any]] = field(default_factory=list)

    def of(self, kind: str) -> Split:
        return self.money if kind == "money" else self.minutes

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON: `{"member", "money": {...}, "minutes": {...}, "lots": [...]}`."""
        return {"member": self.member, "money": asdict(self.money),
                "minutes": asdict(self.minutes), "lots": self.lots}


def member_lots(member: str, at: dt.datetime, include_spent: bool) -> list[dict[str, Any]]:
    """The member's lots as `lot_dict`s (status at `at`), earliest expiry first (none last),
    then oldest; only those with something left unless `include_spent`."""
    parsed: dict[str, dt.datetime] = {}  # lots bought together share their timestamps

    def when(text: str | None) -> dt.datetime | None:
        if text is None:
            return None
        value = parsed.get(text)
        if value is None:
            value = parsed[text] = dt.datetime.fromisoformat(text)
        return value

    rows = []
    for (lot_id, kind, lot_type, total, remaining, device, status, expires, purchase, created,
         comment) in database.execute_sql(_ALL_LOTS if include_spent else _LEFT_LOTS, (member,)):
        expires_at = when(expires)
        rows.append({
            "id": lot_id, "kind": kind, "type": lot_type, "total": total, "remaining": remaining,
            "device": device, "status": effective_status(status, remaining, expires_at, at),
            "expires_at": expires_at, "purchase": purchase, "created_at": when(created),
            "comment": comment})
    return rows


def balance(member: str, at: dt.datetime, include_spent: bool = False, *,
            lots: bool = True) -> Balances:
    """The member's balance at `at`. Lots listed are those with something left (usable or
    expired, so the member sees what expired); `include_spent` adds depleted and refunded ones.
    `lots=False` lists none: the figures alone, one aggregate query (a wallet check, a screen
    showing the totals)."""
    existing_member(member)
    if not lots:
        return _totals(Balances(member), member, at)
    with database.atomic():  # the figures and the lots listed from one snapshot
        return _totals(Balances(member, lots=member_lots(member, at, include_spent)),
                       member, at)


def _totals(result: Balances, member: str, at: dt.datetime) -> Balances:
    for kind, lot_type, amount in database.execute_sql(_TOTALS, (member, at)):
        result.of(kind).add(lot_type, amount)
    return result


def expiring_lots(lots: list[dict[str, Any]], at: dt.datetime,
                  days: int = EXPIRING_DAYS) -> list[dict[str, Any]]:
    """Of lots already read (`balance(...).lots`), the usable ones that expire within `days`
    from `at`, earliest first (the kiosk home screen's warning, from its one balance read)."""
    until = at + dt.timedelta(days=days)
    return [lot for lot in lots
            if lot["status"] == "active" and lot["remaining"] > 0
            and lot["expires_at"] is not None and lot["expires_at"] <= until]


def expiring_within(member: str, at: dt.datetime, days: int = EXPIRING_DAYS
                    ) -> list[dict[str, Any]]:
    """Usable lots of the member that expire within `days` from `at`."""
    return expiring_lots(balance(member, at).lots, at, days)
