"""Derived values recomputed from facts: a lot's remaining/status, a coupon's redemptions/status.

Each case is checked against the rule written out in Python (the spec's wording), over rows whose
stored derived values are deliberately wrong, so a refresh that skipped a row would show.
"""

from __future__ import annotations

import datetime as dt

from engine.db import write
from engine.derived import CHUNK, refresh_coupons, refresh_lots
from engine.models import Consumption, Coupon, CouponRedemption, Lot

AT = dt.datetime(2026, 7, 3, 12, 0)


def add_lot(lot_id: str, total: int, *records: tuple[str, int]) -> None:
    Lot.create(id=lot_id, member="M001", kind="minutes", type="manual", total=total,
               remaining=-999, status="bogus", created_at=AT, origin="DEV1")
    for n, (kind, amount) in enumerate(records):
        Consumption.create(id=f"{lot_id}-C{n}", lot=lot_id, member="M001", kind=kind,
                           amount=amount, at=AT, device="DEV2")


def expected_lot(lot: Lot) -> tuple[int, str]:
    records = list(Consumption.select().where(Consumption.lot == lot.id))
    remaining = lot.total - sum(record.amount for record in records)
    if any(record.kind == "refund" for record in records):
        return remaining, "refunded"
    return remaining, "depleted" if remaining <= 0 else "active"


def lot_values() -> dict[str, tuple[int, str]]:
    return {lot.id: (lot.remaining, lot.status) for lot in Lot.select()}


def test_lots_are_recomputed_from_their_consumption_records(db):
    cases = {
        "untouched": (10,), "partly": (10, ("use", 4)), "spent": (10, ("use", 4), ("use", 6)),
        "over": (10, ("use", 12)),  # two devices drew offline: the member's next lot pays
        "refunded": (10, ("use", 3), ("refund", 7)), "refunded_spent": (10, ("use", 10),
                                                                        ("refund", 0)),
        "corrected": (10, ("correction", 10)), "zero_draw": (10, ("use", 0)),
    }
    with write():
        for lot_id, (total, *records) in cases.items():
            add_lot(lot_id, total, *records)
        refresh_lots([*cases, "no-such-lot"])
    assert lot_values() == {
        "untouched": (10, "active"), "partly": (4, "active"), "spent": (0, "depleted"),
        "over": (0, "depleted"), "refunded": (0, "refunded"), "refunded_spent": (0, "refunded"),
        "corrected": (0, "depleted"), "zero_draw": (10, "active"),
    }
    # no lot below zero; the overdraw of 2 is taken from the first active lot in the order
    assert all(expected_lot(lot) == (lot.remaining, lot.status) for lot in Lot.select()
               if lot.id not in ("over", "partly"))
    assert sum(lot.remaining for lot in Lot.select() if lot.status == "active") == sum(
        expected_lot(lot)[0] for lot in Lot.select() if lot.id != "refunded")


def test_only_the_given_lots_are_refreshed(db):
    with write():
        add_lot("A", 10, ("use", 4))
        add_lot("B", 10, ("use", 4))
        refresh_lots(iter(["A", "A"]))  # any iterable, repeats harmless
    assert lot_values() == {"A": (6, "active"), "B": (-999, "bogus")}


def test_more_lots_than_one_statement_binds_are_all_refreshed(db):
    count = CHUNK * 2 + 7
    with write():
        for n in range(count):
            add_lot(f"L{n}", 10, ("use", n % 11))
        refresh_lots(f"L{n}" for n in range(count))
    values = lot_values()
    assert len(values) == count
    assert all(values[f"L{n}"] == expected_lot(Lot.get_by_id(f"L{n}")) for n in range(count))
    assert values["L10"] == (0, "depleted") and values["L3"] == (7, "active")


def add_coupon(code: str, max_redemptions: int, redemptions: int,
               canceled: bool = False) -> None:
    Coupon.create(code=code, campaign="C10", max_redemptions=max_redemptions, redemptions=-1,
                  status="bogus", canceled_at=AT if canceled else None)
    for n in range(redemptions):
        CouponRedemption.create(id=f"{code}-{n}", coupon=code, receipt=f"R{n}", at=AT,
                                device="DEV1")


def coupon_values() -> dict[str, tuple[int, str]]:
    return {coupon.code: (coupon.redemptions, coupon.status) for coupon in Coupon.select()}


def test_coupons_are_recomputed_from_their_redemptions(db):
    with write():
        add_coupon("FRESH", 1, 0)
        add_coupon("USED", 1, 1)
        add_coupon("TWICE", 1, 2)  # two offline redemptions of a single-use coupon
        add_coupon("MULTI", 3, 2)
        add_coupon("UNLIMITED", 0, 5)
        add_coupon("CANCELED", 1, 1, canceled=True)
        add_coupon("LEFT", 1, 1)
        refresh_coupons(["FRESH", "USED", "TWICE", "MULTI", "UNLIMITED", "CANCELED", "NOPE"])
    assert coupon_values() == {
        "FRESH": (0, "issued"), "USED": (1, "redeemed"), "TWICE": (2, "redeemed"),
        "MULTI": (2, "issued"), "UNLIMITED": (5, "issued"), "CANCELED": (1, "canceled"),
        "LEFT": (-1, "bogus"),
    }
