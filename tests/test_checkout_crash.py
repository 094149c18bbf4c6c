"""A power cut in the middle of a sale: a child process keeps checking out receipts (cash with
change, card, wallet, a coupon, a package line, a coupon issued) on a real SQLite file and is
killed with SIGKILL at random moments. After every kill the database holds only whole sales:

- every receipt has its lines, payments covering its total, its entries and its one `sale` event;
- no line, payment, entry, redemption, purchase, issued coupon or wallet draw without its receipt;
- no gap in any device's journal, nor in the entry numbers;
- every coupon's redemption count is its number of redemption rows;
- every lot's total − remaining is what was drawn from it;

and running the plan again from the start (each sale has its own moment, so a resumed run skips
what was recorded) sells every receipt exactly once.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter as Tally
from collections import defaultdict
from pathlib import Path

import pytest
from crash_harness import run_killed

from engine.coupons.wizard import generate
from engine.db import close_database, database, open_database, write
from engine.entitlements import add_lot
from engine.models import (
    Consumption,
    Coupon,
    CouponRedemption,
    Entry,
    EntryAllocation,
    Event,
    Lot,
    Payment,
    Purchase,
    Receipt,
    ReceiptLine,
)
from engine.sales.checkout import checkout  # imported here: forked children start selling at once
from engine.sales.receiptfile import parse_receipt_text
from engine.sitefile import load_site_file

DATA = Path(__file__).parent / "data"
KILLS = 40
SALES = 100_000  # more than any child gets through before its kill
START = dt.datetime(2026, 7, 3, 8, 0)  # a Friday morning: no happy hour for 8 hours of seconds
COUPONS = 400

# Sale i uses PLAN[i % 5]; {coupon} is a one-time coupon of its own (used up once the supply of
# coupons wraps around, and then `rejected`, which is just as good a test).
PLAN = [
    # 3500 − BIGSPEND 100 = 3400 in cash with change; BACKSOON issues a 150 coupon
    ("lines: [{item: HEADSET, quantity: 7}]\npayments: [{method: cash, amount: 5000}]", 1),
    # snacks 3 for 2 and drinks, by card
    ("lines: [{item: CHIPS, quantity: 3}, {item: COLA, quantity: 2}]\n"
     "payments: [{method: card}]", 2),
    # wallet for part, cash for the rest
    ("member: M001\nlines: [{item: COLA}, {item: BAR}]\n"
     "payments: [{method: wallet, amount: 100}, {method: cash}]", 2),
    # a coupon, split between cash and card
    ("member: M003\nlines: [{item: ENERGY, quantity: 2}]\ncoupons: [\"{coupon}\"]\n"
     "payments: [{method: cash, amount: 200}, {method: card}]", 1),
    # a package line and a drink, paid from the wallet
    ("member: M001\nlines: [{package: SUMMER/STD}, {item: WATER}]\n"
     "payments: [{method: wallet}]", 2),
]

EXTRA_SITE = "staff: [{code: MGR, name: Meg, role: manager}]\n"


def sale_time(i: int) -> dt.datetime:
    return START + dt.timedelta(seconds=i)


def build(database: Path, tmp_path: Path) -> list[str]:
    """The demo site, a wallet float for M001 and one-time coupons; returns the coupon codes."""
    open_database(database)
    try:
        load_site_file(DATA / "site.yaml", at=START)
        (tmp_path / "staff.yaml").write_text(EXTRA_SITE)
        load_site_file(tmp_path / "staff.yaml", at=START)
        with write():
            add_lot("M001", "money", "manual", 10**9, "MGR", "float for wallet payments", START)
        made = generate("WELCOME", COUPONS, START, discount_type="reduce", value=50)
        return [coupon.code for coupon in made]
    finally:
        close_database()


def sell_everything(database: Path, coupons: list[str], count: int) -> None:
    """Check out sales 0..count-1, skipping those already recorded (a resumed run)."""
    open_database(database)
    done = {receipt.at for receipt in Receipt.select(Receipt.at)}
    for i in range(count):
        at = sale_time(i)
        if at in done:
            continue
        text, _ = PLAN[i % len(PLAN)]
        text = text.replace("{coupon}", coupons[(i // len(PLAN)) % len(coupons)])
        parsed = parse_receipt_text(f"location: COUNTER1\n{text}\n")
        checkout(parsed.receipt, parsed.payments, at)


def run_child(database: Path, coupons: list[str], kill_after: float | None,
              count: int = SALES) -> bool:
    """Sell in a child that is SIGKILLed `kill_after` seconds in (or finishes); True if it finished."""
    return run_killed(lambda: sell_everything(database, coupons, count), kill_after)


def grouped(query, key) -> dict:
    groups: dict = defaultdict(list)
    for row in query:
        groups[getattr(row, key)].append(row)
    return groups


def sale_events() -> Tally:
    """How many `sale` events name each receipt."""
    named: Tally = Tally()
    for event in Event.select(Event.payload).where(Event.type == "sale"):
        for row in json.loads(event.payload)["rows"]["receipt"]:
            named[row["id"]] += 1
    return named


def check_consistent() -> int:
    """Every invariant of the module docstring; returns the number of receipts."""
    receipts = {r.id: r for r in Receipt.select()}
    lines = grouped(ReceiptLine.select(), "receipt_id")
    payments = grouped(Payment.select().where(Payment.receipt.is_null(False)), "receipt")
    entries = grouped(Entry.select().where(Entry.origin_type == "receipt"), "origin_code")
    purchases = grouped(Purchase.select().where(Purchase.receipt.is_null(False)), "receipt")
    redemptions = grouped(CouponRedemption.select(), "receipt")
    issued = grouped(Coupon.select().where(Coupon.issued_receipt.is_null(False)),
                     "issued_receipt")
    draws = grouped(Consumption.select().where(Consumption.reference.is_null(False)),
                    "reference")
    allocations = grouped(EntryAllocation.select(), "entry_id")

    # nothing that belongs to a receipt outlives a receipt that was never recorded
    for name, rows in (("lines", lines), ("payments", payments), ("entries", entries),
                       ("purchases", purchases), ("redemptions", redemptions),
                       ("issued coupons", issued), ("wallet draws", draws)):
        assert set(rows) <= set(receipts), f"{name} without their receipt"
    assert set(sale_events()) == set(receipts), "a receipt without its sale event, or the reverse"
    assert set(sale_events().values()) <= {1}, "a receipt journaled twice"

    for receipt_id, receipt in receipts.items():
        i = int((receipt.at - START).total_seconds())
        text, line_count = PLAN[i % len(PLAN)]
        own_lines = lines[receipt_id]
        assert len(own_lines) == line_count, receipt_id
        assert sum(line.net for line in own_lines) == receipt.total
        assert sum(line.gross for line in own_lines) == receipt.subtotal
        paid = sum(payment.amount for payment in payments[receipt_id])
        assert paid == receipt.paid == receipt.total, (receipt_id, paid, receipt.total)
        # the campaigns' reductions are the receipt's discount, entry by entry
        applied = [e for e in entries[receipt_id] if e.process == "application"]
        manual = sum(line.manual_discount for line in own_lines)
        assert sum(e.reduce_amount for e in applied) + manual == receipt.discount, receipt_id
        for entry in applied:
            assert sum(a.amount for a in allocations[entry.id]) == entry.reduce_amount
        issues = [e for e in entries[receipt_id] if e.process == "issue"]
        assert len(issues) == len(issued[receipt_id]), receipt_id
        wallet = sum(p.amount for p in payments[receipt_id] if p.method == "wallet")
        assert sum(d.amount for d in draws[receipt_id]) == wallet, receipt_id
        packages = [line for line in own_lines if line.package]
        assert len(purchases[receipt_id]) == sum(line.quantity for line in packages), receipt_id
        if "{coupon}" in text:
            assert len(redemptions[receipt_id]) <= 1

    # derived values agree with the facts
    counts = Tally(row.coupon for row in CouponRedemption.select(CouponRedemption.coupon))
    for coupon in Coupon.select():
        assert coupon.redemptions == counts[coupon.code], coupon.code
        assert coupon.max_redemptions == 0 or coupon.redemptions <= coupon.max_redemptions
    used = Tally()
    for draw in Consumption.select(Consumption.lot, Consumption.amount):
        used[draw.lot] += draw.amount
    for lot in Lot.select():
        assert lot.total - lot.remaining == used[lot.id] and lot.remaining >= 0, lot.id
    for purchase in Purchase.select(Purchase.id):
        assert Lot.select().where(Lot.purchase == purchase.id).exists(), "a purchase without lots"

    # no gaps: the journal per device, and the entry numbers
    for device in {e.device for e in Event.select(Event.device)}:
        seqs = [e.seq for e in Event.select(Event.seq).where(Event.device == device)
                .order_by(Event.seq)]
        assert seqs == list(range(1, len(seqs) + 1)), "journal gap"
    numbers = sorted(e.entry_no for e in Entry.select(Entry.entry_no))
    assert numbers == list(range(1, len(numbers) + 1)), "entry number gap"

    # one receipt per sale moment, and the sales done are exactly the start of the plan
    moments = sorted(int((r.at - START).total_seconds()) for r in receipts.values())
    assert moments == list(range(len(moments))), "a sale twice, or one skipped"
    return len(receipts)


def test_killing_a_cashier_at_random_moments_leaves_no_half_sale(tmp_path):
    database = tmp_path / "crash.db"
    coupons = build(database, tmp_path)
    randomness = random.Random(20260703)
    counts = []
    try:
        for _ in range(KILLS):
            assert not run_child(database, coupons, kill_after=randomness.uniform(0.0, 0.25))
            open_database(database)
            counts.append(check_consistent())
            close_database()
        assert counts[-1] > len(PLAN), "the children never got through the plan once"
        # the interrupted sale and five more, to the end: nothing doubled
        assert run_child(database, coupons, kill_after=None, count=counts[-1] + 5)
        open_database(database)
        assert check_consistent() == counts[-1] + 5
        assert CouponRedemption.select().count() > 0
        assert Purchase.select().where(Purchase.receipt.is_null(False)).count() > 0
        assert Coupon.select().where(Coupon.issued_receipt.is_null(False)).count() > 0
    finally:
        close_database()


def test_the_checks_see_a_half_sale(tmp_path):
    # What a split transaction would leave behind, made by hand and rolled back each time.
    database_path = tmp_path / "half.db"
    coupons = build(database_path, tmp_path)
    assert run_child(database_path, coupons, kill_after=None, count=len(PLAN))
    open_database(database_path)
    try:
        assert check_consistent() == len(PLAN)
        halves = [
            lambda: Payment.delete().where(Payment.receipt == "DEV1-R1").execute(),
            lambda: Event.delete().where(Event.type == "sale", Event.seq == Event.select(
                Event.seq).where(Event.type == "sale").order_by(Event.seq.desc()).limit(1)
            ).execute(),
            lambda: Receipt.update(at=sale_time(len(PLAN))).where(Receipt.id == "DEV1-R1")
            .execute(),
            lambda: Lot.update(remaining=Lot.remaining + 1).where(Lot.member == "M001").execute(),
            lambda: CouponRedemption.delete().execute(),
            lambda: Entry.delete().where(Entry.origin_code == "DEV1-R1").execute(),
        ]
        for make_half in halves:
            with database.atomic() as transaction:
                make_half()
                with pytest.raises(AssertionError):
                    check_consistent()
                transaction.rollback()
        assert check_consistent() == len(PLAN)
    finally:
        close_database()
