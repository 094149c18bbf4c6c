"""Two processes redeem the same one-time coupon at the same moment on one database: exactly
one redemption succeeds; the other sale goes on with the coupon rejected as "used up".

Each round gets a fresh coupon; both processes wait at a barrier, then check out at once. The
check (pricing reads the coupon's redemptions) and the insert happen in one BEGIN IMMEDIATE
transaction, so the second process only sees the coupon after the first committed.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from decimal import Decimal

from engine.db import write
from engine.models import Coupon, CouponRedemption

ROUNDS = 8
AT = dt.datetime(2026, 7, 3, 12, 0)


def receipt_text(code: str) -> str:
    return f"""
location: COUNTER1
lines: [{{item: HEADSET}}]
coupons: ["{code}"]
payments: [{{method: cash}}]
"""


def _cashier(db_path: str, codes: list[str], barrier, results) -> None:
    from engine.db import open_database
    from engine.sales.checkout import checkout
    from engine.sales.receiptfile import parse_receipt_text

    open_database(db_path)
    for code in codes:
        parsed = parse_receipt_text(receipt_text(code))
        barrier.wait()
        try:
            done = checkout(parsed.receipt, parsed.payments, AT)
            results.put((code, done.total, [r.reason for r in done.priced.rejected]))
        except Exception as error:  # reported to the test, never swallowed
            results.put((code, None, [repr(error)]))


def test_exactly_one_of_two_simultaneous_redemptions_succeeds(demo_site, db_path):
    codes = [f"ONCE-{n}" for n in range(ROUNDS)]
    with write():
        for code in codes:
            Coupon.create(code=code, campaign="WELCOME", discount_type="reduce",
                          value=Decimal(200), max_redemptions=1, origin="imported")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    cashiers = [context.Process(target=_cashier, args=(str(db_path), codes, barrier, results))
                for _ in range(2)]
    for cashier in cashiers:
        cashier.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * ROUNDS)]
    for cashier in cashiers:
        cashier.join(timeout=60)
        assert cashier.exitcode == 0

    for code in codes:
        mine = sorted((total, reasons) for c, total, reasons in outcomes if c == code)
        # HEADSET 500: the winner pays 300 with the coupon, the other 500 without it
        assert mine == [(300, []), (500, ["used up"])], (code, mine)
        assert CouponRedemption.select().where(CouponRedemption.coupon == code).count() == 1
        assert Coupon.get(Coupon.code == code).status == "redeemed"
