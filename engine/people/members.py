"""Members: the member a credit belongs to and what it may do, and finding a member from what
was typed or scanned (code, card number, member barcode) — the one member lookup."""

from __future__ import annotations

from typing import NamedTuple

from engine.codes.rules import matching_rules
from engine.db import database
from engine.errors import N_, NotFound, PlaydeskError
from engine.models import BarcodeRule, Member

# every balance, session and purchase checks its member first: plain SQL (peewee would spend
# more building the statement than SQLite spends answering it)
_MEMBER = "SELECT code, active, can_login FROM member WHERE code = ? AND NOT deleted"


class MemberFlags(NamedTuple):
    code: str
    active: bool
    can_login: bool


def existing_member(code: str) -> MemberFlags:
    """The member `code` and what it may do (deleted members are unknown to every operation)."""
    row = database.execute_sql(_MEMBER, (code,)).fetchone()
    if row is None:
        raise NotFound(N_("unknown member {code!r}"), code=code)
    return MemberFlags(row[0], bool(row[1]), bool(row[2]))


def buying_member(code: str, channel: str) -> MemberFlags:
    """A member who may buy: active, and allowed to log in when buying on the kiosk."""
    member = existing_member(code)
    if not member.active:
        raise PlaydeskError(N_("member {member} is inactive"), member=code)
    if channel == "kiosk" and not member.can_login:
        raise PlaydeskError(N_("member {code} may not log in on the kiosk"), code=code)
    return member


def member_by_card(card: str) -> Member | None:
    """The member whose card number is exactly `card`."""
    return Member.get_or_none((Member.card == card) & ~Member.deleted)


def member_for_rule(scanned: str, inner: str) -> Member | None:
    """The member a member barcode names: `inner` is the code inside it (rule stripped), which
    is a card number or a member code; the whole barcode may be the card number too."""
    return (member_by_card(scanned) or member_by_card(inner)
            or Member.get_or_none((Member.code == inner) & ~Member.deleted))


def member_by_barcode(scanned: str, rules: list[BarcodeRule] | None = None) -> Member | None:
    """The member a scanned card names: its card number, or a member barcode rule's code."""
    code = scanned.strip()
    member = member_by_card(code)
    if member is not None:
        return member
    for _rule, inner in matching_rules(code, "member", rules):
        member = member_for_rule(code, inner)
        if member is not None:
            return member
    return None


def member_by_code(text: str) -> Member | None:
    """The member whose code is `text` as typed, or upper-cased."""
    live = ~Member.deleted
    return (Member.get_or_none((Member.code == text) & live)
            or Member.get_or_none((Member.code == text.upper()) & live))


def find_member(identifier: str) -> Member | None:
    """A member by code (any case), card number, or member barcode; deleted members never."""
    text = identifier.strip()
    if not text:
        return None
    return member_by_code(text) or member_by_barcode(text)


def member_name(code: str) -> str:
    """The name of the member `code` (for the screens; NotFound when there is no such member)."""
    member = Member.get_or_none(Member.code == code)
    if member is None:
        raise NotFound(N_("unknown member {code!r}"), code=code)
    return member.name
