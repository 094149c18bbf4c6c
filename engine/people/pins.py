"""PINs of members and staff: only their scrypt hash is ever stored or put in a site file.

Format: `scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`, so the cost can be raised later while old
hashes still verify. Parameters are sized for a Raspberry Pi: a login check takes a fraction of
a second, and a stolen hash of a 4–8 digit PIN still costs an attacker real work per guess.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from engine.errors import N_, PlaydeskError

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
PIN_PATTERN = re.compile(r"[0-9]{4,8}")
HASH_PATTERN = re.compile(r"scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]{2,})\$([0-9a-f]{2,})")


def check_pin(pin: str) -> str:
    """The PIN if it is 4–8 digits, else PlaydeskError."""
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
        raise PlaydeskError(N_("a PIN is 4 to 8 digits"))
    return pin


def _derive(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=256 * n * r + 1024 * 1024)


def hash_pin(pin: str) -> str:
    check_pin(pin)
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def is_pin_hash(text: object) -> bool:
    """Whether `text` has the shape of a hash made by hash_pin (used by site-file validation)."""
    if not isinstance(text, str):
        return False
    match = HASH_PATTERN.fullmatch(text)
    if match is None:
        return False
    n = int(match.group(1))
    return n > 1 and n & (n - 1) == 0 and len(match.group(4)) % 2 == 0 and len(match.group(5)) % 2 == 0


def verify_pin(pin: str, pin_hash: str | None) -> bool:
    """Whether `pin` matches `pin_hash`, compared in constant time; False for a malformed hash."""
    if not pin_hash or not isinstance(pin, str) or not is_pin_hash(pin_hash):
        return False
    match = HASH_PATTERN.fullmatch(pin_hash)
    assert match is not None
    n, r, p = (int(match.group(i)) for i in (1, 2, 3))
    salt, expected = bytes.fromhex(match.group(4)), bytes.fromhex(match.group(5))
    try:
        digest = _derive(pin, salt, n, r, p, len(expected))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(digest, expected)
