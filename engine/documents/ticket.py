"""The kiosk's pay-at-counter ticket: the order's lines and the QR the cashier scans."""

from __future__ import annotations

import datetime as dt

from engine.documents.dressing import dressed, person
from engine.documents.types import CounterTicket
from engine.models import Member


def counter_ticket(order: str, lines: list[tuple[str, int]], at: dt.datetime,
                   member: str | None = None, location: str | None = None) -> CounterTicket:
    """A pay-at-counter ticket for an order the kiosk prepared (the order code is its QR)."""
    head, money = dressed(location)
    return CounterTicket(header=head, currency=money, order=order, at=at,
                         lines=tuple(lines), total=sum(amount for _, amount in lines),
                         member=person(Member, member))
