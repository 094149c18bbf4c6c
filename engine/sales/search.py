"""The catalogue as the counter looks things up in it: items and resources by part of their name
or code (for what carries no barcode)."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import SQL, NodeList, Value, fn

from engine.i18n.names import local_name
from engine.models import Item, Resource
from engine.settings import site_language

SEARCH_LIMIT = 24


@dataclass(frozen=True)
class Found:
    kind: str  # item | resource
    code: str
    name: str
    price: int


def _in_other_names(names, text: str):
    """One of a record's names in other languages contains `text` (the names' values, never
    their language keys or the JSON around them)."""
    return fn.EXISTS(NodeList((SQL("SELECT 1 FROM json_each("), names,
                               SQL(") WHERE value LIKE"), Value(f"%{text}%", converter=False)),
                              glue=" "))


def search_items(text: str, limit: int = SEARCH_LIMIT) -> list[Found]:
    """Items, then resources, whose name or code contains `text` (any case; everything when
    `text` is blank), each by name; at most `limit` in all. Deleted ones never."""
    text = text.strip()
    language = site_language()
    found: list[Found] = []
    for kind, model in (("item", Item), ("resource", Resource)):
        if len(found) >= limit:
            break
        query = model.select().where(~model.deleted)
        if text:  # LIKE (contains) is case-insensitive for ASCII in SQLite
            query = query.where(model.name.contains(text) | model.code.contains(text)
                                | _in_other_names(model.names, text))
        found += [Found(kind, row.code, local_name(row.name, row.names, language), row.price)
                  for row in query.order_by(model.name, model.code).limit(limit - len(found))]
    return found
