"""Finding the coupon a typed or scanned text means.

A coupon barcode first loses its prefix/suffix (the barcode setup, longest prefix first); then the
text as typed is tried too. Each candidate is compared in normalized form (`codes.normalize`,
uppercase without spaces or dashes) through the expression index on the code. Two stored codes
that normalize alike are ambiguous: the exact spelling wins, otherwise nothing is found — a
scan must never pick one of two coupons by chance. Not found means "unknown".
"""

from __future__ import annotations

from engine.codes.rules import matching_rules
from engine.coupons.codes import normalize
from engine.models import BarcodeRule, Coupon
from engine.models.coupons import lookup_key


def find_coupon(scanned: str, rules: list[BarcodeRule] | None = None) -> Coupon | None:
    """The coupon `scanned` (a code as typed, or a coupon barcode) names, or None; `rules` the
    barcode rules when the caller has read them already."""
    text = str(scanned).strip()
    candidates = [inner for _rule, inner in matching_rules(text, "coupon", rules)] + [text]
    for candidate in candidates:
        coupon = _by_code(candidate)
        if coupon is not None:
            return coupon
    return None


def _by_code(text: str) -> Coupon | None:
    key = normalize(text)
    if not key:
        return None
    matches = list(Coupon.select().where(lookup_key(Coupon.code) == key).limit(2))
    if len(matches) == 1:
        return matches[0]
    exact = [coupon for coupon in matches if coupon.code == text]
    return exact[0] if exact else None
