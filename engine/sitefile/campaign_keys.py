"""Keys a discount campaign must or must not write (pricing.md, "Decisions (2026-12)" 1–3).

Checked on the record as written (the raw mapping), since the schema fills defaults in:
`automatic` must be written on every discount campaign but couponing (a campaign must never
start or stop giving money away because a key was forgotten); `validity.from_quantity` and
`validity.from_amount` exist only on receipt_discount and receipt_reduce (elsewhere only 0, "no
minimum", the value every normalized record carries, is accepted); every trigger line names a
`code`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.campaigns.types import AUTOMATIC_REQUIRED, MINIMUM_TYPES

AUTOMATIC_MISSING = ("is required: write `automatic: true` (it applies by itself to every "
                     "receipt it fits) or `automatic: false` (only when registered by campaign "
                     "code, campaign barcode or coupon)")
TRIGGER_CODE_MISSING = ("needs a code: write `code: <the item, item_category, vendor or "
                        "resource code the trigger counts>`")


def minimum_elsewhere(kind: str, key: str) -> str:
    """What to write instead of a validity minimum on a type that has none."""
    if kind.startswith("tiered_"):
        instead = f"put the threshold in the tiers (tiers[].{key})"
    elif kind == "m_plus_n" and key == "from_amount":
        instead = "use the campaign's own `from_amount` (beside buy and get)"
    else:
        instead = ("use a receipt_discount or receipt_reduce campaign, or a trigger "
                   "(triggers.pool with min_quantity) for a minimum quantity")
    return (f"only receipt_discount and receipt_reduce have validity.{key}; "
            f"remove it from this {kind} campaign: {instead}")


def check_campaign_keys(raw: dict[str, Any], problem: Callable[[tuple, str], None],
                        path: tuple) -> None:
    """Report (through `problem(path, message)`) every decided key rule `raw` breaks."""
    kind = raw.get("type")
    if kind in AUTOMATIC_REQUIRED and raw.get("automatic") is None:
        problem(path + ("automatic",), AUTOMATIC_MISSING)
    validity = raw.get("validity")
    if isinstance(validity, dict) and isinstance(kind, str) and kind not in MINIMUM_TYPES:
        for key in ("from_quantity", "from_amount"):
            # 0 is "no minimum", what every type has (normalized records carry it)
            if validity.get(key) not in (None, 0):
                problem(path + ("validity", key), minimum_elsewhere(kind, key))
    triggers = raw.get("triggers")
    if not isinstance(triggers, dict):
        return
    for trigger_kind in ("pool", "set"):
        trigger_list = triggers.get(trigger_kind)
        for index, trigger in enumerate(trigger_list if isinstance(trigger_list, list) else []):
            lines = trigger.get("lines") if isinstance(trigger, dict) else None
            for number, line in enumerate(lines if isinstance(lines, list) else []):
                if isinstance(line, dict) and line.get("code") is None:
                    problem(path + ("triggers", trigger_kind, index, "lines", number, "code"),
                            TRIGGER_CODE_MISSING)
