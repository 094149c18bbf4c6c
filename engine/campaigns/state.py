"""The state of a campaign at a moment: what lists show and what decides if it can sell or price.

Package campaigns (entitlements.md, first match wins): deleted, inactive, expired
(`expires_at` ≤ at), scheduled (`starts_at` > at), active. Discount campaigns: deleted, inactive,
expired (`to_date` before at's date), active. Category campaigns: deleted, inactive, active.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

DELETED = "deleted"
INACTIVE = "inactive"
EXPIRED = "expired"
SCHEDULED = "scheduled"
ACTIVE = "active"

STATES = (DELETED, INACTIVE, EXPIRED, SCHEDULED, ACTIVE)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _as_datetime(value: dt.datetime | str) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def campaign_state(campaign: Any, at: dt.datetime) -> str:
    """The state of `campaign` (a Campaign row or anything with its attributes) at `at`."""
    if campaign.deleted:
        return DELETED
    if not campaign.active:
        return INACTIVE
    if campaign.type == "packages":
        if campaign.expires_at is not None and _as_datetime(campaign.expires_at) <= at:
            return EXPIRED
        if campaign.starts_at is not None and _as_datetime(campaign.starts_at) > at:
            return SCHEDULED
        return ACTIVE
    if campaign.type == "category":
        return ACTIVE
    if campaign.to_date is not None and _as_date(campaign.to_date) < at.date():
        return EXPIRED
    return ACTIVE


def is_sellable_state(state: str) -> bool:
    return state == ACTIVE
