"""PIN hashing: scrypt with a random salt, constant-time verification, digits only."""

from __future__ import annotations

import pytest

from engine.errors import PlaydeskError
from engine.people.pins import hash_pin, is_pin_hash, verify_pin


def test_a_hash_verifies_its_pin_only():
    pin_hash = hash_pin("4711")
    assert pin_hash.startswith("scrypt$16384$8$1$") and is_pin_hash(pin_hash)
    assert verify_pin("4711", pin_hash)
    assert not verify_pin("4712", pin_hash)
    assert not verify_pin("47110", pin_hash)


def test_the_salt_is_random():
    assert hash_pin("12345678") != hash_pin("12345678")


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", " 1234"])
def test_a_pin_is_four_to_eight_digits(pin):
    with pytest.raises(PlaydeskError, match="4 to 8 digits"):
        hash_pin(pin)


@pytest.mark.parametrize("pin_hash", [None, "", "1234", "scrypt$3$8$1$00$00", "bcrypt$x",
                                      "scrypt$16384$8$1$zz$00"])
def test_malformed_hashes_never_verify(pin_hash):
    assert not verify_pin("1234", pin_hash)
