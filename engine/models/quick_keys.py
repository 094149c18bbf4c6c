"""Model: the counter's quick keys (site file `quick_keys`): a page (tab) of tiles, each an item
or a resource to sell with one tap (what has no barcode: a fridge drink, an hour on a console).

A definition like the items it names: owner-authored, versioned, synced as definitions. The
tiles are a short list kept as JSON (`[{"item": code, "resource": null, "label": null}, ...]`):
they are read whole, never queried one by one.
"""

from __future__ import annotations

from peewee import IntegerField, TextField

from engine.models.base import Definition


class QuickKeyPage(Definition):
    name = TextField()
    position = IntegerField(default=0)  # the tab's place, left to right
    tiles = TextField(default="[]")


MODELS = [QuickKeyPage]
