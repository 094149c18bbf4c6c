"""Entitlements (spec/entitlements.md): sellability, purchases, lots, consumption, expiry,
refunds, manual and correction lots, balances and reports.

The rows are built here directly (the demo site's package campaigns plus campaigns for the other
package/bonus combinations and every campaign state), so these tests do not depend on the site
loader.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from engine.db import write
from engine.derived import refresh_lots
from engine.entitlements import (
    add_lot,
    balance,
    consume,
    expiring_within,
    purchase,
    purchase_records,
    refund,
    report_campaigns,
    report_liability,
    sellable_packages,
    why_not_sellable,
)
from engine.errors import NotFound, PlaydeskError
from engine.models import (
    Campaign,
    Consumption,
    Event,
    Location,
    Lot,
    Member,
    Package,
    Payment,
    PaymentMethod,
    Purchase,
    Refund,
    Setting,
    Staff,
)

FRIDAY = dt.datetime(2026, 7, 3, 12, 0)
SATURDAY = dt.datetime(2026, 7, 4, 12, 0)

PACKAGE_CAMPAIGNS = [
    # code, attributes, packages
    ("SUMMER", {"active": True, "starts_at": dt.datetime(2026, 6, 1),
                "expires_at": dt.datetime(2026, 9, 1)}, [
        {"code": "BASIC", "package_type": "minutes", "base": 60, "price": 500},
        {"code": "STD", "package_type": "minutes", "base": 120, "bonus_type": "minutes",
         "bonus": 30, "price": 900},
        {"code": "PREMIUM", "package_type": "money", "base": 5000, "bonus_type": "minutes",
         "bonus": 60, "price": 4500, "validity_days": 90},
    ]),
    ("WEEKEND", {"active": True}, [
        {"code": "CONSOLE3H", "package_type": "minutes", "base": 180, "bonus_type": "money",
         "bonus": 200, "price": 1500, "device": "console", "weekdays": ["sat", "sun"],
         "max_per_member": 2},
    ]),
    ("WALLET", {"active": True}, [
        {"code": "TOPUP10", "package_type": "money", "base": 1000, "price": 1000},
        {"code": "TOPUP50", "package_type": "money", "base": 5000, "bonus_type": "money",
         "bonus": 500, "price": 5000, "validity_days": 365},
        {"code": "PC2H", "package_type": "minutes", "base": 120, "price": 700, "device": "pc",
         "validity_days": 7},
        {"code": "OFF", "package_type": "minutes", "base": 10, "price": 100, "active": False},
        {"code": "FREE", "package_type": "minutes", "base": 15, "price": 0},
    ]),
    ("OLD", {"active": True, "expires_at": dt.datetime(2026, 6, 1)}, [
        {"code": "P", "package_type": "minutes", "base": 60, "price": 400}]),
    ("SOON", {"active": True, "starts_at": dt.datetime(2026, 8, 1)}, [
        {"code": "P", "package_type": "minutes", "base": 60, "price": 400}]),
    ("PAUSED", {"active": False}, [
        {"code": "P", "package_type": "minutes", "base": 60, "price": 400}]),
    ("GONE", {"active": True, "deleted": True}, [
        {"code": "P", "package_type": "minutes", "base": 60, "price": 400}]),
]


def build_site(consumption_order: str = "expiry_first") -> None:
    """The rows the entitlement tests need (what the demo site file holds, and more)."""
    with write():
        for code in ("M001", "M002", "M003"):
            Member.create(code=code, name=code, card=f"MEM{code}")
        Member.create(code="NOLOGIN", name="No kiosk", can_login=False)
        Member.create(code="ASLEEP", name="Inactive", active=False)
        Member.create(code="GHOST", name="Deleted", deleted=True)
        Staff.create(code="S01", name="Sam", role="cashier")
        Staff.create(code="MGR", name="Mia", role="manager")
        Staff.create(code="OWN", name="Otto", role="owner")
        PaymentMethod.create(code="cash", commission_percent=Decimal(0), fixed_fee=0)
        PaymentMethod.create(code="card", commission_percent=Decimal("1.5"), fixed_fee=10)
        Location.create(code="KIOSK1", kind="kiosk")
        Location.create(code="COUNTER1", kind="counter")
        Setting.create(key="consumption_order", value=json.dumps(consumption_order))
        for code, attributes, packages in PACKAGE_CAMPAIGNS:
            campaign = Campaign.create(code=code, type="packages", name=code.title(), **attributes)
            for position, package in enumerate(packages):
                Package.create(campaign=campaign, name=package["code"].title(),
                               position=position, **package)


@pytest.fixture
def site(db):
    build_site()
    return db


def set_order(order: str) -> None:
    with write():
        Setting.update(value=json.dumps(order)).where(Setting.key == "consumption_order").execute()


def snapshot(db) -> dict[str, list]:
    """Every row of every table: the proof that a refused operation wrote nothing."""
    tables = [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {table: sorted(map(repr, db.execute_sql(f'SELECT * FROM "{table}"').fetchall()))
            for table in tables}


def lots_of(purchase_id: str) -> list[Lot]:
    return sorted(Lot.select().where(Lot.purchase == purchase_id), key=lambda lot: lot.type != "paid")


def give(member: str, kind: str, amount: int, *, device: str = "any",
         expires_at: dt.datetime | None = None, at: dt.datetime = FRIDAY,
         lot_type: str = "manual") -> str:
    """A manager's manual lot (the simplest way to hand a member credit in a test)."""
    if lot_type == "manual":
        return add_lot(member, kind, "manual", amount, "MGR", "test credit", at, device=device,
                       expires_at=expires_at)["id"]
    from engine.entitlements.lots import new_lot

    with write():
        return new_lot(member, kind, lot_type, amount, at, device=device,
                       expires_at=expires_at).id


def assert_lot_invariant() -> None:
    for lot in Lot.select():
        used = sum(c.amount for c in Consumption.select().where(Consumption.lot == lot.id))
        assert lot.total - lot.remaining == used, lot.id
        assert lot.remaining >= 0, lot.id


# --- sellability -------------------------------------------------------------------------------

def test_sellable_packages_lists_only_what_can_be_sold_now(site):
    names = [(p["campaign"], p["package"]) for p in sellable_packages("M001", FRIDAY)]
    assert names == [("SUMMER", "BASIC"), ("SUMMER", "STD"), ("SUMMER", "PREMIUM"),
                     ("WALLET", "TOPUP10"), ("WALLET", "TOPUP50"), ("WALLET", "PC2H"),
                     ("WALLET", "FREE")]
    weekend = [(p["campaign"], p["package"]) for p in sellable_packages(None, SATURDAY)]
    assert ("WEEKEND", "CONSOLE3H") in weekend
    std = next(p for p in sellable_packages(None, FRIDAY) if p["package"] == "STD")
    assert {k: std[k] for k in ("base", "bonus_type", "bonus", "price", "device",
                                "validity_days", "package_type", "name")} == {
        "base": 120, "bonus_type": "minutes", "bonus": 30, "price": 900, "device": "any",
        "validity_days": None, "package_type": "minutes", "name": "Std"}


def test_sellable_packages_by_device_keeps_that_device_and_any(site):
    pc = {p["package"] for p in sellable_packages(None, SATURDAY, device="pc")}
    console = {p["package"] for p in sellable_packages(None, SATURDAY, device="console")}
    assert "PC2H" in pc and "CONSOLE3H" not in pc and "BASIC" in pc
    assert "CONSOLE3H" in console and "PC2H" not in console and "BASIC" in console


@pytest.mark.parametrize(("package", "at", "reason"), [
    ("PAUSED/P", FRIDAY, "campaign PAUSED is inactive"),
    ("OLD/P", FRIDAY, "campaign OLD expired at 2026-06-01T00:00"),
    ("SOON/P", FRIDAY, "campaign SOON has not started (starts at 2026-08-01T00:00)"),
    ("GONE/P", FRIDAY, "campaign GONE is deleted"),
    ("WALLET/OFF", FRIDAY, "package WALLET/OFF is inactive"),
    ("WEEKEND/CONSOLE3H", FRIDAY, "package WEEKEND/CONSOLE3H is not sold on fri (only sat, sun)"),
    ("SUMMER/BASIC", dt.datetime(2026, 9, 1), "campaign SUMMER expired at 2026-09-01T00:00"),
    ("SUMMER/BASIC", dt.datetime(2026, 5, 31, 23, 59), "campaign SUMMER has not started"),
    ("SUMMER/BASIC", FRIDAY, None),
])
def test_why_not_sellable_names_the_reason(site, package, at, reason):
    answer = why_not_sellable("M001", package, at)
    if reason is None:
        assert answer is None
    else:
        assert answer is not None and answer.startswith(reason)


def test_the_limit_per_member_counts_purchases_but_not_refunded_ones(site):
    first = purchase("M001", "WEEKEND/CONSOLE3H", "cash", "kiosk", SATURDAY)
    purchase("M001", "WEEKEND/CONSOLE3H", "cash", "kiosk", SATURDAY)
    assert why_not_sellable("M001", "WEEKEND/CONSOLE3H", SATURDAY).startswith("limit reached")
    assert why_not_sellable("M002", "WEEKEND/CONSOLE3H", SATURDAY) is None
    assert "CONSOLE3H" not in {p["package"] for p in sellable_packages("M001", SATURDAY)}
    with pytest.raises(PlaydeskError, match="not sellable: limit reached"):
        purchase("M001", "WEEKEND/CONSOLE3H", "cash", "kiosk", SATURDAY)
    refund(first.id, "MGR", "changed mind", SATURDAY)
    assert why_not_sellable("M001", "WEEKEND/CONSOLE3H", SATURDAY) is None


def test_unknown_package_and_member_are_not_found(site):
    with pytest.raises(NotFound, match="unknown package"):
        why_not_sellable("M001", "SUMMER/NOPE", FRIDAY)
    with pytest.raises(NotFound, match="unknown member"):
        why_not_sellable("NOBODY", "SUMMER/BASIC", FRIDAY)
    with pytest.raises(PlaydeskError, match="CAMPAIGN/PACKAGE"):
        why_not_sellable(None, "BASIC", FRIDAY)


def test_deactivating_a_campaign_keeps_credits_already_bought(site):
    bought = purchase("M001", "SUMMER/STD", "cash", "kiosk", FRIDAY)
    with write():
        Campaign.update(active=False, deleted=True).where(Campaign.code == "SUMMER").execute()
    assert balance("M001", FRIDAY).minutes.total == 150
    assert consume("M001", "minutes", 150, "pc", FRIDAY).consumed == 150
    assert Purchase.get_by_id(bought.id).campaign == "SUMMER"


# --- purchase ----------------------------------------------------------------------------------

COMBINATIONS = [
    # package, (paid kind, paid total), (bonus kind, bonus total) or None
    ("SUMMER/BASIC", ("minutes", 60), None),
    ("SUMMER/STD", ("minutes", 120), ("minutes", 30)),
    ("WEEKEND/CONSOLE3H", ("minutes", 180), ("money", 200)),
    ("WALLET/TOPUP10", ("money", 1000), None),
    ("SUMMER/PREMIUM", ("money", 5000), ("minutes", 60)),
    ("WALLET/TOPUP50", ("money", 5000), ("money", 500)),
]


@pytest.mark.parametrize(("package", "paid", "bonus"), COMBINATIONS)
def test_all_six_package_bonus_combinations(site, package, paid, bonus):
    item = Package.get(Package.code == package.split("/")[1])
    bought = purchase("M001", package, "cash", "counter", SATURDAY, location="COUNTER1",
                      staff="S01")
    lots = lots_of(bought.id)
    assert [(lot.type, lot.kind, lot.total, lot.remaining) for lot in lots] == (
        [("paid", *paid, paid[1])] + ([("bonus", *bonus, bonus[1])] if bonus else []))
    expires = SATURDAY + dt.timedelta(days=item.validity_days) if item.validity_days else None
    assert all(lot.device == item.device and lot.expires_at == expires for lot in lots)
    assert all(lot.purchase == bought.id and lot.member == "M001" for lot in lots)
    record = Purchase.get_by_id(bought.id)
    assert (record.campaign, record.price, record.channel, record.location, record.staff) == (
        package.split("/")[0], item.price, "counter", "COUNTER1", "S01")


def test_cash_and_card_record_a_payment_with_the_method_commission(site):
    cash = purchase("M001", "SUMMER/STD", "cash", "kiosk", FRIDAY)
    card = purchase("M001", "SUMMER/STD", "card", "kiosk", FRIDAY)
    # 900 × 1.5 % = 13.5 → 14 (half-up), + 10 fixed
    assert (cash.commission, card.commission) == (0, 24)
    payments = {p.purchase: p for p in Payment.select()}
    assert (payments[cash.id].method, payments[cash.id].amount) == ("cash", 900)
    assert (payments[card.id].method, payments[card.id].amount,
            payments[card.id].commission) == ("card", 900, 24)


def test_a_free_package_costs_no_commission(site):
    bought = purchase("M001", "WALLET/FREE", "card", "kiosk", FRIDAY)
    assert bought.commission == 0 and bought.price == 0


def test_wallet_pays_from_unrestricted_money_lots_by_the_consumption_order(site):
    later = give("M001", "money", 600, expires_at=dt.datetime(2026, 12, 1))
    sooner = give("M001", "money", 400, expires_at=dt.datetime(2026, 8, 1))
    never = give("M001", "money", 1000)
    give("M001", "money", 5000, device="pc")  # restricted: never pays for a package
    bought = purchase("M001", "SUMMER/STD", "wallet", "kiosk", FRIDAY)
    draws = {c.lot: c.amount for c in Consumption.select().where(Consumption.reference == bought.id)}
    assert draws == {sooner: 400, later: 500}
    assert Lot.get_by_id(never).remaining == 1000
    assert not Payment.select().where(Payment.purchase == bought.id).exists()
    assert (bought.payment, bought.commission) == ("wallet", 0)
    assert balance("M001", FRIDAY).money.total == 100 + 1000 + 5000


def test_wallet_without_enough_unrestricted_money_fails_and_writes_nothing(site):
    give("M001", "money", 800)
    give("M001", "money", 5000, device="console")
    before = snapshot(site)
    with pytest.raises(PlaydeskError, match="insufficient wallet balance"):
        purchase("M001", "SUMMER/STD", "wallet", "kiosk", FRIDAY)
    assert snapshot(site) == before


def test_wallet_ignores_expired_lots(site):
    give("M001", "money", 2000, expires_at=FRIDAY)
    with pytest.raises(PlaydeskError, match="insufficient wallet balance"):
        purchase("M001", "SUMMER/STD", "wallet", "kiosk", FRIDAY)


@pytest.mark.parametrize(("member", "channel", "error"), [
    ("NOBODY", "kiosk", "unknown member 'NOBODY'"),
    ("GHOST", "kiosk", "unknown member 'GHOST'"),
    ("ASLEEP", "counter", "member ASLEEP is inactive"),
    ("NOLOGIN", "kiosk", "member NOLOGIN may not log in on the kiosk"),
])
def test_purchase_refuses_members_who_may_not_buy(site, member, channel, error):
    before = snapshot(site)
    with pytest.raises(PlaydeskError, match=error):
        purchase(member, "SUMMER/STD", "cash", channel, FRIDAY)
    assert snapshot(site) == before


def test_a_member_without_kiosk_login_can_buy_at_the_counter(site):
    assert purchase("NOLOGIN", "SUMMER/STD", "cash", "counter", FRIDAY).member == "NOLOGIN"


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"package": "SUMMER/NOPE"}, "unknown package"),
    ({"package": "PAUSED/P"}, "not sellable: campaign PAUSED is inactive"),
    ({"package": "WEEKEND/CONSOLE3H"}, "not sellable: package WEEKEND/CONSOLE3H is not sold on fri"),
    ({"payment": "cheque"}, "payment must be one of"),
    ({"channel": "web"}, "channel must be one of"),
    ({"staff": "NOBODY"}, "unknown staff member"),
    ({"location": "MOON"}, "unknown location"),
])
def test_purchase_refuses_bad_input_and_writes_nothing(site, kwargs, error):
    arguments = {"member": "M001", "package": "SUMMER/STD", "payment": "cash",
                 "channel": "kiosk", "at": FRIDAY, **kwargs}
    before = snapshot(site)
    with pytest.raises(PlaydeskError, match=error):
        purchase(**arguments)
    assert snapshot(site) == before


def test_an_idempotency_key_returns_the_first_purchase_and_writes_nothing(site):
    first = purchase("M001", "SUMMER/STD", "cash", "kiosk", FRIDAY, key="tap-1")
    before = snapshot(site)
    again = purchase("M001", "SUMMER/STD", "cash", "kiosk", FRIDAY, key="tap-1")
    assert again.id == first.id
    assert snapshot(site) == before
    with pytest.raises(PlaydeskError, match="was used for"):
        purchase("M002", "SUMMER/STD", "cash", "kiosk", FRIDAY, key="tap-1")


def test_a_repeated_key_is_answered_even_when_the_package_is_no_longer_sellable(site):
    first = purchase("M001", "WEEKEND/CONSOLE3H", "cash", "kiosk", SATURDAY, key="a")
    purchase("M001", "WEEKEND/CONSOLE3H", "cash", "kiosk", SATURDAY, key="b")
    assert purchase("M001", "WEEKEND/CONSOLE3H", "cash", "kiosk", SATURDAY, key="a").id == first.id


def test_a_purchase_on_a_receipt_records_no_payment_of_its_own(site):
    give("M001", "money", 100)
    bought = purchase("M001", "SUMMER/STD", "wallet", "counter", FRIDAY, receipt="DEV1-R1",
                      price=810)
    assert (bought.receipt, bought.price, bought.payment, bought.commission) == (
        "DEV1-R1", 810, "wallet", 0)
    assert not Payment.select().exists()
    assert balance("M001", FRIDAY).money.total == 100  # checkout takes the wallet payment


def test_purchase_inside_a_callers_transaction_rolls_back_with_it(site):
    with pytest.raises(RuntimeError), write():
        purchase("M001", "SUMMER/STD", "cash", "counter", FRIDAY)
        raise RuntimeError("checkout failed later")
    assert not Purchase.select().exists() and not Lot.select().exists()


def test_a_refused_purchase_inside_a_callers_transaction_leaves_the_rest(site):
    with write():
        kept = purchase("M001", "SUMMER/BASIC", "cash", "counter", FRIDAY)
        with pytest.raises(PlaydeskError):
            purchase("M001", "SUMMER/STD", "wallet", "counter", FRIDAY)
    assert [p.id for p in Purchase.select()] == [kept.id]
    assert Lot.select().count() == 1


def test_purchase_journal_event_carries_every_row(site):
    give("M001", "money", 6000)
    bought = purchase("M001", "WALLET/TOPUP50", "wallet", "kiosk", FRIDAY)
    card = purchase("M001", "SUMMER/STD", "card", "kiosk", FRIDAY)
    events = list(Event.select().order_by(Event.seq))
    assert [e.type for e in events] == ["lot", "purchase", "purchase"]
    assert [e.seq for e in events] == [1, 2, 3]
    rows = json.loads(events[1].payload)["rows"]
    assert [r["id"] for r in rows["purchase"]] == [bought.id]
    assert {r["type"] for r in rows["lot"]} == {"paid", "bonus"}
    assert sum(r["amount"] for r in rows["consumption"]) == 5000
    card_rows = json.loads(events[2].payload)["rows"]
    assert card_rows["payment"][0]["commission"] == card.commission


def test_journal_rows_replayed_on_another_device_give_the_same_lots(site, tmp_path):
    """What the sync engineer will do: insert the event's rows, then recompute derived values."""
    give("M001", "money", 6000)
    purchase("M001", "SUMMER/STD", "wallet", "kiosk", FRIDAY)
    consume("M001", "minutes", 100, "pc", FRIDAY)
    expected = {lot.id: (lot.remaining, lot.status) for lot in Lot.select()}
    events = [json.loads(e.payload) for e in Event.select().order_by(Event.seq)]
    from engine.db import open_database

    open_database(tmp_path / "replica.db")
    from engine.models import ALL_MODELS

    tables = {model._meta.table_name: model for model in ALL_MODELS}
    with write():
        for payload in events:
            for table, rows in payload["rows"].items():
                tables[table].insert_many(rows).execute()
        refresh_lots(lot.id for lot in Lot.select())
    assert {lot.id: (lot.remaining, lot.status) for lot in Lot.select()} == expected


# --- consumption -------------------------------------------------------------------------------

def test_consume_draws_in_expiry_first_order_by_default(site):
    no_expiry = give("M001", "minutes", 50)
    late = give("M001", "minutes", 50, expires_at=dt.datetime(2026, 9, 1))
    early = give("M001", "minutes", 50, expires_at=dt.datetime(2026, 8, 1))
    bonus_late = give("M001", "minutes", 50, expires_at=dt.datetime(2026, 9, 1), lot_type="bonus")
    result = consume("M001", "minutes", 170, "pc", FRIDAY, reference="session-1")
    assert result.draws == [(early, 50), (bonus_late, 50), (late, 50), (no_expiry, 20)]
    assert (result.consumed, result.shortfall) == (170, 0)
    assert {c.reference for c in Consumption.select()} == {"session-1"}
    assert_lot_invariant()


def test_consume_ties_break_on_age_then_lowest_id(site):
    ids = [give("M001", "minutes", 10, at=FRIDAY) for _ in range(11)]
    older = give("M001", "minutes", 10, at=FRIDAY - dt.timedelta(days=1))
    result = consume("M001", "minutes", 120, "pc", FRIDAY)
    assert [lot for lot, _ in result.draws] == [older, *ids]  # ...-L10 after ...-L9


def test_bonus_first_order_puts_bonus_lots_before_the_expiry_rule(site):
    set_order("bonus_first")
    early_paid = give("M001", "minutes", 30, expires_at=dt.datetime(2026, 7, 10), lot_type="paid")
    bonus = give("M001", "minutes", 30, lot_type="bonus")
    manual = give("M001", "minutes", 30, expires_at=dt.datetime(2026, 7, 5))
    result = consume("M001", "minutes", 90, "pc", FRIDAY)
    assert [lot for lot, _ in result.draws] == [bonus, manual, early_paid]


def test_paid_first_order_puts_paid_lots_first(site):
    set_order("paid_first")
    bonus = give("M001", "money", 30, expires_at=dt.datetime(2026, 7, 5), lot_type="bonus")
    paid_late = give("M001", "money", 30, lot_type="paid")
    paid_early = give("M001", "money", 30, expires_at=dt.datetime(2026, 7, 20), lot_type="paid")
    result = consume("M001", "money", 80, "any", FRIDAY)
    assert result.draws == [(paid_early, 30), (paid_late, 30), (bonus, 20)]


def test_an_unknown_consumption_order_is_an_error(site):
    set_order("random")
    give("M001", "minutes", 10)
    with pytest.raises(PlaydeskError, match="consumption_order"):
        consume("M001", "minutes", 5, "pc", FRIDAY)


@pytest.mark.parametrize(("device", "usable"), [
    ("pc", {"any", "pc"}), ("console", {"any", "console"}), ("any", {"any"})])
def test_device_compatibility(site, device, usable):
    lots = {d: give("M001", "minutes", 10, device=d) for d in ("pc", "console", "any")}
    result = consume("M001", "minutes", 30, device, FRIDAY, partial=True)
    assert {lot for lot, _ in result.draws} == {lots[d] for d in usable}
    assert result.shortfall == 30 - 10 * len(usable)


def test_insufficient_balance_without_partial_writes_nothing(site):
    give("M001", "minutes", 40)
    before = snapshot(site)
    with pytest.raises(PlaydeskError, match="insufficient balance"):
        consume("M001", "minutes", 41, "pc", FRIDAY)
    assert snapshot(site) == before


def test_partial_takes_what_there_is_and_reports_the_shortfall(site):
    lot = give("M001", "minutes", 40)
    result = consume("M001", "minutes", 100, "pc", FRIDAY, partial=True)
    assert (result.consumed, result.shortfall, result.draws) == (40, 60, [(lot, 40)])
    assert Lot.get_by_id(lot).status == "depleted"
    empty = consume("M001", "minutes", 5, "pc", FRIDAY, partial=True)
    assert (empty.consumed, empty.shortfall, empty.draws) == (0, 5, [])


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"kind": "coins"}, "kind must be one of"), ({"device": "phone"}, "device must be one of"),
    ({"amount": 0}, "positive"), ({"amount": -5}, "positive"),
    ({"member": "NOBODY"}, "unknown member")])
def test_consume_refuses_bad_input(site, kwargs, error):
    arguments = {"member": "M001", "kind": "minutes", "amount": 10, "device": "pc",
                 "at": FRIDAY, **kwargs}
    with pytest.raises(PlaydeskError, match=error):
        consume(**arguments)


def test_consume_appends_one_event_with_its_records(site):
    give("M001", "minutes", 10)
    give("M001", "minutes", 10)
    consume("M001", "minutes", 15, "pc", FRIDAY)
    event = Event.select().order_by(Event.seq.desc()).first()
    assert event.type == "consume"
    assert [r["amount"] for r in json.loads(event.payload)["rows"]["consumption"]] == [10, 5]


# --- expiry ------------------------------------------------------------------------------------

def test_an_expired_lot_is_never_used_and_counts_as_breakage(site):
    bought = purchase("M001", "WALLET/PC2H", "cash", "kiosk", FRIDAY)  # 120 pc minutes, 7 days
    consume("M001", "minutes", 20, "pc", FRIDAY + dt.timedelta(days=6, hours=23))
    expiry = FRIDAY + dt.timedelta(days=7)
    assert balance("M001", expiry - dt.timedelta(seconds=1)).minutes.total == 100
    with pytest.raises(PlaydeskError, match="insufficient balance"):
        consume("M001", "minutes", 1, "pc", expiry)
    after = balance("M001", expiry).as_dict()
    assert after["minutes"] == {"total": 0, "paid": 0, "bonus": 0, "other": 0}
    assert [(lot["status"], lot["remaining"]) for lot in after["lots"]] == [("expired", 100)]
    (record,) = purchase_records(member="M001", at=expiry)
    assert record["expired"]["minutes"] == {"paid": 100, "bonus": 0}
    assert record["remaining"]["minutes"] == {"paid": 0, "bonus": 0}
    assert record["consumed"]["minutes"] == {"paid": 20, "bonus": 0}
    assert report_liability(expiry).breakage["minutes"].paid == 100
    assert Lot.get(Lot.purchase == bought.id).status == "active"  # stored status is derived only


def test_a_running_session_stops_drawing_at_expiry(site):
    give("M001", "minutes", 60, expires_at=FRIDAY + dt.timedelta(minutes=30))
    give("M001", "minutes", 10)
    consume("M001", "minutes", 20, "pc", FRIDAY)
    late = consume("M001", "minutes", 30, "pc", FRIDAY + dt.timedelta(minutes=30), partial=True)
    assert (late.consumed, late.shortfall) == (10, 20)


def test_expiring_within_lists_usable_lots_that_expire_soon(site):
    soon = give("M001", "money", 100, expires_at=FRIDAY + dt.timedelta(days=3))
    give("M001", "money", 100, expires_at=FRIDAY + dt.timedelta(days=30))
    give("M001", "money", 100)
    give("M001", "money", 100, expires_at=FRIDAY)  # already expired
    assert [lot["id"] for lot in expiring_within("M001", FRIDAY, days=7)] == [soon]


# --- balance -----------------------------------------------------------------------------------

def test_balance_splits_paid_bonus_and_other_and_lists_lots(site):
    premium = purchase("M001", "SUMMER/PREMIUM", "cash", "kiosk", FRIDAY)
    purchase("M001", "SUMMER/STD", "cash", "kiosk", FRIDAY)
    give("M001", "money", 250)
    spent = give("M001", "minutes", 5, expires_at=FRIDAY + dt.timedelta(days=1))
    consume("M001", "minutes", 5, "any", FRIDAY)  # the earliest expiry goes first
    result = balance("M001", FRIDAY).as_dict()
    assert result["member"] == "M001"
    assert result["money"] == {"total": 5250, "paid": 5000, "bonus": 0, "other": 250}
    assert result["minutes"] == {"total": 210, "paid": 120, "bonus": 90, "other": 0}
    assert spent not in {lot["id"] for lot in result["lots"]}
    assert spent in {lot["id"] for lot in balance("M001", FRIDAY, include_spent=True).lots}
    first = result["lots"][0]
    assert set(first) >= {"id", "kind", "type", "total", "remaining", "device", "status",
                          "expires_at", "purchase"}
    assert first["purchase"] == premium.id  # the listed lots with an expiry come first
    assert first["expires_at"] == FRIDAY + dt.timedelta(days=90)


def test_balance_of_an_unknown_member_is_an_error(site):
    with pytest.raises(NotFound):
        balance("NOBODY", FRIDAY)


# --- refunds -----------------------------------------------------------------------------------

def test_refund_pays_the_unused_paid_share_and_forfeits_the_bonus(site):
    bought = purchase("M001", "SUMMER/STD", "card", "kiosk", FRIDAY)  # 120 + 30 bonus, 900
    consume("M001", "minutes", 50, "pc", FRIDAY)  # the bonus goes first (same expiry: none)
    paid, bonus = lots_of(bought.id)
    assert (paid.remaining, bonus.remaining) == (100, 0)
    answer = refund(bought.id, "MGR", "machine broken", FRIDAY)
    assert (answer["refund_amount"], answer["method"]) == (900 * 100 // 120, "card")  # 750
    paid, bonus = lots_of(bought.id)
    assert (paid.status, paid.remaining, bonus.status, bonus.remaining) == (
        "refunded", 0, "refunded", 0)
    assert balance("M001", FRIDAY).minutes.total == 0
    row = Refund.get(Refund.purchase == bought.id)
    assert (row.amount, row.method, row.staff, row.reason) == (750, "card", "MGR", "machine broken")
    kinds = {c.kind for c in Consumption.select().where(Consumption.lot == paid.id)}
    assert kinds == {"use", "refund"}
    assert_lot_invariant()


def test_refund_rounds_down(site):
    bought = purchase("M001", "SUMMER/STD", "cash", "kiosk", FRIDAY)
    set_order("paid_first")
    consume("M001", "minutes", 7, "pc", FRIDAY)  # paid 113 of 120 left: 900 × 113 / 120 = 847.5
    assert refund(bought.id, "OWN", "r", FRIDAY)["refund_amount"] == 847


def test_a_wallet_purchase_is_refunded_as_a_refund_lot(site):
    give("M001", "money", 1000)
    bought = purchase("M001", "WALLET/TOPUP10", "wallet", "kiosk", FRIDAY)
    consume("M001", "money", 250, "any", FRIDAY)  # the manual lot was spent on the purchase
    answer = refund(bought.id, "MGR", "duplicate", FRIDAY)
    assert answer["method"] == "wallet"
    lot = Lot.get_by_id(answer["lot"])
    assert (lot.type, lot.kind, lot.total, lot.device, lot.expires_at, lot.purchase) == (
        "refund", "money", 750, "any", None, None)
    assert balance("M001", FRIDAY).as_dict()["money"] == {"total": 750, "paid": 0, "bonus": 0, "other": 750}


def test_expired_paid_credit_is_not_refunded(site):
    bought = purchase("M001", "WALLET/PC2H", "cash", "kiosk", FRIDAY)
    assert refund(bought.id, "MGR", "late", FRIDAY + dt.timedelta(days=8))["refund_amount"] == 0


@pytest.mark.parametrize(("staff", "reason", "error"), [
    ("S01", "x", "needs a manager or owner; Sam is a cashier"),
    (None, "x", "needs a manager"),
    ("NOBODY", "x", "unknown staff member"),
    ("MGR", "  ", "needs a reason"),
])
def test_refund_refuses_without_a_manager_or_reason(site, staff, reason, error):
    bought = purchase("M001", "SUMMER/STD", "cash", "kiosk", FRIDAY)
    before = snapshot(site)
    with pytest.raises(PlaydeskError, match=error):
        refund(bought.id, staff, reason, FRIDAY)
    assert snapshot(site) == before


def test_a_purchase_is_refunded_once(site):
    bought = purchase("M001", "SUMMER/STD", "cash", "kiosk", FRIDAY)
    refund(bought.id, "MGR", "first", FRIDAY)
    before = snapshot(site)
    with pytest.raises(PlaydeskError, match="already refunded"):
        refund(bought.id, "MGR", "second", FRIDAY)
    with pytest.raises(NotFound, match="unknown purchase"):
        refund("DEV1-P999", "MGR", "x", FRIDAY)
    assert snapshot(site) == before


def test_the_refund_table_itself_refuses_a_second_refund(site):
    bought = purchase("M001", "SUMMER/STD", "cash", "kiosk", FRIDAY)
    refund(bought.id, "MGR", "first", FRIDAY)
    with pytest.raises(Exception, match="UNIQUE"), write():
        Refund.create(id="X", purchase=bought.id, amount=1, method="cash", reason="r",
                      staff="MGR", at=FRIDAY, device="DEV1")


# --- manual and correction lots ----------------------------------------------------------------

def test_manual_and_correction_lots_need_a_manager_and_a_comment(site):
    before = snapshot(site)
    for staff, comment, error in [("S01", "x", "manager or owner"), (None, "x", "needs a manager"),
                                  ("MGR", "", "needs a comment"), ("MGR", None, "needs a comment")]:
        with pytest.raises(PlaydeskError, match=error):
            add_lot("M001", "money", "manual", 100, staff, comment, FRIDAY)
    with pytest.raises(PlaydeskError, match="type must be one of"):
        add_lot("M001", "money", "paid", 100, "MGR", "x", FRIDAY)
    with pytest.raises(PlaydeskError, match="cannot be of type 'correction'"):
        add_lot("M001", "minutes", "correction", 100, "MGR", "x", FRIDAY)
    with pytest.raises(PlaydeskError, match="only a correction may be negative"):
        add_lot("M001", "money", "manual", -100, "MGR", "x", FRIDAY)
    with pytest.raises(NotFound):
        add_lot("NOBODY", "money", "manual", 100, "MGR", "x", FRIDAY)
    assert snapshot(site) == before


def test_a_manual_lot_is_added_with_its_staff_and_comment(site):
    lot = add_lot("M001", "minutes", "manual", 30, "OWN", "tournament prize", FRIDAY,
                  device="console", expires_at=dt.datetime(2026, 8, 1))
    row = Lot.get_by_id(lot["id"])
    assert (row.type, row.total, row.device, row.staff, row.comment, row.expires_at) == (
        "manual", 30, "console", "OWN", "tournament prize", dt.datetime(2026, 8, 1))
    assert Event.select().order_by(Event.seq.desc()).first().type == "lot"


def test_a_negative_correction_draws_records_and_edits_no_lot(site):
    first = give("M001", "money", 300)
    result = add_lot("M001", "money", "correction", -200, "MGR", "double top-up", FRIDAY)
    assert result["lot"] is None and result["draws"] == [{"lot": first, "amount": 200}]
    assert Lot.get_by_id(first).total == 300 and Lot.get_by_id(first).remaining == 100
    assert Consumption.get(Consumption.lot == first).kind == "correction"
    with pytest.raises(PlaydeskError, match="insufficient balance"):
        add_lot("M001", "money", "correction", -101, "MGR", "too much", FRIDAY)
    positive = add_lot("M001", "money", "correction", 50, "MGR", "fix", FRIDAY)
    assert positive["type"] == "correction" and positive["remaining"] == 50
    assert_lot_invariant()


# --- purchase records and reports --------------------------------------------------------------

def test_purchase_records_show_each_measure_per_lot_kind(site):
    premium = purchase("M001", "SUMMER/PREMIUM", "cash", "kiosk", FRIDAY)
    std = purchase("M002", "SUMMER/STD", "cash", "kiosk", FRIDAY)
    consume("M001", "money", 1200, "any", FRIDAY)
    consume("M001", "minutes", 25, "pc", FRIDAY)
    consume("M002", "minutes", 40, "pc", FRIDAY)
    refund(std.id, "MGR", "left early", FRIDAY)
    records = {r["purchase"]: r for r in purchase_records(campaign="SUMMER", at=FRIDAY)}
    p = records[premium.id]
    assert p["entitled"] == {"money": {"paid": 5000, "bonus": 0},
                             "minutes": {"paid": 0, "bonus": 60}}
    assert p["consumed"] == {"money": {"paid": 1200, "bonus": 0},
                             "minutes": {"paid": 0, "bonus": 25}}
    assert p["remaining"] == {"money": {"paid": 3800, "bonus": 0},
                              "minutes": {"paid": 0, "bonus": 35}}
    s = records[std.id]
    assert s["consumed"]["minutes"] == {"paid": 10, "bonus": 30}
    assert s["refunded"]["minutes"] == {"paid": 110, "bonus": 0}
    assert s["remaining"]["minutes"] == {"paid": 0, "bonus": 0}
    assert s["refund"]["amount"] == 900 * 110 // 120
    assert [r["purchase"] for r in purchase_records(member="M002", at=FRIDAY)] == [std.id]
    later = {r["purchase"]: r for r in purchase_records(at=FRIDAY + dt.timedelta(days=91))}
    assert later[premium.id]["expired"]["money"]["paid"] == 3800


def test_report_campaigns_sums_purchases_per_package(site):
    purchase("M001", "SUMMER/STD", "card", "kiosk", FRIDAY)
    second = purchase("M002", "SUMMER/STD", "cash", "kiosk", FRIDAY)
    purchase("M001", "SUMMER/BASIC", "cash", "kiosk", FRIDAY)
    refund(second.id, "MGR", "r", FRIDAY)
    report = {c["campaign"]: c for c in report_campaigns(FRIDAY)}
    assert set(report) >= {"SUMMER", "WEEKEND", "WALLET", "GONE"}  # deleted ones too
    assert report["GONE"]["state"] == "deleted"
    summer = report["SUMMER"]
    assert (summer["purchases"], summer["revenue"], summer["refunds"], summer["commission"]) == (
        3, 2300, 900, 24)
    std = next(p for p in summer["packages"] if p["package"] == "STD")
    assert (std["purchases"], std["refunded_purchases"], std["revenue"], std["net_revenue"]) == (
        2, 1, 1800, 900)
    assert std["entitled"]["minutes"] == {"paid": 240, "bonus": 60}
    assert std["refunded"]["minutes"] == {"paid": 120, "bonus": 30}
    assert std["revenue_by_payment"] == {"card": 900, "cash": 900}


def test_report_liability_outstanding_expiring_and_breakage(site):
    purchase("M001", "SUMMER/PREMIUM", "cash", "kiosk", FRIDAY)  # 5000 money + 60 min, 90 days
    purchase("M002", "WALLET/PC2H", "cash", "kiosk", FRIDAY)  # 120 pc minutes, 7 days, 700
    give("M003", "money", 100, expires_at=FRIDAY + dt.timedelta(days=40))
    at = FRIDAY + dt.timedelta(days=70)
    report = report_liability(at).as_dict()
    assert report["outstanding"]["money"] == {"total": 5000, "paid": 5000, "bonus": 0,
                                              "other": 0}
    assert report["outstanding"]["minutes"] == {"total": 60, "paid": 0, "bonus": 60, "other": 0}
    assert report["expiring"]["money"]["total"] == 5000  # day 90 is within 30 days of day 70
    assert report["breakage"]["minutes"] == {"total": 120, "paid": 120, "bonus": 0, "other": 0}
    assert report["breakage"]["money"]["other"] == 100
    assert report["unused_paid_value"] == 4500


def test_find_package_reads_the_rows_as_peewee_does(site):
    from engine.entitlements.sellable import find_package

    for expected in Package.select(Package, Campaign).join(Campaign):
        found = find_package(f"{expected.campaign.code}/{expected.code}")
        assert found.__data__ == expected.__data__
        assert found.campaign.__data__ == expected.campaign.__data__
    weekend = find_package("WEEKEND/CONSOLE3H")
    assert (weekend.weekdays, weekend.campaign.active) == (["sat", "sun"], True)
    assert find_package("SUMMER/PREMIUM").campaign.expires_at == dt.datetime(2026, 9, 1)
    with pytest.raises(NotFound):
        find_package("SUMMER/NOPE")
