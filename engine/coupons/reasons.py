"""Why a coupon on a receipt is refused: the reasons, and the one order they are reported in.

When several reasons hold, the first of `PRECEDENCE` is reported (pricing.md, decision 8). The
coupon-level checks (engine/coupons/validity.py) and pricing's campaign-level checks
(engine/pricing/engine.py) both pick their reason with `first_reason`, so the order is written
here and nowhere else. No imports from the rest of playdesk: both sides import this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

UNKNOWN = "unknown"
CANCELED = "canceled"
EXPIRED = "expired"
USED_UP = "used up"
WRONG_CUSTOMER = "wrong customer"
CAMPAIGN_INACTIVE = "campaign inactive"
DUPLICATE = "duplicate"
ALREADY_APPLIED = "already applied"
CONDITIONS_NOT_MET = "conditions not met"
EXCEEDS_OPEN_AMOUNT = "exceeds open amount"

PRECEDENCE: tuple[str, ...] = (
    UNKNOWN, CANCELED, EXPIRED, USED_UP, WRONG_CUSTOMER, CAMPAIGN_INACTIVE, DUPLICATE,
    ALREADY_APPLIED, CONDITIONS_NOT_MET, EXCEEDS_OPEN_AMOUNT)


def first_reason(checks: Mapping[str, Callable[[], bool]]) -> str | None:
    """The first reason in `PRECEDENCE` whose check holds, or None.

    Checks are called lazily in that order, so a later check may assume every earlier one
    failed (e.g. "expired" may read the coupon that "unknown" found).
    """
    unknown = set(checks) - set(PRECEDENCE)
    assert not unknown, f"reasons outside the precedence order: {unknown}"
    for reason in PRECEDENCE:
        check = checks.get(reason)
        if check is not None and check():
            return reason
    return None
