"""The site file's tax rules (spec/tax.md "Site file"), across records and the database.

Once a site has tax rates, every item, resource, station group and minutes package names one
(the file's records, and the stored ones the file does not list); a money package names none
(wallet credit is a voucher: its tax falls due when it is spent); a rate's percent never
changes once stored (tax already computed at it would no longer add up: a new percent is a new
rate code). A site without rates keeps working and prints no tax.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.models import Campaign, Item, Package, Resource, StationGroup, TaxRate

TAXED_SECTIONS = {"items": Item, "resources": Resource, "station_groups": StationGroup}
SHOWN = 5  # stored records without a rate named in one problem, then "and N more"


def _live(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if not r.get("deleted")]


def site_rates(document: dict[str, Any]) -> dict[str, str]:
    """code -> percent text of the rates the site will have once the file is applied."""
    stored = {code: percent for code, percent in
              TaxRate.select(TaxRate.code, TaxRate.percent).where(~TaxRate.deleted).tuples()}
    for record in document.get("tax_rates", []):
        if not isinstance(record.get("code"), str):
            continue
        if record.get("deleted"):
            stored.pop(record["code"], None)
        elif isinstance(record.get("percent"), str):
            stored[record["code"]] = record["percent"]
    return stored


def check_tax(v, document: dict[str, Any]) -> None:
    _percents_unchanged(v, document)
    rates = site_rates(document)
    listed = ", ".join(sorted(rates))

    def named(path, record: dict[str, Any], what: str) -> None:
        code = record.get("tax")
        if code is None:
            if rates and not record.get("deleted"):
                v.problem(path + ("tax",), f"{what} needs a tax rate (the site has {listed})")
        elif isinstance(code, str) and code not in rates:
            v.problem(path + ("tax",), f"unknown tax rate {code!r}"
                      + (f" (the site has {listed})" if rates else " (the site has no tax_rates)"))

    for section in TAXED_SECTIONS:
        for record in document.get(section, []):
            named(record["_path"], record, f"a{'n' if section == 'items' else ''} "
                                           f"{section[:-1].replace('_', ' ')}")
    for campaign in document.get("campaigns", []):
        packages = campaign.get("packages")
        for index, package in enumerate(packages if isinstance(packages, list) else []):
            if not isinstance(package, dict):
                continue
            where = campaign["_path"] + ("packages", index)
            if package.get("package_type") == "money":
                if package.get("tax") is not None:
                    v.problem(where + ("tax",), "a money package is a voucher and names no tax "
                                                "rate: the tax falls due when the money is spent")
            elif not campaign.get("deleted"):
                named(where, package, "a minutes package")
    if rates:
        _stored_records_named(v, document)


def _percents_unchanged(v, document: dict[str, Any]) -> None:
    stored = dict(TaxRate.select(TaxRate.code, TaxRate.percent).tuples())
    for record in document.get("tax_rates", []):
        code, percent = record.get("code"), record.get("percent")
        if code in stored and isinstance(percent, str) and \
                Decimal(percent) != Decimal(stored[code]):
            v.problem(record["_path"] + ("percent",),
                      f"rate {code} is {stored[code]} % since it was stored, and a rate's percent "
                      "never changes (tax already computed at it): add a new rate code and name "
                      "it on the records instead")


def _stored_records_named(v, document: dict[str, Any]) -> None:
    """Stored records the file does not list, which would be left without a rate."""
    for section, model in TAXED_SECTIONS.items():
        in_file = {r.get("code") for r in document.get(section, [])}
        missing = [code for (code,) in model.select(model.code)
                   .where(~model.deleted & model.tax.is_null()).tuples() if code not in in_file]
        _missing(v, section.replace("_", " "), missing)
    in_file = {c.get("code") for c in document.get("campaigns", [])}
    missing = [f"{campaign}/{code}" for campaign, code in
               Package.select(Campaign.code, Package.code).join(Campaign)
               .where(~Campaign.deleted & (Package.package_type == "minutes")
                      & Package.tax.is_null()).tuples() if campaign not in in_file]
    _missing(v, "minutes packages", missing)


def _missing(v, what: str, codes: list[str]) -> None:
    if not codes:
        return
    shown = ", ".join(codes[:SHOWN]) + (f" and {len(codes) - SHOWN} more" if len(codes) > SHOWN
                                        else "")
    v.problem(("tax_rates",), f"stored {what} {shown} name no tax rate: list them in this file "
                              "with `tax`")
