"""Coupon codes: alphabet, check character, normalization, no collisions, typos never valid."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.coupons.codes import (
    ALPHABET,
    LENGTH,
    RANDOM_BITS,
    check_character,
    display,
    is_well_formed,
    new_code,
    normalize,
)


def test_alphabet_has_no_look_alikes():
    assert not set("01OIL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    assert set(ALPHABET) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def test_enough_random_bits():
    assert RANDOM_BITS >= 50
    assert 31 ** (LENGTH - 1) >= 2**50


def test_shape_of_a_new_code():
    code = new_code()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set(normalize(code)) <= set(ALPHABET)
    assert is_well_formed(code)


def test_normalize_makes_typed_and_scanned_forms_equal():
    code = new_code()
    typed = " " + code.lower().replace("-", " ") + "\n"
    scanned = code.replace("-", "")
    assert normalize(typed) == normalize(scanned) == normalize(code) == code.replace("-", "")
    assert display(scanned) == code


def test_check_character_completes_a_body():
    body = normalize(new_code())[:-1]
    assert is_well_formed(body + check_character(body))


def test_not_well_formed():
    code = normalize(new_code())
    assert not is_well_formed(code[:-1])  # too short
    assert not is_well_formed(code + "2")  # too long
    assert not is_well_formed("")
    assert not is_well_formed("0" + code[1:])  # a look-alike is never part of a code


def test_a_large_batch_never_collides():
    codes = [new_code() for _ in range(200_000)]
    assert len(set(codes)) == len(codes)
    assert len({normalize(c) for c in codes}) == len(codes)


@settings(max_examples=300)
@given(seed_code=st.builds(new_code), position=st.integers(0, LENGTH - 1),
       replacement=st.sampled_from(ALPHABET + "01OIL"))
def test_any_single_character_change_is_detected(seed_code, position, replacement):
    text = normalize(seed_code)
    if text[position] == replacement:
        return
    changed = text[:position] + replacement + text[position + 1:]
    assert not is_well_formed(changed)


@settings(max_examples=300)
@given(seed_code=st.builds(new_code), first=st.integers(0, LENGTH - 1),
       second=st.integers(0, LENGTH - 1))
def test_any_transposition_is_detected(seed_code, first, second):
    chars = list(normalize(seed_code))
    if chars[first] == chars[second]:
        return
    chars[first], chars[second] = chars[second], chars[first]
    assert not is_well_formed("".join(chars))


def test_every_single_substitution_of_one_code_exhaustively():
    text = normalize(new_code())
    for position in range(LENGTH):
        for replacement in ALPHABET:
            if replacement != text[position]:
                changed = text[:position] + replacement + text[position + 1:]
                assert not is_well_formed(changed), changed
