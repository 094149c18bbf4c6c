"""What a lot is: its kinds, the devices it is good for, its types per kind, its status at a
moment (entitlements.md)."""

from __future__ import annotations

import datetime as dt

from engine.errors import N_, PlaydeskError

KINDS = ("money", "minutes")
DEVICES = ("pc", "console", "any")
STATION_DEVICES = ("pc", "console")  # what a lot can be restricted to
# entitlements.md: a lot's type never changes, and each kind has its own types
LOT_TYPES = {
    "money": ("paid", "bonus", "manual", "correction", "migration", "reversed_refund", "refund"),
    "minutes": ("paid", "bonus", "manual"),
}
STAFF_LOT_TYPES = ("manual", "correction")


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise PlaydeskError(N_("kind must be one of {kinds}, not {kind!r}"),
                            kinds=", ".join(KINDS), kind=kind)
    return kind


def check_device(device: str) -> str:
    if device not in DEVICES:
        raise PlaydeskError(N_("device must be one of {devices}, not {device!r}"),
                            devices=", ".join(DEVICES), device=device)
    return device


def is_expired(expires_at: dt.datetime | None, at: dt.datetime) -> bool:
    """A lot is expired from its `expires_at` on (the same rule as a campaign's expiry)."""
    return expires_at is not None and expires_at <= at


def effective_status(status: str, remaining: int, expires_at: dt.datetime | None,
                     at: dt.datetime) -> str:
    """The stored (derived) status, or `expired` for an active lot past its expiry."""
    if status == "active" and remaining > 0 and is_expired(expires_at, at):
        return "expired"
    return status
