"""engine.entitlements.member_history and `playdesk history --member M`: purchases and
consumption, newest first, a purchase before the draws it caused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.entitlements import consume, member_history, purchase
from engine.errors import NotFound

AT = dt.datetime(2026, 7, 3, 12, 0)
DEMO_SITE = Path(__file__).parent / "data" / "site.yaml"


def story() -> list[str]:
    """Premium (cash), 30 minutes played, Basic from the wallet, 20 more minutes played."""
    premium = purchase("M001", "SUMMER/PREMIUM", "cash", "counter", AT).id
    consume("M001", "minutes", 30, "pc", AT + dt.timedelta(hours=1))
    basic = purchase("M001", "SUMMER/BASIC", "wallet", "kiosk", AT + dt.timedelta(hours=2)).id
    consume("M001", "minutes", 20, "pc", AT + dt.timedelta(hours=3))
    return [premium, basic]


def test_newest_first_with_names(demo_site):
    premium, basic = story()
    lines = member_history("M001", AT + dt.timedelta(days=1))
    assert [(line["at"], line["kind"], line.get("name"), line.get("lot_kind"), line.get("amount"))
            for line in lines] == [
        (AT + dt.timedelta(hours=3), "use", None, "minutes", 20),
        (AT + dt.timedelta(hours=2), "purchase", "Basic", None, None),
        (AT + dt.timedelta(hours=2), "use", None, "money", 500),  # Basic paid from the wallet
        (AT + dt.timedelta(hours=1), "use", None, "minutes", 30),
        (AT, "purchase", "Premium", None, None)]
    assert [line["purchase"] for line in lines if line["kind"] == "purchase"] == [basic, premium]
    assert lines[1]["price"] == 500 and lines[4]["payment"] == "cash"


def test_as_of_and_limit(demo_site):
    story()
    assert [line["kind"] for line in member_history("M001", AT + dt.timedelta(minutes=90))] == [
        "use", "purchase"]
    assert len(member_history("M001", AT + dt.timedelta(days=1), limit=2)) == 2
    assert member_history("M002", AT) == []
    with pytest.raises(NotFound):
        member_history("NOBODY", AT)


def test_cli_history(tmp_path, capsys):
    database = str(tmp_path / "playdesk.db")
    assert main(["--db", database, "--at", "2026-07-03T12:00", "load", str(DEMO_SITE)]) == 0
    assert main(["--db", database, "--at", "2026-07-03T12:00", "buy", "--member", "M001",
                 "--package", "SUMMER/STD", "--pay", "cash"]) == 0
    capsys.readouterr()
    assert main(["--db", database, "--at", "2026-07-03T13:00", "history", "--member", "M001"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(line["kind"], line["name"], line["price"], line["at"]) for line in listed] == [
        ("purchase", "Standard", 900, "2026-07-03T12:00:00")]
    assert main(["--db", database, "history", "--member", "M001", "--limit", "0"]) == 2
    assert "--limit must be at least 1" in capsys.readouterr().err
    assert main(["--db", database, "history", "--member", "NOBODY"]) == 2
