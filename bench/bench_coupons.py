"""Coupon speed: the wizard at scale, and validating a scanned coupon among a million.

Targets (issue 5): generate 100,000 coupons < 10 s; validate a scanned coupon (barcode setup,
normalized lookup, coupon-level checks) among 1,000,000 stored coupons, median < 2 ms.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from engine.coupons.lookup import find_coupon
from engine.coupons.validity import coupon_rejection
from engine.coupons.wizard import generate
from engine.db import close_database, open_database, write
from engine.models import BarcodeRule, Campaign, Coupon

AT = dt.datetime(2026, 7, 3, 12, 0)
GENERATE = 100_000
STORED = 1_000_000
SCANS = 2_000


def _setup() -> None:
    with write():
        Campaign.create(code="WELCOME", type="couponing", name="Welcome", active=True)
        BarcodeRule.create(prefix="CPN", type="coupon")


def _generate(quantity: int) -> tuple[float, float]:
    """Wall and CPU seconds of one wizard run (CPU shows what a busy machine hides)."""
    start, cpu = time.perf_counter(), time.process_time()
    generate("WELCOME", quantity, AT, expires="+3M", discount_type="reduce", value=500)
    return time.perf_counter() - start, time.process_time() - cpu


def bench_generate(folder: Path) -> None:
    open_database(folder / "generate.db")
    _setup()
    wall, cpu = _generate(GENERATE)
    print(f"generate {GENERATE:,} coupons: {wall:.2f} s wall, {cpu:.2f} s CPU (target < 10 s)",
          flush=True)
    close_database()


def bench_validate(folder: Path) -> None:
    open_database(folder / "validate.db")
    _setup()
    start = time.perf_counter()
    while Coupon.select().count() < STORED:
        _generate(min(GENERATE, STORED - Coupon.select().count()))
    print(f"  (stored {STORED:,} coupons in {time.perf_counter() - start:.1f} s)", flush=True)
    codes = [row[0] for row in Coupon.select(Coupon.code).tuples()]
    sample = random.sample(codes, SCANS)
    timings = []
    for code in sample:
        scanned = "CPN" + code.replace("-", "")  # as a barcode reader sends it
        begin = time.perf_counter()
        coupon = find_coupon(scanned)
        reason = coupon_rejection(coupon, AT, debtor=None, contact=None, member_segments=set())
        timings.append(time.perf_counter() - begin)
        assert coupon is not None and reason is None
    print(f"validate a scanned coupon among {STORED:,}: median "
          f"{statistics.median(timings) * 1000:.3f} ms, p95 "
          f"{statistics.quantiles(timings, n=20)[-1] * 1000:.3f} ms (target median < 2 ms)",
          flush=True)
    close_database()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bench_generate(Path(folder))
        bench_validate(Path(folder))


if __name__ == "__main__":
    main()
