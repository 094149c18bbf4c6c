"""Entitlement speed: a purchase (fsync included), a balance over 1,000 lots (and its floor, the
raw SELECT of those lots), a consume drawing from 100 lots. Run: `.venv/bin/python -m bench.bench_entitlements`."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from engine.db import close_database, database, open_database, write
from engine.entitlements import balance, consume, purchase
from engine.entitlements.lots import new_lot
from engine.models import Campaign, Member, Package, PaymentMethod

AT = dt.datetime(2026, 7, 3, 12, 0)
# what a balance reads, without building anything from it
LOTS_SELECT = ("SELECT id, kind, type, total, remaining, device, status, expires_at, purchase, "
               "created_at, comment FROM lot WHERE member = ?")


def setup_site() -> None:
    with write():
        for code in ("BUYER", "RICH", "SESSION"):
            Member.create(code=code, name=code)
        PaymentMethod.create(code="card", commission_percent=Decimal("1.5"), fixed_fee=10)
        campaign = Campaign.create(code="SUMMER", type="packages", name="Summer", active=True)
        Package.create(campaign=campaign, code="STD", name="Standard", package_type="minutes",
                       base=120, bonus_type="minutes", bonus=30, price=900, validity_days=90)


def median_ms(action: Callable[[], object], runs: int,
              before: Callable[[], object] | None = None) -> tuple[float, float]:
    """Median wall and CPU milliseconds (CPU time shows the cost when other processes compete
    for the cores; wall time includes the fsync)."""
    wall, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def show(name: str, figures: tuple[float, float], target: float | None) -> None:
    wall, cpu = figures
    print(f"{name} median {wall:.2f} ms, {cpu:.2f} ms CPU"
          + (f" (target < {target:g} ms)" if target is not None else ""))


def bench_purchase() -> tuple[float, float]:
    counter = iter(range(10**9))
    return median_ms(lambda: purchase("BUYER", "SUMMER/STD", "card", "kiosk", AT,
                                      key=f"k{next(counter)}"), runs=200)


def bench_balance() -> None:
    """The balance (the figures: one aggregate query), the balance with its 1,000 lots listed
    (cli.md `balance`), each against the floor of reading the member's lots in one raw SELECT."""
    with write():
        for i in range(1000):
            new_lot("RICH", "money" if i % 2 else "minutes", "manual", 100 + i, AT,
                    expires_at=AT + dt.timedelta(days=i % 60) if i % 3 else None)
    floor = median_ms(lambda: database.execute_sql(LOTS_SELECT, ("RICH",)).fetchall(), runs=300)
    figures = median_ms(lambda: balance("RICH", AT, lots=False), runs=300)
    listed = median_ms(lambda: balance("RICH", AT), runs=300)
    show("balance over 1,000 lots", figures, 2)
    show("balance over 1,000 lots, the lots listed", listed, 5)
    show("floor: raw SELECT of the member's 1,000 lots", floor, None)
    print(f"  balance / floor {figures[1] / floor[1]:.2f}x, listed / floor "
          f"{listed[1] / floor[1]:.2f}x (CPU)")


def bench_consume() -> tuple[float, float]:
    def hundred_lots() -> None:
        with write():
            for _ in range(100):
                new_lot("SESSION", "minutes", "manual", 10, AT)

    return median_ms(lambda: consume("SESSION", "minutes", 1000, "pc", AT), runs=20,
                     before=hundred_lots)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-entitlements-"))
    open_database(folder / "playdesk.db")
    try:
        synchronous = database.execute_sql("PRAGMA synchronous").fetchone()[0]
        setup_site()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
              f"WAL, synchronous={synchronous} (FULL: fsync on every commit)")
        show("purchase (card, fsync included)", bench_purchase(), 10)
        bench_balance()
        show("consume drawing from 100 lots", bench_consume(), 10)
    finally:
        close_database()


if __name__ == "__main__":
    main()
