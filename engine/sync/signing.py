"""Signed messages: a JSON object whose `sig` is the Ed25519 signature (hex) over the canonical
JSON (sorted keys, no spaces) of every other key."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.journal import dumps
from engine.sync.keys import public_key


def canonical(message: dict[str, Any]) -> bytes:
    return dumps({k: v for k, v in message.items() if k != "sig"}).encode()


def sign(message: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The message with its `sig`."""
    return {**message, "sig": key.sign(canonical(message)).hex()}


@lru_cache(maxsize=256)
def _cached_key(hex_text: str):
    return public_key(hex_text)


def verify(message: dict[str, Any], public_hex: str) -> bool:
    """True when `sig` is a valid signature of the rest by the key `public_hex`."""
    sig = message.get("sig")
    if not isinstance(sig, str):
        return False
    try:
        _cached_key(public_hex).verify(bytes.fromhex(sig), canonical(message))
    except (InvalidSignature, ValueError):
        return False
    return True
