"""References between records: every code a record names must exist in the file or the database.

Database codes are read in one query per table, only when the file does not define the code.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from peewee import Model

from engine.models import (
    Campaign,
    Category,
    Debtor,
    Item,
    ItemBarcode,
    Location,
    Member,
    Resource,
    Segment,
    StationGroup,
    Vendor,
)

# Filter, trigger and free-line types → the section whose codes they name.
TYPE_SECTION = {"location": "locations", "item": "items", "item_category": "categories",
                "vendor": "vendors", "resource": "resources", "debtor": "debtors",
                "contact": "members", "segment": "segments"}
SECTION_MODEL: dict[str, type[Model]] = {
    "locations": Location, "items": Item, "categories": Category, "vendors": Vendor,
    "resources": Resource, "debtors": Debtor, "members": Member, "segments": Segment,
    "campaigns": Campaign, "station_groups": StationGroup,
}
SINGULAR = {"locations": "location", "items": "item", "categories": "category",
            "vendors": "vendor", "resources": "resource", "debtors": "debtor",
            "members": "member", "segments": "segment", "campaigns": "campaign",
            "station_groups": "station group"}


def _list(value: Any) -> list[Any]:
    """A list field's value, or nothing when it was itself invalid (already reported)."""
    return value if isinstance(value, list) else []


class Known:
    """Codes per section: the file's, then the database's (read once, on first need)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._file: dict[str, set[str]] = {}
        self._db: dict[str, set[str]] = {}

    def file_codes(self, section: str) -> set[str]:
        if section not in self._file:
            self._file[section] = {r["code"] for r in self.document.get(section, [])
                                   if isinstance(r.get("code"), str)}
        return self._file[section]

    def db_codes(self, section: str) -> set[str]:
        if section not in self._db:
            model = SECTION_MODEL[section]
            self._db[section] = {code for (code,) in model.select(model.code).tuples()}
        return self._db[section]

    def exists(self, section: str, code: str) -> bool:
        return code in self.file_codes(section) or code in self.db_codes(section)

    def campaign_type(self, code: str) -> str | None:
        for record in self.document.get("campaigns", []):
            if record.get("code") == code:
                return record.get("type")
        row = Campaign.select(Campaign.type).where(Campaign.code == code).first()
        return row.type if row else None


def check_references(v, document: dict[str, Any]) -> None:
    known = Known(document)

    def need(path, section: str, code: Any) -> None:
        if isinstance(code, str) and code and not known.exists(section, code):
            v.problem(path, f"unknown {SINGULAR[section]} {code!r}")

    for record in document.get("items", []):
        need(record["_path"] + ("category",), "categories", record.get("category"))
        need(record["_path"] + ("vendor",), "vendors", record.get("vendor"))
    for record in document.get("members", []):
        need(record["_path"] + ("debtor",), "debtors", record.get("debtor"))
    for record in document.get("station_groups", []):
        need(record["_path"] + ("resource",), "resources", record.get("resource"))
    for record in document.get("stations", []):
        need(record["_path"] + ("group",), "station_groups", record.get("group"))
    for record in document.get("quick_keys", []):
        for index, tile in enumerate(_list(record.get("tiles"))):
            if isinstance(tile, dict):
                for kind in ("item", "resource"):
                    need(record["_path"] + ("tiles", index, kind), kind + "s", tile.get(kind))
    for record in document.get("segments", []):
        for index, member in enumerate(_list(record.get("members"))):
            need(record["_path"] + ("members", index), "members", member)
    for record in document.get("campaigns", []):
        _campaign_references(v, known, need, record)
    for pair, path in document.get("combinations", []):
        for index, code in enumerate(pair):
            need(path + (index,), "campaigns", code)
    for record in document.get("coupons", []):
        need(record["_path"] + ("campaign",), "campaigns", record.get("campaign"))
        section = TYPE_SECTION.get({"contact": "contact", "debtor": "debtor",
                                    "segment": "segment"}.get(record.get("sales_type"), ""))
        if section:
            need(record["_path"] + ("sales_code",), section, record.get("sales_code"))
    _unique_cards(v, document)
    _unique_barcodes(v, document)


def _campaign_references(v, known: Known, need, record: dict[str, Any]) -> None:
    path = record["_path"]
    category = record.get("category")
    if isinstance(category, str):
        category_type = known.campaign_type(category)
        if category_type is None:
            v.problem(path + ("category",), f"unknown campaign {category!r}")
        elif category_type != "category":
            v.problem(path + ("category",), f"{category!r} is a {category_type} campaign, "
                                            "not a campaign of type category")
    for index, item in enumerate(_list(record.get("filters"))):
        if isinstance(item, dict) and item.get("type") in TYPE_SECTION:
            need(path + ("filters", index, "code"), TYPE_SECTION[item["type"]], item.get("code"))
    triggers = record.get("triggers")
    triggers = triggers if isinstance(triggers, dict) else {}
    for kind in ("pool", "set"):
        for t_index, trigger in enumerate(_list(triggers.get(kind))):
            for l_index, line in enumerate(_list(trigger.get("lines") if isinstance(trigger, dict) else None)):
                if isinstance(line, dict) and line.get("type") in TYPE_SECTION:
                    need(path + ("triggers", kind, t_index, "lines", l_index, "code"),
                         TYPE_SECTION[line["type"]], line.get("code"))
    for index, line in enumerate(_list(record.get("free"))):
        if isinstance(line, dict) and line.get("type") in TYPE_SECTION:
            need(path + ("free", index, "code"), TYPE_SECTION[line["type"]], line.get("code"))


def _unique_cards(v, document: dict[str, Any]) -> None:
    members = document.get("members", [])
    cards = Counter(r.get("card") for r in members if isinstance(r.get("card"), str))
    in_file = {r["code"] for r in members if isinstance(r.get("code"), str)}
    taken = {}
    if cards:
        query = Member.select(Member.card, Member.code).where(Member.card.in_(list(cards)))
        taken = {card: code for card, code in query.tuples() if code not in in_file}
    for record in members:
        card = record.get("card")
        if not isinstance(card, str):
            continue
        if cards[card] > 1:
            v.problem(record["_path"] + ("card",), f"card {card!r} is given to more than one member")
        elif card in taken:
            v.problem(record["_path"] + ("card",), f"card {card!r} belongs to member {taken[card]!r}")


def _unique_barcodes(v, document: dict[str, Any]) -> None:
    items = document.get("items", [])
    counts = Counter(code for r in items for code in _list(r.get("barcodes")))
    in_file = {r["code"] for r in items if isinstance(r.get("code"), str)}
    taken = {}
    if counts:
        query = (ItemBarcode.select(ItemBarcode.barcode, Item.code).join(Item)
                 .where(ItemBarcode.barcode.in_(list(counts))))
        taken = {barcode: code for barcode, code in query.tuples() if code not in in_file}
    for record in items:
        for index, barcode in enumerate(_list(record.get("barcodes"))):
            if counts[barcode] > 1:
                v.problem(record["_path"] + ("barcodes", index), f"barcode {barcode!r} is on more than one item")
            elif barcode in taken:
                v.problem(record["_path"] + ("barcodes", index), f"barcode {barcode!r} belongs to item {taken[barcode]!r}")
