"""An authority answer is accepted only for the request it answers (issue 14 item 6): a signed
yes replayed to another request, another device or another operation, a forged or unsigned
answer, or one with malformed draws, is refused by the requester."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.sync import signing
from engine.sync.authority import Decision, answer_document, answers
from engine.sync.keys import public_hex

AUTHORITY_KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()
REQUEST = {"op": "balance.spend", "request_id": "a" * 32, "requester": "K1", "member": "M1",
           "kind": "wallet", "amount": 400}
YES = Decision(True, False, "ok", draws=(("C1-L1", 400),))


def _signed(request: dict, key: Ed25519PrivateKey = AUTHORITY_KEY, **changes) -> dict:
    return signing.sign({**answer_document(request, YES, "C1"), **changes}, key)


def test_the_answer_to_this_request_is_accepted():
    assert answers(REQUEST, _signed(REQUEST), "C1", public_hex(AUTHORITY_KEY))


def test_a_replayed_yes_to_an_earlier_request_is_refused():
    earlier = {**REQUEST, "request_id": "b" * 32}
    assert not answers(REQUEST, _signed(earlier), "C1", public_hex(AUTHORITY_KEY))


def test_an_answer_for_another_device_operation_or_authority_is_refused():
    key = public_hex(AUTHORITY_KEY)
    assert not answers(REQUEST, _signed({**REQUEST, "requester": "C2"}), "C1", key)
    assert not answers(REQUEST, _signed({**REQUEST, "op": "coupon.redeem"}), "C1", key)
    assert not answers(REQUEST, _signed(REQUEST), "C2", key)


def test_forged_unsigned_or_malformed_answers_are_refused():
    key = public_hex(AUTHORITY_KEY)
    assert not answers(REQUEST, _signed(REQUEST, OTHER_KEY), "C1", key)
    unsigned = answer_document(REQUEST, YES, "C1")
    assert not answers(REQUEST, unsigned, "C1", key)
    assert not answers(REQUEST, _signed(REQUEST), "C1", None)  # authority key unknown
    for draws in ([["C1-L1", -400]], [["C1-L1", True]], [["C1-L1"]], "C1-L1"):
        assert not answers(REQUEST, _signed(REQUEST, draws=draws), "C1", key), draws
    assert not answers(REQUEST, None, "C1", key)
