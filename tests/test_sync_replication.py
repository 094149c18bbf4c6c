"""Journal replication between real sync processes over a real Mosquitto."""

from __future__ import annotations

import datetime as dt
import signal

import pytest
from sync_helpers import Broker, provision, stop_all, using, wait_until

AT = dt.datetime(2026, 7, 3, 12, 0)


def add_lots(device, count: int, member: str = "M001", amount: int = 10) -> None:
    """`count` facts on `device`: one lot per event, written as the engine writes facts."""
    from engine import journal
    from engine.db import write
    from engine.ids import next_id
    from engine.models import Lot

    with using(device.db), write():
        for _ in range(count):
            lot = Lot.create(id=next_id("L"), member=member, kind="money", type="manual",
                             total=amount, remaining=amount, created_at=AT, origin=device.name)
            journal.append_rows("lot", lot)


def converged(devices) -> bool:
    seqs = {d.name: d.journal_seq() for d in devices}
    return all(d.applied(o) == seq for d in devices for o, seq in seqs.items() if o != d.name)


@pytest.fixture
def broker(tmp_path):
    running = Broker(tmp_path / "broker").start()
    yield running
    running.kill()


def test_two_devices_exchange_their_journals(tmp_path, broker):
    a, b = devices = provision(tmp_path, {"C1": "counter", "K1": "kiosk"}, owner=None)
    try:
        add_lots(a, 5)
        for device in devices:
            device.start_sync(broker)
        wait_until(lambda: b.applied("C1") == 5, what="K1 to apply C1's 5 events")
        add_lots(a, 3)
        wait_until(lambda: b.applied("C1") == 8, what="K1 to apply 3 more")
        assert b.sql("SELECT COUNT(*), SUM(remaining) FROM lot") == [(8, 80)]
        assert a.events() == [e for e in b.events() if e[0] == "C1"]
        assert all(sig for (sig,) in b.sql("SELECT sig FROM event"))
    finally:
        stop_all(devices)


def assert_exactly_once(devices) -> None:
    """Every device holds every event once, and the facts once each."""
    expected = sorted(e for d in devices for e in d.events() if e[0] == d.name)
    total_lots = sum(d.journal_seq() for d in devices)
    for device in devices:
        assert device.events() == expected
        assert device.sql("SELECT COUNT(*) FROM lot") == [(total_lots,)]


def add_in_steps(device, steps: int, per_step: int = 5, between=None) -> None:
    for step in range(steps):
        add_lots(device, per_step)
        if between:
            between(step)


@pytest.mark.parametrize("persistence", [False, True])
def test_broker_killed_and_restarted_mid_stream(tmp_path, persistence):
    broker = Broker(tmp_path / "broker", persistence=persistence).start()
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    a, b = devices
    try:
        for device in devices:
            device.start_sync(broker)
        wait_until(lambda: "C1" in dict(b.sql("SELECT device, online FROM sync_device")),
                   what="C2 to see C1")

        def outage(step: int) -> None:
            if step == 3:
                broker.kill()
            if step == 6:
                broker.start()

        add_in_steps(a, 10, between=outage)
        add_lots(b, 7)
        wait_until(lambda: converged(devices), 30, "convergence after the broker came back")
        assert_exactly_once(devices)
    finally:
        stop_all(devices)
        broker.kill()


def test_sync_process_killed_and_restarted(tmp_path, broker):
    devices = provision(tmp_path, {"C1": "counter", "K1": "kiosk"})
    a, b = devices
    try:
        for device in devices:
            device.start_sync(broker)
        add_lots(a, 20)
        wait_until(lambda: b.applied("C1") >= 1, what="the first events to arrive")
        b.kill_sync()
        add_lots(a, 20)
        a.kill_sync()  # before it could store what the broker acknowledged
        add_lots(a, 5)
        a.start_sync(broker)
        b.start_sync(broker)
        wait_until(lambda: converged(devices), 30, "convergence after SIGKILLs")
        assert_exactly_once(devices)
    finally:
        stop_all(devices)


def test_device_offline_for_a_thousand_events_catches_up(tmp_path, broker):
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    a, b, kiosk = devices
    try:
        for device in devices:
            device.start_sync(broker)
        add_lots(a, 3)
        wait_until(lambda: converged(devices), what="the first events everywhere")
        kiosk.stop_sync()
        assert kiosk.sql("SELECT value FROM local_state WHERE key = 'sync.online'") == [("false",)]
        for _ in range(10):
            add_lots(a, 50)
            add_lots(b, 50)
        kiosk.start_sync(broker)
        wait_until(lambda: converged(devices), 60, "the kiosk to catch up 1,000 events")
        assert_exactly_once(devices)
        assert kiosk.applied("C1") == 503 and kiosk.applied("C2") == 500
    finally:
        stop_all(devices)


def _signed_messages(device) -> list[dict]:
    from engine.models import Event
    from engine.sync import outbox
    from engine.sync.keys import key_path, load_or_create

    with using(device.db):
        outbox.sign_pending(device.name, "DEMO", load_or_create(key_path(device.db)))
        return [outbox.message(e, "DEMO") for e in Event.select().order_by(Event.seq)]


def test_duplicated_reordered_forged_and_garbage_messages(tmp_path, broker):
    import json

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from engine.sync import signing
    from engine.sync.keys import load_or_create

    devices = provision(tmp_path, {"C1": "counter", "K1": "kiosk", "X9": "counter"})
    receiver, kiosk, silent = devices  # X9 never runs sync: we publish for it
    add_lots(silent, 3)
    add_lots(kiosk, 1)
    first, second, third = _signed_messages(silent)
    forged = {**second, "payload": second["payload"].replace('"total":10', '"total":9999')}
    stranger = signing.sign({**first, "device": "C1"}, load_or_create(tmp_path / "intruder.key"))
    impostor = signing.sign({**first, "device": "K1", "seq": 2},
                            load_or_create(tmp_path / "intruder.key"))
    lot_from_kiosk = _signed_messages(kiosk)[0]  # a manual lot: only staff devices may
    try:
        receiver.start_sync(broker)
        wait_until(lambda: receiver.sql("SELECT value FROM local_state WHERE key='sync.online'")
                   == [("true",)], what="the receiver to connect")
        client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        client.connect("127.0.0.1", broker.port)
        client.loop_start()
        topic = "playdesk/DEMO/journal/"
        for topic_device, payload in [
            ("X9", b"\x00\xffnot json"), ("X9", b"{}"), ("X9", json.dumps([third])),
            ("X9", json.dumps([forged])), ("X9", json.dumps([first, first])),
            ("X9", json.dumps({**first, "sig": None})), ("C1", json.dumps([stranger])),
            ("K1", json.dumps([impostor])), ("ZZ", json.dumps([{**first, "device": "ZZ"}])),
            ("K1", json.dumps([lot_from_kiosk])), ("X9", json.dumps([second, third])),
        ]:
            client.publish(topic + topic_device, payload, qos=1).wait_for_publish(5)
        client.disconnect()
        client.loop_stop()
        # the last message applies X9's seq 2 and 3: every message before it was handled
        wait_until(lambda: receiver.applied("X9") == 3, what="X9's three events in order")
        receiver.stop_sync()  # stores the drop counters (kept in memory up to 0.5 s)
        assert receiver.applied("K1") == 1  # stored as refused: the kiosk's next events apply
        assert receiver.sql("SELECT kind, reason FROM sync_conflict") == [
            ("rejected", "forbidden_type")]
        assert receiver.sql("SELECT COUNT(*), SUM(total) FROM lot") == [(3, 30)]
        assert receiver.sql("SELECT COUNT(*) FROM event WHERE device = 'X9'") == [(3,)]
        drops = receiver.drops()
        assert drops["forbidden_type"] == 1  # the kiosk's lot
        assert drops["malformed"] >= 2 and drops["bad_signature"] >= 2
        assert drops["unsigned"] == 1 and drops["unknown_device"] == 1
        assert drops["duplicate"] >= 2
    finally:
        stop_all(devices)


def test_a_clean_stop_after_the_broker_went_first_is_still_clean(tmp_path, broker):
    """Shutting a site down stops the broker too: the sync process must not end in a traceback
    when its offline presence can no longer be sent (the Last Will says it)."""
    (device,) = provision(tmp_path, {"C1": "counter"}, owner=None)
    try:
        device.start_sync(broker)
        wait_until(lambda: device.sql("SELECT value FROM local_state WHERE key = 'sync.online'")
                   == [("true",)], what="C1 to be online")
        process = device.process
        process.send_signal(signal.SIGTERM)  # stop and broker gone at once, as a shutdown does
        broker.kill()
        assert process.wait(15) == 0
        assert "Traceback" not in device.log()
    finally:
        stop_all([device])
