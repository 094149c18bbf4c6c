"""What travels on the station topics, and its signature (docs/station-protocol.md).

The meter signs every `command` and `state` with the authority device's Ed25519 key (the key
playdesk-sync signs its journal with, engine.sync.signing: `sig` over the canonical JSON of the
other keys). Each carries `site`, `station` and `issued` (the meter's clock, ISO) so a signed
message cannot be replayed on another site or station; the agent also refuses a command whose
`seq` (nanoseconds since the epoch, increasing within one meter run and across runs) is not
after the last one it accepted.
"""

from __future__ import annotations

import json
import time
from typing import Any

from engine.sync import signing

# Larger payloads are dropped unread (nobody sends more than a few hundred bytes).
MAX_PAYLOAD_BYTES = 16 * 1024
ACTIONS = ("start", "stop", "pause", "resume", "message")
REQUESTS = ("login", "logout")


def parse(payload: bytes) -> dict[str, Any] | None:
    """A JSON object, or None for anything else (too large, not JSON, not an object)."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        return None
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, sort_keys=True, separators=(",", ":")).encode()


_last_seq = 0


def next_seq() -> int:
    """Strictly increasing in this process, and after any earlier run (wall nanoseconds)."""
    global _last_seq
    _last_seq = max(time.time_ns(), _last_seq + 1)
    return _last_seq


def signed(kind: str, site: str, station: str, body: dict[str, Any], key, issued: str) -> bytes:
    """A signed `command` or `state` message for `station`."""
    message = {**body, "kind": kind, "site": site, "station": station, "issued": issued,
               "seq": next_seq()}
    return encode(signing.sign(message, key))


def verified(kind: str, site: str, station: str, data: dict[str, Any] | None,
             public_hex: str) -> str | None:
    """Why `data` is not a genuine `kind` message for this station (None: it is)."""
    if data is None:
        return "malformed"
    if not signing.verify(data, public_hex):
        return "bad_signature"
    if data.get("kind") != kind:
        return "wrong_kind"
    if data.get("site") != site or data.get("station") != station:
        return "other_station"
    if not isinstance(data.get("seq"), int):
        return "malformed"
    if kind == "command" and data.get("action") not in ACTIONS:
        return "unknown_action"
    return None
