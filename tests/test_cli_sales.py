"""`playdesk price`, `checkout`, `entries`, `receipt show`: JSON on stdout, exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.models import Receipt

DATA = Path(__file__).parent / "data"


@pytest.fixture
def cli(demo_site, db_path, capsys):
    def run(*argv: str) -> tuple[int, object, str]:
        code = main(["--db", str(db_path), *argv])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() else None), err
    return run


def write_receipt(tmp_path: Path, text: str) -> str:
    path = tmp_path / "receipt.yaml"
    path.write_text(text)
    return str(path)


def test_price_prints_the_document_and_records_nothing(cli):
    code, document, _ = cli("price", str(DATA / "receipts" / "04-coupon-issue.yaml"))
    assert code == 0
    assert set(document) >= {"at", "location", "member", "lines", "subtotal", "discount",
                             "total", "entries", "coupons_to_issue", "rejected"}
    assert document["lines"][0] == {
        "no": 1, "item": "HEADSET", "resource": None, "package": None, "quantity": 7,
        "unit_price": 500, "gross": 3500, "manual_discount": 0, "discount": 100, "net": 3400,
        "reductions": [{"campaign": "BIGSPEND", "amount": 100}]}
    assert document["coupons_to_issue"] == [{"campaign": "BACKSOON", "value": 150,
                                             "expires_on": "2026-10-03"}]
    assert Receipt.select().count() == 0


def test_price_uses_at_when_the_file_has_none(cli, tmp_path):
    path = write_receipt(tmp_path, "location: COUNTER1\nlines: [{item: COLA, quantity: 2}]\n")
    # 17:30 is happy hour: 20 % off 500
    code, document, _ = cli("--at", "2026-07-03T17:30", "price", path)
    assert (code, document["at"], document["total"]) == (0, "2026-07-03T17:30:00", 400)


def test_checkout_then_entries_and_receipt_show(cli, tmp_path):
    path = write_receipt(tmp_path, """
at: 2026-07-03T12:00
location: COUNTER1
lines: [{barcode: "4006381333931", quantity: 10}]
payments: [{method: cash, amount: 3000}]
""")
    # COLA×10 (scanned) = 2500; BIGSPEND −100 → 2400; change 600
    code, document, _ = cli("checkout", path)
    assert code == 0
    assert (document["total"], document["change"], document["purchases"],
            document["issued_coupons"]) == (2400, 600, [], [])
    receipt = document["receipt"]
    code, found, _ = cli("entries", "--receipt", receipt)
    assert [(e["entry_no"], e["campaign"], e["reduce_amount"]) for e in found] == [
        (1, "BIGSPEND", 100)]
    code, shown, _ = cli("receipt", "show", receipt)
    assert (shown["receipt"], shown["total"], shown["lines"][0]["item"]) == (receipt, 2400,
                                                                            "COLA")


def test_a_campaign_barcode_registers_the_campaign(cli, tmp_path):
    path = write_receipt(tmp_path, """
at: 2026-07-03T12:00
location: COUNTER1
lines: [{item: HEADSET}]
campaigns: ["CAMPSTAFF10", "STAFF10"]
""")
    # registered twice, applied once: 10 % of 500
    code, document, _ = cli("price", path)
    assert [(e["campaign"], e["registration"], e["reduce_amount"])
            for e in document["entries"]] == [("STAFF10", "manual", 50)]


@pytest.mark.parametrize(("lines", "message"), [
    ("[{item: NOPE}]", "line 1: unknown item 'NOPE'"),
    ("[{resource: XBOX}]", "line 1: unknown resource 'XBOX'"),
    ("[{package: SUMMER/NOPE}]", "line 1: unknown package 'SUMMER/NOPE'"),
    ("[{barcode: '9999999999994'}]", "line 1: barcode '9999999999994' is not an item"),
    ("[{item: COLA}, {item: COLA, quantity: 0}]", "line 2: quantity must be a whole number"),
    ("[{item: COLA, quantity: 1.5}]", "line 1: quantity must be a whole number"),
    ("[{item: COLA, quantity: two}]", "line 1: quantity must be a whole number"),
    ("[{item: COLA, manual_discount: 300}]", "line 1: manual_discount 300 is more than"),
    ("[{package: SUMMER/STD}]", "line 1: a package line needs a member"),
    ("[{item: COLA, colour: red}]", "lines[0].colour: unknown key"),
    ("[{item: COLA, resource: PC-HOUR}]", "needs exactly one of item, barcode"),
])
def test_bad_lines_exit_2_naming_the_line(cli, tmp_path, lines, message):
    path = write_receipt(tmp_path, f"location: COUNTER1\nlines: {lines}\n")
    code, document, err = cli("price", path)
    assert (code, document) == (2, None)
    assert err.startswith("playdesk: error: ") and message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("text", "message"), [
    ("location: NOWHERE\nlines: [{item: COLA}]\n", "unknown location 'NOWHERE'"),
    ("location: COUNTER1\nlines: [{item: COLA}]\ncampaigns: [NOPE]\n",
     "unknown campaign code 'NOPE'"),
    ("location: COUNTER1\nmember: M999\nlines: [{item: COLA}]\n", "unknown member 'M999'"),
    ("lines: [{item: COLA}]\n", "location: required"),
])
def test_bad_receipts_exit_2(cli, tmp_path, text, message):
    code, _, err = cli("price", write_receipt(tmp_path, text))
    assert code == 2 and message in err


def test_a_short_checkout_exits_2_and_records_nothing(cli, tmp_path):
    path = write_receipt(tmp_path, """
location: COUNTER1
lines: [{item: HEADSET}]
payments: [{method: cash, amount: 100}]
""")
    code, _, err = cli("checkout", path)
    assert code == 2 and "do not cover the total of 500" in err
    assert Receipt.select().count() == 0
