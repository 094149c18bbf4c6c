"""Strict operations (spec/sync.md): spending wallet/time credit, redeeming a coupon with a
redemption limit, refunding a purchase or a receipt and completing a kiosk order are asked of the
site's authority device, which serializes them and answers within a second (MQTT v5
request/response with correlation data). When it cannot be reached the setting `offline_policy`
decides, per operation, and what was allowed offline is marked so `conflicts` can tell.

Grants (the authority's yes) have unique ids, the request id, which the requester names on the
facts that use them (`hold` on consumption and coupon redemptions) or which are recognised by
their subject (a refund of the purchase, the receipt's refunded lines, the order's completion).
A grant never lapses by time: it stays reserved until the authority has seen the fact that uses
it or the requester's release (engine.sync.strict: the requester keeps each open hold in
`strict_hold` and releases it when its operation failed or its process died, never both
recording the fact and releasing). For a spend the authority names the lots and amounts, on its
own view of every device's facts less what its open grants reserve, and the requester records
exactly those draws, so no lot goes negative after merge. The refunds of one receipt go one at a
time: refused while any grant on the receipt is open, and refused to a requester that does not
name (`known`) every refund of the receipt the authority has, because the requester splits its
refund over the payment methods from what earlier refunds returned (engine/sales/refunds.py).

One clock: a request carries the operation's time `at` (the site's time zone, as every "now"
in playdesk), and the authority judges expiry by that time, for its own operations and others'.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from engine.db import database, write
from engine.derived import refunded_lines
from engine.ids import device_id
from engine.lots.draws import Usable, plan, plan_capped, usable_lots
from engine.lots.rules import STATION_DEVICES
from engine.models import Consumption, Coupon, CouponRedemption, PlaySession, Refund
from engine.models.orders import OrderCompletion
from engine.models.shifts import ReceiptRefund
from engine.models.sync import StrictGrant
from engine.money import MAX_AMOUNT
from engine.settings import setting
from engine.sync import signing
from engine.sync.client import ASK_WAIT_SECONDS, exclusive, make_ask_client
from engine.sync.config import SyncConfig, stored_config
from engine.sync.devicelist import members
from engine.sync.keys import key_path, load_or_create

OPS = ("coupon.redeem", "balance.spend", "purchase.refund", "receipt.refund", "order.complete",
       "session.start", "hold.release")
# Without the setting: selling and spending go on offline (conflicts reports overdraws), but
# money paid out or a kiosk order handed over twice cannot be taken back: denied.
OFFLINE_DEFAULTS = {"coupon.redeem": "allow", "balance.spend": "allow",
                    "purchase.refund": "deny", "receipt.refund": "deny",
                    "order.complete": "deny", "session.start": "deny",
                    "hold.release": "allow"}
TIMEOUT_SECONDS = 1.0
ANSWER_KEYS = ("request_id", "requester", "op", "allowed", "reason", "authority", "draws")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    offline: bool  # decided by offline_policy, without the authority
    reason: str = ""
    hold: str | None = None  # the grant's id: the facts using it carry it
    draws: tuple[tuple[str, int], ...] | None = None  # a spend: exactly what to record


def offline_policy(op: str) -> str:
    """`allow` or `deny` for `op` from the setting `offline_policy`: one word for every
    operation, or {op: word, default: word}; without it (or without the op and a default),
    the operation's own default (OFFLINE_DEFAULTS: deny for refunds and order completion)."""
    value: Any = setting("offline_policy", None)
    if isinstance(value, dict):  # sessions.md names its operation `session_start`
        value = value.get(op, value.get(op.replace(".", "_"), value.get("default")))
    if value not in ("allow", "deny"):
        value = OFFLINE_DEFAULTS.get(op, "deny")
    return value


# -- the authority's side ---------------------------------------------------------------------

def _subject(op: str, request: dict[str, Any]) -> str:
    if op == "coupon.redeem":
        return str(request["code"])
    if op == "balance.spend":
        return f"{request['member']}/{request['kind']}"
    if op == "purchase.refund":
        return f"purchase/{request['purchase']}"
    if op == "receipt.refund":
        return f"receipt/{request['receipt']}"
    if op == "session.start":
        return f"session/{request['member']}"
    return f"order/{request['order']}"


def _settled(grant: StrictGrant) -> bool:
    """Whether the fact the grant allowed is here (its release marks it settled directly)."""
    if grant.op == "balance.spend":
        return Consumption.select().where(Consumption.hold == grant.id).exists()
    if grant.op == "coupon.redeem":
        return CouponRedemption.select().where(CouponRedemption.hold == grant.id).exists()
    if grant.op == "purchase.refund":
        return Refund.select().where(Refund.purchase == grant.reference).exists()
    if grant.op == "receipt.refund":

        return set(json.loads(grant.draws or "[]")) <= refunded_lines(grant.reference)
    if grant.op == "session.start":
        return PlaySession.select().where(PlaySession.hold == grant.id).exists()
    if grant.op == "order.complete":

        return OrderCompletion.select().where(OrderCompletion.order == grant.reference).exists()
    return True


def open_grants(subject: str) -> list[StrictGrant]:
    """The subject's grants whose fact has not arrived yet (marking the others settled)."""
    grants = []
    for grant in StrictGrant.select().where((StrictGrant.subject == subject)
                                            & ~StrictGrant.settled):
        if _settled(grant):
            StrictGrant.update(settled=True).where(StrictGrant.id == grant.id).execute()
        else:
            grants.append(grant)
    return grants


def _parse_at(request: dict[str, Any]) -> dt.datetime:
    value = dt.datetime.fromisoformat(str(request["at"]))
    return value.replace(tzinfo=None)


def judge(request: dict[str, Any]) -> Decision:
    """The authority's answer, recorded as a grant in the same transaction (serialized by the
    database write lock, so two requests never both take the last of anything)."""
    op = request.get("op")
    if op not in OPS:
        return Decision(False, False, f"unknown operation {op}")
    request_id, requester = str(request["request_id"]), str(request["requester"])
    with write():
        if op == "hold.release":
            return _release(str(request["hold"]), requester)
        at = _parse_at(request)
        known = StrictGrant.get_or_none(StrictGrant.id == request_id)
        if known is not None:  # the same request, resent; or released before it came
            if known.device != requester:
                return Decision(False, False, "request id already used")
            if known.op == "hold.release":
                return Decision(False, False, "released", hold=request_id)
            return Decision(True, False, "already granted", hold=request_id,
                            draws=_draws(known) if known.op == "balance.spend" else None)
        subject = _subject(op, request)
        grants = open_grants(subject)
        reference, amount, draws = request.get("reference"), 1, None
        if op == "coupon.redeem":
            decision = _judge_coupon(request, grants)
        elif op == "balance.spend":
            decision = _judge_balance(request, at, grants)
            amount = sum(n for _, n in decision.draws or ())
            draws = decision.draws
        elif op == "purchase.refund":
            reference = str(request["purchase"])
            decision = _judge_refund(reference, grants)
        elif op == "session.start":
            reference = str(request["station"])
            decision = _judge_session_start(str(request["member"]), reference, grants)
        elif op == "receipt.refund":
            reference = str(request["receipt"])
            lines = sorted({int(n) for n in request["lines"]})
            known = request.get("known", [])  # a release that does not say knows none
            decision, draws = _judge_receipt(reference, lines, known, grants), lines
        else:
            reference = str(request["order"])
            decision = _judge_order(reference, grants)
        if not decision.allowed:
            return decision
        StrictGrant.create(id=request_id, op=op, subject=subject, reference=reference,
                           amount=amount, device=requester, at=at,
                           draws=json.dumps(draws) if draws is not None else None)
        return Decision(True, False, decision.reason, hold=request_id, draws=decision.draws)


def _draws(grant: StrictGrant) -> tuple[tuple[str, int], ...]:
    return tuple((str(lot), int(n)) for lot, n in json.loads(grant.draws or "[]"))


def _release(hold: str, requester: str) -> Decision:
    """The requester gives a grant up (its operation failed): the reservation ends. Only the
    grant's own requester can; a release that comes before its request leaves a tombstone, so
    the late request is refused instead of reserving forever."""
    grant = StrictGrant.get_or_none(StrictGrant.id == hold)
    if grant is None:
        StrictGrant.create(id=hold, op="hold.release", subject="", device=requester,
                           at=dt.datetime(1970, 1, 1), settled=True, amount=0)
    elif grant.device != requester:
        return Decision(False, False, "not the requester's grant")
    else:
        StrictGrant.update(settled=True).where(StrictGrant.id == hold).execute()
    return Decision(True, False, "released")


def _judge_coupon(request: dict[str, Any], grants: list[StrictGrant]) -> Decision:
    coupon = Coupon.get_or_none(Coupon.code == request["code"])
    if coupon is None:
        return Decision(False, False, "unknown coupon")
    if coupon.canceled_at is not None:
        return Decision(False, False, "canceled")
    if not coupon.max_redemptions:
        return Decision(True, False)
    redeemed = CouponRedemption.select().where(CouponRedemption.coupon == coupon.code).count()
    if redeemed + len(grants) >= coupon.max_redemptions:
        return Decision(False, False, "already redeemed")
    return Decision(True, False)


def _judge_balance(request: dict[str, Any], at: dt.datetime,
                   grants: list[StrictGrant]) -> Decision:
    """The draws, on the authority's lots less what open grants reserve on each of them."""
    member, kind, amount = str(request["member"]), str(request["kind"]), int(request["amount"])
    device = request.get("device", "any")
    reserved: dict[str, int] = {}
    for grant in grants:
        for lot, n in _draws(grant):
            reserved[lot] = reserved.get(lot, 0) + n
    caps = request.get("caps")
    if caps is not None:
        if not _valid_caps(caps) or device != "any" or request.get("partial"):
            return Decision(False, False, "malformed device caps")
        return _plan_spend(member, kind, amount, None, at, reserved, False, caps)
    return _plan_spend(member, kind, amount, None if device is None else str(device), at,
                       reserved, bool(request.get("partial")))


def _valid_caps(caps: Any) -> bool:
    """{device: cap}: a receipt's nets per station device, whole amounts of at least 0."""
    return isinstance(caps, dict) and all(
        device in STATION_DEVICES and isinstance(cap, int) and not isinstance(cap, bool)
        and 0 <= cap <= MAX_AMOUNT for device, cap in caps.items())


def _plan_spend(member: str, kind: str, amount: int, device: str | None, at: dt.datetime,
                reserved: dict[str, int], partial: bool,
                caps: dict[str, int] | None = None) -> Decision:
    if amount <= 0:
        raise ValueError("amount must be positive")
    free = [Usable(lot.id, lot.remaining - reserved.get(lot.id, 0), lot.device)
            for lot in usable_lots(member, kind, device, at)]
    usable = [lot for lot in free if lot.remaining > 0]
    draws = tuple(plan(usable, amount) if caps is None else plan_capped(usable, amount, caps))
    taken = sum(n for _, n in draws)
    if taken == 0 or (taken < amount and not partial):
        return Decision(False, False, "insufficient balance")
    return Decision(True, False, draws=draws)


_OPEN_SPENDS = "SELECT id, draws FROM strict_grant WHERE subject = ? AND NOT settled"
_SPEND_SETTLED = "SELECT 1 FROM consumption WHERE hold = ? LIMIT 1"


def spend_here(member: str, kind: str, amount: int, device: str, at: dt.datetime) -> Decision:
    """The authority's judgement of its own spend, inside the transaction that records it:
    the draws on its lots less what other devices' open grants reserve, as `judge` plans them,
    but without a grant of its own (its fact commits in the same transaction, so nothing is
    left to reserve). Plain SQL: the meter spends every running session's minute this way."""
    reserved: dict[str, int] = {}
    for grant, draws in database.execute_sql(_OPEN_SPENDS, (f"{member}/{kind}",)).fetchall():
        if database.execute_sql(_SPEND_SETTLED, (grant,)).fetchone():
            database.execute_sql("UPDATE strict_grant SET settled = 1 WHERE id = ?", (grant,))
            continue
        for lot, n in json.loads(draws or "[]"):
            reserved[str(lot)] = reserved.get(str(lot), 0) + int(n)
    return _plan_spend(member, kind, amount, device, at, reserved, partial=False)


def _judge_once(done: bool, grants: list[StrictGrant], done_reason: str,
                busy_reason: str) -> Decision:
    """A thing that happens once (a purchase refunded, an order completed): no if it happened,
    or if another device holds a grant for it."""
    if done:
        return Decision(False, False, done_reason)
    if grants:
        return Decision(False, False, f"{busy_reason} on {grants[0].device}")
    return Decision(True, False)


def _judge_refund(purchase: str, grants: list[StrictGrant]) -> Decision:
    done = Refund.select().where(Refund.purchase == purchase).exists()
    return _judge_once(done, grants, "already refunded", "being refunded")


def _judge_receipt(receipt: str, lines: list[int], known: Any,
                   grants: list[StrictGrant]) -> Decision:
    """No when a line is refunded already, while another refund of the receipt has an open
    grant (its payment split is not here yet), or when the requester has not seen a refund of
    the receipt that the authority has: the requester computes its split from what earlier
    refunds returned, so it must know them all (or a method gets back more than it paid)."""
    if not lines:
        raise ValueError("a receipt refund names its lines")
    if not isinstance(known, list) or not all(isinstance(ref, str) for ref in known):
        raise ValueError("known must list refund ids")
    done = refunded_lines(receipt) & set(lines)
    if done:
        return Decision(False, False, f"line {min(done)} already refunded")
    if grants:
        return Decision(False, False, f"being refunded on {grants[0].device}")
    here = {row.id for row in ReceiptRefund.select(ReceiptRefund.id)
            .where(ReceiptRefund.receipt == receipt)}
    unseen = sorted(here - set(known))
    if unseen:
        return Decision(False, False, f"wait: refund {unseen[0]} of this receipt has not "
                                      f"reached this counter yet")
    return Decision(True, False)


# a session is open until its stop event (engine/sessions/facts.py)
_OPEN_SESSION = ("SELECT id FROM play_session AS s WHERE {column} = ? AND NOT EXISTS (SELECT 1 "
                 "FROM session_event AS e WHERE e.session = s.id AND e.kind = 'stop') LIMIT 1")


def _judge_session_start(member: str, station: str, grants: list[StrictGrant]) -> Decision:
    """One open session per member and per station (sessions.md), on the authority's view and
    its open grants; the member's cover is judged by the spend of minute 1."""
    if grants:
        return Decision(False, False, f"{member} is starting a session on {grants[0].device}")
    for column, what in (("member", f"{member} is playing"), ("station", f"{station} is in use")):
        row = database.execute_sql(_OPEN_SESSION.format(column=column),
                                   (member if column == "member" else station,)).fetchone()
        if row is not None:
            return Decision(False, False, f"{what} (session {row[0]})")
    for grant in StrictGrant.select().where((StrictGrant.op == "session.start")
                                            & (StrictGrant.reference == station)
                                            & ~StrictGrant.settled):
        if not _settled(grant):
            return Decision(False, False, f"{station} is being started on {grant.device}")
    return Decision(True, False)


def _judge_order(order: str, grants: list[StrictGrant]) -> Decision:
    done = OrderCompletion.select().where(OrderCompletion.order == order).exists()
    return _judge_once(done, grants, "already paid", "being completed")


def answer_document(request: dict[str, Any], decision: Decision, authority: str) -> dict:
    """What the authority signs: the decision bound to the request it answers."""
    return {"request_id": request["request_id"], "requester": request["requester"],
            "op": request["op"], "allowed": decision.allowed, "reason": decision.reason,
            "authority": authority,
            "draws": [list(d) for d in decision.draws] if decision.draws is not None else None}


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
            decision = judge(data)
        except (KeyError, TypeError, ValueError) as error:
            decision = Decision(False, False, f"bad request: {error}")
        answer = signing.sign(answer_document(data, decision, service.device), service.key)
        reply = _properties(correlation=getattr(properties, "CorrelationData", None))
        service.client.publish(response_topic, json.dumps(answer), qos=1, properties=reply)


def _properties(correlation: bytes | None = None, response_topic: str | None = None):

    properties = Properties(PacketTypes.PUBLISH)
    if correlation is not None:
        properties.CorrelationData = correlation
    if response_topic is not None:
        properties.ResponseTopic = response_topic
    return properties


# -- the requester's side ---------------------------------------------------------------------

def decide(op: str, at: dt.datetime, timeout: float = TIMEOUT_SECONDS,
           request_id: str | None = None, **subject: Any) -> Decision:
    """Ask the authority for a strict operation; the offline policy answers when it cannot.

    `subject`: coupon.redeem → code, reference (the receipt); balance.spend → member, kind,
    amount, device, partial, reference; purchase.refund → purchase; receipt.refund → receipt,
    lines, known (the ids of the receipt's refunds the requester has); order.complete → order;
    session.start → member, station; hold.release → hold. `request_id` is the grant's id (the hold the caller keeps). On the
    authority device itself it judges here.
    """
    if op not in OPS:
        raise ValueError(f"unknown strict operation {op}")

    config = stored_config()
    request = {"op": op, "request_id": request_id or uuid.uuid4().hex,
               "requester": device_id(), "at": at.isoformat(), **subject}
    if config is None or config.get("authority") in (None, device_id()):
        return judge(request)
    answer = _ask(config, request, timeout)
    if answer is None:
        allowed = offline_policy(op) == "allow"
        return Decision(allowed, True, "authority unreachable: offline policy")
    draws = answer.get("draws")
    return Decision(bool(answer.get("allowed")), False, str(answer.get("reason", "")),
                    hold=request["request_id"] if answer.get("allowed") else None,
                    draws=tuple((str(lot), int(n)) for lot, n in draws) if draws else None)


def answers(request: dict[str, Any], answer: Any, authority: str,
            authority_key: str | None) -> bool:
    """Whether `answer` is the authority's signed answer to exactly this request: a replayed
    yes to another request (or for another device, operation or authority) is refused."""
    if not isinstance(answer, dict) or not authority_key:
        return False
    if set(answer) != {*ANSWER_KEYS, "sig"} or not signing.verify(answer, authority_key):
        return False
    if (answer["request_id"], answer["requester"], answer["op"], answer["authority"]) != (
            request["request_id"], request["requester"], request["op"], authority):
        return False
    draws = answer["draws"]
    return draws is None or (isinstance(draws, list) and all(
        isinstance(d, list) and len(d) == 2 and isinstance(d[0], str)
        and isinstance(d[1], int) and not isinstance(d[1], bool) and d[1] > 0 for d in draws))


def _ask(config: dict[str, Any], request: dict[str, Any], timeout: float) -> dict | None:
    """One request/response round trip; None when no valid answer came within `timeout`."""


    sync_config = SyncConfig(**config)
    key = load_or_create(key_path(database.database))
    authority = str(config["authority"])
    authority_key = members().get(authority, (None, None))[1]
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
        if not answered.is_set() and answers(request, answer, authority, authority_key):
            result.update(answer)
            answered.set()

    # as the device's ask account (its own connection is its sync process's), one asking
    # process of the device at a time (they share that account: a second would replace it)
    with exclusive("ask", ASK_WAIT_SECONDS) as mine:
        if not mine:
            return None
        client = make_ask_client(sync_config, f"playdesk-{sync_config.site}-"
                                              f"{request['requester']}-rr-{request['request_id'][:8]}")
        client.on_connect, client.on_subscribe = on_connect, on_subscribe
        client.on_message = on_message
        try:
            client.connect_async(sync_config.host, sync_config.port, keepalive=5, clean_start=True)
            client.loop_start()
            answered.wait(timeout)
        finally:
            client.disconnect()
            client.loop_stop()
    return result if answered.is_set() else None
