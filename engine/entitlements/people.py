"""Who may do what: the member a credit belongs to, the staff member who authorizes a change."""

from __future__ import annotations

from typing import NamedTuple

from engine.db import database
from engine.errors import NotFound, PlaydeskError
from engine.models import Member, Staff

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
        raise NotFound(f"unknown member {code!r}")
    return MemberFlags(row[0], bool(row[1]), bool(row[2]))


def buying_member(code: str, channel: str) -> MemberFlags:
    """A member who may buy: active, and allowed to log in when buying on the kiosk."""
    member = existing_member(code)
    if not member.active:
        raise PlaydeskError(f"member {code} is inactive")
    if channel == "kiosk" and not member.can_login:
        raise PlaydeskError(f"member {code} may not log in on the kiosk")
    return member


def existing_staff(code: str) -> Staff:
    staff = Staff.get_or_none(Staff.code == code)
    if staff is None or staff.deleted:
        raise NotFound(f"unknown staff member {code!r}")
    if not staff.active:
        raise PlaydeskError(f"staff member {code} is inactive")
    return staff


def manager(code: str | None, action: str) -> Staff:
    """An active manager or owner (engine.staff's roles); `action` names what needs one."""
    from engine.staff import require_role

    return require_role(code, "manager", action, nobody="give --staff")


def member_name(code: str) -> str:
    """The name of the member `code` (for the screens; NotFound when there is no such member)."""
    member = Member.get_or_none(Member.code == code)
    if member is None:
        raise NotFound(f"unknown member {code!r}")
    return member.name
