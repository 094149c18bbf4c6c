"""Dataclass values as JSON-ready data (a report's `as_dict`)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def plain_data(value: Any) -> Any:
    """`asdict` keeps tuples; a JSON document (and its stored copy) has lists, and a day as
    ISO text (a datetime stays: the CLI's JSON writes it with its own precision)."""
    if isinstance(value, dict):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(item) for item in value]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value
