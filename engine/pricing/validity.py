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


def valid_on(campaign: CampaignDef, day: dt.date, moment: dt.time) -> bool:
    """Whether the campaign is valid at that date and time of day (taken apart from the
    receipt's moment once per receipt)."""
    if campaign.from_date is not None and day < campaign.from_date:
        return False
    if campaign.to_date is not None and day > campaign.to_date:
        return False
    if campaign.weekdays is not None and WEEKDAYS[day.weekday()] not in campaign.weekdays:
        return False
    if campaign.from_time is None and campaign.to_time is None:
        return True
    return in_time_window(moment, campaign.from_time, campaign.to_time)
