"""Shared fixtures: a real SQLite file per test, the demo site, a fixed clock."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine.db import close_database, open_database

DATA = Path(__file__).parent / "data"
DEMO_SITE = DATA / "site.yaml"
RECEIPTS = DATA / "receipts"


DEMO_AT = dt.datetime(2026, 7, 3, 12, 0)


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> dict[str, Path]:
    """A migrated empty database and one with the demo site loaded at DEMO_AT, made once per
    run: a test's database is a copy of one (about 1.5 ms instead of 50 ms of migrations and
    25 ms of loading the site, for every one of the hundreds of tests that use them). What a
    copy holds is exactly what migrating and loading would write: both are deterministic at a
    fixed time, and nothing in the file names its path."""
    from engine.sitefile import load_site_file

    folder = tmp_path_factory.mktemp("templates")
    empty, demo = folder / "empty.db", folder / "demo.db"
    open_database(empty)
    close_database()  # closed: the WAL is checkpointed into the file, which alone is copied
    shutil.copyfile(empty, demo)
    open_database(demo)
    load_site_file(DEMO_SITE, at=DEMO_AT)
    close_database()
    return {"empty": empty, "demo": demo}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "playdesk.db"


@pytest.fixture
def db(db_path: Path, templates: dict[str, Path], request):
    demo = "demo_site" in request.fixturenames and _demo_at(request) == DEMO_AT
    if not db_path.exists():
        shutil.copyfile(templates["demo" if demo else "empty"], db_path)
    database = open_database(db_path)
    database.demo_template = demo  # type: ignore[attr-defined]
    yield database
    close_database()


def _demo_at(request) -> dt.datetime:
    return request.getfixturevalue("clock").now()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DEMO_AT)


@pytest.fixture
def demo_site(db, clock):
    """The demo site (a copy of ../shared/examples/site.yaml) loaded into a fresh database
    (a copy of the `templates` one when the clock is the usual one)."""
    from engine.sitefile import load_site_file

    if not getattr(db, "demo_template", False):
        load_site_file(DEMO_SITE, at=clock.now())
    return db
