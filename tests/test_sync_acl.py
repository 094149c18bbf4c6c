"""The broker's ACL (engine.sync.brokerconfig): a device publishes only to its own topics.

Nothing here sleeps and hopes: a refused publish is seen in its PUBACK ("Not authorized"), and
that it never reached a subscriber is known once a permitted sentinel, published after it by the
same client at QoS 1, has arrived (the broker handles one client's publishes in order and queues
them to a subscriber in that order)."""

from __future__ import annotations

import itertools
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sync_helpers import Broker, wait_until, with_ask_accounts

from engine.sync.brokerconfig import ask_password

PASSWORDS = {"C1": "c1-secret", "K1": "k1-secret", "OWNER": "owner-secret"}
PREFIX = "playdesk/DEMO/"
SENTINEL = b"sentinel"
_client_numbers = itertools.count(1)


class Session:
    """One MQTT v5 client of the test and what the broker told it: the CONNACK, SUBACKs,
    PUBACKs (by message id) and the messages it received, in order."""

    def __init__(self, broker: Broker, user: str, password: str) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5,
                                  client_id=f"test-{user}-{next(_client_numbers)}")
        self.client.username_pw_set(user, password)
        self.connack: Any = None
        self.subacks: dict[int, list] = {}
        self.pubacks: dict[int, Any] = {}
        self.received: list[tuple[str, bytes]] = []
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_publish = self._on_publish
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()

    # paho's network thread
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if self.connack is None:  # the first answer; a refused client is not let retry
            self.connack = reason_code

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        self.subacks[mid] = reason_codes

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        self.pubacks[mid] = reason_code

    def _on_message(self, client, userdata, message) -> None:
        self.received.append((message.topic, message.payload))

    # the test's thread
    def connected(self) -> str:
        """The CONNACK's reason code, once it arrived."""
        wait_until(lambda: self.connack is not None, 10, "the CONNACK")
        return _named(self.connack)

    def subscribe(self, *topics: str) -> None:
        """Subscribe at QoS 1 and wait for the broker's SUBACK granting it."""
        result, mid = self.client.subscribe([(PREFIX + topic, 1) for topic in topics])
        assert result == mqtt.MQTT_ERR_SUCCESS
        wait_until(lambda: mid in self.subacks, 10, "the SUBACK")
        assert [code.value for code in self.subacks[mid]] == [GRANTED_QOS_1] * len(topics)

    def publish(self, topic: str, payload: bytes) -> str:
        """Publish at QoS 1; the reason code of the broker's PUBACK."""
        info = self.client.publish(PREFIX + topic, payload, qos=1)
        assert info.rc == mqtt.MQTT_ERR_SUCCESS
        wait_until(lambda: info.mid in self.pubacks, 10, f"the PUBACK of {topic}")
        return _named(self.pubacks[info.mid])

    def receive_sentinel(self) -> list[tuple[str, bytes]]:
        """What arrived up to and including the sentinel."""
        wait_until(lambda: any(payload == SENTINEL for _, payload in self.received), 10,
                   "the sentinel")
        return self.received[:[payload for _, payload in self.received].index(SENTINEL) + 1]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


# MQTT 5 reason codes by number (the spec's), not by the client library's words for them
SUCCESS, GRANTED_QOS_1, NOT_AUTHORIZED = 0, 1, 135


def _named(code) -> str:
    """"Success" / "Not authorized" from the reason code's number; anything else as a number."""
    return {SUCCESS: "Success", NOT_AUTHORIZED: "Not authorized"}.get(code.value,
                                                                       f"code {code.value}")


def test_a_wrong_password_is_refused_and_the_right_one_connects(tmp_path):
    broker = Broker(tmp_path / "broker", passwords=PASSWORDS, authority="C1").start()
    refused = Session(broker, "K1", "wrong")
    accepted = Session(broker, "K1", PASSWORDS["K1"])
    try:
        assert refused.connected() == "Not authorized"
        assert accepted.connected() == "Success"
        assert accepted.client.is_connected()
    finally:
        refused.close()
        accepted.close()
        broker.kill()


def test_a_kiosk_may_publish_only_its_own_topics(tmp_path):
    broker = Broker(tmp_path / "broker", passwords=PASSWORDS, authority="C1").start()
    listener = Session(broker, "C1", PASSWORDS["C1"])
    kiosk = Session(broker, "K1", PASSWORDS["K1"])
    forbidden = ["journal/C1", "devices/C1", "devicelist", "authority/response/C1"]
    permitted = ["journal/K1", "devices/K1", "resend/C1", "authority/request"]
    try:
        assert (listener.connected(), kiosk.connected()) == ("Success", "Success")
        listener.subscribe("#")
        answers = {topic: kiosk.publish(topic, topic.encode()) for topic in forbidden + permitted}
        assert answers == {**dict.fromkeys(forbidden, "Not authorized"),
                           **dict.fromkeys(permitted, "Success")}
        assert kiosk.publish("journal/K1", SENTINEL) == "Success"
        assert listener.receive_sentinel() == [
            *((PREFIX + topic, topic.encode()) for topic in permitted),
            (PREFIX + "journal/K1", SENTINEL)]
    finally:
        for session in (listener, kiosk):
            session.close()
        broker.kill()


def test_only_the_owner_publishes_the_device_list(tmp_path):
    broker = Broker(tmp_path / "broker", passwords=PASSWORDS, authority="C1").start()
    listener = Session(broker, "K1", PASSWORDS["K1"])
    owner = Session(broker, "OWNER", PASSWORDS["OWNER"])
    counter = Session(broker, "C1", PASSWORDS["C1"])
    try:
        assert [s.connected() for s in (listener, owner, counter)] == ["Success"] * 3
        listener.subscribe("devicelist", "devices/C1")
        assert counter.publish("devicelist", b"from C1") == "Not authorized"
        assert counter.publish("devices/C1", SENTINEL) == "Success"  # after the refused list
        assert listener.receive_sentinel() == [(PREFIX + "devices/C1", SENTINEL)]
        assert owner.publish("devicelist", b"from OWNER") == "Success"
        wait_until(lambda: len(listener.received) == 2, 10, "the owner's list")
        assert listener.received[1] == (PREFIX + "devicelist", b"from OWNER")
    finally:
        for session in (listener, owner, counter):
            session.close()
        broker.kill()


def ask_broker(tmp_path) -> Broker:
    """The ACL with `.ask` sections for C1, C2 and K1 (and every account's derived ask login)."""
    passwords = with_ask_accounts({**PASSWORDS, "C2": "c2-secret"})
    return Broker(tmp_path / "broker", passwords=passwords, authority="C1",
                  ask_devices=("C1", "C2", "K1")).start()


def test_an_ask_account_only_asks(tmp_path):
    broker = ask_broker(tmp_path)
    listener = Session(broker, "C1", PASSWORDS["C1"])
    asker = Session(broker, "K1.ask", ask_password(PASSWORDS["K1"]))
    forbidden = ["journal/K1", "journal/K1.ask", "devices/K1", "devices/K1.ask", "resend/C1",
                 "devicelist", "authority/response/K1", "journal/C1"]
    try:
        assert (listener.connected(), asker.connected()) == ("Success", "Success")
        listener.subscribe("#")
        answers = {topic: asker.publish(topic, topic.encode()) for topic in forbidden}
        assert answers == dict.fromkeys(forbidden, "Not authorized")
        assert asker.publish("authority/request", SENTINEL) == "Success"
        assert listener.receive_sentinel() == [(PREFIX + "authority/request", SENTINEL)]
    finally:
        for session in (listener, asker):
            session.close()
        broker.kill()


def test_an_ask_account_reads_only_its_own_devices_answers(tmp_path):
    broker = ask_broker(tmp_path)
    authority = Session(broker, "C1", PASSWORDS["C1"])
    asker = Session(broker, "K1.ask", ask_password(PASSWORDS["K1"]))
    try:
        assert (authority.connected(), asker.connected()) == ("Success", "Success")
        asker.subscribe("authority/response/+", "journal/+", "devices/+")
        for topic in ("authority/response/C2", "journal/C1", "devices/C1"):
            assert authority.publish(topic, topic.encode()) == "Success"
        assert authority.publish("authority/response/K1", SENTINEL) == "Success"
        assert asker.receive_sentinel() == [(PREFIX + "authority/response/K1", SENTINEL)]
    finally:
        for session in (authority, asker):
            session.close()
        broker.kill()


def test_a_device_and_its_ask_account_connect_side_by_side_but_one_login_only_once(tmp_path):
    """Client ids are usernames: K1 and K1.ask are two connections; a second K1 (whatever
    client id it names, the authority's included) replaces the first K1 only."""
    broker = ask_broker(tmp_path)
    device = Session(broker, "K1", PASSWORDS["K1"])
    asker = Session(broker, "K1.ask", ask_password(PASSWORDS["K1"]))
    authority = Session(broker, "C1", PASSWORDS["C1"])
    try:
        assert [s.connected() for s in (device, asker, authority)] == ["Success"] * 3
        device.client.reconnect_delay_set(60, 60)  # thrown off: stays off for the check
        second = Session(broker, "K1", PASSWORDS["K1"])
        assert second.connected() == "Success"
        wait_until(lambda: not device.client.is_connected(), 10, "the first K1 replaced")
        assert asker.client.is_connected() and authority.client.is_connected()
        second.close()
    finally:
        for session in (device, asker, authority):
            session.close()
        broker.kill()


def test_the_ask_password_is_derived_one_way_and_differs_per_device():
    assert ask_password("k1-secret") == ask_password("k1-secret")
    assert len({ask_password("k1-secret"), ask_password("k2-secret"), "k1-secret"}) == 3
    assert len(ask_password("k1-secret")) == 32


def test_the_broker_account_tool_registers_the_ask_account_and_its_acl_section(tmp_path):
    """systemd/broker-user.sh: `add K1` registers K1 and K1.ask (the password derived as the
    engine derives it: a real Mosquitto lets both in) and regenerates the ACL with K1.ask's
    section; `list` shows devices; `remove` deletes both accounts."""
    import os
    import subprocess
    import sys

    from sync_helpers import ROOT, SITE

    passwords, acl = tmp_path / "passwords", tmp_path / "acl"
    (tmp_path / "sync.env").write_text(f"PLAYDESK_SITE={SITE}\nPLAYDESK_AUTHORITY=C1\n")
    acl.write_text("# before\n")
    environment = {**os.environ, "PLAYDESK_BROKER_PASSWD": str(passwords),
                   "PLAYDESK_BROKER_ACL": str(acl), "PLAYDESK_SYNC_ENV": str(tmp_path / "sync.env"),
                   "PLAYDESK_PYTHON": sys.executable, "PYTHONPATH": str(ROOT)}

    def tool(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([str(ROOT / "systemd/broker-user.sh"), *args], input=stdin,
                              env=environment, capture_output=True, text=True, timeout=30)

    for user in ("C1", "K1"):
        assert tool("add", user, stdin=PASSWORDS[user] + "-long-enough\n").returncode == 0
    assert tool("list").stdout.split() == ["C1", "K1"]
    assert tool("add", "K1.ask", stdin="x" * 20 + "\n").returncode == 2
    assert "user K1.ask\ntopic deny playdesk/DEMO/journal/#" in acl.read_text()
    broker = Broker(tmp_path / "broker")
    config = broker.write_config()  # anonymous; then the tool's passwords and ACL
    config.write_text(config.read_text().replace(
        "allow_anonymous true", f"allow_anonymous false\npassword_file {passwords}\n"
                                f"acl_file {acl}\nuse_username_as_clientid true"))
    broker.process = subprocess.Popen(["/usr/sbin/mosquitto", "-c", str(config)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(broker._listening, 10, "mosquitto to listen")
    device = Session(broker, "K1", PASSWORDS["K1"] + "-long-enough")
    asker = Session(broker, "K1.ask", ask_password(PASSWORDS["K1"] + "-long-enough"))
    try:
        assert (device.connected(), asker.connected()) == ("Success", "Success")
        assert asker.publish("journal/K1", b"x") == "Not authorized"
        # 16: accepted, no subscriber
        assert asker.publish("authority/request", b"x") == "code 16"
    finally:
        device.close()
        asker.close()
        broker.kill()
    assert tool("remove", "K1").returncode == 0
    assert [line.split(":")[0] for line in passwords.read_text().splitlines()] == ["C1", "C1.ask"]
