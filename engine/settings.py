"""Reading site settings and this device's sync state: one reader for the apps, the documents,
the CLI and sync.

Site settings are rows of `Setting` with JSON values (a value that is not JSON is its raw text).
`localstate.SYNC_ONLINE` is what the sync process writes ("true"/"false") when the broker comes and
goes; the apps show an "offline" mark from it.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from engine import localstate
from engine.models import Setting, Site


def setting(key: str, default: Any = None) -> Any:
    """A site setting's JSON value (its raw text when it is not JSON), or `default`."""
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return default
    try:
        return json.loads(row.value)
    except ValueError:
        return row.value


def sync_online() -> bool | None:
    """Whether the sync process reaches the broker: None when it never said (no sync here)."""
    value = localstate.get(localstate.SYNC_ONLINE)
    if value is None:
        return None
    return value.strip().lower() != "false"


def set_sync_online(online: bool) -> None:
    """The sync process's mark, as the broker comes and goes (inside a write transaction)."""
    localstate.put(localstate.SYNC_ONLINE, "true" if online else "false")


class SiteIdentity(NamedTuple):
    name: str
    currency: str
    minor_digits: int
    timezone: str
    locale: str = "en_US"


def site_language() -> str:
    """The language of the site's locale (`de` for de_DE; `en` without a site)."""
    row = Site.select(Site.locale).first()
    return (row.locale if row is not None else "en_US").split("_")[0].lower()


def site_identity() -> SiteIdentity:
    """The site's name, money, time zone and locale (a database without a site: playdesk, EUR,
    UTC, en_US)."""
    site = Site.select().first()
    if site is None:
        return SiteIdentity("playdesk", "EUR", 2, "UTC")
    return SiteIdentity(site.name, site.currency, site.minor_digits, site.timezone, site.locale)
