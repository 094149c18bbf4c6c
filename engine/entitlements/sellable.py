"""Which packages can be sold to whom, now, and why not (entitlements.md: Campaign state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from peewee import Model

from engine.campaigns.state import ACTIVE, DELETED, EXPIRED, INACTIVE, SCHEDULED, campaign_state
from engine.campaigns.types import WEEKDAYS
from engine.db import database
from engine.errors import N_, NotFound, PlaydeskError
from engine.i18n.names import local_name
from engine.models import Campaign, Package, Purchase, Refund
from engine.people.members import existing_member


def split_package_code(code: str) -> tuple[str, str]:
    campaign, slash, package = (code or "").partition("/")
    if not slash or not campaign or not package:
        raise PlaydeskError(N_("a package is named CAMPAIGN/PACKAGE, not {code!r}"), code=code)
    return campaign, package


def _columns(alias: str, model: type[Model]) -> str:
    return ", ".join(f'{alias}."{field.column_name}"' for field in model._meta.sorted_fields)


# Every purchase, order and package scan looks its package up: plain SQL over the unique
# (campaign, code) index, as peewee would spend ~1 ms building the joined statement.
_FIND_PACKAGE = (f"SELECT {_columns('p', Package)}, {_columns('c', Campaign)} "
                 "FROM package AS p JOIN campaign AS c ON c.id = p.campaign_id "
                 "WHERE c.code = ? AND c.type = 'packages' AND p.code = ?")


def _instance(model: type[Model], values: Sequence[Any]) -> Any:
    """A row as a model instance, each value converted as peewee converts it when reading."""
    return model(**{field.name: field.python_value(value)
                    for field, value in zip(model._meta.sorted_fields, values, strict=True)})


def find_package(code: str) -> Package:
    """The package "CAMPAIGN/PACKAGE" of a package campaign (deleted campaigns included)."""
    campaign_code, package_code = split_package_code(code)
    row = database.execute_sql(_FIND_PACKAGE, (campaign_code, package_code)).fetchone()
    if row is None:
        raise NotFound(N_("unknown package {code!r}"), code=code)
    width = len(Package._meta.sorted_fields)
    package = _instance(Package, row[:width])
    package.campaign = _instance(Campaign, row[width:])
    return package


def package_name(code: str) -> str:
    """The name of the package "CAMPAIGN/PACKAGE" to show a person; the code itself when the
    package is unknown (a record that outlived its definition)."""
    try:
        return find_package(code).name
    except PlaydeskError:
        return code


def bought_count(member: str, package: Package) -> int:
    """How many times the member bought the package; refunded purchases do not count."""
    refunded = Refund.select(Refund.purchase)
    return (Purchase.select()
            .where((Purchase.member == member) & (Purchase.campaign == package.campaign.code)
                   & (Purchase.package == package.code) & Purchase.id.not_in(refunded))
            .count())


def _campaign_reason(campaign: Campaign, at: dt.datetime) -> str | None:
    state = campaign_state(campaign, at)
    if state == ACTIVE:
        return None
    reasons = {
        DELETED: f"campaign {campaign.code} is deleted",
        INACTIVE: f"campaign {campaign.code} is inactive",
        EXPIRED: f"campaign {campaign.code} expired at {_stamp(campaign.expires_at)}",
        SCHEDULED: f"campaign {campaign.code} has not started (starts at "
                   f"{_stamp(campaign.starts_at)})",
    }
    return reasons.get(state, f"campaign {campaign.code} is {state}")


def _stamp(value: Any) -> str:
    return value.isoformat(timespec="minutes") if isinstance(value, dt.datetime) else str(value)


def package_reason(package: Package, member: str | None, at: dt.datetime) -> str | None:
    """Why `package` cannot be sold at `at` (to `member`, if given), or None when it can."""
    reason = _campaign_reason(package.campaign, at)
    if reason:
        return reason
    name = f"{package.campaign.code}/{package.code}"
    if not package.active:
        return f"package {name} is inactive"
    if package.weekdays and WEEKDAYS[at.weekday()] not in package.weekdays:
        return f"package {name} is not sold on {WEEKDAYS[at.weekday()]} " \
               f"(only {', '.join(package.weekdays)})"
    if member is not None and package.max_per_member is not None:
        count = bought_count(member, package)
        if count >= package.max_per_member:
            return f"limit reached: {member} has bought {name} {count} time(s) " \
                   f"(at most {package.max_per_member} per member)"
    return None


def why_not_sellable(member_code: str | None, package: str, at: dt.datetime) -> str | None:
    """The reason `package` ("CAMPAIGN/PACKAGE") is not sellable, or None when it is."""
    if member_code is not None:
        existing_member(member_code)
    return package_reason(find_package(package), member_code, at)


def package_dict(package: Package, language: str | None = None) -> dict[str, Any]:
    """A package as `playdesk packages` lists it (cli.md); with `language`, its and its
    campaign's names in that language where the owner gave them (`names`)."""
    return {
        "campaign": package.campaign.code, "package": package.code,
        "name": local_name(package.name, package.names, language),
        "campaign_name": local_name(package.campaign.name, package.campaign.names, language),
        "package_type": package.package_type,
        "base": package.base, "bonus_type": package.bonus_type, "bonus": package.bonus,
        "price": package.price, "device": package.device,
        "validity_days": package.validity_days, "weekdays": package.weekdays,
        "max_per_member": package.max_per_member,
    }


def sellable_packages(member_code: str | None, at: dt.datetime, device: str | None = None,
                      language: str | None = None) -> list[dict[str, Any]]:
    """The packages sellable at `at` (to the member, when given), usable on `device` if given
    (lots of device `any` or that device), in campaign code and package position order; names
    in `language` where the owner gave them."""
    if member_code is not None:
        existing_member(member_code)
    query = (Package.select(Package, Campaign).join(Campaign)
             .where((Campaign.type == "packages") & (Campaign.deleted == False)  # noqa: E712
                    & (Campaign.active == True) & (Package.active == True))  # noqa: E712
             .order_by(Campaign.code, Package.position, Package.code))
    return [package_dict(package, language) for package in query
            if (device is None or package.device in ("any", device))
            and package_reason(package, member_code, at) is None]


def campaigns_on_offer(at: dt.datetime, device: str | None = None,
                       language: str | None = None) -> list[dict[str, Any]]:
    """The package campaigns with something sellable at `at` (to anyone; on `device` if given),
    in campaign code order: {campaign, name, description} (the kiosk's attract screen)."""
    codes = list(dict.fromkeys(package["campaign"] for package in sellable_packages(None, at,
                                                                                  device)))
    if not codes:
        return []
    rows = {c.code: c for c in Campaign.select().where(Campaign.code.in_(codes))}
    return [{"campaign": code, "name": local_name(rows[code].name, rows[code].names, language),
             "description": rows[code].description} for code in codes]
