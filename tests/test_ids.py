"""Fact ids: one counter per prefix, no gaps, blocks from one bump; the device name cached per
open database."""

from __future__ import annotations

from pathlib import Path

from engine.db import close_database, database, open_database, write
from engine.ids import DEFAULT_DEVICE, device_id, next_id, next_ids, next_number, set_device_id
from engine.models import Counter


def test_ids_number_per_prefix_from_one_without_gaps(db):
    with write():
        ids = [next_id("R"), next_id("R"), next_id("P"), next_id("R")]
    assert ids == ["DEV1-R1", "DEV1-R2", "DEV1-P1", "DEV1-R3"]
    assert Counter.get_by_id("id:R").value == 3


def test_a_block_continues_the_same_counter_as_single_ids(db):
    with write():
        first = next_id("Z")
        block = next_ids("Z", 3)
        after = next_id("Z")
    assert [first, *block, after] == [f"DEV1-Z{n}" for n in range(1, 6)]


def test_a_block_of_nothing_leaves_the_counter_alone(db):
    with write():
        assert next_ids("Z", 0) == []
        assert next_id("Z") == "DEV1-Z1"


def test_next_number_counts_any_named_counter(db):
    with write():
        assert [next_number("entry"), next_number("entry")] == [1, 2]


def test_a_rolled_back_block_gives_its_numbers_again(db):
    class Abort(Exception):
        pass

    try:
        with write():
            next_ids("L", 5)
            raise Abort
    except Abort:
        pass
    with write():
        assert next_ids("L", 2) == ["DEV1-L1", "DEV1-L2"]


def test_device_name_defaults_and_follows_set_device_id(db):
    assert device_id() == DEFAULT_DEVICE
    with write():
        set_device_id("KIOSK1")
        assert next_id("P") == "KIOSK1-P1"
    assert device_id() == "KIOSK1"


def test_the_device_name_is_read_once_per_open_database(db):
    set_device_id("COUNTER1")
    assert device_id() == "COUNTER1"
    # written behind the cache's back (as another process would): not seen until re-open
    database.execute_sql("UPDATE local_state SET value = 'OTHER' WHERE key = 'device_id'")
    assert device_id() == "COUNTER1"


def test_re_opening_or_switching_databases_reads_the_name_again(tmp_path: Path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    try:
        open_database(first)
        set_device_id("KIOSK1")
        open_database(second)
        assert device_id() == DEFAULT_DEVICE
        set_device_id("COUNTER1")
        open_database(first)
        assert device_id() == "KIOSK1"
        database.execute_sql("UPDATE local_state SET value = 'KIOSK2' WHERE key = 'device_id'")
        open_database(first)
        assert device_id() == "KIOSK2"
    finally:
        close_database()
