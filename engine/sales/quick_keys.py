"""The counter's quick keys as the till shows them (site file `quick_keys`): pages in order,
each tile resolved to what it sells, its name and its listed price. A tile of an item or
resource deleted since is left out; a page left without tiles too."""

from __future__ import annotations

import json
from dataclasses import dataclass

from engine.errors import N_, PlaydeskError
from engine.i18n.names import local_name
from engine.models import Item, Resource
from engine.models.quick_keys import QuickKeyPage
from engine.sales.cart import Cart, CartLine
from engine.sales.scan_index import current
from engine.settings import site_language


@dataclass(frozen=True)
class QuickTile:
    kind: str  # item | resource
    code: str
    label: str  # the tile's label, else the item's or resource's name
    name: str  # what the receipt line says
    price: int


@dataclass(frozen=True)
class QuickPage:
    code: str
    name: str
    tiles: tuple[QuickTile, ...]


def quick_pages() -> list[QuickPage]:
    rows = list(QuickKeyPage.select().where(~QuickKeyPage.deleted)
                .order_by(QuickKeyPage.position, QuickKeyPage.code))
    if not rows:
        return []
    tiles_of = {row.code: json.loads(row.tiles) for row in rows}
    wanted = {kind: {t[kind] for tiles in tiles_of.values() for t in tiles if t.get(kind)}
              for kind in ("item", "resource")}
    known = {kind: {r.code: r for r in model.select().where(
        model.code.in_(sorted(wanted[kind])) & ~model.deleted)}
             for kind, model in (("item", Item), ("resource", Resource))}
    language = site_language()  # the receipt's names, as a scan gives (scan_index)
    pages = []
    for row in rows:
        tiles = []
        for tile in tiles_of[row.code]:
            kind = "item" if tile.get("item") else "resource"
            thing = known[kind].get(tile[kind])
            if thing is not None:
                name = local_name(thing.name, thing.names, language)
                tiles.append(QuickTile(kind, thing.code, tile.get("label") or name, name,
                                       thing.price))
        if tiles:
            pages.append(QuickPage(row.code, row.name, tuple(tiles)))
    return pages


def add_quick_key(cart: Cart, kind: str, code: str) -> CartLine:
    """A tap on a tile: one more of it on the cart (as a scan of it would)."""
    index = current()
    things = index.items if kind == "item" else index.resources if kind == "resource" else None
    if things is None or code not in things:
        raise PlaydeskError(N_("unknown {kind} {code!r} (the quick keys changed: try again)"),
                            kind=kind, code=code)
    return cart.add_line(kind, code, things[code].name)
