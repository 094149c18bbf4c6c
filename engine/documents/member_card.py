"""The member card slip: the member's name and card number, the number as a Code 128 barcode
(printed at the counter when a member is registered or asks for one)."""

from __future__ import annotations

import datetime as dt

from engine.documents.dressing import dressed
from engine.documents.types import MemberCardSlip
from engine.errors import NotFound, PlaydeskError
from engine.models import Member


def member_card_slip(code: str, at: dt.datetime, location: str | None = None) -> MemberCardSlip:
    member = Member.get_or_none((Member.code == code) & ~Member.deleted)
    if member is None:
        raise NotFound(f"unknown member {code!r}")
    if not member.card:
        raise PlaydeskError(f"member {code} has no card number to print")
    head, money = dressed(location)
    return MemberCardSlip(header=head, currency=money, member=member.code, name=member.name,
                          card=member.card, at=at)
