"""Differential test: the balance's one aggregate query (and the lots it lists, and the lots a
draw may use) against a plain recomputation from the member's lots, on random lot sets: every
kind and type, devices pc/console/any, stored statuses active/depleted/refunded/void, spent
lots, expiries before, at and after t (to the microsecond), another member's lots beside them.

The recomputation is the spec read literally (entitlements.md "Lots" and "Consumption"), over
the lots as peewee reads them back: a balance per kind is Σ remaining over active, unexpired
lots (expired: `expires_at` ≤ t), split paid/bonus/other; a draw uses the usable lots whose
device is `any` or the requested one (a request for `any` only `any` lots; None: every device),
in the consumption order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.bulk import insert_instances
from engine.db import close_database, database, open_database, write
from engine.entitlements import balance
from engine.entitlements.lots import make_lot
from engine.lots.draws import ORDERS, usable_lots
from engine.lots.rules import DEVICES, KINDS, LOT_TYPES, effective_status
from engine.models import Lot, Member

AT = dt.datetime(2026, 7, 3, 12, 0)
MEMBER, OTHER = "M", "OTHER"
STATUSES = ("active", "active", "active", "depleted", "refunded", "void")
# offsets from t: at t a lot is expired already; a microsecond either side tells a text
# comparison that drops the fraction (or compares the wrong way) from the rule
OFFSETS = [dt.timedelta(0), dt.timedelta(microseconds=1), -dt.timedelta(microseconds=1),
           dt.timedelta(seconds=1), -dt.timedelta(seconds=1), dt.timedelta(days=3),
           -dt.timedelta(days=3), dt.timedelta(days=40)]


@st.composite
def lot_specs(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(KINDS))
    total = draw(st.integers(1, 500))
    status = draw(st.sampled_from(STATUSES))
    # refunded and void lots hold 0 once derived; something left on one here checks that the
    # status, not only the remaining amount, keeps it out
    remaining = 0 if status == "depleted" else draw(st.integers(0, total))
    return {
        "member": draw(st.sampled_from([MEMBER, MEMBER, MEMBER, OTHER])),
        "kind": kind, "type": draw(st.sampled_from(LOT_TYPES[kind])), "total": total,
        "remaining": remaining, "status": status, "device": draw(st.sampled_from(DEVICES)),
        "expires": draw(st.one_of(st.none(), st.sampled_from(OFFSETS))),
        "created": draw(st.sampled_from([-dt.timedelta(days=d) for d in (0, 1, 5, 30)]
                                        + [-dt.timedelta(seconds=1, microseconds=5)])),
    }


@pytest.fixture(scope="module")
def lots_db(tmp_path_factory: pytest.TempPathFactory):
    open_database(Path(tmp_path_factory.mktemp("balance")) / "playdesk.db")
    with write():
        Member.create(code=MEMBER, name=MEMBER)
        Member.create(code=OTHER, name=OTHER)
    yield
    close_database()


def store(specs: list[dict], numbers: list[int], at: dt.datetime) -> None:
    """The lots, written the way lots are (make_lot, insert_instances), with their derived
    remaining and status as the facts would have left them."""
    lots = []
    for spec, number in zip(specs, numbers, strict=True):
        lot = make_lot(f"T-L{number}", spec["member"], spec["kind"], spec["type"], spec["total"],
                       at + spec["created"], "T", device=spec["device"],
                       expires_at=None if spec["expires"] is None else at + spec["expires"])
        lot.remaining, lot.status = spec["remaining"], spec["status"]
        lots.append(lot)
    with write():
        database.execute_sql("DELETE FROM lot")
        insert_instances(*lots)


def usable(lot: Lot, at: dt.datetime) -> bool:
    return (lot.status == "active" and lot.remaining > 0
            and (lot.expires_at is None or lot.expires_at > at))


def expected_splits(lots: list[Lot], at: dt.datetime) -> dict[str, dict[str, int]]:
    splits = {kind: {"total": 0, "paid": 0, "bonus": 0, "other": 0} for kind in KINDS}
    for lot in lots:
        if usable(lot, at):
            split = splits[lot.kind]
            split["total"] += lot.remaining
            split[lot.type if lot.type in ("paid", "bonus") else "other"] += lot.remaining
    return splits


def expected_listing(lots: list[Lot], at: dt.datetime, include_spent: bool) -> list[tuple]:
    """What the balance lists: lots with something left (or all), earliest expiry first (none
    last), then oldest, then the lowest id (the shorter first: L9 before L10)."""
    listed = [lot for lot in lots
              if include_spent or (lot.status == "active" and lot.remaining > 0)]
    listed.sort(key=lambda lot: (lot.expires_at is None, lot.expires_at or at, lot.created_at,
                                 len(lot.id), lot.id))
    return [(lot.id, lot.remaining,
             effective_status(lot.status, lot.remaining, lot.expires_at, at), lot.expires_at)
            for lot in listed]


def expected_usable(lots: list[Lot], kind: str, device: str | None, at: dt.datetime,
                    order: str) -> list[tuple[str, int]]:
    chosen = [lot for lot in lots if lot.kind == kind and usable(lot, at)
              and (device is None or lot.device == "any" or lot.device == device)]
    first = {"bonus_first": "bonus", "paid_first": "paid"}.get(order)
    chosen.sort(key=lambda lot: (first is not None and lot.type != first,
                                 lot.expires_at is None, lot.expires_at or at,
                                 lot.type != "bonus", lot.created_at, len(lot.id), lot.id))
    return [(lot.id, lot.remaining) for lot in chosen]


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=st.lists(lot_specs(), max_size=30),
       numbers=st.lists(st.integers(1, 2000), min_size=30, max_size=30, unique=True),
       fraction=st.sampled_from([0, 1, 500_000]), order=st.sampled_from(ORDERS),
       needed=st.integers(1, 3000))
def test_the_balance_query_agrees_with_a_recomputation_from_the_lots(
        lots_db, specs, numbers, fraction, order, needed):
    at = AT + dt.timedelta(microseconds=fraction)
    store(specs, numbers[:len(specs)], at)
    mine = list(Lot.select().where(Lot.member == MEMBER))
    splits = expected_splits(mine, at)
    for lots in (False, True):
        shown = balance(MEMBER, at, lots=lots).as_dict()
        assert {kind: shown[kind] for kind in KINDS} == splits
    for include_spent in (False, True):
        listed = balance(MEMBER, at, include_spent).lots
        assert [(lot["id"], lot["remaining"], lot["status"], lot["expires_at"])
                for lot in listed] == expected_listing(mine, at, include_spent)
    for kind in KINDS:
        for device in (None, *DEVICES):
            want = expected_usable(mine, kind, device, at, order)
            got = [(lot.id, lot.remaining)
                   for lot in usable_lots(MEMBER, kind, device, at, order)]
            assert got == want
            # with `needed`: the shortest prefix that covers it (all of them when none does)
            covered, prefix = 0, []
            for lot in want:
                if covered >= needed:
                    break
                prefix.append(lot)
                covered += lot[1]
            assert [(lot.id, lot.remaining) for lot in usable_lots(
                MEMBER, kind, device, at, order, needed=needed)] == prefix
