"""Reproductions of the money bugs a reviewer found, each on the demo site in a real SQLite file.

1. a wallet checkout of a money package paid with the package's own credit;
2. package refunds on a split-payment receipt went back by the wrong method;
3. a kiosk order was charged at today's price, not the ticket's;
4. packages sold at the counter recorded no commission;
5. checkout and receipt refunds accepted an unknown, closed or foreign `--shift`.

The demo site (tests/data/site.yaml): COLA 250; SUMMER/STD 900 (120 + 30 minutes), SUMMER/PREMIUM
4500 (5000 money + 60 minutes); card costs 1.5 % + 10.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.cli import main
from engine.db import write
from engine.entitlements import add_lot, balance, refund, report_campaigns
from engine.errors import InsufficientBalance, NotFound, PlaydeskError
from engine.models import (
    Consumption,
    Event,
    Lot,
    Package,
    Payment,
    Purchase,
    Receipt,
    ReceiptLine,
    Refund,
    Staff,
)
from engine.models.shifts import ReceiptRefund, ReceiptRefundPayment, Shift, ShiftClose
from engine.people.pins import hash_pin
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.orders import complete_order, create_order
from engine.sales.payments import commission_shares
from engine.sales.receiptfile import PaymentInput
from engine.sales.refunds import refund_receipt
from engine.sales.shifts import close_shift, expected_cash, open_shift

AT = dt.datetime(2026, 7, 3, 12, 0)  # no happy hour: COLA×2 = 500
LATER = AT + dt.timedelta(hours=1)


@pytest.fixture
def site(demo_site):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def sale(lines, payments, member=None, shift=None, at=AT) -> dict:
    return checkout(ReceiptInput("COUNTER1", tuple(lines), member=member),
                    [PaymentInput(m, a) for m, a in payments], at, staff="S01", shift=shift)


def counts() -> dict[str, int]:
    return {model.__name__: model.select().count()
            for model in (Receipt, ReceiptLine, Payment, Purchase, Lot, Consumption, Refund,
                          ReceiptRefund, ReceiptRefundPayment, Event)}


def wallet(member: str = "M001", at: dt.datetime = LATER) -> int:
    return balance(member, at).money.total


# 1. A wallet payment never draws from the credit the receipt itself sells


def test_an_empty_wallet_cannot_pay_for_a_money_package_with_its_own_credit(site):
    before = counts()
    with pytest.raises(PlaydeskError, match="insufficient wallet balance"):
        sale([LineInput(package="SUMMER/PREMIUM")], [("wallet", None)], member="M001")
    assert counts() == before
    assert wallet(at=AT) == 0


def test_a_wallet_short_of_the_price_is_refused_before_anything_is_written(site):
    add_lot("M001", "money", "manual", 3000, "S02", "goodwill", AT)
    before = counts()
    with pytest.raises(InsufficientBalance, match="insufficient wallet balance: M001 has 3000"):
        sale([LineInput(package="SUMMER/PREMIUM")], [("wallet", None)], member="M001")
    assert counts() == before


def test_a_covering_wallet_pays_from_the_old_lots_and_the_new_credit_stays_whole(site):
    add_lot("M001", "money", "manual", 4500, "S02", "goodwill", AT)
    done = sale([LineInput(package="SUMMER/PREMIUM")], [("wallet", None)], member="M001")
    (bought,) = done.purchases
    new_lots = {lot.id for lot in Lot.select().where(Lot.purchase == bought)}
    drawn = {row.lot for row in Consumption.select().where(Consumption.reference == done.receipt)}
    assert drawn and not drawn & new_lots
    assert wallet() == 5000  # 4500 paid from the old lot, the package's 5000 whole


def test_a_wallet_spend_the_offline_policy_allowed_is_still_checked_here(site, monkeypatch):
    from engine.sales import strict
    from engine.sync.authority import Decision

    asked = []
    monkeypatch.setattr(strict, "sync_configured", lambda: True)
    monkeypatch.setattr(strict, "spend", lambda *args, **kw: asked.append(args) or
                        Decision(True, True, "offline policy"))
    before = counts()
    with pytest.raises(InsufficientBalance, match="insufficient wallet balance"):
        sale([LineInput(package="SUMMER/PREMIUM")], [("wallet", None)], member="M001")
    assert [args[:3] for args in asked] == [("M001", "money", 4500)]
    assert counts() == before


def test_the_cli_refuses_the_self_paying_wallet_sale_with_exit_2(site, db_path, tmp_path, capsys):
    path = tmp_path / "receipt.yaml"
    path.write_text("at: 2026-07-03T12:00\nlocation: COUNTER1\nmember: M001\n"
                    "lines: [{package: SUMMER/PREMIUM}]\npayments: [{method: wallet}]\n")
    before = counts()
    code = main(["--db", str(db_path), "checkout", str(path)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("playdesk: error: insufficient wallet balance")
    assert counts() == before


# 2. Every receipt refund gives back per method at most what that method paid on the receipt


def split_sale() -> dict:
    """STD 900 + COLA×2 500 = 1400, paid 500 cash then 900 card."""
    return sale([LineInput(package="SUMMER/STD"), LineInput(item="COLA", quantity=2)],
                [("cash", 500), ("card", 900)], member="M001")


def returned(receipt: str) -> dict[str, int]:
    back: dict[str, int] = {}
    for row in ReceiptRefundPayment.select().join(ReceiptRefund).where(
            ReceiptRefund.receipt == receipt):
        back[row.method] = back.get(row.method, 0) + row.amount
    return back


def test_a_split_receipt_refunds_each_method_at_most_what_it_paid(site):
    done = split_sale()
    assert done.total == 1400
    result = refund_receipt(done.receipt, "S02", "changed mind", LATER)
    assert result["amount"] == 1400
    assert returned(done.receipt) == {"card": 900, "cash": 500}
    assert sum(p["amount"] for p in result["payments"]) == 1400


def test_the_package_line_alone_then_the_goods_stay_within_each_method(site):
    done = split_sale()
    first = refund_receipt(done.receipt, "S02", "wrong package", LATER, lines=[1])
    assert first["amount"] == 900
    assert [(p["method"], p["amount"]) for p in first["payments"]] == [("card", 900)]
    rest = refund_receipt(done.receipt, "S02", "flat", LATER)
    assert [(p["method"], p["amount"]) for p in rest["payments"]] == [("cash", 500)]
    assert returned(done.receipt) == {"card": 900, "cash": 500}
    refunded = Refund.get(Refund.purchase == done.purchases[0])
    assert (refunded.amount, refunded.lot) == (900, None)


def test_a_wallet_paid_package_comes_back_as_a_refund_lot(site):
    add_lot("M001", "money", "manual", 900, "S02", "goodwill", AT)
    done = sale([LineInput(package="SUMMER/STD")], [("wallet", None)], member="M001")
    assert wallet() == 0
    result = refund_receipt(done.receipt, "S02", "wrong package", LATER)
    (back,) = result["payments"]
    assert (back["method"], back["amount"]) == ("wallet", 900)
    assert Lot.get_by_id(back["lot"]).type == "refund"
    assert wallet() == 900  # given back once: no second lot from the purchase refund
    assert balance("M001", LATER).minutes.total == 0


def test_a_receipt_package_refund_leaves_the_drawer_once(site):
    shift = open_shift("S01", 1000, AT, "COUNTER1").id
    done = sale([LineInput(package="SUMMER/STD")], [("cash", None)], member="M001", shift=shift)
    assert expected_cash(Shift.get_by_id(shift), AT) == 1900
    refund_receipt(done.receipt, "S02", "wrong package", LATER, shift=shift)
    assert expected_cash(Shift.get_by_id(shift), LATER) == 1000


def test_the_shift_report_counts_a_receipt_package_refund_once(site):
    from engine.sales.shifts import shift_report

    shift = open_shift("S01", 1000, AT, "COUNTER1").id
    done = sale([LineInput(package="SUMMER/STD")], [("cash", None)], member="M001", shift=shift)
    refund_receipt(done.receipt, "S02", "wrong package", LATER, shift=shift)
    refunds = shift_report(shift, LATER).refunds
    assert refunds.count == 1  # the purchase refund that only closed the lots is not another
    assert {row.method: row.amount for row in refunds.methods} == {"cash": 900}


def test_a_receipt_purchase_is_refunded_through_its_receipt_only(site):
    done = split_sale()
    before = counts()
    with pytest.raises(PlaydeskError, match=f"refund-receipt {done.receipt} --line 1"):
        refund(done.purchases[0], "S02", "wrong package", LATER)
    assert counts() == before


# 3. A kiosk order is charged at the ticket's price


def test_an_order_is_paid_at_the_price_on_its_ticket(site):
    order = create_order("M001", "SUMMER/STD", "KIOSK1", AT)
    assert order.price == 900
    with write():  # the owner raises the price before the member reaches the counter
        Package.update(price=1200).where(Package.code == "STD").execute()
    bought = complete_order(order.code, "card", "S01", AT + dt.timedelta(minutes=5))
    assert bought.price == 900
    assert Payment.get(Payment.purchase == bought.id).amount == 900


def test_a_wallet_order_draws_the_ticket_price(site):
    add_lot("M001", "money", "manual", 1000, "S02", "goodwill", AT)
    order = create_order("M001", "SUMMER/STD", "KIOSK1", AT)
    with write():
        Package.update(price=1200).where(Package.code == "STD").execute()
    bought = complete_order(order.code, "wallet", "S01", AT + dt.timedelta(minutes=5))
    assert bought.price == 900
    assert wallet() == 100


# 4. Counter package sales carry their share of the card commission


def test_a_card_receipt_shares_its_commission_with_the_package_lines(site):
    # 1400 by card: 21 + 10 = 31; STD's share 31 × 900 / 1400 = 19.93 → 20, colas 11
    done = sale([LineInput(package="SUMMER/STD"), LineInput(item="COLA", quantity=2)],
                [("card", None)], member="M001")
    assert done.payments[0].commission == 31
    assert Purchase.get_by_id(done.purchases[0]).commission == 20
    (summer,) = [row for row in report_campaigns(LATER) if row["campaign"] == "SUMMER"]
    assert summer["commission"] == 20


def test_commission_shares_are_exact_over_units_and_methods(site):
    # STD×3 = 2700 (900 each): card 2000 pays 30 + 10 = 40, cash nothing; all of the card's 40
    # goes to the one line, 14 + 13 + 13 over its units
    done = sale([LineInput(package="SUMMER/STD", quantity=3)], [("cash", 700), ("card", 2000)],
                member="M001")
    commissions = [Purchase.get_by_id(p).commission for p in done.purchases]
    assert sum(commissions) == 40 == sum(p.commission for p in done.payments)
    assert sorted(commissions) == [13, 13, 14]


def test_commission_shares_sum_exactly_even_above_the_nets():
    assert commission_shares(31, [(1, 900), (2, 500)]) == {1: 20, 2: 11}
    # a fixed fee larger than a tiny receipt still splits in full
    assert commission_shares(10, [(1, 3), (2, 2)]) == {1: 6, 2: 4}
    assert commission_shares(7, [(1, 1), (2, 1)]) == {1: 4, 2: 3}
    assert commission_shares(5, [(1, 0)]) == {}


# 5. The shift must exist, be this device's and be open


def test_checkout_refuses_an_unknown_closed_or_foreign_shift(site):
    shift = open_shift("S01", 0, AT, "COUNTER1").id
    close_shift(shift, "S01", 0, AT)
    with write():
        Shift.create(id="OTHER-SH1", device="OTHER", staff="S01", opened_at=AT, opening_cash=0)
    before = counts()
    for bad, error, message in (("SH404", NotFound, "unknown shift 'SH404'"),
                                (shift, PlaydeskError, f"shift {shift} was closed"),
                                ("OTHER-SH1", PlaydeskError, "shift OTHER-SH1 is device OTHER's")):
        with pytest.raises(error, match=message):
            sale([LineInput(item="COLA")], [("cash", None)], shift=bad)
    assert counts() == before


def test_a_receipt_refund_refuses_a_closed_shift(site):
    shift = open_shift("S01", 0, AT, "COUNTER1").id
    done = sale([LineInput(item="COLA")], [("cash", None)], shift=shift)
    close_shift(shift, "S01", 250, AT)
    assert ShiftClose.select().count() == 1
    before = counts()
    with pytest.raises(PlaydeskError, match=f"shift {shift} was closed"):
        refund_receipt(done.receipt, "S02", "flat", LATER, shift=shift)
    with pytest.raises(NotFound, match="unknown shift"):
        refund_receipt(done.receipt, "S02", "flat", LATER, shift="SH404")
    assert counts() == before
    again = open_shift("S01", 0, LATER, "COUNTER1").id
    assert refund_receipt(done.receipt, "S02", "flat", LATER, shift=again)["amount"] == 250


def test_the_cli_refuses_an_unknown_shift_with_exit_2(site, db_path, tmp_path: Path, capsys):
    path = tmp_path / "receipt.yaml"
    path.write_text("at: 2026-07-03T12:00\nlocation: COUNTER1\nlines: [{item: COLA}]\n"
                    "payments: [{method: cash}]\n")
    code = main(["--db", str(db_path), "checkout", str(path), "--shift", "SH404"])
    assert code == 2
    assert "unknown shift 'SH404'" in capsys.readouterr().err
    assert Receipt.select().count() == 0
