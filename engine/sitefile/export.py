"""The stored site definitions as a normalized document and as a site file (YAML).

Loading an export reproduces the same state: every record is written out (deleted ones with
`deleted: true`), defaults are omitted only where loading them back gives the same value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from engine.campaigns.types import AUTOMATIC_REQUIRED, PERCENT_TYPES
from engine.sitefile import store
from engine.sitefile.schema import CAMPAIGNS, SECTIONS, TOP_LEVEL, Field, ListOf, Record


class _Dumper(yaml.SafeDumper):
    """Writes percentages (exact Decimals) as plain YAML numbers: `1.5`, never a float's noise."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:float" if value != value.to_integral_value() else "tag:yaml.org,2002:int",
    format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))))


def _percents_as_numbers(section: str, record: dict[str, Any]) -> None:
    """Normalized documents keep percentages as exact text; a site file writes numbers."""
    if section == "tax_rates":
        record["percent"] = Decimal(record["percent"])
    if section == "payment_methods" and "commission_percent" in record:
        record["commission_percent"] = Decimal(record["commission_percent"])
    if section == "campaigns" and record["type"] in PERCENT_TYPES:
        if "value" in record:
            record["value"] = Decimal(record["value"])
        for tier in record.get("tiers", []):
            tier["value"] = Decimal(tier["value"])
    if section == "coupons" and record.get("discount_type") == "discount" and "value" in record:
        record["value"] = Decimal(record["value"])


def export_document(selection: dict[str, set[str]] | None = None, *, include_site: bool = True,
                    settings: set[str] | None = None,
                    combinations: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """The normalized document of what is stored; `selection` limits sections to some codes."""
    document: dict[str, Any] = {}
    if include_site and (site := store.read_site()) is not None:
        document["site"] = site
    stored_settings = store.read_settings()
    if settings is None:
        if stored_settings:
            document["settings"] = stored_settings
    elif settings:
        document["settings"] = {k: stored_settings[k] for k in sorted(settings)}
    for section in TOP_LEVEL:
        if section not in SECTIONS or (selection is not None and section not in selection):
            continue
        records = (store.read_coupons() if section == "coupons"
                   else store.STORES[section].read())
        if selection is not None:
            records = {code: r for code, r in records.items() if code in selection[section]}
        if records:
            document[section] = [records[code] for code in sorted(records)] \
                if section in ("items", "members", "coupons") else list(records.values())
    if selection is None:
        barcodes = list(store.read_barcodes().values())
        if barcodes:
            document["barcodes"] = barcodes
        pairs = sorted(store.read_combinations())
        if pairs:
            document["combinations"] = [list(p) for p in pairs]
    elif combinations:
        document["combinations"] = [list(p) for p in sorted(combinations)]
    return document


def _prune(value: dict[str, Any], schema: Record) -> dict[str, Any]:
    """A record without the fields whose value is the default (and so loads back the same)."""
    result = {}
    for name, item in value.items():
        spec: Field | None = schema.fields.get(name)
        if spec is None:
            result[name] = item
            continue
        if isinstance(spec.check, Record) and isinstance(item, dict):
            item = _prune(item, spec.check)
            if not item and not spec.required:
                continue
        elif isinstance(spec.check, ListOf) and isinstance(spec.check.item, Record):
            item = [_prune(x, spec.check.item) for x in item]
        if not spec.required and not spec.child and item == spec.default_value():
            continue
        if spec.child and item == spec.default_value() and name != "triggers":
            continue
        result[name] = item
    return result


def _record_schema(section: str, record: dict[str, Any]) -> Record:
    if section == "campaigns":
        return CAMPAIGNS[record["type"]]
    return SECTIONS[section].record


def to_site_file(document: dict[str, Any]) -> dict[str, Any]:
    output: dict[str, Any] = {}
    for section in TOP_LEVEL:
        if section not in document:
            continue
        value = document[section]
        if section in SECTIONS:
            value = [_prune(r, _record_schema(section, r)) for r in value]
            for record in value:
                _percents_as_numbers(section, record)
            if section == "campaigns":
                for record, stored in zip(value, document[section], strict=True):
                    if record.get("triggers") == {}:
                        record.pop("triggers")
                    if record["type"] in AUTOMATIC_REQUIRED and "automatic" not in record:
                        # a site file must say it (decision 1), even when it is the default
                        record["automatic"] = stored.get("automatic", True)
        elif section == "barcodes":
            value = [{k: v for k, v in r.items() if not (k == "suffix" and v == "")
                      and k != "deleted"} for r in value]
        output[section] = value
    return output


def export_site() -> str:
    """A site file (YAML) that loads back to exactly the stored definitions."""
    return yaml.dump(to_site_file(export_document()), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=None, width=100)
