"""The "restore pending" mark on real SQLite files: what `playdesk restore` marks, what it refuses
(every fact id), `playdesk sync status`, and the owner's override `sync reconciled --force`.
The sync side (the mark cleared once the site has told it all) runs against real processes in
tests/test_restore_pending.py."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from test_ops import AT, run, shop  # noqa: F401 - the fixture

from engine.db import write
from engine.errors import PlaydeskError, RestorePending
from engine.ids import RESTORE_PENDING_MESSAGE, next_id, next_ids, set_device_id
from engine.localstate import RESTORE_PENDING
from engine.models import Counter, Event, LocalState
from engine.models.sync import SyncDevice
from engine.ops.backup import backup_database
from engine.ops.synclock import lock_path


def with_another_device(path: Path) -> None:
    """This device C2 and a counter C1 in the installed device list, C1 heard recently."""
    set_device_id("C2")
    with write():
        for name in ("C1", "C2", "OWNER"):
            SyncDevice.create(device=name, role="owner" if name == "OWNER" else "counter",
                              public_key="00" * 32, last_seen=AT, online=True,
                              applied=json.dumps({"C2": 4}))


def test_a_restored_device_of_a_site_is_pending_and_refuses_every_fact_id(shop, capsys):  # noqa: F811
    with_another_device(shop)
    saved = backup_database(shop, shop.parent / "backups", at=AT)

    code, out, err = run(capsys, "--db", str(shop), "restore", str(saved.path))

    assert (code, err) == (0, "")
    assert out["restore_pending"] is True and out["learn_from"] == ["C1"]
    assert "refused until sync has caught up" in out["note"]
    # what the backup remembered of C1 is old: it must be heard again
    assert SyncDevice.get(SyncDevice.device == "C1").last_seen is None
    before = list(Counter.select().tuples())
    with pytest.raises(RestorePending, match="restored from a backup"), write():
        next_id("R")
    with pytest.raises(RestorePending), write():
        next_ids("L", 3)
    assert list(Counter.select().tuples()) == before
    assert str(RestorePending(RESTORE_PENDING_MESSAGE)).endswith("(playdesk sync status)")

    code, out, _ = run(capsys, "--db", str(shop), "sync", "status")
    assert code == 0
    assert (out["restore_pending"], out["may_sell"], out["waiting_for"]) == (True, False, ["C1"])


def test_the_apps_show_it_like_any_engine_error():
    # every screen catches PlaydeskError and shows its message (as for StorageFull)
    assert issubclass(RestorePending, PlaydeskError)


def test_a_site_of_one_device_may_sell_at_once_after_a_restore(shop, capsys):  # noqa: F811
    saved = backup_database(shop, shop.parent / "backups", at=AT)
    code, out, _ = run(capsys, "--db", str(shop), "restore", str(saved.path))
    assert code == 0 and out["restore_pending"] is False
    assert out["note"].startswith("no other device on this site to learn from")
    with write():
        assert next_id("R") == "DEV1-R1"


def test_the_override_needs_force_and_is_recorded(shop, capsys):  # noqa: F811
    with_another_device(shop)
    with write():  # own facts in the journal: the counters must end up past them
        Event.create(device="C2", seq=1, hlc="x", type="sale",
                     payload=json.dumps({"receipt": {"id": "C2-R7"}, "lot": "C2-L3"}))
    saved = backup_database(shop, shop.parent / "backups", at=AT)
    assert run(capsys, "--db", str(shop), "restore", str(saved.path))[0] == 0

    code, out, err = run(capsys, "--db", str(shop), "sync", "reconciled")
    assert (code, out) == (2, None)
    assert "not heard from: C1" in err and "--force" in err
    assert LocalState.get_or_none(LocalState.key == RESTORE_PENDING) is not None

    code, out, _ = run(capsys, "--db", str(shop), "--at", "2026-07-03T10:00", "sync",
                       "reconciled", "--force")
    assert code == 0 and out["overridden"] is True and out["waiting_for"] == ["C1"]
    assert json.loads(LocalState.get(LocalState.key == "restore.overridden").value)["at"] == \
        "2026-07-03T10:00:00"
    with write():
        assert (next_id("R"), next_id("L")) == ("C2-R8", "C2-L4")
    assert run(capsys, "--db", str(shop), "sync", "status")[1]["may_sell"] is True


def _hold(path: str, ready, release) -> None:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        ready.set()
        release.wait(20)


def test_restore_is_refused_while_another_process_holds_the_sync_lock(shop, capsys):  # noqa: F811
    saved = backup_database(shop, shop.parent / "backups", at=AT)
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(str(lock_path(shop)), ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        before = sqlite3.connect(shop).execute("SELECT COUNT(*) FROM local_state").fetchone()
        code, out, err = run(capsys, "--db", str(shop), "restore", str(saved.path))
        assert (code, out) == (2, None)
        assert "playdesk-sync is running" in err and "systemctl stop playdesk-sync" in err
        assert sqlite3.connect(shop).execute(
            "SELECT COUNT(*) FROM local_state").fetchone() == before
    finally:
        release.set()
        holder.join(20)
    assert run(capsys, "--db", str(shop), "restore", str(saved.path))[0] == 0
