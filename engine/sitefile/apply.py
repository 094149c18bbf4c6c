"""Applying a normalized site document: diff against the stored state in memory, then write.

One `engine.db.write()` transaction: the whole document or nothing. A record equal to the stored
one is not touched; when anything changed, one `definitions` journal event carries the changed
records (as stored afterwards) and their `version` is stamped with that event's hlc.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import chunked

from engine import db, journal, localstate
from engine.derived import refresh_coupons
from engine.errors import PlaydeskError
from engine.i18n.formats import currency_digits
from engine.models import BarcodeRule, Combination, Coupon, Setting, Site
from engine.sitefile import store
from engine.sitefile.export import export_document
from engine.sitefile.gcpause import collector_paused
from engine.sitefile.schema import CAMPAIGNS, SECTIONS, TOP_LEVEL

# What may change on an active discount campaign without deactivating it first.
UNLOCKED_FIELDS = {"active", "name", "description"}


def _child_default(section: str, record: dict[str, Any], name: str) -> Any:
    return {"pool": [], "set": []} if name == "triggers" else []


def _merge(section: str, record: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """The record as it will be stored: child lists the file omits keep their stored values."""
    merged = dict(record)
    fields = (CAMPAIGNS.get(record["type"]) if section == "campaigns" else SECTIONS[section].record).fields
    for name, spec in fields.items():
        if spec.child and name not in merged:
            merged[name] = old[name] if old is not None and name in old else _child_default(
                section, record, name)
    return merged


def _locked(old: dict[str, Any], new: dict[str, Any]) -> bool:
    if old["type"] in ("packages",) or not (old["active"] and not old["deleted"]):
        return False
    if not (new["active"] and not new["deleted"]):
        return False
    keys = (set(old) | set(new)) - UNLOCKED_FIELDS
    return any(old.get(key) != new.get(key) for key in keys)


class Plan:
    """What a document changes, section by section."""

    def __init__(self) -> None:
        self.created: dict[str, list[dict[str, Any]]] = {}
        self.updated: dict[str, list[dict[str, Any]]] = {}
        self.deleted: dict[str, int] = {}
        self.unchanged: dict[str, int] = {}
        self.site: dict[str, Any] | None = None
        self.settings: dict[str, Any] = {}
        self.combinations: list[tuple[str, str]] = []

    def count(self, section: str, created: int = 0, updated: int = 0, deleted: int = 0,
              unchanged: int = 0) -> None:
        self.created.setdefault(section, [])
        self.updated.setdefault(section, [])
        self.deleted[section] = self.deleted.get(section, 0) + deleted
        self.unchanged[section] = self.unchanged.get(section, 0) + unchanged

    @property
    def changed(self) -> bool:
        return bool(self.site or self.settings or self.combinations
                    or any(self.created.values()) or any(self.updated.values()))

    def summary(self) -> dict[str, dict[str, int]]:
        sections = {}
        for section in TOP_LEVEL:
            if section in self.unchanged or section in self.created:
                sections[section] = {
                    "created": len(self.created.get(section, [])),
                    "updated": len(self.updated.get(section, [])),
                    "deleted": self.deleted.get(section, 0),
                    "unchanged": self.unchanged.get(section, 0)}
        return sections


def _plan_records(plan: Plan, section: str, records: list[dict[str, Any]],
                  existing: dict[Any, dict[str, Any]], key, merge=True) -> list[str]:
    """Diff one section; returns the codes of active campaigns the document may not change."""
    plan.count(section)
    locked = []
    for record in records:
        old = existing.get(key(record))
        new = _merge(section, record, old) if merge else record
        if old is None:
            plan.created[section].append(new)
        elif new != old:
            if section == "campaigns" and _locked(old, new):
                locked.append(new["code"])
                continue
            plan.updated[section].append(new)
            if new.get("deleted") and not old.get("deleted"):
                plan.deleted[section] += 1
        else:
            plan.unchanged[section] += 1
    return locked


def make_plan(document: dict[str, Any]) -> Plan:
    plan = Plan()
    locked: list[str] = []
    if "site" in document:
        old = store.read_site()
        site = document["site"]
        if site.get("minor_digits") is None:
            # omitted: a site keeps the digits its amounts were stored in (a new one takes its
            # currency's, CLDR); changing them would misread every stored price
            document["site"] = site = {**site, "minor_digits": (
                old["minor_digits"] if old is not None and old["currency"] == site["currency"]
                else currency_digits(site["currency"]))}
        plan.count("site")
        if old != document["site"]:
            plan.site = document["site"]
            (plan.created if old is None else plan.updated)["site"].append(document["site"])
        else:
            plan.unchanged["site"] += 1
    if "settings" in document:
        old_settings = store.read_settings()
        plan.count("settings")
        plan.settings = {k: v for k, v in document["settings"].items() if old_settings.get(k) != v}
        for key in plan.settings:
            (plan.updated if key in old_settings else plan.created)["settings"].append({"key": key})
        plan.unchanged["settings"] += len(document["settings"]) - len(plan.settings)
    for section in SECTIONS:
        if section in document and section != "coupons":
            locked += _plan_records(plan, section, document[section],
                                    store.STORES[section].read(), key=lambda r: r["code"])
    if "barcodes" in document:
        existing = store.read_barcodes()
        records = [r for r in document["barcodes"]
                   if not (r["deleted"] and (r["prefix"], r["suffix"]) not in existing)]
        _plan_records(plan, "barcodes", records, existing,
                      key=lambda r: (r["prefix"], r["suffix"]), merge=False)
        plan.deleted["barcodes"] = sum(1 for r in plan.updated["barcodes"] if r["deleted"])
    if "combinations" in document:
        existing_pairs = store.read_combinations()
        plan.count("combinations")
        plan.combinations = [tuple(p) for p in document["combinations"] if tuple(p) not in existing_pairs]
        plan.created["combinations"] = [{"pair": list(p)} for p in plan.combinations]
        plan.unchanged["combinations"] += len(document["combinations"]) - len(plan.combinations)
    if "coupons" in document:
        codes = [r["code"] for r in document["coupons"]]
        foreign = {c: o for c, o in store.read_coupon_origins(codes).items() if o != "imported"}
        if foreign:
            raise PlaydeskError("coupons " + ", ".join(sorted(foreign)) + " were "
                                "generated or issued here, not imported: a site file cannot change them")
        _plan_records(plan, "coupons", document["coupons"], store.read_coupons(),
                      key=lambda r: r["code"], merge=False)
    if locked:
        raise PlaydeskError("\n".join(
            f"campaign {code} is active: deactivate it first (set active: false) to change its rules"
            for code in locked))
    return plan


def _execute(plan: Plan) -> None:
    if plan.site is not None:
        store.write_site(plan.site)
    if plan.settings:
        store.write_settings(plan.settings)
    for section in SECTIONS:
        if section == "coupons" or section not in plan.created:
            continue
        store.STORES[section].write(plan.created[section], plan.updated[section])
    if "barcodes" in plan.created:
        store.write_barcodes(plan.created["barcodes"], plan.updated["barcodes"])
    if plan.combinations:
        store.write_combinations(plan.combinations)
    if "coupons" in plan.created:
        store.write_coupons(plan.created["coupons"], plan.updated["coupons"])
        refresh_coupons(r["code"] for r in plan.updated["coupons"])


def changed_document(plan: Plan) -> dict[str, Any]:
    """The changed records as stored now: the payload of the `definitions` event."""
    selection: dict[str, Any] = {}
    for section in SECTIONS:
        codes = [r["code"] for r in plan.created.get(section, []) + plan.updated.get(section, [])]
        if codes:
            selection[section] = set(codes)
    document = export_document(selection, include_site=plan.site is not None,
                               settings=set(plan.settings), combinations=plan.combinations)
    barcodes = plan.created.get("barcodes", []) + plan.updated.get("barcodes", [])
    if barcodes:
        document["barcodes"] = barcodes
    return document


def stamp_versions(plan: Plan, version: str) -> None:
    for section in SECTIONS:
        codes = [r["code"] for r in plan.created.get(section, []) + plan.updated.get(section, [])]
        model = Coupon if section == "coupons" else store.STORES[section].model
        for batch in chunked(codes, store.CHUNK):
            model.update(version=version).where(model.code.in_(batch)).execute()
    if plan.site is not None:
        Site.update(version=version).execute()
    if plan.settings:
        Setting.update(version=version).where(Setting.key.in_(list(plan.settings))).execute()
    for record in plan.created.get("barcodes", []) + plan.updated.get("barcodes", []):
        BarcodeRule.update(version=version).where(
            (BarcodeRule.prefix == record["prefix"]) & (BarcodeRule.suffix == record["suffix"])).execute()
    for first, second in plan.combinations:
        Combination.update(version=version).where(
            (Combination.first == first) & (Combination.second == second)).execute()


def definitions_generation() -> int:
    """A local counter bumped by every change of definitions on this device, whatever its source."""
    return int(localstate.get(localstate.DEFINITIONS_GENERATION) or 0)


def _bump_generation() -> None:
    localstate.put(localstate.DEFINITIONS_GENERATION, str(definitions_generation() + 1))


def apply_document(document: dict[str, Any], at: dt.datetime, *, source: str = "load",
                   dry_run: bool = False, version: str | None = None) -> dict[str, Any]:
    """Apply an already-validated normalized document; returns what changed.

    `source="load"` (a site file, the CLI, the manager screens) appends one `definitions` event
    and stamps the changed records with its `hlc/device`; `source="sync"` applies another
    device's event: no new event, records stamped with the given `version`.
    """
    with db.write(), collector_paused():  # the stored state read whole: gcpause.py
        plan = make_plan(document)
        summary: dict[str, Any] = {"changed": plan.changed, "dry_run": dry_run,
                                   "sections": plan.summary(), "event": None}
        if dry_run or not plan.changed:
            return summary
        _execute(plan)
        _bump_generation()
        if source == "sync":
            if version is not None:
                stamp_versions(plan, version)
            return summary
        event = journal.append("definitions", {"document": changed_document(plan), "source": source,
                                               "at": at.isoformat(timespec="seconds")})
        stamp_versions(plan, f"{event.hlc}/{event.device}")
        summary["event"] = {"device": event.device, "seq": event.seq, "hlc": event.hlc}
        return summary
