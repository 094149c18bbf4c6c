"""Quick keys (issue 18 item 5): pages of tiles in the site file, validated with FILE:LINE,
loaded, exported back the same, synced as definitions, and a tap puts the line on the cart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.errors import PlaydeskError
from engine.models.quick_keys import QuickKeyPage
from engine.sales.cart import Cart
from engine.sales.quick_keys import add_quick_key, quick_pages
from engine.sitefile import load_site_file
from engine.sitefile.export import export_site

AT = dt.datetime(2026, 7, 3, 12, 0)


def load_text(tmp_path: Path, text: str, name: str = "keys.yaml") -> dict:
    path = tmp_path / name
    path.write_text(text)
    return load_site_file(path, at=AT)


def test_the_demo_sites_quick_keys(demo_site):
    pages = quick_pages()
    assert [(p.code, p.name) for p in pages] == [("FRIDGE", "Fridge"), ("PLAY", "Play time")]
    fridge, play = pages
    assert [t.code for t in fridge.tiles] == ["WATER", "ENERGY", "COLA", "COLAZERO", "BAR"]
    assert (play.tiles[0].kind, play.tiles[0].code, play.tiles[0].label, play.tiles[0].price) \
        == ("resource", "PC-HOUR", "PC 1 h", 400)
    cart = Cart("COUNTER1")
    add_quick_key(cart, "item", "WATER")
    add_quick_key(cart, "item", "WATER")
    add_quick_key(cart, "resource", "PS5-HOUR")
    assert [(line.kind, line.code, line.quantity) for line in cart.lines] == [
        ("item", "WATER", 2), ("resource", "PS5-HOUR", 1)]
    assert cart.price(AT).total == 2 * 150 + 600
    with pytest.raises(PlaydeskError, match="unknown item"):
        add_quick_key(cart, "item", "NOPE")


def test_bad_quick_keys_are_listed_with_file_and_line(demo_site, tmp_path):
    before = list(QuickKeyPage.select().dicts())
    with pytest.raises(PlaydeskError) as error:
        load_text(tmp_path, """quick_keys:
  - code: SNACKS
    name: Snacks
    tiles:
      - {item: CHIPS}
      - {item: NOPE}
      - {label: nothing}
      - {item: BAR, resource: PC-HOUR}
      - {resource: PS6-HOUR}
      - {item: BAR, colour: red}
  - {code: EMPTY}
""")
    prefix = f"{tmp_path}/"
    assert [line.removeprefix(prefix) for line in str(error.value).splitlines()] == [
        "keys.yaml:6: quick_keys[0].tiles[1].item: unknown item 'NOPE'",
        "keys.yaml:7: quick_keys[0].tiles[2]: a tile names exactly one item or resource",
        "keys.yaml:8: quick_keys[0].tiles[3]: a tile names exactly one item or resource "
        "(found item and resource)",
        "keys.yaml:9: quick_keys[0].tiles[4].resource: unknown resource 'PS6-HOUR'",
        "keys.yaml:10: quick_keys[0].tiles[5].colour: unknown key (expected one of item, "
        "resource, label)",
        "keys.yaml:11: quick_keys[1].name: is required",
    ]
    assert list(QuickKeyPage.select().dicts()) == before


def test_quick_keys_export_and_load_back_the_same(demo_site, tmp_path):
    load_text(tmp_path, """quick_keys:
  - {code: FRIDGE, name: Cold drinks, tiles: [{item: COLA}]}
  - {code: PLAY, deleted: true, name: Play time}
""")
    assert [p.code for p in quick_pages()] == ["FRIDGE"]
    assert [t.code for t in quick_pages()[0].tiles] == ["COLA"]
    exported = export_site()
    assert "quick_keys:" in exported and "Cold drinks" in exported
    again = load_text(tmp_path, exported, "export.yaml")
    assert again["changed"] is False
