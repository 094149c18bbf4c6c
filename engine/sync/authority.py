"""Strict operations (spec/sync.md): spending wallet/time credit and redeeming a coupon with a
redemption limit are asked of the site's authority device, which serializes them and answers
within a second (MQTT v5 request/response with correlation data). When it cannot be reached the
setting `offline_policy` decides, and what was allowed offline is marked so `conflicts` can tell.

Callers (checkout, consumption) ask `decide(op, subject...)` before they record the fact, and
store `Decision.offline` on it (e.g. `CouponRedemption.offline`).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from peewee import fn

from engine.db import write
from engine.ids import device_id
from engine.models import Consumption, Coupon, CouponRedemption, Lot
from engine.models.sync import StrictGrant
from engine.settings import setting
from engine.sync import signing

OPS = ("coupon.redeem", "balance.spend")
GRANT_HOLD = dt.timedelta(minutes=10)  # a grant whose fact never came stops counting then
TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class Decision:
    allowed: bool
    offline: bool  # decided by offline_policy, without the authority
    reason: str = ""


def offline_policy(op: str) -> str:
    """`allow` or `deny` for `op` from the setting `offline_policy` (a word, or {op: word}).
    Without the setting devices keep selling (allow) and `conflicts` reports the overdraws."""
    value: Any = setting("offline_policy", "allow")
    if isinstance(value, dict):
        value = value.get(op, value.get("default", "allow"))
    return "deny" if value == "deny" else "allow"


# -- the authority's side ---------------------------------------------------------------------

def _outstanding(subject: str, at: dt.datetime) -> list[StrictGrant]:
    return list(StrictGrant.select().where((StrictGrant.subject == subject)
                                           & ~StrictGrant.settled
                                           & (StrictGrant.at > at - GRANT_HOLD)))


def _settle(grants: list[StrictGrant], done: set[str]) -> int:
    """Mark grants whose fact arrived; returns how many are still open."""
    open_count = 0
    for grant in grants:
        if grant.reference in done:
            StrictGrant.update(settled=True).where(StrictGrant.id == grant.id).execute()
        else:
            open_count += grant.amount
    return open_count


def judge(request: dict[str, Any], at: dt.datetime) -> Decision:
    """The authority's answer, recorded as a grant in the same transaction (serialized by the
    database write lock, so two requests never both take the last redemption)."""
    op = request.get("op")
    with write():
        if StrictGrant.get_or_none(StrictGrant.id == request["request_id"]):
            return Decision(True, False, "already granted")  # the same request, resent
        if op == "coupon.redeem":
            decision, subject, amount = _judge_coupon(request, at), request["code"], 1
        elif op == "balance.spend":
            decision = _judge_balance(request, at)
            subject, amount = f"{request['member']}/{request['kind']}", int(request["amount"])
        else:
            return Decision(False, False, f"unknown operation {op}")
        if decision.allowed:
            StrictGrant.create(id=request["request_id"], op=op, subject=subject,
                               reference=request.get("reference"), amount=amount,
                               device=request.get("requester", device_id()), at=at)
        return decision


def _judge_coupon(request: dict[str, Any], at: dt.datetime) -> Decision:
    coupon = Coupon.get_or_none(Coupon.code == request["code"])
    if coupon is None:
        return Decision(False, False, "unknown coupon")
    if coupon.canceled_at is not None:
        return Decision(False, False, "canceled")
    if not coupon.max_redemptions:
        return Decision(True, False)
    redeemed = {r.receipt for r in CouponRedemption.select(CouponRedemption.receipt)
                .where(CouponRedemption.coupon == coupon.code)}
    held = _settle(_outstanding(coupon.code, at), redeemed)
    if len(redeemed) + held >= coupon.max_redemptions:
        return Decision(False, False, "already redeemed")
    return Decision(True, False)


def _judge_balance(request: dict[str, Any], at: dt.datetime) -> Decision:
    member, kind, amount = request["member"], request["kind"], int(request["amount"])
    available = (Lot.select(fn.COALESCE(fn.SUM(Lot.remaining), 0))
                 .where((Lot.member == member) & (Lot.kind == kind) & (Lot.status == "active")
                        & (Lot.expires_at.is_null() | (Lot.expires_at > at))).scalar())
    grants = _outstanding(f"{member}/{kind}", at)
    references = [g.reference for g in grants if g.reference]
    done: set[str] = set()
    if references:  # the fact names the grant by its reference (a receipt) or its first id
        for row in (Consumption.select(Consumption.id, Consumption.reference)
                    .where(Consumption.reference.in_(references)
                           | Consumption.id.in_(references))):
            done.update((row.id, row.reference))
    if available - _settle(grants, done) < amount:
        return Decision(False, False, "insufficient balance")
    return Decision(True, False)


class AuthorityServer:
    """Runs inside the authority device's sync process: answers `authority/request`."""

    def handle(self, service, data: Any, properties) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("request_id"), str):
            return service._drop("malformed", "authority request")
        member = service.members.get(str(data.get("requester")))
        if member is None or not signing.verify(data, member[1]):
            return service._drop("bad_signature", f"authority request from {data.get('requester')}")
        response_topic = getattr(properties, "ResponseTopic", None)
        expected = service.topic("authority", "response", str(data["requester"]))
        if response_topic != expected:
            return service._drop("malformed", f"authority response topic {response_topic}")
        try:
            decision = judge(data, dt.datetime.now())
        except (KeyError, TypeError, ValueError) as error:
            decision = Decision(False, False, f"bad request: {error}")
        answer = signing.sign({"request_id": data["request_id"], "allowed": decision.allowed,
                               "reason": decision.reason, "authority": service.device},
                              service.key)
        reply = _properties(correlation=getattr(properties, "CorrelationData", None))
        service.client.publish(response_topic, json.dumps(answer), qos=1, properties=reply)


def _properties(correlation: bytes | None = None, response_topic: str | None = None):
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    properties = Properties(PacketTypes.PUBLISH)
    if correlation is not None:
        properties.CorrelationData = correlation
    if response_topic is not None:
        properties.ResponseTopic = response_topic
    return properties


# -- the requester's side ---------------------------------------------------------------------

def decide(op: str, at: dt.datetime, timeout: float = TIMEOUT_SECONDS, **subject: Any) -> Decision:
    """Ask the authority for a strict operation; the offline policy answers when it cannot.

    `subject`: coupon.redeem → code, reference (the receipt); balance.spend → member, kind,
    amount, reference. Without sync configured this device is alone and decides itself.
    """
    if op not in OPS:
        raise ValueError(f"unknown strict operation {op}")
    from engine.sync.main import stored_config

    config = stored_config()
    request = {"op": op, "request_id": uuid.uuid4().hex, "requester": device_id(), **subject}
    if config is None or config.get("authority") in (None, device_id()):
        return judge(request, at)
    answer = _ask(config, request, timeout)
    if answer is None:
        allowed = offline_policy(op) == "allow"
        return Decision(allowed, True, "authority unreachable: offline policy")
    return Decision(bool(answer.get("allowed")), False, str(answer.get("reason", "")))


def _ask(config: dict[str, Any], request: dict[str, Any], timeout: float) -> dict | None:
    """One request/response round trip; None when no valid answer came within `timeout`."""

    from engine.db import database
    from engine.sync.client import SyncConfig, make_client
    from engine.sync.devicelist import members
    from engine.sync.keys import key_path, load_or_create

    sync_config = SyncConfig(**config)
    key = load_or_create(key_path(database.database))
    authority_key = members().get(config["authority"], (None, None))[1]
    prefix = sync_config.prefix()
    response_topic = f"{prefix}authority/response/{request['requester']}"
    correlation = request["request_id"].encode()
    answered = threading.Event()
    result: dict[str, Any] = {}

    def on_connect(client, userdata, flags, reason_code, properties):
        if not reason_code.is_failure:
            client.subscribe(response_topic, qos=1)

    def on_subscribe(client, userdata, mid, reason_codes, properties):
        client.publish(f"{prefix}authority/request", json.dumps(signing.sign(request, key)),
                       qos=1, properties=_properties(correlation, response_topic))

    def on_message(client, userdata, message):
        if getattr(message.properties, "CorrelationData", None) != correlation:
            return
        try:
            answer = json.loads(message.payload)
        except ValueError:
            return
        if authority_key and signing.verify(answer, authority_key):
            result.update(answer)
            answered.set()

    client = make_client(sync_config, f"playdesk-{sync_config.site}-{request['requester']}-"
                                      f"rr-{request['request_id'][:8]}")
    client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
    try:
        client.connect_async(sync_config.host, sync_config.port, keepalive=5, clean_start=True)
        client.loop_start()
        answered.wait(timeout)
    finally:
        client.disconnect()
        client.loop_stop()
    return result if answered.is_set() else None

