"""Issue 14, items 1 and 10: receivers refuse an event whose HLC is not after its origin's
previous one, so a restored device must not renumber its new events after lost ones stamped
later (its clock had been pulled ahead, or it booted behind): `restore.reconcile` stamps them
after the site's last. Real SQLite files of two devices, the backup taken with SQLite's own."""

from __future__ import annotations

import sqlite3

from sync_helpers import provision, using
from test_sync_collisions import apply_on, shipped
from test_sync_fact_checks import AT, with_site

AHEAD = "002000000000000.00000"  # far ahead of the machine's clock (the year 2033)


def _copy(source, target) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def test_events_made_after_a_restore_are_stamped_after_the_lost_ones(tmp_path):
    from engine import localstate
    from engine.db import write
    from engine.entitlements.consumption import consume
    from engine.entitlements.purchase import purchase
    from engine.models import Event
    from engine.sync.restore import reconcile

    c1, c2 = devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    for device in devices:
        with_site(device)
        with using(device.db), write():
            Event.delete().execute()
    with using(c1.db):
        purchase("M001", "SUMMER/BASIC", "cash", "counter", AT)
    backup = tmp_path / "backup.db"
    _copy(c1.db, backup)
    with using(c1.db):
        with write():  # an event from a clock ahead pulled C1's along (within the bound)
            localstate.put(localstate.HLC, AHEAD)
        purchase("M002", "SUMMER/BASIC", "cash", "counter", AT)
    originals = shipped(c1)
    assert originals[-1]["hlc"] > AHEAD
    apply_on(c2, originals)
    _copy(backup, c1.db)  # restored from the older backup
    with using(c1.db):  # 10 of M001's minutes used: no id the lost events took
        consume("M001", "minutes", 10, "any", AT)
        reconcile("C1", 1, [e for e in originals if e["seq"] > 1])
    journal = shipped(c1)
    assert [e["seq"] for e in journal] == [1, 2, 3]
    assert journal[0]["hlc"] < journal[1]["hlc"] < journal[2]["hlc"]
    touched = apply_on(c2, journal)
    assert touched.rejected == []
    assert c2.applied("C1") == 3
    assert c2.sql("SELECT member, amount FROM consumption") == [("M001", 10)]
    with using(c1.db):  # and C1's next event comes after it
        purchase("M002", "SUMMER/BASIC", "card", "counter", AT)
    later = shipped(c1, 3)
    assert later[0]["hlc"] > journal[2]["hlc"]
