"""Members at the counter (issue 18 item 3): register, set the PIN, a manager's reset, unlock,
deactivate and reactivate — each a definitions change made like the manager's campaign changes.

Each change builds the member's normalized record (and, to put a new member in a segment, the
segment's) and goes through `apply_document`: one `definitions` event, signed by the sync
process and applied on every other device, versions stamped. A PIN unlock (or the unlock a reset
implies) is a journaled `pin_unlock` fact too, as the wrong PINs it forgives were counted on a
kiosk (engine/people/logins.py). Every operation is one transaction; bad input is refused with
a PlaydeskError and nothing written. Roles: a cashier registers and lets a member set a PIN; a
manager (or owner) resets, unlocks, deactivates and reactivates.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from engine import db, journal
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id, next_id
from engine.models import Debtor, Member, Segment, SegmentMember
from engine.models.member_facts import GuestTicket, PinUnlock
from engine.people import logins
from engine.people.members import member_by_barcode, member_by_card
from engine.people.pins import check_pin, hash_pin, verify_pin
from engine.people.staff import require_role
from engine.sitefile.fields import CODE_PATTERN

NAME_LENGTH = 80
CARD_LENGTH = 40
GENERATED_DIGITS = 6  # "M" + six digits: typed on the kiosk's code pad; random, so two
# counters registering offline do not pick the same code (checked here against what is known)


def _store(section: str):
    from engine.sitefile.store import STORES  # the store loads the schema: only when changing

    return STORES[section]


def _apply(document: dict[str, Any], at: dt.datetime, source: str) -> dict[str, Any]:
    from engine.sitefile.apply import apply_document

    return apply_document(document, at, source=source)


def member_record(code: str) -> dict[str, Any]:
    """The member's normalized record as stored (NotFound for an unknown or deleted member)."""
    record = _store("members").read().get(code)
    if record is None or record["deleted"]:
        raise NotFound(N_("unknown member {code!r}"), code=code)
    return record


def _name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise PlaydeskError(N_("a member needs a name"))
    if len(text) > NAME_LENGTH:
        raise PlaydeskError(N_("a member's name has at most {name_length} characters"),
                            name_length=NAME_LENGTH)
    return text


def _card(card: object) -> str:
    text = card.strip() if isinstance(card, str) else ""
    if not text:
        raise PlaydeskError(N_("scan the member's card first"))
    if len(text) > CARD_LENGTH or not text.isprintable():
        raise PlaydeskError(N_("{card!r} is not a card number (at most "
                               "{card_length} printable characters)"),
                            card=text[:CARD_LENGTH], card_length=CARD_LENGTH)
    used = Member.get_or_none(Member.card == text)  # deleted members keep their card: unique
    if used is not None:
        raise PlaydeskError(N_("card {card} is already the card of member {member} ({name})"),
                            card=text, member=used.code, name=used.name)
    other = member_by_barcode(text) or Member.get_or_none(Member.code == text)
    if other is not None:
        raise PlaydeskError(N_("card {card} already names member {member} ({name})"),
                            card=text, member=other.code, name=other.name)
    return text


def _new_code(code: str | None) -> str:
    if code is not None:
        if not CODE_PATTERN.fullmatch(code):
            raise PlaydeskError(N_("{code!r} is not a valid member code (1-40 characters of "
                                   "A-Z a-z 0-9 _ - .)"), code=code)
        if Member.get_or_none(Member.code == code) is not None:
            raise PlaydeskError(N_("member code {code} is already used"), code=code)
        return code
    return unused_code("M", GENERATED_DIGITS)


def unused_code(prefix: str, digits: int) -> str:
    """A random code `prefix` + `digits` digits that no member here has (deleted ones too)."""
    for _ in range(100):
        code = prefix + "".join(secrets.choice("0123456789") for _ in range(digits))
        if Member.get_or_none(Member.code == code) is None:
            return code
    raise PlaydeskError(N_("no free member code found; give one with --code"))


def _known(model, code: str | None, what: str) -> str | None:
    if code is None or code == "":
        return None
    row = model.get_or_none(model.code == code)
    if row is None or row.deleted:
        raise NotFound(N_("unknown {kind} {code!r}"), kind=what, code=code)
    return code


def member_summary(code: str, at: dt.datetime) -> dict[str, Any]:
    """What the counter shows about a member: flags, PIN set, a ticket, a lockout held here."""
    member = Member.get_or_none((Member.code == code) & ~Member.deleted)
    if member is None:
        raise NotFound(N_("unknown member {code!r}"), code=code)
    segments = [s.code for s in Segment.select().join(SegmentMember)
                .where((SegmentMember.member == member.id) & ~Segment.deleted)]
    locked = logins.lockout_until(code, at)
    return {"code": member.code, "name": member.name, "card": member.card,
            "debtor": member.debtor.code if member.debtor_id else None, "segments": segments,
            "active": member.active, "can_login": member.can_login,
            "has_pin": bool(member.pin_hash),
            "ticket": GuestTicket.get_or_none(GuestTicket.member == code) is not None,
            "locked_until": locked.isoformat(timespec="seconds") if locked else None}


def _changed(code: str, summary: dict[str, Any], at: dt.datetime, **extra: Any) -> dict[str, Any]:
    return {**member_summary(code, at), "changed": summary["changed"], "event": summary["event"],
            **extra}


def register_member(name: str, card: str, at: dt.datetime, staff: str | None,
                    code: str | None = None, debtor: str | None = None,
                    segment: str | None = None) -> dict[str, Any]:
    """Register a member with the card scanned at the counter (a cashier may)."""
    with db.write():
        require_role(staff, "cashier", "registering a member")
        record = {"code": _new_code(code), "name": _name(name), "card": _card(card),
                  "debtor": _known(Debtor, debtor, "debtor"), "pin_hash": None,
                  "can_login": True, "active": True, "deleted": False}
        document: dict[str, Any] = {"members": [record]}
        if _known(Segment, segment, "segment") is not None:
            group = dict(_store("segments").read()[segment])
            group["members"] = [*group["members"], record["code"]]
            document["segments"] = [group]
        summary = _apply(document, at, "member.register")
        return _changed(record["code"], summary, at)


def _active(code: str) -> dict[str, Any]:
    record = member_record(code)
    if not record["active"]:
        raise PlaydeskError(N_("member {code} is inactive; a manager reactivates it first"),
                            code=code)
    return record


def set_member_pin(code: str, pin: str, repeat: str, at: dt.datetime, staff: str | None,
                   current: str | None = None) -> dict[str, Any]:
    """The member sets their PIN on the counter's keypad, typed twice (a cashier may). A member
    who has a PIN types it first (`current`); else only a manager's reset changes it."""
    with db.write():
        require_role(staff, "cashier", "setting a member's PIN")
        record = dict(_active(code))
        check_pin(pin)
        if pin != repeat:
            raise PlaydeskError(N_("the two PINs differ; type the new PIN twice"))
        if record["pin_hash"] and not verify_pin(current or "", record["pin_hash"]):
            raise PlaydeskError(N_("member {code} has a PIN: type the current PIN first, or a "
                                   "manager resets it"), code=code)
        record["pin_hash"] = hash_pin(pin)
        return _changed(code, _apply({"members": [record]}, at, "member.pin"), at)


def _unlock_row(code: str, kind: str, staff: str, at: dt.datetime) -> PinUnlock:
    row = PinUnlock.create(id=next_id("PU"), member=code, kind=kind, staff=staff, at=at,
                           device=device_id())
    journal.append_rows(f"member.pin_{kind}", row)
    return row


def reset_member_pin(code: str, at: dt.datetime, staff: str | None,
                     pin: str | None = None) -> dict[str, Any]:
    """A manager clears the member's PIN (`pin` None: the member sets a new one) or sets a new
    one; it ends any PIN lockout too (recorded, on every device)."""
    with db.write():
        manager = require_role(staff, "manager", "resetting a member's PIN")
        record = dict(member_record(code))
        record["pin_hash"] = None if pin is None else hash_pin(check_pin(pin))
        summary = _apply({"members": [record]}, at, "member.pin_reset")
        row = _unlock_row(code, "reset", manager.code, at)
        return _changed(code, summary, at, unlock=row.id)


def unlock_member_pin(code: str, at: dt.datetime, staff: str | None) -> dict[str, Any]:
    """A manager ends the member's PIN lockout, on every kiosk (a recorded `pin_unlock`)."""
    with db.write():
        manager = require_role(staff, "manager", "unlocking a member's PIN")
        member_record(code)
        was = logins.lockout_until(code, at)
        row = _unlock_row(code, "unlock", manager.code, at)
        return {**member_summary(code, at), "unlock": row.id,
                "was_locked_until": was.isoformat(timespec="seconds") if was else None}


def set_member_active(code: str, active: bool, at: dt.datetime,
                      staff: str | None) -> dict[str, Any]:
    """A manager deactivates a member (no login, no buying; history kept) or reactivates it."""
    action = "reactivating" if active else "deactivating"
    with db.write():
        require_role(staff, "manager", f"{action} a member")
        record = dict(member_record(code))
        if record["active"] == active:
            message = (N_("member {code} is already active") if active
                       else N_("member {code} is already inactive"))
            raise PlaydeskError(message, code=code)
        record["active"] = active
        source = "member.activate" if active else "member.deactivate"
        return _changed(code, _apply({"members": [record]}, at, source), at)


def find_members(text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Members whose code, card or name matches `text` (a scanned card first), for the screen."""
    query = text.strip()
    if not query:
        return []
    exact = member_by_card(query) or member_by_barcode(query)
    pattern = f"%{query}%"
    rows = list(Member.select().where(~Member.deleted & (Member.code ** pattern
                                                         | Member.name ** pattern
                                                         | Member.card ** pattern))
                .order_by(Member.name, Member.code).limit(limit))
    if exact is not None:
        rows = [exact, *[row for row in rows if row.code != exact.code]][:limit]
    return [{"code": row.code, "name": row.name, "card": row.card, "active": row.active}
            for row in rows]
