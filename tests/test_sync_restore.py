"""A device restored from an older backup: its journal is behind what the others hold. Its sync
process learns how far its journal really went from the others' presence, gets those events
back, and renumbers what was appended since the restore after them: no seq is used twice,
nothing is lost."""

from __future__ import annotations

import json
import shutil
import sqlite3

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sync_helpers import provision, stop_all, using, wait_until
from test_sync_replication import AT, add_lots, broker, converged  # noqa: F401 - the fixture

from engine.db import write


def add_vouchers(device, count: int) -> None:
    """Facts under their own id counter (lots "C1-LX<n>"): the restore rewinds the counters too,
    and facts made before the sync process reconciled would reuse the lost facts' ids."""
    from engine import journal
    from engine.entitlements.lots import make_lot
    from engine.ids import next_id

    with using(device.db), write():
        for _ in range(count):
            lot = make_lot(next_id("LX"), "M002", "money", "manual", 7, AT, device.name)
            lot.save(force_insert=True)
            journal.append_rows("lot", lot)


def backup(device, target) -> None:
    source, copy = sqlite3.connect(device.db), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


def restore(device, copy) -> None:
    for suffix in ("-wal", "-shm"):
        device.db.with_name(device.db.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(copy, device.db)


def watch_journals(running, seen: dict[int, set]):
    """Every C1 event on the wire, by seq: (hlc, payload) of each copy."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="test-watch", protocol=mqtt.MQTTv5)

    def on_message(client, userdata, message) -> None:
        for event in json.loads(message.payload):
            if event.get("device") == "C1":
                seen.setdefault(event["seq"], set()).add((event["hlc"], event["payload"]))

    subacks: list[int] = []
    client.on_message = on_message
    client.on_connect = lambda c, *rest: c.subscribe("playdesk/DEMO/journal/+", qos=1)
    client.on_subscribe = lambda c, userdata, mid, *rest: subacks.append(mid)
    client.connect("127.0.0.1", running.port)
    client.loop_start()
    wait_until(lambda: subacks, 10, "the watcher's SUBACK")  # it sees every publish after this
    return client


def test_a_device_restored_from_an_older_backup_never_reuses_a_seq(tmp_path, broker):  # noqa: F811
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    restored, other = devices
    seen: dict[int, set] = {}
    watcher = watch_journals(broker, seen)
    try:
        add_lots(restored, 5)
        for device in devices:
            device.start_sync(broker)
        wait_until(lambda: other.applied("C1") == 5, 20, "the first five events")
        restored.stop_sync()
        backup(restored, tmp_path / "backup.db")  # the nightly backup: seq 5
        restored.start_sync(broker)
        add_lots(restored, 4)  # seq 6-9, lots C1-L6..L9: known to C2, lost with the disk
        wait_until(lambda: other.applied("C1") == 9, 20, "events 6-9")
        lost = other.sql("SELECT device, seq, type, payload FROM event WHERE device = 'C1'")
        restored.stop_sync()
        restore(restored, tmp_path / "backup.db")
        assert restored.journal_seq() == 5

        add_vouchers(restored, 2)  # the counter sells before sync is back: seq 6-7 again
        restored.start_sync(broker)
        wait_until(lambda: restored.journal_seq() == 11 and other.applied("C1") == 11, 20,
                   "the journal reconciled and published")
        # Copied back by hand, not by `playdesk restore`: the sync process saw the site hold
        # more of C1's journal than the file and refused new ids until it had reconciled.
        wait_until(lambda: not restored.sql("SELECT 1 FROM local_state "
                                            "WHERE key = 'restore.pending'"), 10, "the mark")
        add_lots(restored, 1)  # after that, the journal simply goes on
        wait_until(lambda: converged(devices), 20, "convergence")

        mine = restored.sql("SELECT device, seq, type, payload FROM event WHERE device = 'C1'")
        assert [row[1] for row in mine] == list(range(1, 13))
        assert mine[:9] == lost  # the events the site knew, with their seqs, back in place
        assert mine == other.sql("SELECT device, seq, type, payload FROM event "
                                 "WHERE device = 'C1'")
        assert all(sig for (sig,) in other.sql("SELECT sig FROM event WHERE device = 'C1'"))
        lots = "SELECT id, total, remaining FROM lot ORDER BY id"
        assert restored.sql(lots) == other.sql(lots)
        assert len(restored.sql(lots)) == 12  # 9 lost-and-found, 2 vouchers, 1 after
        assert ("C1-L10", 10, 10) in restored.sql(lots)  # the id counter moved past the lost
        wait_until(lambda: len(seen) == 12, 10, "the watcher to see every seq")
        assert {seq: len(copies) for seq, copies in seen.items()} == {n: 1 for n in range(1, 13)}
    finally:
        watcher.disconnect()
        watcher.loop_stop()
        stop_all(devices)
