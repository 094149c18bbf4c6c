"""What the German and Turkish UI tests share (tests/test_languages_*_ui.py): a German demo site
with two members who have PINs and a cashier and a Turkish-speaking manager, the catalogue's
words for a key, and the geometry check with its screenshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import ui_harness

from engine.entitlements import purchase
from engine.i18n.catalogs import translate
from engine.models import Member, Site, Staff
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 12, 0)  # a Friday, the summer campaign running
PIN = "4711"
SIZES = ((1024, 600), (1280, 800))

def words(language: str, key: str, english: str, **values) -> str:
    """What the catalogue of `language` says for an app text (and that it is translated)."""
    said = translate(language, key, english)
    assert said != english or language == "en", f"{key} has no {language} translation"
    return said.format(**values)


def german_site(tmp_path_factory) -> Iterator[Path]:
    """Body of a module database fixture: the demo site, its locale de_DE."""
    database = ui_harness.demo_database(tmp_path_factory, "languages", AT)
    path = next(database)
    Site.update(locale="de_DE").execute()
    pin_hash = hash_pin(PIN)
    Member.update(pin_hash=pin_hash).where(Member.code.in_(["M001", "M002"])).execute()
    purchase("M001", "SUMMER/PREMIUM", "cash", "counter", AT - dt.timedelta(days=1),
             location="COUNTER1")
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S03", name="Elif", role="manager", pin_hash=hash_pin("3333"),
                 language="tr")
    yield path
    next(database, None)


def checked(ui, name: str) -> None:
    """The screen shown has no layout problem; its screenshot is kept."""
    problems = ui.layout_problems()
    ui.shot(name)
    assert not problems, f"{name}: " + "; ".join(problems[:8])
