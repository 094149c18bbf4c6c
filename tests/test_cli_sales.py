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
                             "total", "entries", "coupons_to_issue", "rejected", "tax",
                             "total_due"}
    assert document["lines"][0] == {
        "no": 1, "item": "HEADSET", "resource": None, "package": None, "quantity": 7,
        "unit_price": 500, "gross": 3500, "manual_discount": 0, "discount": 100, "net": 3400,
        "reductions": [{"campaign": "BIGSPEND", "amount": 100}], "tax": "A"}
    # the demo site's prices contain German VAT: a table per rate, and the total is what is due
    assert [row["rate"] for row in document["tax"]] == sorted({
        line["tax"] for line in document["lines"]})
    assert document["total_due"] == document["total"] == sum(r["gross"] for r in document["tax"])
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


# ---------------------------------------------------------------- issue 22 through the CLI
# The demo site plus the campaigns and coupons below (loaded with `playdesk load`); RD5 only
# runs from 10 headsets on.

DECISIONS_SITE = """\
campaigns:
  - {code: TR3, type: tiered_reduce, name: TR3, active: true, automatic: false, priority: -5,
     tiers: [{from_quantity: 5, value: 50, usage: quantity_scale_total}]}
  - {code: RD5, type: receipt_discount, name: RD5, active: true, automatic: true, priority: 60,
     value: 1, triggers: {pool: [{min_quantity: 10, lines: [{type: item, code: HEADSET}]}]}}
  - {code: ISSUE25, type: tiered_discount, name: Issue 25, active: true, automatic: false,
     priority: 70, tiers: [{from_quantity: 1, value: 25}],
     coupon_issue: {active: true, expiration: "+3M"}}
  - {code: DRINKCPN, type: couponing, name: Drinks voucher, active: true, priority: 96,
     filters: [{type: item_category, code: DRINKS}]}
coupons:
  - {code: FREE-TR3, campaign: TR3, discount_type: reduce, value: 50, without_restrictions: true}
  - {code: REG-25, campaign: ISSUE25}
  - {code: WELCOME-7, campaign: WELCOME, discount_type: reduce, value: 300, max_redemptions: 0}
  - {code: LATER-1, campaign: WELCOME, discount_type: reduce, value: 100, expires_on: 2026-07-02}
  - {code: STAFF-C, campaign: STAFF10}
  - {code: BIG-C, campaign: BIGSPEND}
  - {code: DRINK-1000, campaign: DRINKCPN, discount_type: reduce, value: 1000}
"""


@pytest.fixture
def decided(cli, tmp_path):
    path = tmp_path / "decisions.yaml"
    path.write_text(DECISIONS_SITE)
    code, _, err = cli("load", str(path))
    assert code == 0, err
    return cli


def entries_of(document) -> list[tuple[str, str, int]]:
    return [(e["campaign"], e["process"], e["reduce_amount"]) for e in document["entries"]]


def test_cli_an_unrestricted_coupon_keeps_non_combining_campaigns_off_its_lines(decided,
                                                                               tmp_path):
    # defect 1: 10 headsets (5000) with the unrestricted TR3 coupon: only TR3's 50 — neither
    # RD5 nor BIGSPEND (from 4000) nor BACKSOON combines with TR3
    path = write_receipt(tmp_path, """
at: 2026-07-03T12:00
location: COUNTER1
lines: [{item: HEADSET, quantity: 10}]
coupons: ["FREE-TR3"]
payments: [{method: cash}]
""")
    code, document, _ = decided("price", path)
    assert code == 0 and entries_of(document) == [("TR3", "application", 50)]
    assert document["lines"][0]["reductions"] == [{"campaign": "TR3", "amount": 50}]
    code, sold, _ = decided("checkout", path)
    assert (code, sold["total"], sold["issued_coupons"]) == (0, 4950, [])


def test_cli_a_value_less_coupon_of_an_issuing_campaign_issues_at_checkout(decided, tmp_path):
    # defect 2: REG-25 registers ISSUE25 (25 % from 1 unit, coupon issue): nothing off the
    # 1000, a coupon of 250 issued instead
    from engine.models import Coupon

    path = write_receipt(tmp_path, """
at: 2026-07-03T12:00
location: COUNTER1
lines: [{item: HEADSET, quantity: 2}]
coupons: ["REG-25"]
payments: [{method: cash}]
""")
    code, document, _ = decided("price", path)
    assert (code, document["total"], entries_of(document)) == (0, 1000,
                                                               [("ISSUE25", "issue", 250)])
    assert document["coupons_to_issue"] == [{"campaign": "ISSUE25", "value": 250,
                                             "expires_on": "2026-10-03"}]
    code, sold, _ = decided("checkout", path)
    assert (code, sold["total"], sold["rejected"]) == (0, 1000, [])
    assert [(c["campaign"], c["value"]) for c in sold["issued_coupons"]] == [("ISSUE25", 250)]
    assert Coupon.get(Coupon.code == "REG-25").redemptions == 1


def test_cli_coupons_are_matched_ignoring_case_and_dashes_and_reported_as_written(decided,
                                                                                 tmp_path):
    # decision 4: "welcome7" finds WELCOME-7; "CPNlater-1" (barcode prefix, code in lower case) finds
    # LATER-1 (expired); "nope-1" finds nothing, so it has no `coupon`
    path = write_receipt(tmp_path, """
at: 2026-07-03T12:00
location: COUNTER1
lines: [{item: HEADSET}]
coupons: ["welcome7", "CPNlater-1", "nope-1"]
""")
    code, document, _ = decided("price", path)
    assert code == 0
    assert [(e["campaign"], e["registration_code"], e["reduce_amount"])
            for e in document["entries"]] == [("WELCOME", "WELCOME-7", 300)]
    assert document["rejected"] == [
        {"code": "CPNlater-1", "reason": "expired", "coupon": "LATER-1"},
        {"code": "nope-1", "reason": "unknown"}]


def test_cli_a_coupon_listed_twice_is_a_duplicate_and_redeemed_once(decided, tmp_path):
    # decision 5, also across spellings of the same code
    from engine.models import CouponRedemption

    path = write_receipt(tmp_path, """
at: 2026-07-03T12:00
location: COUNTER1
lines: [{item: HEADSET}]
coupons: ["WELCOME-7", "welcome-7"]
payments: [{method: cash}]
""")
    code, sold, _ = decided("checkout", path)
    assert (code, sold["total"]) == (0, 200)
    assert sold["rejected"] == [{"code": "welcome-7", "reason": "duplicate",
                                 "coupon": "WELCOME-7"}]
    assert [r.coupon for r in CouponRedemption.select()] == ["WELCOME-7"]


def test_cli_a_value_less_coupon_of_an_applying_campaign_is_already_applied_and_kept(
        decided, tmp_path):
    # decision 6: STAFF10 registered by its code, BIGSPEND automatic (from 2000): their
    # value-less coupons add nothing and are not redeemed
    from engine.models import CouponRedemption

    path = write_receipt(tmp_path, """
at: 2026-07-03T12:00
location: COUNTER1
lines: [{item: HEADSET, quantity: 5}]
campaigns: ["STAFF10"]
coupons: ["STAFF-C", "BIG-C"]
payments: [{method: cash}]
""")
    code, sold, _ = decided("checkout", path)
    # BIGSPEND 100 off 2500 → 2400; STAFF10 10 % of 2400 = 240 → 2160
    assert code == 0 and entries_of(sold) == [("BIGSPEND", "application", 100),
                                              ("STAFF10", "application", 240)]
    assert sold["rejected"] == [
        {"code": "STAFF-C", "reason": "already applied", "coupon": "STAFF-C"},
        {"code": "BIG-C", "reason": "already applied", "coupon": "BIG-C"}]
    assert CouponRedemption.select().count() == 0


def test_cli_a_coupon_without_an_eligible_line_is_conditions_not_met(decided, tmp_path):
    # decision 7: DRINK-1000 (drinks only, no overpayment) on a receipt without drinks: not
    # "exceeds open amount" although 1000 exceeds the 500
    path = write_receipt(tmp_path, """
at: 2026-07-03T12:00
location: COUNTER1
lines: [{item: HEADSET}]
coupons: ["DRINK-1000"]
""")
    code, document, _ = decided("price", path)
    assert document["rejected"] == [{"code": "DRINK-1000", "reason": "conditions not met",
                                     "coupon": "DRINK-1000"}]


def test_cli_the_first_reason_in_the_precedence_order_is_reported(decided, tmp_path):
    # decision 8: an expired coupon listed twice is expired both times (expired precedes
    # duplicate); a second STAFF-C is a duplicate (duplicate precedes already applied)
    path = write_receipt(tmp_path, """
at: 2026-07-03T12:00
location: COUNTER1
lines: [{item: HEADSET}]
campaigns: ["STAFF10"]
coupons: ["LATER-1", "later1", "STAFF-C", "STAFF-C"]
""")
    code, document, _ = decided("price", path)
    assert [(r["code"], r["reason"]) for r in document["rejected"]] == [
        ("LATER-1", "expired"), ("later1", "expired"), ("STAFF-C", "already applied"),
        ("STAFF-C", "duplicate")]


def test_cli_load_refuses_a_discount_campaign_without_automatic(cli, tmp_path):
    # decisions 1-3 through `playdesk load`: FILE:LINE errors, nothing loaded
    path = tmp_path / "bad.yaml"
    path.write_text("""\
campaigns:
  - {code: NOAUTO, type: line_discount, name: N, value: 5}
  - {code: MINQ, type: m_for_n, automatic: true, name: M, buy: 3, pay: 2,
     validity: {from_quantity: 4}}
  - {code: TRIG, type: line_reduce, automatic: true, name: T, value: 5,
     triggers: {pool: [{min_quantity: 1, lines: [{type: item}]}]}}
""")
    code, _, err = cli("load", str(path))
    assert code == 2
    assert f"{path}:2: campaigns[0].automatic: is required: write `automatic: true`" in err
    assert f"{path}:4: campaigns[1].validity.from_quantity: only receipt_discount" in err
    assert f"{path}:6: campaigns[2].triggers.pool[0].lines[0].code: needs a code" in err
    code, listed, _ = cli("campaigns")
    assert not {"NOAUTO", "MINQ", "TRIG"} & {c["code"] for c in listed}
