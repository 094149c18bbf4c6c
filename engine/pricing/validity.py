"""A campaign's validity in time: dates, weekdays and a time-of-day window."""

from __future__ import annotations

import datetime as dt

from engine.campaigns.types import WEEKDAYS
from engine.pricing.types import CampaignDef


def in_time_window(moment: dt.time, start: dt.time | None, end: dt.time | None) -> bool:
    """Start inclusive, end exclusive; start > end wraps midnight (22:00–02:00)."""
    if start is None and end is None:
        return True
    if start is None:
        return moment < end  # type: ignore[operator]
    if end is None:
        return moment >= start
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def valid_at(campaign: CampaignDef, at: dt.datetime) -> bool:
    day = at.date()
    if campaign.from_date is not None and day < campaign.from_date:
        return False
    if campaign.to_date is not None and day > campaign.to_date:
        return False
    if campaign.weekdays is not None and WEEKDAYS[day.weekday()] not in campaign.weekdays:
        return False
    return in_time_window(at.time(), campaign.from_time, campaign.to_time)
