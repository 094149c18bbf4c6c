"""Coupon codes: unpredictable, readable, and self-checking.

A generated code is 11 random characters plus 1 check character over a 31-letter alphabet
(digits and uppercase letters without the look-alikes 0/O and 1/I/L), shown in groups of four:
`7KQ2-M9XD-4PAR`. 11 × log2(31) ≈ 54.5 random bits, drawn from `secrets`.

The check character makes Σ (position+1) × value(char) ≡ 0 (mod 31) over all 12 characters.
31 is prime and every weight is distinct and non-zero mod 31, so changing any one character, or
swapping any two characters (adjacent or not), always breaks the sum: a mistyped code can never be
another generated code, and pricing reports it as "unknown".

`normalize` is the form lookups compare: uppercase, spaces and dashes removed, so a code typed
as `7kq2 m9xd 4par` or scanned as `7KQ2M9XD4PAR` finds the stored `7KQ2-M9XD-4PAR`.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0 O 1 I L
BASE = len(ALPHABET)  # 31, prime
VALUES = {char: index for index, char in enumerate(ALPHABET)}
RANDOM_LENGTH = 11
LENGTH = RANDOM_LENGTH + 1
GROUP = 4
RANDOM_BITS = 54  # ⌊11 × log2(31)⌋, at least the 50 the spec asks for
_SEPARATORS = re.compile(r"[\s\-]+")
_SPACE = BASE**RANDOM_LENGTH
_CHECK_INVERSE = pow(LENGTH, -1, BASE)  # the check character's weight, inverted mod 31


def normalize(text: str) -> str:
    """The comparable form of a typed or scanned code: uppercase, no spaces or dashes."""
    return _SEPARATORS.sub("", str(text)).upper()


def check_character(body: str) -> str:
    """The character that completes `body` (already normalized, alphabet only) to a valid code."""
    total = sum((position + 1) * VALUES[char] for position, char in enumerate(body))
    weight = len(body) + 1
    # value × weight ≡ −total (mod 31); pow(weight, -1, 31) is the inverse of the weight
    return ALPHABET[(-total * pow(weight, -1, BASE)) % BASE]


def is_well_formed(code: str) -> bool:
    """True when `code` (any spacing or case) is a generated-style code whose check verifies."""
    text = normalize(code)
    if len(text) != LENGTH or any(char not in VALUES for char in text):
        return False
    return sum((position + 1) * VALUES[char] for position, char in enumerate(text)) % BASE == 0


def display(code: str) -> str:
    """Groups of four, joined by dashes: the form stored, printed and shown."""
    text = normalize(code)
    return "-".join(text[i:i + GROUP] for i in range(0, len(text), GROUP))


def new_code() -> str:
    """A fresh random code in display form, e.g. `7KQ2-M9XD-4PAR` (hot path of the wizard)."""
    number = secrets.randbelow(_SPACE)
    values = []
    total = 0
    for weight in range(1, RANDOM_LENGTH + 1):
        number, value = divmod(number, BASE)
        values.append(value)
        total += weight * value
    values.append(-total * _CHECK_INVERSE % BASE)
    text = "".join([ALPHABET[value] for value in values])
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"
