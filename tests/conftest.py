"""Shared fixtures: a real SQLite file per test, the demo site, a fixed clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine.db import close_database, open_database

DATA = Path(__file__).parent / "data"
DEMO_SITE = DATA / "site.yaml"
RECEIPTS = DATA / "receipts"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "playdesk.db"


@pytest.fixture
def db(db_path: Path):
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 7, 3, 12, 0))


@pytest.fixture
def demo_site(db, clock):
    """The demo site (a copy of ../shared/examples/site.yaml) loaded into a fresh database."""
    from engine.sitefile import load_site_file

    load_site_file(DEMO_SITE, at=clock.now())
    return db
