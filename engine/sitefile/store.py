"""Site definitions in the database ↔ normalized records (the same shape validation produces).

`Store.read()` gives every stored record of a section in a few bulk queries; `write()` inserts
and updates the records a load changed, with their child rows. Reading back what was written
gives an equal record, which is what makes loads idempotent and exports round-trip.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from peewee import Model, chunked

from engine.bulk import insert_rows
from engine.campaigns.types import PERCENT_TYPES
from engine.models import (
    BarcodeRule,
    Campaign,
    CampaignFilter,
    Category,
    Combination,
    Coupon,
    Debtor,
    FreeLine,
    Item,
    ItemBarcode,
    Location,
    Member,
    Package,
    PaymentMethod,
    Resource,
    Segment,
    SegmentMember,
    Setting,
    Site,
    Staff,
    Station,
    StationGroup,
    Tier,
    Trigger,
    TriggerLine,
    Vendor,
)
from engine.models.quick_keys import QuickKeyPage
from engine.models.tax import TaxRate
from engine.sitefile.fields import decimal_text
from engine.sitefile.schema import CAMPAIGNS, COUPON, SECTIONS, SITE

CHUNK = 400


def ids_by_code(model: type[Model]) -> dict[str, int]:
    return dict(model.select(model.code, model.id).tuples())


def codes_by_id(model: type[Model]) -> dict[int, str]:
    return {id_: code for code, id_ in model.select(model.code, model.id).tuples()}


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _to_date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _to_datetime(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(Decimal(value))


def delete_where_in(column, values: Iterable[Any]) -> None:
    for batch in chunked(list(values), CHUNK):
        column.model.delete().where(column.in_(batch)).execute()


class Store:
    """A section of code-keyed definitions: plain columns, code references, child lists."""

    model: type[Model]
    section: str
    columns: tuple[str, ...] = ()  # same name in record and table
    refs: dict[str, type[Model]] = {}  # record field → referenced model (by code)
    children: tuple[str, ...] = ()

    def read(self) -> dict[str, dict[str, Any]]:
        ref_codes = {name: codes_by_id(model) for name, model in self.refs.items()}
        records = {}
        rows = self.model.select().dicts()
        for row in rows:
            record = {"code": row["code"]}
            for name in self.record_fields():
                if name in self.refs:
                    record[name] = ref_codes[name].get(row[name])
                elif name not in self.children and name != "code":
                    record[name] = self.read_value(name, row[name])
            records[row["code"]] = record
        for name in self.children:
            lists = self.read_children(name)
            for code, record in records.items():
                record[name] = lists.get(code, [])
        return records

    def record_fields(self) -> Iterable[str]:
        return SECTIONS[self.section].record.fields

    def read_value(self, name: str, value: Any) -> Any:
        return value

    def row(self, record: dict[str, Any], ref_ids: dict[str, dict[str, int]]) -> dict[str, Any]:
        values = {}
        for name in self.record_fields():
            if name in self.children:
                continue
            if name in self.refs:
                code = record.get(name)
                values[name] = None if code is None else ref_ids[name][code]
            else:
                values[name] = record[name]
        return values

    def read_children(self, name: str) -> dict[str, list[Any]]:
        return {}

    def write_children(self, records: list[dict[str, Any]], ids: dict[str, int]) -> None:
        """Replace the child lists that `records` give (they are merged: every list is there)."""

    def write(self, created: list[dict[str, Any]], updated: list[dict[str, Any]]) -> None:
        ref_ids = {name: ids_by_code(model) for name, model in self.refs.items()}
        insert_rows(self.model, [self.row(record, ref_ids) for record in created])
        for record in updated:
            values = self.row(record, ref_ids)
            values.pop("code")
            self.model.update(**values).where(self.model.code == record["code"]).execute()
        if self.children:
            ids = ids_by_code(self.model) if created else dict(
                self.model.select(self.model.code, self.model.id)
                .where(self.model.code.in_([r["code"] for r in updated])).tuples())
            self.write_children(created + updated, ids)


class TaxRateStore(Store):
    model, section = TaxRate, "tax_rates"


class LocationStore(Store):
    model, section = Location, "locations"


class CategoryStore(Store):
    model, section = Category, "categories"


class VendorStore(Store):
    model, section = Vendor, "vendors"


class DebtorStore(Store):
    model, section = Debtor, "debtors"


class ResourceStore(Store):
    model, section = Resource, "resources"


class StationGroupStore(Store):
    model, section = StationGroup, "station_groups"
    refs = {"resource": Resource}


class StationStore(Store):
    """A station's `hooks: {start, stop}` are two columns."""

    model, section = Station, "stations"
    refs = {"group": StationGroup}

    def record_fields(self) -> Iterable[str]:
        return [name for name in SECTIONS[self.section].record.fields if name != "hooks"]

    def read(self) -> dict[str, dict[str, Any]]:
        records = super().read()
        for code, start, stop in Station.select(Station.code, Station.hook_start,
                                                Station.hook_stop).tuples():
            records[code]["hooks"] = {"start": start, "stop": stop}
        return records

    def row(self, record: dict[str, Any], ref_ids: dict[str, dict[str, int]]) -> dict[str, Any]:
        values = super().row(record, ref_ids)
        hooks = record.get("hooks") or {}
        values["hook_start"], values["hook_stop"] = hooks.get("start"), hooks.get("stop")
        return values


class StaffStore(Store):
    model, section = Staff, "staff"


class PaymentMethodStore(Store):
    model, section = PaymentMethod, "payment_methods"

    def read_value(self, name: str, value: Any) -> Any:
        return _percent(value) if name == "commission_percent" else value


class MemberStore(Store):
    model, section = Member, "members"
    refs = {"debtor": Debtor}


class ItemStore(Store):
    model, section = Item, "items"
    refs = {"category": Category, "vendor": Vendor}
    children = ("barcodes",)

    def read_children(self, name: str) -> dict[str, list[Any]]:
        lists: dict[str, list[str]] = defaultdict(list)
        query = (ItemBarcode.select(Item.code, ItemBarcode.barcode).join(Item)
                 .order_by(ItemBarcode.item, ItemBarcode.position, ItemBarcode.id))
        for code, barcode in query.tuples():
            lists[code].append(barcode)
        return lists

    def write_children(self, records: list[dict[str, Any]], ids: dict[str, int]) -> None:
        delete_where_in(ItemBarcode.item, [ids[r["code"]] for r in records])
        insert_rows(ItemBarcode, [{"item": ids[r["code"]], "barcode": barcode, "position": index}
                                  for r in records for index, barcode in enumerate(r["barcodes"])])


class SegmentStore(Store):
    model, section = Segment, "segments"
    children = ("members",)

    def read_children(self, name: str) -> dict[str, list[Any]]:
        lists: dict[str, list[str]] = defaultdict(list)
        member_codes = codes_by_id(Member)
        query = (SegmentMember.select(Segment.code, SegmentMember.member).join(Segment)
                 .order_by(SegmentMember.id))
        for code, member_id in query.tuples():
            lists[code].append(member_codes[member_id])
        return lists

    def write_children(self, records: list[dict[str, Any]], ids: dict[str, int]) -> None:
        member_ids = ids_by_code(Member)
        delete_where_in(SegmentMember.segment, [ids[r["code"]] for r in records])
        insert_rows(SegmentMember, [{"segment": ids[r["code"]], "member": member_ids[m]}
                                    for r in records for m in r["members"]])


class QuickKeyStore(Store):
    """A page's tiles are one JSON column (a short list, always read whole)."""

    model, section = QuickKeyPage, "quick_keys"

    def read_value(self, name: str, value: Any) -> Any:
        return json.loads(value) if name == "tiles" else value

    def row(self, record: dict[str, Any], ref_ids: dict[str, dict[str, int]]) -> dict[str, Any]:
        values = super().row(record, ref_ids)
        values["tiles"] = json.dumps(record["tiles"], sort_keys=True)
        return values


# -- campaigns --------------------------------------------------------------------------------

_VALIDITY = ("from_date", "to_date", "from_time", "to_time", "weekdays", "from_quantity",
             "from_amount", "item_validity")
_CAMPAIGN_DEFAULTS: dict[str, Any] = {
    "starts_at": None, "expires_at": None, "automatic": True, "priority": 100, "category": None,
    "print_type": "description", "notification_type": "none", "value": None,
    "overpayment_allowed": False, "from_date": None, "to_date": None, "from_time": None,
    "to_time": None, "weekdays": None, "from_quantity": 0, "from_amount": 0,
    "item_validity": "all", "buy": None, "pay": None, "get_quantity": None, "usage": None,
    "reduction_type": None, "set_usage": False, "gate_amount": 0, "coupon_issue_active": False,
    "coupon_issue_text": None, "coupon_issue_image": None, "coupon_issue_expiration": None,
}
_PLAIN = ("automatic", "priority", "category", "print_type", "notification_type",
          "overpayment_allowed", "buy", "pay", "usage", "reduction_type", "set_usage")


def _value_text(campaign_type: str, value: Any) -> Any:
    if value is None:
        return None
    return _percent(value) if campaign_type in PERCENT_TYPES else int(value)


class CampaignStore(Store):
    model, section = Campaign, "campaigns"
    children = ("packages", "filters", "triggers", "tiers", "free")

    def read(self) -> dict[str, dict[str, Any]]:
        rows = list(Campaign.select().dicts())
        codes = {row["id"]: row["code"] for row in rows}
        packages, filters, tiers, free = (defaultdict(list) for _ in range(4))
        for p in Package.select().order_by(Package.campaign, Package.position, Package.id).dicts():
            packages[p["campaign"]].append({
                "code": p["code"], "name": p["name"], "names": p["names"],
                "package_type": p["package_type"],
                "base": p["base"], "bonus_type": p["bonus_type"], "bonus": p["bonus"],
                "price": p["price"], "device": p["device"], "validity_days": p["validity_days"],
                "weekdays": p["weekdays"], "max_per_member": p["max_per_member"],
                "active": p["active"], "tax": p["tax"]})
        for x in (CampaignFilter.select()
                  .order_by(CampaignFilter.campaign, CampaignFilter.position, CampaignFilter.id).dicts()):
            filters[x["campaign"]].append({"type": x["type"], "code": x["code"],
                                           "excluded": x["excluded"]})
        types = {row["id"]: row["type"] for row in rows}
        for t in Tier.select().order_by(Tier.campaign, Tier.position, Tier.id).dicts():
            tiers[t["campaign"]].append({
                "from_quantity": t["from_quantity"], "from_amount": t["from_amount"],
                "value": _value_text(types[t["campaign"]], t["value"]), "usage": t["usage"]})
        for x in FreeLine.select().order_by(FreeLine.campaign, FreeLine.position, FreeLine.id).dicts():
            free[x["campaign"]].append({"type": x["type"], "code": x["code"]})
        triggers = self._read_triggers()
        return {row["code"]: self._record(row, packages, filters, tiers, free, triggers)
                for row in rows if row["id"] in codes}

    @staticmethod
    def _read_triggers() -> dict[int, dict[str, list[Any]]]:
        lines = defaultdict(list)
        for x in (TriggerLine.select()
                  .order_by(TriggerLine.trigger, TriggerLine.position, TriggerLine.id).dicts()):
            lines[x["trigger"]].append({"type": x["type"], "code": x["code"],
                                        "quantity": x["quantity"]})
        triggers: dict[int, dict[str, list[Any]]] = defaultdict(lambda: {"pool": [], "set": []})
        for t in Trigger.select().order_by(Trigger.campaign, Trigger.position, Trigger.id).dicts():
            entry: dict[str, Any] = {"lines": lines.get(t["id"], [])}
            if t["kind"] == "pool":
                entry = {"min_quantity": t["min_quantity"], **entry}
            triggers[t["campaign"]][t["kind"]].append(entry)
        return triggers

    def _record(self, row, packages, filters, tiers, free, triggers) -> dict[str, Any]:
        kind = row["type"]
        fields = CAMPAIGNS[kind].fields
        record: dict[str, Any] = {}
        for name in fields:
            if name in ("starts_at", "expires_at"):
                record[name] = _iso(row[name])
            elif name == "validity":
                record[name] = {key: _iso(row[key]) if key in ("from_date", "to_date")
                                else row[key] for key in _VALIDITY}
            elif name == "coupon_issue":
                record[name] = {key: row[f"coupon_issue_{key}"]
                                for key in ("active", "text", "image", "expiration")}
            elif name == "value":
                record[name] = _value_text(kind, row["value"])
            elif name == "from_amount":
                record[name] = row["gate_amount"]
            elif name == "get":
                record[name] = row["get_quantity"]
            elif name == "packages":
                record[name] = packages.get(row["id"], [])
            elif name == "filters":
                record[name] = filters.get(row["id"], [])
            elif name == "tiers":
                record[name] = tiers.get(row["id"], [])
            elif name == "free":
                record[name] = free.get(row["id"], [])
            elif name == "triggers":
                record[name] = triggers.get(row["id"], {"pool": [], "set": []})
            else:
                record[name] = row[name]
        return record

    def row(self, record: dict[str, Any], ref_ids: dict[str, dict[str, int]]) -> dict[str, Any]:
        kind = record["type"]
        values = {**_CAMPAIGN_DEFAULTS}
        for name in ("code", "type", "name", "names", "description", "active", "deleted",
                     *_PLAIN):
            if name in record:
                values[name] = record[name]
        values["starts_at"] = _to_datetime(record.get("starts_at"))
        values["expires_at"] = _to_datetime(record.get("expires_at"))
        if record.get("value") is not None:
            values["value"] = Decimal(str(record["value"]))
        if kind == "m_plus_n":
            values["gate_amount"] = record["from_amount"]
            values["get_quantity"] = record.get("get")
        validity = record.get("validity")
        if validity:
            values.update({key: validity[key] for key in _VALIDITY})
            values["from_date"] = _to_date(validity["from_date"])
            values["to_date"] = _to_date(validity["to_date"])
        issue = record.get("coupon_issue")
        if issue:
            values.update({f"coupon_issue_{key}": issue[key] for key in issue})
        return values

    def write_children(self, records: list[dict[str, Any]], ids: dict[str, int]) -> None:
        campaign_ids = [ids[r["code"]] for r in records]
        for model in (Package, CampaignFilter, Tier, FreeLine):
            delete_where_in(model.campaign, campaign_ids)
        trigger_ids = [t for (t,) in Trigger.select(Trigger.id)
                       .where(Trigger.campaign.in_(campaign_ids)).tuples()] if campaign_ids else []
        delete_where_in(TriggerLine.trigger, trigger_ids)
        delete_where_in(Trigger.campaign, campaign_ids)
        packages, filters, tiers, free = [], [], [], []
        for record in records:
            cid = ids[record["code"]]
            for i, p in enumerate(record.get("packages") or []):
                packages.append({**p, "campaign": cid, "position": i})
            for i, x in enumerate(record.get("filters") or []):
                filters.append({**x, "campaign": cid, "position": i})
            for i, t in enumerate(record.get("tiers") or []):
                tiers.append({**t, "value": Decimal(str(t["value"])), "campaign": cid, "position": i})
            for i, x in enumerate(record.get("free") or []):
                free.append({**x, "campaign": cid, "position": i})
            for kind, entries in (record.get("triggers") or {}).items():
                for i, entry in enumerate(entries):
                    trigger = Trigger.create(campaign=cid, kind=kind, position=i,
                                             min_quantity=entry.get("min_quantity"))
                    insert_rows(TriggerLine, [{**line, "trigger": trigger.id, "position": j}
                                              for j, line in enumerate(entry["lines"])])
        insert_rows(Package, packages)
        insert_rows(CampaignFilter, filters)
        insert_rows(Tier, tiers)
        insert_rows(FreeLine, free)


STORES: dict[str, Store] = {store.section: store for store in (
    TaxRateStore(), LocationStore(), CategoryStore(), VendorStore(), ItemStore(), ResourceStore(),
    StationGroupStore(), StationStore(), DebtorStore(),
    MemberStore(), SegmentStore(), StaffStore(), PaymentMethodStore(), QuickKeyStore(),
    CampaignStore())}


# -- the site, settings, barcode rules, combinations, coupons ----------------------------------

def read_site() -> dict[str, Any] | None:
    row = Site.select().first()
    return None if row is None else {name: getattr(row, name) for name in SITE.fields}


def write_site(record: dict[str, Any]) -> None:
    row = Site.select().first()
    if row is None:
        Site.create(**record)
    else:
        Site.update(**record).where(Site.id == row.id).execute()


def read_settings() -> dict[str, Any]:
    return {key: json.loads(value) for key, value in Setting.select(Setting.key, Setting.value).tuples()}


def write_settings(values: dict[str, Any]) -> None:
    for key, value in values.items():
        Setting.insert(key=key, value=json.dumps(value)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}).execute()


def read_barcodes() -> dict[tuple[str, str], dict[str, Any]]:
    return {(rule.prefix, rule.suffix): {"prefix": rule.prefix, "suffix": rule.suffix,
                                         "type": rule.type, "deleted": False}
            for rule in BarcodeRule.select().order_by(BarcodeRule.position, BarcodeRule.id)}


def write_barcodes(created: list[dict[str, Any]], updated: list[dict[str, Any]]) -> None:
    """Barcode rules are configuration, not referenced facts: `deleted` removes the rule."""
    position = (BarcodeRule.select(BarcodeRule.position).order_by(BarcodeRule.position.desc())
                .scalar() or 0)
    for record in created + updated:
        where = (BarcodeRule.prefix == record["prefix"]) & (BarcodeRule.suffix == record["suffix"])
        if record["deleted"]:
            BarcodeRule.delete().where(where).execute()
        elif record in updated:
            BarcodeRule.update(type=record["type"]).where(where).execute()
        else:
            position += 1
            BarcodeRule.create(prefix=record["prefix"], suffix=record["suffix"],
                               type=record["type"], position=position)


def read_combinations() -> set[tuple[str, str]]:
    return set(Combination.select(Combination.first, Combination.second).tuples())


def write_combinations(pairs: Iterable[tuple[str, str]]) -> None:
    insert_rows(Combination, [{"first": a, "second": b} for a, b in pairs])


_COUPON_FIELDS = tuple(COUPON.fields)


def read_coupons(origin: str | None = "imported") -> dict[str, dict[str, Any]]:
    query = Coupon.select()
    if origin is not None:
        query = query.where(Coupon.origin == origin)
    records = {}
    for row in query.dicts():
        record = {name: row[name] for name in _COUPON_FIELDS}
        record["expires_on"] = _iso(row["expires_on"])
        if row["value"] is not None:
            record["value"] = (_percent(row["value"]) if row["discount_type"] == "discount"
                               else int(row["value"]))
        records[row["code"]] = record
    return records


def read_coupon_origins(codes: Iterable[str]) -> dict[str, str]:
    result = {}
    for batch in chunked(list(codes), CHUNK):
        result.update(Coupon.select(Coupon.code, Coupon.origin).where(Coupon.code.in_(batch)).tuples())
    return result


def write_coupons(created: list[dict[str, Any]], updated: list[dict[str, Any]]) -> None:
    def row(record: dict[str, Any]) -> dict[str, Any]:
        values = dict(record)
        values["expires_on"] = _to_date(record["expires_on"])
        if record["value"] is not None:
            values["value"] = Decimal(str(record["value"]))
        return values

    insert_rows(Coupon, [{**row(r), "origin": "imported"} for r in created])
    for record in updated:
        values = row(record)
        values.pop("code")
        Coupon.update(**values).where(Coupon.code == record["code"]).execute()
