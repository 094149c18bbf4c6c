"""`playdesk coupons ...` on the demo site: JSON out, exit 2 and nothing written on bad input."""

from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.db import open_database, write
from engine.models import Campaign, Coupon, Event

AT = "2026-07-03T12:00"


@pytest.fixture
def site(demo_site, db_path):
    with write():
        Campaign.update(notification_type="always").where(Campaign.code == "WELCOME").execute()
    return db_path


def playdesk(db_path, capsys, *argv: str):
    """Run the CLI; (exit code, parsed stdout or None, stderr). Reopens the db for the test."""
    code = main(["--db", str(db_path), "--at", AT, *argv])
    out, err = capsys.readouterr()
    open_database(db_path)
    return code, (json.loads(out) if out.strip() else None), err


def test_generate_prints_the_contract_keys(site, capsys):
    code, made, _ = playdesk(site, capsys, "coupons", "generate", "--campaign", "WELCOME",
                             "--quantity", "2", "--expires", "+3M", "--discount-type", "reduce",
                             "--value", "500", "--staff", "S01")
    assert code == 0
    assert len(made) == 2
    assert set(made[0]) >= {"code", "campaign", "sales_type", "sales_code", "max_redemptions",
                            "expires_on", "status"}
    assert {k: made[0][k] for k in ("campaign", "sales_type", "sales_code", "max_redemptions",
                                    "expires_on", "status", "value")} == {
        "campaign": "WELCOME", "sales_type": "all", "sales_code": None, "max_redemptions": 1,
        "expires_on": "2026-10-03", "status": "issued", "value": 500}
    assert Coupon.get(Coupon.code == made[0]["code"]).created_by == "S01"


def test_generate_per_customer(site, capsys):
    argv = ["coupons", "generate", "--campaign", "WELCOME", "--quantity", "3", "--validity",
            "multiple", "--max-redemptions", "0", "--sales-type", "segment", "--sales-filter",
            "VIP", "--discount-type", "discount", "--value", "12.5"]
    code, made, _ = playdesk(site, capsys, *argv)
    assert code == 0 and len(made) == 3
    assert (made[0]["sales_type"], made[0]["sales_code"], made[0]["max_redemptions"],
            made[0]["value"]) == ("segment", "VIP", 0, 12.5)
    assert playdesk(site, capsys, *argv)[:2] == (0, [])
    assert len(playdesk(site, capsys, *argv, "--multiple-per-customer")[1]) == 3


@pytest.mark.parametrize("argv", [
    ["--campaign", "WELCOME", "--quantity", "1"],                     # no value
    ["--campaign", "NOPE", "--quantity", "1", "--discount-type", "reduce", "--value", "1"],
    ["--campaign", "WELCOME", "--quantity", "0", "--discount-type", "reduce", "--value", "1"],
    ["--campaign", "WELCOME", "--quantity", "1", "--discount-type", "reduce", "--value", "1",
     "--expires", "+3X"],
    ["--campaign", "WELCOME", "--quantity", "1", "--discount-type", "reduce", "--value", "1",
     "--sales-type", "contact", "--sales-filter", "M999"],
    ["--campaign", "WELCOME", "--quantity", "1", "--discount-type", "reduce", "--value", "1",
     "--validity", "multiple"],
])
def test_bad_generate_exits_2_and_writes_nothing(site, capsys, argv):
    code, out, err = playdesk(site, capsys, "coupons", "generate", *argv)
    assert code == 2
    assert out is None
    assert err.startswith("playdesk: error: ") and "Traceback" not in err
    assert Coupon.select().count() == 0
    assert not Event.select().where(Event.type == "coupons.generate").exists()


def test_bad_argument_type_exits_2(site, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(site), "coupons", "generate", "--campaign", "WELCOME",
              "--quantity", "many"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith("playdesk: error: ")


def test_list_show_cancel_redeemable(site, capsys):
    _, made, _ = playdesk(site, capsys, "coupons", "generate", "--campaign", "WELCOME",
                          "--quantity", "1", "--sales-type", "contact", "--sales-filter", "M001",
                          "--discount-type", "reduce", "--value", "500")
    code_text = made[0]["code"]

    _, offers, _ = playdesk(site, capsys, "coupons", "redeemable", "--member", "M001")
    assert [o["code"] for o in offers] == [code_text]
    assert playdesk(site, capsys, "coupons", "redeemable", "--member", "M003")[1] == []

    _, listed, _ = playdesk(site, capsys, "coupons", "list", "--campaign", "WELCOME")
    assert [(c["code"], c["redemptions"], c["status"]) for c in listed] == [(code_text, 0, "issued")]

    _, shown, _ = playdesk(site, capsys, "coupons", "show", "CPN" + code_text.replace("-", ""))
    assert (shown["code"], shown["redemptions"], shown["status"], shown["redeemed_on"]) == (
        code_text, 0, "issued", [])

    code, canceled, _ = playdesk(site, capsys, "coupons", "cancel", code_text.lower(),
                                 "--staff", "S01")
    assert code == 0
    assert (canceled["status"], canceled["canceled_at"], canceled["canceled_by"]) == (
        "canceled", "2026-07-03T12:00:00", "S01")
    assert playdesk(site, capsys, "coupons", "list", "--status", "canceled")[1][0]["code"] == code_text
    assert playdesk(site, capsys, "coupons", "redeemable", "--member", "M001")[1] == []

    code, out, err = playdesk(site, capsys, "coupons", "cancel", code_text)
    assert (code, out) == (2, None) and "already canceled" in err


@pytest.mark.parametrize("argv", [
    ["show", "ZZZZ-ZZZZ-ZZZZ"], ["cancel", "ZZZZ-ZZZZ-ZZZZ"], ["redeemable", "--member", "M999"]])
def test_unknown_codes_exit_2(site, capsys, argv):
    code, out, err = playdesk(site, capsys, "coupons", *argv)
    assert (code, out) == (2, None)
    assert err.startswith("playdesk: error: unknown ")
