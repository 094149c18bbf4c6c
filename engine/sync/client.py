"""The sync service: one MQTT v5 client (persistent session, QoS 1) and one loop that owns the
database. paho's network thread only queues what arrives; the loop applies, publishes and
answers, so every write happens on one thread in `engine.db.write()` transactions."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import queue
import socket
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from peewee import OperationalError

from engine import hlc, localstate
from engine.db import database, write
from engine.ids import device_id
from engine.models.sync import SyncDrop
from engine.settings import set_sync_online
from engine.sync import devicelist, held, inbound, outbox, presence, restore, signing
from engine.sync.apply import applied_seqs, apply_batch, refuse_events
from engine.sync.brokerconfig import ask_password, ask_username
from engine.sync.config import SyncConfig

log = logging.getLogger("playdesk.sync")

SESSION_EXPIRY_SECONDS = 7 * 24 * 3600
EVENTS_PER_MESSAGE = 100
MAX_UNACKED_MESSAGES = 50
MAX_BUFFERED_PER_ORIGIN = 20_000
APPLY_BATCH = 10_000
# Messages taken per turn (each up to EVENTS_PER_MESSAGE events, each signature checked): the
# loop applies and answers between them instead of checking a whole backlog first.
MESSAGES_PER_TURN = 50
# A catch-up is asked in windows, the next one when half of the last has been applied, so the
# origin never floods this device with more than it can buffer.
RESEND_WINDOW = 10_000
STALL_SECONDS = 0.5
# Tries (each after asking for the event again) before an event whose applying keeps failing
# outside its effect is stored as refused.
APPLY_ATTEMPTS = 3
RESEND_RETRY_SECONDS = 1.0
HEARTBEAT_SECONDS = 30.0
# The loop's idle wait: how soon a commit by the apps (seen through PRAGMA data_version) is
# published. Checking costs a few microseconds.
POLL_SECONDS = 0.002
# Bookkeeping kept off the latency path, stored together at most this often: signatures of
# published events, the broker-acknowledged seq, others' presence, drop counters. Losing it in
# a crash is harmless (events are re-signed identically and republished, receivers drop dupes).
BOOKKEEPING_SECONDS = 0.5
# After the first connection: long enough for the others' retained presence to arrive, which
# tells a device restored from an older backup how far its journal really went.
RESTORE_GRACE_SECONDS = 1.0
# Held events (HLC too far ahead, engine.sync.held) are looked at again this often; the bound
# (a site setting) is read again every BOUND_SECONDS.
RELEASE_SECONDS = 0.2
BOUND_SECONDS = 5.0
# Larger payloads are dropped before parsing (the broker's message_size_limit is the same, see
# engine.sync.brokerconfig); own batches are packed below PACK_BYTES.
MAX_PAYLOAD_BYTES = 1024 * 1024
PACK_BYTES = 256 * 1024
OVERSIZE_LOG_SECONDS = 60.0
# A device list the CLI hands to the running sync process to publish (engine.sync.push, in
# localstate.OUTGOING_DEVICE_LIST): the process's connection is the device's own, the only one
# it may have.
HANDED_LIST_SECONDS = 0.2
# How long an asking process waits for the device's other asking process (each round trip
# ends within the authority's 1 s timeout) before the offline policy decides.
ASK_WAIT_SECONDS = 5.0


@dataclass
class OriginState:
    pending: dict[int, dict[str, Any]] = field(default_factory=dict)
    held: dict[int, dict[str, Any]] = field(default_factory=dict)  # from the future: waiting
    announced: int = 0  # journal_seq from its presence
    requested_to: int = 0  # the end of the last resend window asked for
    last_progress: float = 0.0
    last_request: float = 0.0


def make_client(config: SyncConfig, client_id: str) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5)
    if config.username:
        client.username_pw_set(config.username, config.password)
    if config.tls_ca:
        client.tls_set(ca_certs=config.tls_ca, certfile=config.tls_cert, keyfile=config.tls_key)
    client.reconnect_delay_set(min_delay=1, max_delay=5)
    client.max_inflight_messages_set(MAX_UNACKED_MESSAGES)
    client.on_socket_open = _no_delay
    return client


def device_client_id(config: SyncConfig, device: str) -> str:
    """The sync process's client id: its username, as the broker enforces
    (`use_username_as_clientid`); an anonymous broker (tests, a lab) keeps the old name."""
    return config.username or f"playdesk-{config.site}-{device}"


def make_ask_client(config: SyncConfig, client_id: str) -> mqtt.Client:
    """A short-lived asking process's client (engine.sync.authority): as `<DEVICE>.ask`, never
    as the device itself, whose connection belongs to its sync process (the broker would drop
    that to let this one in)."""
    values: dict[str, Any] = {}
    if config.tls_cert:  # the certificate names the account (use_identity_as_username)
        values = ask_certificate(config)
    if not config.username:
        return make_client(SyncConfig(**{**config.__dict__, **values}), client_id)
    username = ask_username(config.username)
    values.update(username=username, password=ask_password(config.password or ""))
    return make_client(SyncConfig(**{**config.__dict__, **values}), username)


def ask_certificate(config: SyncConfig) -> dict[str, str]:
    """With client certificates, the ask account's own (CN `<DEVICE>.ask`) beside the device's:
    `dev.crt`/`dev.key` -> `dev.ask.crt`/`dev.ask.key`. Without them the device's certificate
    is used, and each strict operation replaces the sync process's connection for a moment."""
    paths = {}
    for name in ("tls_cert", "tls_key"):
        original = Path(getattr(config, name) or "")
        paths[name] = str(original.with_name(f"{original.stem}.ask{original.suffix}"))
    if config.tls_key and all(Path(path).is_file() for path in paths.values()):
        return paths
    log.warning("sync: no ask certificate %s (CN <device>.ask) beside %s: asking the authority "
                "as the device itself", paths["tls_cert"], config.tls_cert)
    return {}


def lock_file(kind: str) -> Path:
    """Beside the database: `sync` (engine.ops.synclock's: held by playdesk-sync for its life,
    and by a `playdesk push` while it publishes by itself), `ask` (one asking process of the
    device at a time: they share the `.ask` account)."""
    return Path(f"{database.database}.{kind}.lock")


@contextlib.contextmanager
def exclusive(kind: str, wait: float) -> Iterator[bool]:
    """Hold the device's `kind` lock (flock: released when the process dies, even by
    SIGKILL) for the block; yields False (and the block runs without it) when it was not free
    within `wait` seconds."""
    path = lock_file(kind)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    except PermissionError:  # made by another user (root's CLI): flock needs no write access
        descriptor = os.open(path, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
                break
            except BlockingIOError:
                held = False
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.005)
        yield held
    finally:
        os.close(descriptor)  # releases the lock


def _no_delay(client, userdata, sock) -> None:
    """Small messages go out at once: Nagle's algorithm against delayed ACKs costs ~40 ms."""
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def session_properties() -> Properties:
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
    return properties


def database_busy(error: Exception) -> bool:
    """SQLite's busy timeout ran out (another connection held the write lock): worth another
    try, unlike an event whose effect fails."""
    return isinstance(error, (OperationalError, sqlite3.OperationalError)) and any(
        word in str(error) for word in ("locked", "busy"))


class SyncService:
    def __init__(self, config: SyncConfig, key: Ed25519PrivateKey, authority=None,
                 one_shot: bool = False, apply_size: int = APPLY_BATCH) -> None:
        self.config = config
        # events applied in one transaction (1: each alone, the baseline bench_sync measures)
        self.apply_size = max(1, apply_size)
        self.key = key
        self.device = device_id()
        self.prefix = config.prefix()
        self.inbox: queue.Queue[tuple] = queue.Queue()
        self.connected = False
        self.stopping = False
        self.members = devicelist.members()
        self.applied = applied_seqs()
        self.origins: dict[str, OriginState] = defaultdict(OriginState)
        self.apply_failures: dict[tuple[str, int], int] = {}  # (origin, seq) -> failed tries
        # origins whose next event names another device's fact not here yet (validate.Waiting):
        # tried again once other events were applied, not on every turn
        self.waiting: set[str] = set()
        self.waited: dict[str, int] = {}  # origin -> the seq last logged as waiting
        self.published = outbox.published_seq()
        self.stored_published = self.published
        self.new_signatures: dict[int, str] = {}  # own seq -> signature, not stored yet
        self.presences: list[dict[str, Any]] = []
        self.last_bookkeeping = 0.0
        self.sent = self.published
        self.unacked: dict[int, int] = {}  # mid -> last seq in that message (own journal)
        self.acked_mids: set[int] = set()
        self.publish_after = 0.0  # monotonic time; later after the broker refused a message
        self.refusal_logged = -OVERSIZE_LOG_SECONDS
        self.resend: dict[str, tuple[int, int]] = {}  # origin -> (from, to) to republish
        self.online: dict[str, bool] = {}  # from presence
        self.drops: dict[str, int] = defaultdict(int)
        self.drop_details: dict[str, str] = {}
        self.presence_due = True
        self.last_presence = 0.0
        self.last_presence_state: tuple = ()
        self.data_version = -1
        self.journal_seq = outbox.journal_seq(self.device)
        # Own journal checked against what the others hold (a restore from backup) before any
        # of it is published: `own_high` is the highest own seq their presence shows applied.
        self.verified = one_shot
        self.verify_after: float | None = None
        self.restore_floor = self.published
        self.own_high = 0
        self.own_back: dict[int, dict[str, Any]] = {}
        self.last_own_request = 0.0
        self.authority = authority  # engine.sync.authority.AuthorityServer on the authority device
        # one_shot (`playdesk push`): publish the outbox and leave, beside a running sync process
        self.one_shot = one_shot
        # Client id = username (the broker enforces it): a one-shot publisher connects as the
        # device only while no sync process of the device runs (engine.sync.push checks).
        suffix = "-push" if one_shot and not config.username else ""
        self.client = make_client(config, device_client_id(config, self.device) + suffix)
        self.handed_list: tuple[int, str] | None = None  # (mid, text) published, not acked
        self.handed_list_acked: str | None = None
        self.last_handed_check = 0.0
        if not one_shot:
            self.client.will_set(self.topic("devices", self.device), self._presence(False),
                                 qos=1, retain=True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_publish = self._on_publish
        self.client.on_subscribe = self._on_subscribe
        self.subscribe_mid: int | None = None  # the SUBACK that makes this device online
        # events from the future (engine.sync.held): origin -> when holding began
        self.held_since: dict[str, dt.datetime] = {}
        self.held_report_due = False
        self.oversize_logged: dict[str, float] = {}
        self.last_release = 0.0
        self.bound_ms = held.max_ahead_ms()
        self.bound_read = time.monotonic()

    # -- topics and paho callbacks (network thread: only queue) --------------------------------

    def topic(self, *parts: str) -> str:
        return self.prefix + "/".join(parts)

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.inbox.put(("refused", str(reason_code)))
            return
        if self.one_shot:
            self.inbox.put(("connected",))
            return
        subscriptions = [(self.topic("journal", "+"), 1), (self.topic("devices", "+"), 1),
                         (self.topic("resend", "+"), 1), (self.topic("devicelist"), 1)]
        if self.authority is not None:
            subscriptions.append((self.topic("authority", "request"), 1))
        self.subscribe_mid = client.subscribe(subscriptions)[1]
        self.inbox.put(("connected",))

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.inbox.put(("disconnected", str(reason_code)))

    def _on_message(self, client, userdata, message) -> None:
        if len(message.payload) > MAX_PAYLOAD_BYTES:  # never parsed, never kept
            self.inbox.put(("oversize", message.topic, len(message.payload)))
            return
        self.inbox.put(("message", message.topic, message.payload, message.properties))

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        self.inbox.put(("acked", mid, reason_code))

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        self.inbox.put(("subscribed", mid, [str(code) for code in reason_codes
                                            if code.is_failure]))

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        if self.one_shot:
            self.client.connect_async(self.config.host, self.config.port, self.config.keepalive,
                                      clean_start=True)
        else:
            self.client.connect_async(self.config.host, self.config.port, self.config.keepalive,
                                      clean_start=False, properties=session_properties())
            self._set_online(False)
        self.client.loop_start()

    def run(self, until=None) -> None:
        """Loop until `stop()` (or until `until()` is true)."""
        while not self.stopping and not (until and until()):
            try:
                self.step(POLL_SECONDS)
            except Exception:  # noqa: BLE001 - e.g. the database locked too long: try again
                log.exception("sync: turn failed; retrying")
                time.sleep(0.5)

    def _announce_offline(self) -> None:
        """Best effort: when the broker went first, its Last Will says offline instead."""
        info = self.client.publish(self.topic("devices", self.device), self._presence(False),
                                   qos=1, retain=True)
        try:
            info.wait_for_publish(2)
        except (RuntimeError, ValueError) as error:  # paho: not connected, or queue full
            log.info("sync: offline presence not sent (%s); the Last Will covers it", error)

    def stop(self) -> None:
        """Clean shutdown: presence online false, pending acks stored, disconnect."""
        self.stopping = True
        if self.connected:
            self._announce_offline()
            if not self.one_shot:
                self.step(0)
            self.client.disconnect()
        self.client.loop_stop()
        self._store_bookkeeping(force=True)
        if not self.one_shot:
            self._set_online(False)

    def step(self, wait: float) -> None:
        """One turn: take what arrived, apply it, publish what is due."""
        items = []
        try:
            items.append(self.inbox.get(timeout=wait) if wait else self.inbox.get_nowait())
            while len(items) < MESSAGES_PER_TURN:
                items.append(self.inbox.get_nowait())
        except queue.Empty:
            pass
        presences = self.presences
        for item in items:
            try:
                self._handle(item, presences)
            except Exception:  # noqa: BLE001 - one bad message must never stop the loop
                log.exception("sync: unexpected error handling %s", item[0])
                self._drop("internal_error", repr(item[:2]))
        self._release_held()
        self._apply_ready()
        if self.connected and not self.verified:
            self._verify_journal()
        self._request_missing()
        if self.connected:
            self._publish_outbox()
            self._serve_resend()
            if not self.one_shot:
                self._publish_presence()
                self._publish_handed_list()
        self._store_bookkeeping()

    # -- inbound ----------------------------------------------------------------------------------

    def _handle(self, item: tuple, presences: list[dict[str, Any]]) -> None:
        kind = item[0]
        if kind == "connected":
            log.info("sync: connected to %s:%s", self.config.host, self.config.port)
            self.connected = True
            self.sent = self.published  # republish what the broker never acknowledged
            self.unacked.clear()
            self.presence_due = True
            if self.verify_after is None:
                self.verify_after = time.monotonic() + RESTORE_GRACE_SECONDS
        elif kind == "subscribed":
            # Online means receiving: the broker has granted the subscriptions, so whatever
            # the others publish from now on reaches this device.
            if item[2]:
                log.error("sync: the broker refused subscriptions: %s", ", ".join(item[2]))
            if item[1] == self.subscribe_mid and self.connected and not self.one_shot:
                self._set_online(True)
        elif kind == "disconnected":
            if self.connected:
                log.warning("sync: disconnected (%s)", item[1])
            self.connected = False
            if not self.one_shot:
                self._set_online(False)
        elif kind == "refused":
            log.error("sync: broker refused the connection: %s", item[1])
        elif kind == "acked" and self._handed_list_acked(item[1]):
            return  # the handed device list's PUBACK, not the journal's
        elif kind == "acked":
            self._acked(item[1], item[2])
        elif kind == "message":
            self._message(item[1], item[2], item[3], presences)
        elif kind == "oversize":
            self._oversize(item[1], item[2])

    def _oversize(self, topic: str, size: int) -> None:
        """Counted always, logged once per topic a minute: a flood must not flood the log."""
        self._count("oversize", f"{topic}: {size} bytes")
        now = time.monotonic()
        if now - self.oversize_logged.get(topic, -OVERSIZE_LOG_SECONDS) >= OVERSIZE_LOG_SECONDS:
            self.oversize_logged[topic] = now
            log.warning("sync: dropped a %d-byte message on %s unread (limit %d bytes)", size,
                        topic, MAX_PAYLOAD_BYTES)

    def _message(self, topic: str, payload: bytes, properties, presences: list) -> None:
        if not topic.startswith(self.prefix):
            return self._drop("wrong_site", topic)
        parts = topic[len(self.prefix):].split("/")
        if not payload:
            return None  # a retained message being cleared
        data = inbound.parse(payload)
        if parts[0] == "journal" and len(parts) == 2:
            self._journal(parts[1], data)
        elif parts[0] == "devices" and len(parts) == 2:
            self._presence_message(parts[1], data, presences)
        elif parts[0] == "resend" and len(parts) == 2:
            self._resend_request(parts[1], data)
        elif parts[0] == "devicelist":
            self._device_list(data)
        elif parts[:2] == ["authority", "request"] and self.authority is not None:
            self.authority.handle(self, data, properties)
        else:
            self._drop("unexpected_topic", topic)

    def _journal(self, topic_device: str, data: Any) -> None:
        if topic_device == self.device:
            return  # our own messages coming back
        events = data if isinstance(data, list) else [data]
        if not events:
            return self._drop("malformed", f"journal/{topic_device}: empty")
        for event in events:
            reason = inbound.event_shape(event, self.config.site)
            if reason:
                self._drop(reason, f"journal/{topic_device}: {str(event)[:200]}")
                continue
            origin = event["device"]
            if origin == self.device:
                self._own_event_back(event)
                continue
            member = self.members.get(origin)
            if member is None:
                self._drop("unknown_device", f"journal/{topic_device}: {origin} seq {event['seq']}")
                continue
            state = self.origins[origin]
            if event["seq"] <= self.applied.get(origin, 0) or event["seq"] in state.pending \
                    or event["seq"] in state.held:
                self.drops["duplicate"] += 1  # resends and redeliveries: normal, not logged
                continue
            reason = inbound.signed_by(event, member[1]) or inbound.role_permits(member[0], event)
            if reason:
                self._drop(reason, f"journal/{topic_device}: {origin} seq {event['seq']} "
                                   f"type {event['type']}")
                continue
            if len(state.pending) + len(state.held) >= MAX_BUFFERED_PER_ORIGIN:
                continue
            if hlc.ahead_ms(hlc.Timestamp.decode(event["hlc"])) > self._bound():
                self._hold(event)
            else:
                state.pending[event["seq"]] = event
        return None

    # -- events from the future (engine.sync.held) ---------------------------------------------

    def _bound(self) -> int:
        """How far ahead of this clock an event may be stamped (the setting, re-read now and
        then: definitions may change it)."""
        now = time.monotonic()
        if now - self.bound_read >= BOUND_SECONDS:
            self.bound_ms, self.bound_read = held.max_ahead_ms(), now
        return self.bound_ms

    def _hold(self, event: dict[str, Any]) -> None:
        """Keep an event stamped too far ahead: applying it would pull this device's clock
        into the future. Logged once per origin, counted, reported (`held.held_origins`)."""
        origin = event["device"]
        self.origins[origin].held[event["seq"]] = event
        self._count("held_future_hlc", f"{origin} seq {event['seq']} hlc {event['hlc']}")
        self.held_report_due = True
        if origin not in self.held_since:
            self.held_since[origin] = dt.datetime.now()
            ahead = hlc.ahead_ms(hlc.Timestamp.decode(event["hlc"])) / 1000
            log.warning("sync: %s seq %d is stamped %.0f s ahead of this clock (more than %d s):"
                        " its events are held until this clock catches up; is its clock wrong?",
                        origin, event["seq"], ahead, self._bound() // 1000)

    def _release_held(self) -> None:
        """Held events whose time has come go to their origin's queue, in seq order."""
        now = time.monotonic()
        if not self.held_since or now - self.last_release < RELEASE_SECONDS:
            return
        self.last_release = now
        bound = self._bound()
        for origin in list(self.held_since):
            state = self.origins[origin]
            for seq in sorted(state.held):
                if hlc.ahead_ms(hlc.Timestamp.decode(state.held[seq]["hlc"])) > bound:
                    break
                state.pending[seq] = state.held.pop(seq)
                self.held_report_due = True
            if not state.held:
                del self.held_since[origin]
                log.warning("sync: %s's events are no longer ahead of this clock: applying them",
                            origin)

    def _held_report(self) -> dict[str, dict[str, Any]]:
        report = {}
        for origin, since in self.held_since.items():
            waiting = self.origins[origin].held
            first = waiting[min(waiting)]
            report[origin] = held.entry(first, len(waiting),
                                        hlc.ahead_ms(hlc.Timestamp.decode(first["hlc"])), since)
        return report

    def _presence_message(self, origin: str, data: Any, presences: list) -> None:
        if origin == self.device:
            return  # our own
        if not isinstance(data, dict) or data.get("device") != origin:
            return self._drop("malformed", f"devices/{origin}")
        member = self.members.get(origin)
        reason = inbound.signed_by(data, member[1] if member else None)
        if reason:
            return self._drop(reason, f"devices/{origin}")
        presences.append(data)
        self._learn_own_high(data.get("applied"))
        self.online[origin] = bool(data.get("online"))
        seq = data.get("journal_seq")
        if isinstance(seq, int) and not isinstance(seq, bool):
            self.origins[origin].announced = max(self.origins[origin].announced, seq)

    def _resend_request(self, origin: str, data: Any) -> None:
        """Our own journal is served once checked (see `_verify_journal`); another origin's
        while it is offline (an owner's laptop that pushed and left) or when the origin itself
        asks for it back (restored from a backup): its events are signed by it, so relaying is
        safe."""
        if origin == self.device and not self.verified:
            return  # they ask again later
        if origin != self.device and origin not in self.applied:
            return
        if not (isinstance(data, dict) and isinstance(data.get("from_seq"), int)):
            return self._drop("malformed", f"resend: {str(data)[:200]}")
        if origin != self.device and self.online.get(origin, False) and \
                data.get("requester") != origin:
            return None
        member = self.members.get(str(data.get("requester")))
        reason = inbound.signed_by(data, member[1] if member else None)
        if reason:
            return self._drop(reason, f"resend from {data.get('requester')}")
        have = self.journal_seq if origin == self.device else self.applied.get(origin, 0)
        to_seq = data.get("to_seq") if isinstance(data.get("to_seq"), int) else have
        start, end = max(1, data["from_seq"]), min(to_seq, have)
        if start > end:
            return None
        known = self.resend.get(origin)
        self.resend[origin] = (min(start, known[0]), max(end, known[1])) if known else (start, end)
        return None

    def _device_list(self, data: Any) -> None:
        if data is None:
            return
        try:
            changed = devicelist.install(data)
        except Exception as error:  # noqa: BLE001 - a bad list is dropped, never fatal
            return self._drop("bad_device_list", str(error))
        if changed:
            log.info("sync: device list version %s installed", data.get("version"))
            self.members = devicelist.members()
            self.client.subscribe(self.topic("devices", "+"), qos=1)  # presence again, retained

    # -- a journal restored from an older backup ---------------------------------------------------

    def _learn_own_high(self, applied: Any) -> None:
        seq = applied.get(self.device) if isinstance(applied, dict) else None
        if not isinstance(seq, int) or isinstance(seq, bool) or seq <= self.own_high:
            return
        self.own_high = seq
        if self.verified and seq > outbox.journal_seq(self.device):
            log.error("sync: others hold own events up to seq %d, beyond this journal: "
                      "restored from a backup? checking again", seq)
            self.verified = False  # publishing holds until the journal is reconciled

    def _own_event_back(self, event: dict[str, Any]) -> None:
        """One of our own events, resent by another device while we recover our journal."""
        seq = event["seq"]
        if self.verified or not self.restore_floor < seq <= self.own_high or seq in self.own_back:
            return
        reason = inbound.signed_by(event, self.members.get(self.device, (None, None))[1])
        if reason:
            return self._drop(reason, f"own event {seq} given back")
        self.own_back[seq] = event
        return None

    def _verify_journal(self) -> None:
        """Before our journal is published: if the others hold more of it than we published
        (a restore from an older backup), get those events back and reconcile, so no seq is
        ever used twice."""
        now = time.monotonic()
        if self.verify_after is None or now < self.verify_after:
            return
        if self.own_high <= self.restore_floor or outbox.signed_between(
                self.device, self.restore_floor + 1, self.own_high):
            # signed events were published from here (a restored backup holds them too):
            # they are the ones the others hold
            self.verified = True
            self.presence_due = True  # announce the whole journal now
            return
        missing = [seq for seq in range(self.restore_floor + 1, self.own_high + 1)
                   if seq not in self.own_back]
        if missing:
            if now - self.last_own_request >= RESEND_RETRY_SECONDS:
                request = {"from_seq": missing[0], "to_seq": self.own_high,
                           "requester": self.device}
                self.client.publish(self.topic("resend", self.device),
                                    json.dumps(signing.sign(request, self.key)), qos=1)
                self.last_own_request = now
                log.warning("sync: the site holds own events up to %d, this journal was "
                            "published to %d: asking for them back", self.own_high,
                            self.restore_floor)
            return
        originals = [self.own_back[seq] for seq in sorted(self.own_back)]
        moved = restore.reconcile(self.device, self.restore_floor, originals)
        log.warning("sync: own journal restored to seq %d; %d newer events renumbered after it",
                    self.own_high, moved)
        self.published = self.sent = self.restore_floor = self.own_high
        self.journal_seq = outbox.journal_seq(self.device)
        self.own_back.clear()
        self.unacked.clear()
        self.verified = True
        self.presence_due = True

    # -- applying -----------------------------------------------------------------------------------

    def _apply_ready(self) -> None:
        """Apply the events next in their origins' order, `apply_size` in a transaction (each
        event in its own savepoint: engine.sync.apply), up to APPLY_BATCH a turn."""
        done = 0
        while done < APPLY_BATCH:
            batch = self._ready(min(self.apply_size, APPLY_BATCH - done))
            if not batch:
                return
            done += len(batch)
            if not self._apply(batch):
                return  # nothing moved (all wait, or a failure): the next turn tries again

    def _ready(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` buffered events, each origin's contiguous after its applied seq."""
        batch: list[dict[str, Any]] = []
        for origin, state in self.origins.items():
            if origin in self.waiting:
                continue
            seq = self.applied.get(origin, 0) + 1
            while seq in state.pending and len(batch) < limit:
                batch.append(state.pending.pop(seq))
                seq += 1
        return batch

    def _apply(self, batch: list[dict[str, Any]]) -> bool:
        """One transaction; True when it applied (or refused) some of `batch`."""
        try:
            touched = apply_batch(batch, on_unknown=self._unknown_type)
        except Exception as error:  # noqa: BLE001 - a failed batch is retried event by event
            if database_busy(error):
                # Another writer held the database past the busy timeout (an app's long
                # write, a starved machine): nothing is wrong with the events, so they wait
                # for the next turn instead of being dropped and asked for again.
                log.warning("sync: applying %d events postponed: %s", len(batch), error)
                self._keep(batch)
                return False
            log.exception("sync: applying a batch of %d events failed", len(batch))
            self._apply_one_by_one(batch)
            return False
        self._applied(touched)
        for origin, seq, detail in touched.waiting:
            if self.waited.get(origin) != seq:  # logged and counted once per event
                log.info("sync: %s seq %d waits: %s", origin, seq, detail)
                self._count("waiting_reference", f"{origin} seq {seq}: {detail}")
                self.waited[origin] = seq
        if touched.applied:
            self.waiting.clear()  # what they wait for may have come: all are tried again
        else:
            self.waiting.update(origin for origin, _, _ in touched.waiting)
        held = {origin for origin, _, _ in touched.waiting}
        self._keep([event for event in batch if event["device"] in held
                    and event["seq"] > self.applied.get(event["device"], 0)])
        return bool(touched.applied)

    def _keep(self, events: list[dict[str, Any]]) -> None:
        """Events taken for applying go back to wait for their turn."""
        for event in events:
            self.origins[event["device"]].pending[event["seq"]] = event

    def _apply_one_by_one(self, batch: list[dict[str, Any]]) -> None:
        """A failed batch, event by event. An event's own refusal never comes here (apply_batch
        stores it as refused and goes on); what does is a failure outside the effects, maybe
        passing: the event is dropped and asked for again, and after `APPLY_ATTEMPTS` it is
        stored as refused, so one event never holds back its origin's later ones."""
        failed: set[str] = set()  # origins whose next event failed (dropped)
        untried: list[dict[str, Any]] = []
        for index, event in enumerate(batch):
            if event["device"] in failed:
                untried.append(event)
                continue
            try:
                self._applied(apply_batch([event], on_unknown=self._unknown_type))
            except Exception as error:  # noqa: BLE001 - this origin waits; the others go on
                if database_busy(error):  # this and the rest wait for the next turn
                    return self._keep(untried + batch[index:])
                where = (event["device"], event["seq"])
                self.apply_failures[where] = self.apply_failures.get(where, 0) + 1
                if self.apply_failures[where] >= APPLY_ATTEMPTS:
                    log.error("sync: %s seq %d failed %d times; stored as refused: %s",
                              *where, APPLY_ATTEMPTS, error)
                    self._applied(refuse_events([event], f"applying failed: {error}"))
                    self.apply_failures.pop(where, None)
                    continue
                failed.add(event["device"])
                self._drop("apply_failed", f"{event['device']} seq {event['seq']}: {error}")
        # A failed origin's later events wait behind the gap, which is asked for again after a
        # pause (`_request_missing`): only the failed event travels again, not all of them.
        return self._keep(untried)

    def _applied(self, touched) -> None:
        now = time.monotonic()
        for origin, seq in touched.applied.items():
            self.applied[origin] = seq
            self.origins[origin].last_progress = now
        for origin, seq, reason, detail in touched.rejected:
            # logged once: the event is stored, so it is never applied (or refused) again
            log.warning("sync: %s seq %d refused by the rules here (%s): %s", origin, seq,
                        reason, detail)
            self._count("rejected_event", f"{origin} seq {seq}: {reason}: {detail}")
            self._count(reason, f"{origin} seq {seq}: {detail}")
        self.presence_due = True

    def _unknown_type(self, event: dict[str, Any]) -> None:
        self._drop("unknown_type", f"{event['device']} seq {event['seq']} type {event['type']}"
                   " (stored, not applied)")

    def _request_missing(self) -> None:
        """Ask an origin to resend what we lack (a gap before buffered events, or behind its
        announced journal_seq) in windows: the next as soon as half of the last is applied, the
        same again when nothing came for a moment."""
        if not self.connected:
            return
        now = time.monotonic()
        for origin, state in self.origins.items():
            if origin not in self.members or origin == self.device:
                continue
            applied = self.applied.get(origin, 0)
            if applied + 1 in state.held:
                continue  # it is here, waiting for this clock (engine.sync.held)
            wanted = max(state.announced, max(state.pending, default=0))
            if wanted <= applied:
                continue
            stalled = (now - state.last_progress >= STALL_SECONDS
                       and now - state.last_request >= RESEND_RETRY_SECONDS)
            if state.requested_to > applied and not stalled:  # a window is on its way
                if state.requested_to - applied > RESEND_WINDOW // 2 or state.requested_to >= wanted:
                    continue
                start = state.requested_to + 1
            elif applied + 1 in state.pending or not stalled:
                continue
            else:
                start = applied + 1
            end = min(wanted, start + RESEND_WINDOW - 1)
            if state.pending and start <= min(state.pending) - 1:
                end = min(end, min(state.pending) - 1)  # only the gap before what is buffered
            request = {"from_seq": start, "to_seq": end, "requester": self.device}
            self.client.publish(self.topic("resend", origin),
                                json.dumps(signing.sign(request, self.key)), qos=1)
            state.requested_to, state.last_request = end, now
            log.info("sync: asked %s to resend %d-%d", origin, start, end)

    # -- outbound -------------------------------------------------------------------------------

    def _changed(self) -> bool:
        version = database.execute_sql("PRAGMA data_version").fetchone()[0]
        changed = version != self.data_version
        self.data_version = version
        return changed

    def _publish_outbox(self) -> None:
        if not self.verified:
            return
        if self._changed():
            self.journal_seq = outbox.journal_seq(self.device)
        if self.sent >= self.journal_seq or len(self.unacked) >= MAX_UNACKED_MESSAGES:
            return
        if time.monotonic() < self.publish_after:  # the broker refused: not at once again
            return
        events = outbox.events_between(self.device, self.sent + 1, self.journal_seq,
                                       EVENTS_PER_MESSAGE * 10)
        # Sign in memory and publish first; storing the signatures (Ed25519 is deterministic,
        # a resend signs the same) comes after, so no disk write sits in the latency path.
        self._sign(events)
        for chunk in self._packed(events):
            if len(self.unacked) >= MAX_UNACKED_MESSAGES:
                break
            info = self._publish_events(chunk)
            if info.rc != mqtt.MQTT_ERR_SUCCESS:
                break
            self.unacked[info.mid] = chunk[-1].seq
            self.sent = chunk[-1].seq
        self.presence_due = True

    def _sign(self, events) -> None:
        """Own events signed in memory (stored later with the bookkeeping)."""
        for event in events:
            if event.sig is None:
                event.sig = signing.sign(outbox.event_body(event, self.config.site), self.key)["sig"]
                self.new_signatures[event.seq] = event.sig

    def _packed(self, events) -> list[list]:
        """Events in messages of at most EVENTS_PER_MESSAGE and PACK_BYTES (one larger event
        goes alone), so no message reaches the broker's limit."""
        chunks: list[list] = []
        size = 0
        for event in events:
            length = len(json.dumps(outbox.message(event, self.config.site))) + 2
            if not chunks or len(chunks[-1]) >= EVENTS_PER_MESSAGE or size + length > PACK_BYTES:
                chunks.append([])
                size = 0
            chunks[-1].append(event)
            size += length
        return chunks

    def _publish_events(self, events) -> mqtt.MQTTMessageInfo:
        body = json.dumps([outbox.message(e, self.config.site) for e in events])
        return self.client.publish(self.topic("journal", self.device), body, qos=1)

    def _publish_handed_list(self) -> None:
        """A device list `playdesk sync publish-list` handed over: published retained; cleared
        once acknowledged (unless another was handed meanwhile)."""
        now = time.monotonic()
        if now - self.last_handed_check < HANDED_LIST_SECONDS:
            return
        self.last_handed_check = now
        if self.handed_list_acked is not None:
            with write():
                localstate.delete(localstate.OUTGOING_DEVICE_LIST, only_if=self.handed_list_acked)
            self.handed_list_acked = None
        handed = localstate.get(localstate.OUTGOING_DEVICE_LIST)
        if handed is None or (self.handed_list and self.handed_list[1] == handed):
            return
        info = self.client.publish(self.topic("devicelist"), handed, qos=1, retain=True)
        if info.rc == mqtt.MQTT_ERR_SUCCESS:
            self.handed_list = (info.mid, handed)

    def _handed_list_acked(self, mid: int) -> bool:
        if not (self.handed_list and self.handed_list[0] == mid):
            return False
        self.handed_list_acked, self.handed_list = self.handed_list[1], None
        return True

    def _acked(self, mid: int, reason_code: Any = 0) -> None:
        # the decision is the outbox's: only the acked prefix is published, a refusal rewinds
        self.published, refused = outbox.settle_ack(self.unacked, self.acked_mids,
                                                    self.published, mid, reason_code)
        if refused:
            self.sent = self.published
            self.publish_after = time.monotonic() + outbox.REFUSED_RETRY_SECONDS
            self._count("publish_refused", f"own events after {self.published}: {reason_code}")
            if time.monotonic() - self.refusal_logged >= OVERSIZE_LOG_SECONDS:
                self.refusal_logged = time.monotonic()
                log.error("sync: the broker refused own events after seq %d (%s); "
                          "publishing them again", self.published, reason_code)

    def _serve_resend(self) -> None:
        if not self.resend or len(self.unacked) >= MAX_UNACKED_MESSAGES // 2:
            return
        origin, (start, end) = next(iter(self.resend.items()))
        events = outbox.events_between(origin, start, end, EVENTS_PER_MESSAGE * 5)
        if origin == self.device:
            self._sign(events)
        events = [e for e in events if e.sig is not None]
        for chunk in self._packed(events):
            self._publish_events(chunk)
        if events and events[-1].seq < end:
            self.resend[origin] = (events[-1].seq + 1, end)
        else:
            del self.resend[origin]

    def _presence(self, online: bool) -> str:
        body = presence.body(self.device, self.config.site, self.config.kind, online,
                             self._announced_seq(), dict(self.applied), dt.datetime.now())
        return json.dumps(signing.sign(body, self.key))

    def _announced_seq(self) -> int:
        """The journal as far as others may ask for it (until checked: what was published)."""
        return self.journal_seq if self.verified else self.restore_floor

    def _publish_presence(self) -> None:
        now = time.monotonic()
        state = (self._announced_seq(), tuple(sorted(self.applied.items())))
        due = (self.presence_due and state != self.last_presence_state) or \
            now - self.last_presence > HEARTBEAT_SECONDS or not self.last_presence_state
        if not due or now - self.last_presence < 0.2:
            return
        self.client.publish(self.topic("devices", self.device), self._presence(True), qos=1,
                            retain=True)
        self.last_presence, self.last_presence_state = now, state
        self.presence_due = False

    # -- bookkeeping ------------------------------------------------------------------------------

    def _drop(self, reason: str, detail: str) -> None:
        log.warning("sync: dropped message (%s): %s", reason, detail)
        self._count(reason, detail)

    def _count(self, reason: str, detail: str) -> None:
        self.drops[reason] += 1
        self.drop_details[reason] = detail

    def _store_bookkeeping(self, force: bool = False) -> None:
        """Signatures, the acknowledged seq, presence and drop counters: one transaction."""
        if not (self.new_signatures or self.published != self.stored_published
                or self.presences or self.drops or self.held_report_due):
            return
        now = time.monotonic()
        if not force and now - self.last_bookkeeping < BOOKKEEPING_SECONDS:
            return
        self.last_bookkeeping = now
        with write():
            if self.new_signatures:
                outbox.store_signatures(self.device, self.new_signatures)
                self.new_signatures.clear()
            if self.published != self.stored_published:
                outbox.set_published_seq(self.published)
                self.stored_published = self.published
            if self.presences:
                presence.record(self.presences, dt.datetime.now())
                self.presences.clear()
            if self.held_report_due:
                held.store(self._held_report())
                self.held_report_due = False
            self._flush_drops()

    def _flush_drops(self) -> None:
        if not self.drops:
            return
        now = dt.datetime.now()
        with write():
            for reason, count in self.drops.items():
                detail = self.drop_details.get(reason)
                SyncDrop.insert(reason=reason, count=count, last_at=now,
                                last_detail=detail).on_conflict(
                    conflict_target=[SyncDrop.reason],
                    update={SyncDrop.count: SyncDrop.count + count, SyncDrop.last_at: now,
                            SyncDrop.last_detail: detail or SyncDrop.last_detail}).execute()
        self.drops.clear()
        self.drop_details.clear()

    def _set_online(self, online: bool) -> None:
        with write():
            set_sync_online(online)
