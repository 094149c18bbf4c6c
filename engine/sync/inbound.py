"""Checks on every inbound message before it may change anything: shape, site, origin, signature,
and whether the origin's role may emit the event type. A failed check names the drop reason."""

from __future__ import annotations

import json
import re
from typing import Any

from engine.sync import signing
from engine.sync.validate import KIOSK_TABLES, KIOSK_TYPES  # noqa: F401 - re-exported

HLC_PATTERN = re.compile(r"^\d{15}\.\d{5}$")
EVENT_KEYS = {"site", "device", "seq", "hlc", "type", "payload", "sig"}
DEFINITION_TYPES = {"definitions"}
OWNER_ONLY_TYPES: set[str] = set()


def parse(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        return None


def event_shape(event: Any, site: str) -> str:
    """'' when `event` looks like an event for `site`, else the drop reason. It may come on
    another device's journal topic (relayed while its origin is offline): the origin's signature,
    not the topic, proves where it comes from."""
    if not isinstance(event, dict) or set(event) != EVENT_KEYS:
        return "malformed"
    if not (isinstance(event["device"], str) and isinstance(event["type"], str)
            and isinstance(event["payload"], str) and isinstance(event["hlc"], str)
            and HLC_PATTERN.match(event["hlc"])
            and isinstance(event["seq"], int) and not isinstance(event["seq"], bool)
            and event["seq"] > 0):
        return "malformed"
    if event["sig"] is None:
        return "unsigned"
    if event["site"] != site:
        return "wrong_site"
    return ""


def role_permits(role: str, event: dict[str, Any]) -> str:
    """'' when a device of `role` may send events at all, else the drop reason.

    What a role may emit (a kiosk: purchases, consumption and orders only) is a rule about the
    fact, checked on apply (engine/sync/validate.py): a signed event the rules refuse is stored,
    counted and kept as a conflict, so it never leaves a gap that holds back its origin's later
    events (issue 14, item 9). Dropping it here would.
    """
    return "" if role in ("owner", "counter", "kiosk") else "forbidden_type"


def signed_by(message: dict[str, Any], public_hex: str | None) -> str:
    if public_hex is None:
        return "unknown_device"
    return "" if signing.verify(message, public_hex) else "bad_signature"
