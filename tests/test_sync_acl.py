"""The broker's ACL (engine.sync.brokerconfig): a device publishes only to its own topics."""

from __future__ import annotations

import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sync_helpers import Broker, wait_until

PASSWORDS = {"C1": "c1-secret", "K1": "k1-secret", "OWNER": "owner-secret"}


def connect(broker: Broker, user: str, password: str, received: list | None = None):
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"test-{user}",
                         protocol=mqtt.MQTTv5)
    client.username_pw_set(user, password)
    if received is not None:
        client.on_message = lambda c, u, message: received.append(message.topic)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    return client


def test_a_kiosk_may_publish_only_its_own_topics(tmp_path):
    broker = Broker(tmp_path / "broker", passwords=PASSWORDS, authority="C1").start()
    received: list[str] = []
    listener = connect(broker, "C1", PASSWORDS["C1"], received)
    kiosk = connect(broker, "K1", PASSWORDS["K1"])
    try:
        listener.subscribe("playdesk/DEMO/#", qos=1)
        time.sleep(0.3)
        for topic in ("journal/C1", "devices/C1", "devicelist", "authority/response/C1",
                      "journal/K1", "devices/K1", "resend/C1", "authority/request"):
            kiosk.publish(f"playdesk/DEMO/{topic}", b"{}", qos=1).wait_for_publish(5)
        wait_until(lambda: len(received) >= 4, 10, "the permitted messages")
        time.sleep(0.3)
        assert sorted(received) == sorted(f"playdesk/DEMO/{t}" for t in (
            "journal/K1", "devices/K1", "resend/C1", "authority/request"))
        assert connect(broker, "K1", "wrong").is_connected() is False
    finally:
        for client in (listener, kiosk):
            client.disconnect()
            client.loop_stop()
        broker.kill()


def test_only_the_owner_publishes_the_device_list(tmp_path):
    broker = Broker(tmp_path / "broker", passwords=PASSWORDS, authority="C1").start()
    received: list[str] = []
    listener = connect(broker, "K1", PASSWORDS["K1"], received)
    owner = connect(broker, "OWNER", PASSWORDS["OWNER"])
    counter = connect(broker, "C1", PASSWORDS["C1"])
    try:
        listener.subscribe("playdesk/DEMO/devicelist", qos=1)
        time.sleep(0.3)
        counter.publish("playdesk/DEMO/devicelist", b"{}", qos=1).wait_for_publish(5)
        owner.publish("playdesk/DEMO/devicelist", b"{}", qos=1).wait_for_publish(5)
        wait_until(lambda: received, 10, "the owner's list")
        time.sleep(0.3)
        assert received == ["playdesk/DEMO/devicelist"]
    finally:
        for client in (listener, owner, counter):
            client.disconnect()
            client.loop_stop()
        broker.kill()
