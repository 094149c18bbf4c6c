"""Facts about members made at the counter (issue 18 item 3): a manager's PIN unlock or reset,
and a walk-in guest's ticket.

Both are journaled rows (they reach every device): a PIN lockout is counted on the kiosk where
the PINs were typed, so the manager's unlock at the counter must travel there; a ticket is a
member definition (so it logs in and holds minutes like a member), and this row says it is a
guest's ticket, who sold it and when (engine/entitlements/guest_tickets.py, docs/counter.md).
"""

from __future__ import annotations

from peewee import DateTimeField, TextField

from engine.models.base import BaseModel


class PinUnlock(BaseModel):
    """A manager ended a member's PIN lockout (`unlock`) or reset the PIN (`reset`): wrong PINs
    and lockouts before `at` no longer count, on every device."""

    id = TextField(primary_key=True)  # "<device>-PU<n>"
    member = TextField(index=True)
    kind = TextField()  # unlock | reset
    staff = TextField()
    at = DateTimeField()
    device = TextField()


class GuestTicket(BaseModel):
    """The member `member` is a walk-in guest's ticket (code + PIN printed), not a person."""

    id = TextField(primary_key=True)  # "<device>-GT<n>"
    member = TextField(unique=True)
    staff = TextField()
    at = DateTimeField()
    device = TextField()


class MemberLanguage(BaseModel):
    """The member chose `language` on a kiosk's language button (issue 20): the kiosk speaks it
    at their next login, on every kiosk. The latest choice (by `at`, then id) is theirs. A fact,
    not a change of the member's definition, so it never overwrites a PIN reset made meanwhile
    on another device."""

    id = TextField(primary_key=True)  # "<device>-ML<n>"
    member = TextField(index=True)
    language = TextField()
    at = DateTimeField()
    device = TextField()


MODELS = [PinUnlock, GuestTicket, MemberLanguage]
