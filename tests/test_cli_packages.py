"""The packages and balances commands (spec/cli.md): JSON keys, exit codes, nothing written on
bad input. Runs against the demo site file, loaded by `playdesk load`, plus staff."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main

DEMO_SITE = Path(__file__).parent / "data" / "site.yaml"
FRIDAY = "2026-07-03T12:00"
SATURDAY = "2026-07-04T12:00"
STAFF = """
staff:
  - {code: S01, name: Sam, role: cashier}
  - {code: MGR, name: Mia, role: manager}
"""


@pytest.fixture
def cli(tmp_path, capsys):
    """Run `playdesk --db <tmp> ...` in-process: (exit code, parsed stdout, stderr)."""
    database = tmp_path / "playdesk.db"

    def run(*argv: str, at: str = FRIDAY):
        try:
            code = main(["--db", str(database), "--at", at, *argv])
        except SystemExit as exit_:  # argparse's own refusals
            code = exit_.code
        out, err = capsys.readouterr()
        return code, json.loads(out) if out.strip() else None, err

    site = tmp_path / "site.yaml"
    site.write_text(DEMO_SITE.read_text() + STAFF)
    assert run("load", str(site))[0] == 0
    run.database = database
    return run


def dump(database: Path) -> dict[str, list]:
    connection = sqlite3.connect(database)
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(map(repr, connection.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        connection.close()


def test_packages_lists_sellable_packages_with_the_contract_keys(cli):
    code, packages, _ = cli("packages")
    assert code == 0
    assert [(p["campaign"], p["package"]) for p in packages] == [
        ("SUMMER", "BASIC"), ("SUMMER", "STD"), ("SUMMER", "PREMIUM")]
    assert set(packages[0]) >= {"campaign", "package", "name", "package_type", "base",
                                "bonus_type", "bonus", "price", "device", "validity_days"}
    _, weekend, _ = cli("packages", "--member", "M001", "--device", "console", at=SATURDAY)
    assert ("WEEKEND", "CONSOLE3H") in [(p["campaign"], p["package"]) for p in weekend]
    _, pc, _ = cli("packages", "--device", "pc", at=SATURDAY)
    assert "CONSOLE3H" not in [p["package"] for p in pc]


def test_buy_balance_consume_purchases_and_refund(cli):
    code, bought, _ = cli("buy", "--member", "M001", "--package", "SUMMER/STD", "--pay", "card",
                          "--channel", "kiosk", "--location", "KIOSK1", "--key", "tap-1")
    assert code == 0
    assert {k: bought[k] for k in ("member", "campaign", "package", "price", "payment",
                                   "commission")} == {
        "member": "M001", "campaign": "SUMMER", "package": "STD", "price": 900,
        "payment": "card", "commission": 24}
    assert [(lot["type"], lot["kind"], lot["total"]) for lot in bought["lots"]] == [
        ("paid", "minutes", 120), ("bonus", "minutes", 30)]
    assert set(bought["lots"][0]) >= {"id", "kind", "type", "total", "remaining", "device",
                                      "expires_at"}
    _, again, _ = cli("buy", "--member", "M001", "--package", "SUMMER/STD", "--pay", "card",
                      "--channel", "kiosk", "--key", "tap-1")
    assert again["purchase"] == bought["purchase"]

    _, used, _ = cli("consume", "--member", "M001", "--kind", "minutes", "--amount", "40",
                     "--device", "pc", "--ref", "PC07")
    assert (used["consumed"], used["shortfall"]) == (40, 0)
    assert [d["amount"] for d in used["draws"]] == [30, 10]
    assert set(used["draws"][0]) == {"lot", "amount"}

    _, balance, _ = cli("balance", "--member", "M001")
    assert balance["member"] == "M001"
    assert balance["minutes"] == {"total": 110, "paid": 110, "bonus": 0, "other": 0}
    assert balance["money"] == {"total": 0, "paid": 0, "bonus": 0, "other": 0}
    assert set(balance["lots"][0]) >= {"id", "kind", "type", "total", "remaining", "device",
                                       "status", "expires_at", "purchase"}

    _, records, _ = cli("purchases", "--member", "M001")
    assert set(records[0]) >= {"purchase", "member", "campaign", "package", "price", "payment",
                               "at", "entitled", "consumed", "remaining", "expired", "refunded"}
    assert records[0]["consumed"]["minutes"] == {"paid": 10, "bonus": 30}

    code, refunded, _ = cli("refund", "--purchase", bought["purchase"], "--reason", "broken",
                            "--staff", "MGR")
    assert code == 0
    assert refunded["purchase"] == bought["purchase"]
    assert (refunded["refund_amount"], refunded["method"]) == (825, "card")  # 900 × 110 / 120

    _, report, _ = cli("report", "campaigns")
    summer = next(c for c in report if c["campaign"] == "SUMMER")
    assert (summer["purchases"], summer["refunds"]) == (1, 825)
    code, liability, _ = cli("report", "liability")
    assert code == 0 and liability["outstanding"]["minutes"]["total"] == 0


def test_wallet_buy_and_lot_add(cli):
    code, lot, _ = cli("lot", "add", "--member", "M002", "--kind", "money", "--type", "manual",
                       "--amount", "1000", "--comment", "welcome credit", "--staff", "MGR",
                       "--expires", "2026-12-31")
    assert code == 0
    assert (lot["type"], lot["total"], lot["expires_at"]) == ("manual", 1000,
                                                             "2026-12-31T00:00:00")
    code, bought, _ = cli("buy", "--member", "M002", "--package", "SUMMER/STD", "--pay", "wallet")
    assert code == 0 and bought["commission"] == 0
    _, balance, _ = cli("balance", "--member", "M002")
    assert balance["money"]["other"] == 100


BAD = [
    (("buy", "--member", "NOBODY", "--package", "SUMMER/STD", "--pay", "cash"), "unknown member"),
    (("buy", "--member", "M001", "--package", "SUMMER/NOPE", "--pay", "cash"), "unknown package"),
    (("buy", "--member", "M001", "--package", "WEEKEND/CONSOLE3H", "--pay", "cash"),
     "not sold on fri"),
    (("buy", "--member", "M001", "--package", "SUMMER/STD", "--pay", "wallet"),
     "insufficient wallet balance"),
    (("buy", "--member", "M001", "--package", "SUMMER/STD", "--pay", "cash", "--staff", "ZZ"),
     "unknown staff"),
    (("consume", "--member", "M001", "--kind", "minutes", "--amount", "5", "--device", "pc"),
     "insufficient balance"),
    (("refund", "--purchase", "DEV1-P404", "--reason", "x", "--staff", "MGR"),
     "unknown purchase"),
    (("lot", "add", "--member", "M001", "--kind", "money", "--type", "manual", "--amount", "5",
      "--comment", "", "--staff", "MGR"), "needs a comment"),
    (("lot", "add", "--member", "M001", "--kind", "money", "--type", "manual", "--amount", "5",
      "--comment", "x", "--staff", "S01"), "manager or owner"),
    (("balance", "--member", "NOBODY"), "unknown member"),
    (("buy", "--member", "M001", "--package", "SUMMER/STD", "--pay", "bitcoin"), "invalid choice"),
]


@pytest.mark.parametrize(("argv", "message"), BAD)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(cli, argv, message):
    before = dump(cli.database)
    code, out, err = cli(*argv)
    assert code == 2
    assert out is None
    assert err.startswith("playdesk: error: ") and message in err and "Traceback" not in err
    assert dump(cli.database) == before


def test_refusals_after_a_purchase_write_nothing(cli):
    _, bought, _ = cli("buy", "--member", "M001", "--package", "SUMMER/STD", "--pay", "cash")
    for argv, message in [
        (("refund", "--purchase", bought["purchase"], "--reason", "x", "--staff", "S01"),
         "manager or owner"),
        (("refund", "--purchase", bought["purchase"], "--reason", "x"), "needs a manager"),
    ]:
        before = dump(cli.database)
        code, _, err = cli(*argv)
        assert code == 2 and message in err
        assert dump(cli.database) == before
    assert cli("refund", "--purchase", bought["purchase"], "--reason", "x", "--staff", "MGR")[0] == 0
    before = dump(cli.database)
    code, _, err = cli("refund", "--purchase", bought["purchase"], "--reason", "y", "--staff", "MGR")
    assert code == 2 and "already refunded" in err
    assert dump(cli.database) == before


def test_the_installed_command_exits_2_on_bad_input(cli):
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
         "--db", str(cli.database), "balance", "--member", "NOBODY"], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert result.returncode == 2
    assert result.stderr == "playdesk: error: unknown member 'NOBODY'\n"
