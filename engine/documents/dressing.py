"""What every slip shares, read from the site: its currency, header and footer, the people named
on it, a member's balances, payment lines and the names of recorded lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import fn

from engine.documents.currency import Currency
from engine.documents.types import Balances, Header
from engine.entitlements.sellable import package_name
from engine.models import Campaign, Item, Location, Lot, Resource, Site
from engine.settings import setting

# Settings (JSON values) that dress every slip; all optional.
HEADER_SETTING = "receipt_header"  # a string or a list of lines under the site name
FOOTER_SETTING = "receipt_footer"  # a string or a list of lines at the bottom
LOGO_SETTING = "receipt_logo"  # an image file name, printed above the header


def _text_lines(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.splitlines())
    return tuple(str(line) for line in value)


def _currency_of(site: Site | None) -> Currency:
    return Currency(site.currency, site.minor_digits, site.locale) if site else Currency()


def site_currency() -> Currency:
    return _currency_of(Site.select().first())


def dressed(location: str | None = None, device: str | None = None) -> tuple[Header, Currency]:
    """A slip's header and currency, reading the site row once."""
    site = Site.select().first()
    return header(location, device, site), _currency_of(site)


def header(location: str | None = None, device: str | None = None,
           site: Site | None = None) -> Header:
    site = site or Site.select().first()
    place = Location.get_or_none(Location.code == location) if location else None
    return Header(
        site_name=site.name if site else "playdesk",
        location=(place.name or place.code) if place else location,
        device=device,
        lines=_text_lines(setting(HEADER_SETTING)),
        footer=_text_lines(setting(FOOTER_SETTING)),
        logo=setting(LOGO_SETTING) or None,
    )


def person(model, code: str | None) -> str | None:
    """"Ada (M001)" for a member or staff code (the bare code when it is not known)."""
    if not code:
        return None
    row = model.get_or_none(model.code == code)
    return f"{row.name} ({code})" if row else code


def balances(member: str, at: dt.datetime) -> Balances:
    """The member's usable credit at `at`: active lots not expired, by kind."""
    rows = (Lot.select(Lot.kind, fn.SUM(Lot.remaining).alias("left"))
            .where((Lot.member == member) & (Lot.status == "active") & (Lot.remaining > 0)
                   & (Lot.expires_at.is_null() | (Lot.expires_at > at)))
            .group_by(Lot.kind))
    left = {row.kind: row.left for row in rows}
    return Balances(money=left.get("money", 0), minutes=left.get("minutes", 0))


def campaign(code: str) -> Campaign | None:
    return Campaign.get_or_none(Campaign.code == code)


def line_name(line) -> str:
    """A recorded line's name, or the name of a priced line's item, resource or package."""
    if getattr(line, "name", None):
        return line.name
    if line.item:
        item = Item.get_or_none(Item.code == line.item)
        return item.name if item else line.item
    if line.resource:
        resource = Resource.get_or_none(Resource.code == line.resource)
        return resource.name if resource else line.resource
    if line.package:
        return package_name(line.package)
    return f"Line {line.no}"
