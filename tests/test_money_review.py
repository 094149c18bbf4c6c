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

import pytest

from engine.cli import main
from engine.entitlements import add_lot, balance
from engine.errors import PlaydeskError
from engine.models import (
    Consumption,
    Event,
    Lot,
    Payment,
    Purchase,
    Receipt,
    ReceiptLine,
    Refund,
    Staff,
)
from engine.models.shifts import ReceiptRefund, ReceiptRefundPayment
from engine.pins import hash_pin
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput

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
    return balance(member, at)["money"]["total"]


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
    with pytest.raises(PlaydeskError, match="insufficient wallet balance: M001 has 3000"):
        sale([LineInput(package="SUMMER/PREMIUM")], [("wallet", None)], member="M001")
    assert counts() == before


def test_a_covering_wallet_pays_from_the_old_lots_and_the_new_credit_stays_whole(site):
    add_lot("M001", "money", "manual", 4500, "S02", "goodwill", AT)
    done = sale([LineInput(package="SUMMER/PREMIUM")], [("wallet", None)], member="M001")
    (bought,) = done["purchases"]
    new_lots = {lot.id for lot in Lot.select().where(Lot.purchase == bought)}
    drawn = {row.lot for row in Consumption.select().where(Consumption.reference == done["receipt"])}
    assert drawn and not drawn & new_lots
    assert wallet() == 5000  # 4500 paid from the old lot, the package's 5000 whole


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


