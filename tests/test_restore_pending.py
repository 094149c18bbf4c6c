"""`playdesk restore` on a device of a site, against a real Mosquitto and real `playdesk-sync`
processes: the restored counter refuses to sell until its sync process has learned from the
others how far its journal and its ids went (issue 14 item 10); a restore beside a running sync
process is refused, and a sync process whose database is replaced under it exits."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sync_helpers import ROOT, Device, provision, stop_all, wait_until
from test_sync_replication import broker  # noqa: F401 - the fixture

AT = "2026-07-03T12:00"
SITE_FILE = ROOT / "tests" / "data" / "site.yaml"
REFUSAL = "this device was restored from a backup"


def playdesk(device: Device, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", "--db", str(device.db), "--at", AT,
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def ok(device: Device, *args: str) -> dict:
    done = playdesk(device, *args)
    assert done.returncode == 0, (args, done.stderr)
    return json.loads(done.stdout)


def sell(device: Device, quantity: int, tmp_path: Path) -> subprocess.CompletedProcess:
    """One sale of `quantity` colas (250 each), paid in cash, as the counter records it."""
    receipt = tmp_path / f"{device.name}-sale.yaml"
    receipt.write_text(f"location: COUNTER1\nlines: [{{item: COLA, quantity: {quantity}}}]\n"
                       "payments: [{method: cash}]\n")
    return playdesk(device, "checkout", str(receipt))


def sales(device: Device) -> list[tuple]:
    """Every receipt with its total and what its payments add up to."""
    return device.sql("SELECT r.id, r.total, (SELECT COALESCE(SUM(amount), 0) FROM payment p "
                      "WHERE p.receipt = r.id) FROM receipt r ORDER BY r.id")


def pending(device: Device) -> bool:
    return bool(device.sql("SELECT 1 FROM local_state WHERE key = 'restore.pending'"))


def caught_up(devices: list[Device]) -> bool:
    seqs = {d.name: d.journal_seq() for d in devices}
    return all(d.applied(o) == s for d in devices for o, s in seqs.items() if o != d.name)


def two_counters(tmp_path: Path, running, **others: str) -> list[Device]:
    """C1 and C2 with the site loaded on C1, both syncing, C2 with three sales everyone has
    (`others`: more devices in the device list, never started)."""
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", **others})[:2]
    c1, c2 = devices
    ok(c1, "load", str(SITE_FILE))
    for device in devices:
        device.start_sync(running)
    wait_until(lambda: c2.applied("C1") == c1.journal_seq(), 30, "the site on C2")
    for quantity in (1, 2, 3):
        assert sell(c2, quantity, tmp_path).returncode == 0
    wait_until(lambda: caught_up(devices), 30, "the first sales on C1")
    return devices


def test_a_restored_counter_sells_again_only_once_sync_has_caught_up(tmp_path, broker):  # noqa: F811
    devices = two_counters(tmp_path, broker)
    c1, c2 = devices
    try:
        backup = ok(c2, "backup", "--to", str(tmp_path / "backups"))["backup"]
        for quantity in (4, 5, 6, 7, 8):  # the sales the restore loses on C2: C1 has them
            assert sell(c2, quantity, tmp_path).returncode == 0
        made = sum(total for _, total, _ in sales(c2))
        wait_until(lambda: caught_up(devices), 30, "the later sales on C1")
        site_had = sales(c1)
        assert len(site_had) == 8

        c2.stop_sync()  # as documented: the services stopped, then restore
        restored = ok(c2, "restore", backup)
        assert restored["restore_pending"] is True
        assert len(sales(c2)) == 3

        refused = sell(c2, 9, tmp_path)  # right away, before sync is back
        assert refused.returncode == 2, refused.stdout
        assert refused.stderr.startswith(f"playdesk: error: {REFUSAL}"), refused.stderr
        assert "playdesk sync status" in refused.stderr
        assert len(sales(c2)) == 3  # nothing written
        status = ok(c2, "sync", "status")
        assert status["restore_pending"] is True and status["may_sell"] is False

        c2.start_sync(broker)
        wait_until(lambda: not pending(c2), 30, "C2's sync process to clear the mark")
        status = ok(c2, "sync", "status")
        assert status["restore_pending"] is False and status["may_sell"] is True
        assert sales(c2)[:8] == site_had  # the lost sales are back, whole

        for quantity in (9, 10):
            sold = sell(c2, quantity, tmp_path)
            assert sold.returncode == 0, sold.stderr
            made += json.loads(sold.stdout)["total"]
        wait_until(lambda: caught_up(devices), 30, "the new sales on C1")
        everywhere = sales(c1)
        assert sales(c2) == everywhere
        assert len(everywhere) == 10  # every sale on both devices, none dropped as a duplicate
        assert all(total == paid for _, total, paid in everywhere), everywhere
        assert sum(total for _, total, _ in everywhere) == made  # every cent on both
        assert {receipt for receipt, _, _ in everywhere} == {f"C2-R{n}" for n in range(1, 11)}
        assert "Traceback" not in c2.log()
    finally:
        stop_all(devices)


def test_a_device_never_heard_from_keeps_the_mark_until_the_owner_overrides(tmp_path, broker):  # noqa: F811, E501
    devices = two_counters(tmp_path, broker, K1="kiosk")  # K1 is listed but never runs
    c1, c2 = devices
    try:
        backup = ok(c2, "backup", "--to", str(tmp_path / "backups"))["backup"]
        assert sell(c2, 4, tmp_path).returncode == 0
        wait_until(lambda: caught_up(devices), 30, "the fourth sale on C1")
        c2.stop_sync()
        assert ok(c2, "restore", backup)["learn_from"] == ["C1", "K1"]
        c2.start_sync(broker)
        wait_until(lambda: sales(c2) == sales(c1), 30, "the lost sale back from C1")
        time.sleep(1.5)  # three checks of the sync process: K1 was not heard, the mark stays
        status = ok(c2, "sync", "status")
        assert (status["restore_pending"], status["waiting_for"], status["missing"]) == \
            (True, ["K1"], 0)
        assert sell(c2, 5, tmp_path).returncode == 2

        refused = playdesk(c2, "sync", "reconciled")
        assert refused.returncode == 2 and "not heard from: K1" in refused.stderr
        assert ok(c2, "sync", "reconciled", "--force")["overridden"] is True
        sold = sell(c2, 5, tmp_path)
        assert sold.returncode == 0, sold.stderr
        assert json.loads(sold.stdout)["receipt"] == "C2-R5"  # past the sale C1 gave back
        wait_until(lambda: caught_up(devices), 30, "the new sale on C1")
        assert sales(c1) == sales(c2) and len(sales(c1)) == 5
    finally:
        stop_all(devices)


def _published(device: Device) -> list[tuple]:
    return device.sql("SELECT value FROM local_state WHERE key = 'sync.published_seq'")


def test_a_restore_beside_a_running_sync_process_is_refused_or_noticed(tmp_path, broker):  # noqa: F811
    """`playdesk restore` refuses while the sync process runs. Past it (a copy by hand): the
    content written into the live file (same inode), then a file renamed over it (a new inode).
    Either way the running sync process exits (systemd restarts it into the restored state)
    without writing its old view into it."""
    devices = two_counters(tmp_path, broker)
    c1, c2 = devices
    try:
        backup = Path(ok(c2, "backup", "--to", str(tmp_path / "backups"))["backup"])
        assert sell(c2, 4, tmp_path).returncode == 0
        wait_until(lambda: caught_up(devices), 30, "the fourth sale on C1")
        before = sales(c2)
        refused = playdesk(c2, "restore", str(backup))  # `playdesk restore` refuses at once
        assert refused.returncode == 2, refused.stdout
        assert "playdesk-sync is running" in refused.stderr, refused.stderr
        assert sales(c2) == before and not pending(c2)  # nothing touched
        wait_until(lambda: _published(c2) != _published_in(backup), 10, "the ack stored")
        source, live = sqlite3.connect(backup), sqlite3.connect(c2.db)
        try:
            source.backup(live)  # what `sqlite3 playdesk.db ".restore backup.db"` does
        finally:
            source.close()
            live.close()
        assert c2.process is not None
        code = c2.process.wait(10)
        assert code not in (0, -signal.SIGKILL), c2.log()
        assert "replaced" in c2.log()
        assert _published(c2) == _published_in(backup)  # the old view was not stored into it
        c2.process = None

        c2.start_sync(broker)  # as systemd does: on the restored database it runs on
        wait_until(lambda: caught_up(devices) and not pending(c2), 30, "C2 reconciled again")
        time.sleep(1)
        assert c2.process.poll() is None, c2.log()
        copy = tmp_path / "copy.db"
        shutil.copyfile(backup, copy)
        os.replace(copy, c2.db)  # a new file under the same name
        code = c2.process.wait(10)
        assert code not in (0, -signal.SIGKILL), c2.log()
        c2.process = None
    finally:
        stop_all(devices)


def _published_in(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT value FROM local_state WHERE key = 'sync.published_seq'").fetchall()
    finally:
        connection.close()
