"""Crash safety: a child process keeps buying packages (cash, card and wallet) and is killed with
SIGKILL at random moments; after every kill the database holds no purchase without its lots, no
paid/bonus lot without its purchase, no journal gap, and re-running with the same idempotency
keys creates no duplicates."""

from __future__ import annotations

import random
from pathlib import Path

from crash_harness import run_killed
from test_entitlements import FRIDAY, build_site

from engine.db import close_database, open_database, write
from engine.entitlements import add_lot, purchase
from engine.models import Campaign, Consumption, Event, Lot, Package, Purchase

KILLS = 40
PURCHASES = 100_000  # more than any child gets through before its kill
# Purchase i always means the same member, package and payment, so a re-run repeats it exactly.
PLAN = [("M001", "SUMMER/STD", "cash"), ("M002", "WALLET/TOPUP50", "card"),
        ("M001", "SUMMER/BASIC", "wallet"), ("M003", "SUMMER/PREMIUM", "card")]


def buy_everything(database: Path, count: int = PURCHASES) -> None:
    open_database(database)
    for i in range(count):
        member, package, payment = PLAN[i % len(PLAN)]
        purchase(member, package, payment, "kiosk", FRIDAY, key=f"tap-{i}")


def run_child(database: Path, kill_after: float | None, count: int = PURCHASES) -> bool:
    """Buy in a child that is SIGKILLed `kill_after` seconds in (or finishes); True if it finished."""
    return run_killed(lambda: buy_everything(database, count), kill_after)


def check_consistent() -> int:
    packages = {(p.campaign.code, p.code): p
                for p in Package.select(Package, Campaign).join(Campaign)}
    lots_by_purchase: dict[str, list[Lot]] = {}
    for lot in Lot.select():
        used = sum(c.amount for c in Consumption.select().where(Consumption.lot == lot.id))
        assert lot.total - lot.remaining == used and lot.remaining >= 0
        if lot.type in ("paid", "bonus"):
            assert lot.purchase is not None
            lots_by_purchase.setdefault(lot.purchase, []).append(lot)
    purchases = list(Purchase.select())
    assert set(lots_by_purchase) <= {p.id for p in purchases}  # no lot without its purchase
    for item in purchases:
        package = packages[(item.campaign, item.package)]
        expected = 1 if package.bonus_type == "none" else 2
        assert len(lots_by_purchase.get(item.id, [])) == expected, item.id
    keys = [p.key for p in purchases]
    # one purchase per key, and the keys done are exactly the start of the plan
    assert sorted(keys) == sorted(f"tap-{i}" for i in range(len(purchases)))
    for device in {e.device for e in Event.select(Event.device)}:
        seqs = [e.seq for e in Event.select(Event.seq).where(Event.device == device)
                .order_by(Event.seq)]
        assert seqs == list(range(1, len(seqs) + 1)), "journal gap"
    return len(purchases)


def test_killing_a_buyer_at_random_moments_leaves_no_half_purchase(tmp_path):
    database = tmp_path / "crash.db"
    open_database(database)
    build_site()
    with write():
        add_lot("M001", "money", "manual", 10**9, "MGR", "float for wallet purchases", FRIDAY)
    close_database()
    randomness = random.Random(20260703)
    counts = []
    try:
        for _ in range(KILLS):
            assert not run_child(database, kill_after=randomness.uniform(0.0, 0.15))
            open_database(database)
            counts.append(check_consistent())
            close_database()
        assert counts[-1] > 0, "the children never got to buy"
        # every key bought so far, and five new ones, once more to the end: no duplicates
        assert run_child(database, kill_after=None, count=counts[-1] + 5)
        open_database(database)
        assert check_consistent() == counts[-1] + 5
    finally:
        close_database()
