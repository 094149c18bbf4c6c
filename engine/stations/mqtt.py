"""The MQTT v5 client the meter and the agent share: reconnects by itself (paho's network
thread), subscribes again on every connection, and only queues what arrives: the owner's loop
does the work on its own thread."""

from __future__ import annotations

import contextlib
import queue
import socket
import ssl
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from engine.stations.messages import MAX_PAYLOAD_BYTES


@dataclass
class Broker:
    host: str
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls_ca: str | None = None
    keepalive: int = 10


def parse_broker(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return (text, 1883) if not host else (host, int(port))


class Connection:
    """One client; `inbox` receives ("connected",), ("disconnected", why), ("message", topic,
    payload) and ("refused", why)."""

    def __init__(self, broker: Broker, client_id: str, subscriptions: list[tuple[str, int]]):
        self.broker = broker
        self.subscriptions = subscriptions
        self.inbox: queue.Queue[tuple] = queue.Queue()
        self.connected = False
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5)
        if broker.username:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.tls_ca:
            self.client.tls_set(ca_certs=broker.tls_ca, tls_version=ssl.PROTOCOL_TLS_CLIENT)
        self.client.reconnect_delay_set(min_delay=1, max_delay=3)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_socket_open = _no_delay

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.inbox.put(("refused", str(reason_code)))
            return
        self.connected = True
        if self.subscriptions:
            client.subscribe(self.subscriptions)
        self.inbox.put(("connected",))

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected = False
        self.inbox.put(("disconnected", str(reason_code)))

    def _on_message(self, client, userdata, message) -> None:
        if len(message.payload) <= MAX_PAYLOAD_BYTES:
            self.inbox.put(("message", message.topic, message.payload))

    def start(self) -> None:
        # A clean start: what was queued for an earlier connection is stale by now (heartbeats
        # of an agent that may be gone, a login nobody waits for); the retained state is what
        # an agent needs, and the meter reads the rest from its database.
        self.client.connect_async(self.broker.host, self.broker.port, self.broker.keepalive,
                                  clean_start=True)
        self.client.loop_start()

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> bool:
        """Queued for the broker; False when not connected (nothing is kept for later)."""
        if not self.connected:
            return False
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        return info.rc == mqtt.MQTT_ERR_SUCCESS

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()
        self.client.loop_stop()


def _no_delay(client, userdata, sock) -> None:
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
