"""Validation of a parsed site file into a normalized document, collecting every problem.

Three passes: each field against its checker (schema.py), then the rules between fields of one
record (bonus iff bonus_type, tier order, m_for_n...), then references between records (in the
file or already in the database). Nothing stops at the first problem: the owner gets the full
list, each as `FILE:LINE: path: message`.
"""

from __future__ import annotations

from typing import Any

from engine.campaigns.types import PERCENT_TYPES
from engine.errors import PlaydeskError
from engine.sitefile import fields as f
from engine.sitefile.campaign_keys import check_campaign_keys
from engine.sitefile.gcpause import collector_paused
from engine.sitefile.references import check_references
from engine.sitefile.schema import (
    BARCODE_RULE,
    CAMPAIGNS,
    MAX_QUICK_TILES,
    SECTIONS,
    SETTINGS_CHECKS,
    SITE,
    TOP_LEVEL,
    Field,
    ListOf,
    Record,
    campaign_record,
)
from engine.sitefile.tax_rules import check_tax
from engine.sitefile.yamlnodes import Parsed, Path, format_path, parse_yaml

_INVALID = object()


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class Validator:
    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.problems: list[tuple[Path, str]] = list(parsed.problems)

    def problem(self, path: Path, message: str) -> None:
        self.problems.append((path, message))

    def report(self) -> list[str]:
        ordered = sorted(enumerate(self.problems),
                         key=lambda item: (self.parsed.line_of(item[1][0]), item[0]))
        return [f"{self.parsed.filename}:{self.parsed.line_of(path)}: "
                f"{format_path(path) or '(top level)'}: {message}" for _, (path, message) in ordered]

    # -- one value against its checker -------------------------------------------------------

    def check(self, value: Any, checker: Any, path: Path) -> Any:
        if isinstance(checker, Record):
            return self.record(value, checker, path)
        if isinstance(checker, ListOf):
            if not isinstance(value, list):
                self.problem(path, "must be a list")
                return _INVALID
            return [self.check(item, checker.item, path + (index,))
                    for index, item in enumerate(value)]
        try:
            return checker(value)
        except f.Invalid as error:
            self.problem(path, str(error))
            return _INVALID

    def record(self, value: Any, schema: Record, path: Path) -> dict[str, Any] | Any:
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of fields")
            return _INVALID
        result: dict[str, Any] = {}
        for key in value:
            if key not in schema.fields:
                self.problem(path + (key,), f"unknown key (expected one of {', '.join(schema.fields)})")
        for name, spec in schema.fields.items():
            result_value = self.field(value, name, spec, path)
            if result_value is not _ABSENT:
                result[name] = result_value
        return result

    def field(self, value: dict[str, Any], name: str, spec: Field, path: Path) -> Any:
        if name not in value or (value[name] is None and not spec.required):
            if spec.required:
                self.problem(path + (name,), "is required")
                return _INVALID
            return _ABSENT if spec.child else spec.default_value()
        if value[name] is None:
            self.problem(path + (name,), "is required")
            return _INVALID
        return self.check(value[name], spec.check, path + (name,))


_ABSENT = object()


# -- sections ---------------------------------------------------------------------------------

def _section_records(v: Validator, name: str, value: Any) -> list[dict[str, Any]]:
    section = SECTIONS[name]
    if not isinstance(value, list):
        v.problem((name,), "must be a list")
        return []
    records = []
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        path = (name, index)
        if name == "campaigns":
            record = _campaign(v, item, path)
        else:
            record = v.record(item, section.record, path)
        if not isinstance(record, dict):
            continue
        key = record.get(section.key)
        if isinstance(key, str):
            if key in seen:
                v.problem(path + (section.key,), f"{key!r} is listed twice (also {name}[{seen[key]}])")
                continue
            seen[key] = index
        record["_path"] = path
        records.append(record)
    return records


def _campaign(v: Validator, value: Any, path: Path) -> dict[str, Any] | Any:
    campaign_type = value.get("type") if isinstance(value, dict) else None
    if not isinstance(campaign_type, str):  # a list or mapping: the type field says it is wrong
        campaign_type = None
    record = v.record(value, campaign_record(campaign_type), path)
    if isinstance(record, dict) and campaign_type in CAMPAIGNS:
        _campaign_rules(v, record, path)
        check_campaign_keys(value, v.problem, path)  # on the keys as written
    return record


def _value_for(campaign_type: str, value: Any) -> str | int:
    return f.percent(value) if campaign_type in PERCENT_TYPES else f.amount(value)


def _campaign_rules(v: Validator, record: dict[str, Any], path: Path) -> None:
    kind = record["type"]
    for index, package in enumerate(_list(record.get("packages"))):
        if not isinstance(package, dict):
            continue
        where = path + ("packages", index)
        if package.get("bonus_type") == "none" and package.get("bonus") is not None:
            v.problem(where + ("bonus",), "must be absent when bonus_type is none")
        if package.get("bonus_type") not in ("none", None, _INVALID) and package.get("bonus") is None:
            v.problem(where + ("bonus",), "is required (> 0) when bonus_type is not none")
    codes = [p.get("code") for p in _list(record.get("packages")) if isinstance(p, dict)]
    for index, package_code in enumerate(codes):
        if isinstance(package_code, str) and package_code in codes[:index]:
            v.problem(path + ("packages", index, "code"), f"{package_code!r} is listed twice")
    if kind == "packages":
        starts, expires = record.get("starts_at"), record.get("expires_at")
        if isinstance(starts, str) and isinstance(expires, str) and expires <= starts:
            v.problem(path + ("expires_at",), "must be after starts_at")
    tiers = record.get("tiers")
    if isinstance(tiers, list):
        _tier_rules(v, kind, tiers, path)
    buy, pay = record.get("buy"), record.get("pay")
    if kind == "m_for_n" and isinstance(buy, int) and isinstance(pay, int) and not buy > pay:
        v.problem(path + ("pay",), "must be less than buy (M for N needs M > N >= 0)")
    validity = record.get("validity")
    if isinstance(validity, dict):
        first, last = validity.get("from_date"), validity.get("to_date")
        if isinstance(first, str) and isinstance(last, str) and last < first:
            v.problem(path + ("validity", "to_date"), "must not be before from_date")
        if (validity.get("from_time") is None) != (validity.get("to_time") is None):
            missing = "to_time" if validity.get("to_time") is None else "from_time"
            v.problem(path + ("validity", missing), "from_time and to_time go together")
    triggers = record.get("triggers")
    if isinstance(triggers, dict):
        for kind_name in ("pool", "set"):
            for index, trigger in enumerate(_list(triggers.get(kind_name))):
                if isinstance(trigger, dict) and trigger.get("lines") == []:
                    v.problem(path + ("triggers", kind_name, index, "lines"), "must not be empty")


def _tier_rules(v: Validator, kind: str, tiers: list[Any], path: Path) -> None:
    if not tiers:
        v.problem(path + ("tiers",), "must list at least one tier")
        return
    previous: dict[str, Any] | None = None
    usages = set()
    for index, tier in enumerate(tiers):
        if not isinstance(tier, dict):
            continue
        where = path + ("tiers", index)
        if tier.get("value") is not _INVALID:
            try:
                tier["value"] = _value_for(kind, tier["value"])
            except f.Invalid as error:
                v.problem(where + ("value",), str(error))
                tier["value"] = _INVALID
        if isinstance(tier.get("usage"), str):
            usages.add(tier["usage"])
        if previous is not None:
            for threshold in ("from_quantity", "from_amount"):
                now, before = tier.get(threshold), previous.get(threshold)
                if isinstance(now, int) and isinstance(before, int) and now < before:
                    v.problem(where + (threshold,),
                              f"tiers must be ascending: {now} is below the previous tier's {before}")
        previous = tier
    if len(usages) > 1:
        v.problem(path + ("tiers",), f"every tier must have the same usage (found {', '.join(sorted(usages))})")


def _site(v: Validator, value: Any) -> dict[str, Any] | None:
    record = v.record(value, SITE, ("site",))
    if not isinstance(record, dict):
        return None
    # minor_digits omitted: the stored site's, or the currency's own (CLDR) for a new site; the
    # plan fills it in (engine/sitefile/apply.py), as only it knows what is stored. Given, it is
    # what the amounts mean, even where CLDR says otherwise (an older site's 2 for HUF).
    return record


def _settings(v: Validator, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        v.problem(("settings",), "must be a mapping")
        return {}
    result = {}
    for key, item in value.items():
        checker = SETTINGS_CHECKS.get(key)
        if checker is None:
            v.problem(("settings", key), f"unknown setting (expected one of {', '.join(SETTINGS_CHECKS)})")
            continue
        result[key] = v.check(item, checker, ("settings", key))
    return result


def _barcodes(v: Validator, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        v.problem(("barcodes",), "must be a list")
        return []
    records, seen = [], set()
    for index, item in enumerate(value):
        record = v.record(item, BARCODE_RULE, ("barcodes", index))
        if not isinstance(record, dict):
            continue
        key = (record.get("prefix"), record.get("suffix"))
        if key in seen:
            v.problem(("barcodes", index, "prefix"), "this prefix and suffix are listed twice")
        seen.add(key)
        record["_path"] = ("barcodes", index)
        records.append(record)
    return records


def _combinations(v: Validator, value: Any) -> list[list[str]]:
    if not isinstance(value, list):
        v.problem(("combinations",), "must be a list of [code, code] pairs")
        return []
    pairs = []
    for index, pair in enumerate(value):
        path = ("combinations", index)
        if not isinstance(pair, list) or len(pair) != 2:
            v.problem(path, "must be a pair [code, code]")
            continue
        codes = [v.check(item, f.code, path + (i,)) for i, item in enumerate(pair)]
        if _INVALID in codes:
            continue
        if codes[0] == codes[1]:
            v.problem(path, "a campaign always combines with itself; name two different codes")
            continue
        pairs.append((codes, path))
    return pairs


def _coupon_rules(v: Validator, coupons: list[dict[str, Any]]) -> None:
    for coupon in coupons:
        path = coupon["_path"]
        discount_type, value = coupon.get("discount_type"), coupon.get("value")
        if discount_type is None and value is not None:
            v.problem(path + ("value",), "needs discount_type (discount or reduce)")
        elif discount_type is not None and discount_type is not _INVALID:
            if value is None:
                v.problem(path + ("value",), "is required with discount_type")
            else:
                try:
                    coupon["value"] = f.percent(value) if discount_type == "discount" else f.amount(value)
                except f.Invalid as error:
                    v.problem(path + ("value",), str(error))
        if coupon.get("sales_type") != "all" and coupon.get("sales_code") is None:
            v.problem(path + ("sales_code",), f"is required for sales_type {coupon.get('sales_type')}")


def _quick_key_rules(v: Validator, pages: list[dict[str, Any]]) -> None:
    for page in pages:
        tiles = _list(page.get("tiles"))
        if len(tiles) > MAX_QUICK_TILES:
            v.problem(page["_path"] + ("tiles",), f"at most {MAX_QUICK_TILES} tiles on a page "
                                                 f"(found {len(tiles)}): make another page")
        for index, tile in enumerate(tiles):
            if not isinstance(tile, dict):
                continue
            named = [key for key in ("item", "resource") if tile.get(key) is not None]
            if len(named) != 1:
                v.problem(page["_path"] + ("tiles", index),
                          "a tile names exactly one item or resource" + (
                              f" (found {' and '.join(named)})" if named else ""))


# -- the whole document -----------------------------------------------------------------------

def validate(parsed: Parsed) -> dict[str, Any]:
    """The normalized document of a parsed file, or PlaydeskError listing every problem."""
    v = Validator(parsed)
    top = parsed.value
    document: dict[str, Any] = {}
    if top is None:  # an empty file is a failed copy or upload far more often than intended
        v.problem((), "the file is empty (a site file is a mapping of sections; "
                      "write {} to load nothing)")
        top = {}
    if not isinstance(top, dict):
        v.problem((), "a site file is a mapping of sections (site, items, campaigns, ...)")
        top = {}
    for key in top:
        if key not in TOP_LEVEL:
            v.problem((key,), f"unknown section (expected one of {', '.join(TOP_LEVEL)})")
    for key in TOP_LEVEL:
        if key not in top or top[key] is None:
            continue
        value = top[key]
        if key == "site":
            site = _site(v, value)
            if site is not None:
                document["site"] = site
        elif key == "settings":
            document["settings"] = _settings(v, value)
        elif key == "barcodes":
            document["barcodes"] = _barcodes(v, value)
        elif key == "combinations":
            document["combinations"] = _combinations(v, value)
        else:
            document[key] = _section_records(v, key, value)
    if "coupons" in document:
        _coupon_rules(v, document["coupons"])
    if "quick_keys" in document:
        _quick_key_rules(v, document["quick_keys"])
    check_references(v, document)
    check_tax(v, document)
    # Every _INVALID value came with a problem, so no problems means a clean document.
    if v.problems:
        raise PlaydeskError("\n".join(v.report()) or "invalid site file")
    return strip_paths(document)


def strip_paths(document: dict[str, Any]) -> dict[str, Any]:
    """The normalized document without the file positions kept for error messages."""
    result: dict[str, Any] = {}
    for key, value in document.items():
        if key == "combinations":
            result[key] = sorted({tuple(sorted(pair)) for pair, _ in value})
            result[key] = [list(pair) for pair in result[key]]
        elif isinstance(value, list):
            result[key] = [{k: v for k, v in record.items() if k != "_path"} for record in value]
        else:
            result[key] = value
    return result


def validate_text(text: str, filename: str) -> dict[str, Any]:
    with collector_paused():  # a large file is ~10^6 live objects: gcpause.py
        return validate(parse_yaml(text, filename))

