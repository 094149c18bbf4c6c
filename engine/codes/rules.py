"""The site's barcode rules: a prefix (and suffix) that marks a barcode as a coupon, campaign,
member or item code, and the GTIN check digit that tells a misread from an unknown code.

`barcode_rules()` reads the rules once, longest prefix first; the matching functions take that
list, so one scan reads them once however many kinds it tries.
"""

from __future__ import annotations

from engine.models import BarcodeRule


def gtin_check_digit_ok(code: str) -> bool:
    """EAN-8, UPC-A (12), EAN-13, GTIN-14: the mod-10 check digit."""
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def looks_like_gtin(code: str) -> bool:
    return code.isdigit() and len(code) in (8, 12, 13, 14)


def strip_rule(code: str, rule: BarcodeRule) -> str | None:
    """The code inside `code` when it matches the rule's prefix and suffix, else None."""
    if not code.startswith(rule.prefix):
        return None
    if rule.suffix and not code.endswith(rule.suffix):
        return None
    inner = code[len(rule.prefix): len(code) - len(rule.suffix) if rule.suffix else None]
    return inner or None


def barcode_rules() -> list[BarcodeRule]:
    """All rules, the longest prefix (then suffix) first, then in the site file's order."""
    return sorted(BarcodeRule.select(), key=lambda r: (-len(r.prefix), -len(r.suffix), r.position))


def matching_rules(code: str, kind: str | None = None, rules: list[BarcodeRule] | None = None
                   ) -> list[tuple[BarcodeRule, str]]:
    """Rules (of `kind`, if given) that match `code`, the longest prefix first, with the stripped
    code; `rules` as `barcode_rules()` read them (read here when not given)."""
    listed = barcode_rules() if rules is None else rules
    return [(rule, inner) for rule in listed
            if (kind is None or rule.type == kind) and (inner := strip_rule(code, rule)) is not None]
