"""The owner-signed device list delivered over MQTT (`playdesk sync publish-list`): a device
added to the site is trusted everywhere once the list arrives, its journal is then fetched; a
list not signed by the pinned owner key is dropped and changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sync_helpers import ROOT, SITE, Device, provision, stop_all, using, wait_until
from test_sync_replication import add_lots, broker  # noqa: F401 - the fixture

from engine.db import write


def cli(device: Device, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", "--db", str(device.db), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def publish_raw(running, document: dict) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="test-rogue", protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", running.port)
    client.loop_start()
    try:
        client.publish(f"playdesk/{SITE}/devicelist", json.dumps(document), qos=1,
                       retain=True).wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()


def test_a_device_added_by_a_list_over_mqtt_is_trusted_everywhere(tmp_path, broker):  # noqa: F811
    from engine.ids import set_device_id
    from engine.sync import devicelist
    from engine.sync.keys import key_path, load_or_create, public_hex

    devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    c1, c2 = devices
    newcomer = Device("C9", "counter", tmp_path / "C9.db")
    with using(c1.db):
        entries = devicelist.current()["devices"]
    with using(newcomer.db):
        with write():
            set_device_id("C9")
        key = load_or_create(key_path(newcomer.db))
    entries = [*entries, {"device": "C9", "role": "counter", "public_key": public_hex(key)}]
    owner_key = load_or_create(tmp_path / "owner.key")
    version2 = devicelist.build(SITE, 2, entries, owner_key)
    with using(newcomer.db):
        devicelist.install(version2, trust=True)
    rogue = load_or_create(tmp_path / "rogue.key")
    forged = devicelist.build(SITE, 3, [*entries[:-1], {"device": "ROGUE", "role": "owner",
                                                         "public_key": public_hex(rogue)}], rogue)
    list_file = tmp_path / "devices-v2.json"
    list_file.write_text(json.dumps(version2))
    forged_file = tmp_path / "devices-forged.json"
    forged_file.write_text(json.dumps(forged))
    everyone = [*devices, newcomer]
    try:
        add_lots(newcomer, 3)
        for device in everyone:
            device.start_sync(broker)
        wait_until(lambda: c1.drops().get("unknown_device", 0) > 0, 20, "C9 to be unknown")

        # the CLI refuses a list the owner did not sign; sent anyway, devices drop it
        refused = cli(c1, "sync", "publish-list", str(forged_file), "--broker", broker.address,
                      "--site", SITE)
        assert refused.returncode == 2
        assert "not signed by the trusted owner key" in refused.stderr
        publish_raw(broker, forged)
        wait_until(lambda: all(d.drops().get("bad_device_list") for d in devices), 20,
                   "the forged list to be dropped")
        assert c1.applied("C9") == 0

        published = cli(c1, "sync", "publish-list", str(list_file), "--broker", broker.address,
                        "--site", SITE)
        assert published.returncode == 0, published.stderr
        assert json.loads(published.stdout)["published"] is True
        wait_until(lambda: all(d.applied("C9") == 3 for d in devices), 20,
                   "C9's journal everywhere")
        for device in devices:
            stored = device.sql("SELECT value FROM local_state WHERE key = 'sync.device_list'")
            assert json.loads(stored[0][0])["version"] == 2
            assert device.sql("SELECT role FROM sync_device WHERE device = 'C9'") == [("counter",)]
            assert device.sql("SELECT COUNT(*) FROM sync_device WHERE device = 'ROGUE'") == [(0,)]
        add_lots(newcomer, 2)  # and it goes on as any other device
        wait_until(lambda: all(d.applied("C9") == 5 for d in devices), 20, "C9's next events")
    finally:
        stop_all(everyone)
