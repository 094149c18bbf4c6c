"""Bad input gets a clear error and changes nothing (spec/cli.md, "Errors").

Every command of the CLI is fed bad input — unknown codes and ids, missing files, a directory, an
empty file, binary garbage, invalid YAML, YAML of the wrong shape, wrong types, zero, negative and
huge numbers, bad `--at` dates, non-UTF-8 bytes, short payments, coupons that cannot be redeemed,
a database that cannot be opened or written — and must answer exit 2 with `playdesk: error: ...`
on stderr, no traceback, and the database unchanged row for row. Coupons that cannot be redeemed
are the exception the spec makes: they are `rejected` and the sale goes on.

The database is the demo site plus a manager, coupons in every state, a wallet lot, a recorded
receipt, a purchase and an order, built once and copied for every test.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main

DATA = Path(__file__).parent / "data"
PLAYDESK = Path(sys.executable).parent / "playdesk"
AT = "2026-07-03T12:00"  # a Friday, before happy hour
HUGE = str(10**30)

EXTRA_SITE = """\
staff: [{code: MGR, name: Meg, role: manager}]
coupons:
  - {code: "EXPD-0000-0001", campaign: WELCOME, discount_type: reduce, value: 100,
     expires_on: 2026-01-31}
  - {code: "CANC-0000-0001", campaign: WELCOME, discount_type: reduce, value: 100}
  - {code: "USED-0000-0001", campaign: WELCOME, discount_type: reduce, value: 100,
     max_redemptions: 1}
  - {code: "GOOD-0000-0001", campaign: WELCOME, discount_type: reduce, value: 100}
"""

# A sale that redeems USED-0000-0001 once (its only redemption).
FIRST_SALE = """\
location: COUNTER1
member: M001
lines: [{item: COLA, quantity: 2}]
coupons: ["USED-0000-0001"]
payments: [{method: cash, amount: 1000}]
"""

GOOD_RECEIPT = "location: COUNTER1\nlines: [{item: COLA}]\npayments: [{method: cash}]\n"


def run(*argv: str) -> tuple[int, str, str]:
    """`playdesk ARGV` in this process: (exit code, stdout, stderr). An exception escaping main()
    is what the installed script would show as a traceback with exit 1."""
    import contextlib
    import io
    import traceback

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except Exception:  # noqa: BLE001 — reported as the script would
            traceback.print_exc()
            code = 1
    return code or 0, out.getvalue(), err.getvalue()


def dump(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read through a separate connection."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
                for table in tables}
    finally:
        connection.close()


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


def assert_clean_error(code: int, err: str, fragment: str = "") -> None:
    assert "Traceback" not in err, err
    assert code == 2, (code, err)
    assert err.startswith("playdesk: error: "), err
    assert fragment.lower() in err.lower(), (fragment, err)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    path = folder / "playdesk.db"
    (folder / "extra.yaml").write_text(EXTRA_SITE)
    (folder / "first.yaml").write_text(FIRST_SALE)
    base = ("--db", str(path), "--at", AT)
    for argv in (("load", str(DATA / "site.yaml")), ("load", str(folder / "extra.yaml")),
                 ("coupons", "cancel", "CANC-0000-0001", "--staff", "MGR"),
                 ("checkout", str(folder / "first.yaml")),
                 ("lot", "add", "--member", "M001", "--kind", "money", "--type", "manual",
                  "--amount", "10000", "--comment", "float", "--staff", "MGR"),
                 ("buy", "--member", "M002", "--package", "SUMMER/BASIC", "--pay", "cash",
                  "--key", "K1"),
                 ("order", "create", "--member", "M003", "--package", "SUMMER/STD")):
        code, _, err = run(*base, *argv)
        assert code == 0, (argv, err)
    return path


@pytest.fixture
def site(template, tmp_path) -> Path:
    """A fresh copy of the template database, and bad files beside it."""
    path = tmp_path / "playdesk.db"
    shutil.copy(template, path)
    files = {
        "empty.yaml": b"",
        "comments.yaml": b"# nothing here\n",
        "binary.yaml": bytes(range(256)) * 4,
        "latin1.yaml": "location: COUNTER1\nlines: [{item: \"CAF\xc9\"}]\n".encode("latin-1"),
        "invalid.yaml": b"lines: [{item: COLA\n",
        "list.yaml": b"- location: COUNTER1\n- lines: []\n",
        "scalar.yaml": b"just a sentence\n",
        "tab.yaml": b"location:\tCOUNTER1\n\tlines: x\n",
        "recursive.yaml": b"a: &a [*a]\n",
        "deep.yaml": b"lines: " + b"[" * 3000 + b"]" * 3000 + b"\n",
        "nul.yaml": b"location: \"COUNTER\x001\"\n",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    for folder, job, text in (("queue", "20260703-120000-0000000000000000-0000", "{not json"),
                              ("sent", "20260703-120000-0000000000000000-0001", "[1, 2]")):
        (tmp_path / "damaged-spool" / folder).mkdir(parents=True)
        (tmp_path / "damaged-spool" / folder / f"{job}.json").write_text(text)
        (tmp_path / "damaged-spool" / folder / f"{job}.bin").write_bytes(b"\x1b@")
    (tmp_path / "folder.yaml").mkdir()
    return path


def cli(db_path: Path, *argv: str) -> tuple[int, str, str]:
    return run("--db", str(db_path), "--at", AT, *argv)


def expand(argv: tuple[str, ...], folder: Path) -> list[str]:
    return [part.replace("{d}", str(folder)) for part in argv]


# --- files that are not what they should be: every command that reads one ----------------

FILE_COMMANDS = [("load",), ("load", "--dry-run"), ("price",), ("checkout",)]
BAD_FILES = [
    ("missing.yaml", "no such file"), ("folder.yaml", "directory"),
    ("binary.yaml", "cannot read"), ("latin1.yaml", "utf-8"),
    ("invalid.yaml", "not valid yaml"), ("list.yaml", "mapping"), ("scalar.yaml", "mapping"),
    ("tab.yaml", "not valid yaml"), ("recursive.yaml", "nested"), ("deep.yaml", "nested"),
    ("nul.yaml", "not valid yaml"), ("empty.yaml", "empty"), ("comments.yaml", "empty"),
]


@pytest.mark.parametrize("command", FILE_COMMANDS, ids=" ".join)
@pytest.mark.parametrize(("name", "fragment"), BAD_FILES, ids=[f for f, _ in BAD_FILES])
def test_a_bad_file_is_a_clear_error_and_writes_nothing(site, command, name, fragment):
    before = dump(site)
    code, out, err = cli(site, *command, str(site.parent / name))
    assert_clean_error(code, err, fragment)
    assert out == ""
    assert changed_tables(before, dump(site)) == []


# --- site files with values no database column can hold ------------------------------------

BAD_SITE_FILES = [
    (f"items: [{{code: X1, name: X, price: {HUGE}}}]", "items[0].price: must be at most"),
    ("items: [{code: X1, name: X, price: -1}]", "items[0].price: must be at least 0"),
    ("items: [{code: X1, name: X, price: 2.5}]", "must be an integer"),
    ("items: {code: X1}", "items: must be a list"),
    ("items: [{code: 12, name: X, price: 5}]", "quote it"),
    (f"campaigns: [{{code: HAPPY, type: line_discount, name: H, priority: -{HUGE}}}]",
     "priority: must be at least"),
    ("campaigns: [{code: BIG, type: packages, name: B, packages: [{code: P, name: P, "
     f"package_type: money, base: {HUGE}, price: 5}}]}}]", "base: must be at most"),
    ("campaigns: [{code: BIG, type: packages, name: B, packages: [{code: P, name: P, "
     "package_type: money, base: 5, price: 5, validity_days: 999999999}]}]",
     "validity_days: must be at most"),
    (f"campaigns: [{{code: BIGR, type: receipt_reduce, name: B, value: {HUGE}}}]",
     "value: must be at most"),
    (f"coupons: [{{code: HUGE-0000-0001, campaign: WELCOME, discount_type: reduce, value: {HUGE}}}]",
     "value: must be at most"),
    (f"coupons: [{{code: HUGE-0000-0001, campaign: WELCOME, max_redemptions: {HUGE}}}]",
     "max_redemptions: must be at most"),
    (f"settings: {{kiosk_idle_seconds: {HUGE}}}", "at most 86400"),
    ("site: [DEMO]", "site: must be a mapping"),
    ("settings: [a, b]", "settings: must be a mapping"),
    ("combinations: [[HAPPY, NOPE]]", "unknown campaign 'NOPE'"),
    ("staff: [{code: S9, name: S, role: cashier, pin_hash: '1234'}]", "never a plain PIN"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n", "expands to more than"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_SITE_FILES,
                         ids=[t[:50] for t, _ in BAD_SITE_FILES])
def test_a_site_file_out_of_bounds_is_rejected_whole(site, text, fragment):
    path = site.parent / "bad-site.yaml"
    path.write_text(text + "\n")
    before = dump(site)
    code, out, err = cli(site, "load", str(path))
    assert_clean_error(code, err, fragment)
    assert changed_tables(before, dump(site)) == []


# --- bad arguments, command by command ------------------------------------------------------

BAD_ARGUMENTS = [
    # site
    (("campaign", "activate", "NOPE"), "unknown campaign"),
    (("campaign", "delete", "NOPE"), "unknown campaign"),
    (("campaign", "explode", "HAPPY"), "invalid choice"),
    (("campaigns", "--bogus"), "unrecognized"),
    (("init", "--device", ""), "device"),
    (("init", "--device", "has spaces and / slashes"), "device"),
    # sales
    (("receipt", "show", "NOPE"), "unknown receipt"),
    (("receipt", "show", "\udcff\udcfe"), "utf-8"),
    (("print", "receipt", "NOPE", "--to", "png:{d}/r.png"), "no receipt"),
    (("print", "coupon", "NOPE", "--to", "png:{d}/c.png"), "no coupon"),
    (("print", "purchase", "NOPE", "--to", "png:{d}/p.png"), "no purchase"),
    (("print", "shift", "NOPE", "--to", "png:{d}/s.png"), "shift"),
    (("print", "receipt", "NOPE", "--to", "carrier-pigeon:x"), "no receipt"),
    (("print", "reprint", "NOPE", "--spool", "{d}/spool"), "no print job"),
    (("print", "reprint", "../../etc/passwd", "--spool", "{d}/spool"), "no print job"),
    (("print", "receipt", "DEV1-R1", "--to", "png:"), "file name"),
    (("print", "receipt", "DEV1-R1", "--to", "png:{d}/empty.yaml/r.png"), "cannot write"),
    (("print", "receipt", "DEV1-R1", "--to", "file:{d}/r.bin", "--spool", "{d}/empty.yaml"),
     "print spool"),
    (("print", "receipt", "DEV1-R1", "--to", "file:{d}/r.bin", "--spool", "/proc/playdesk"),
     "print spool"),
    (("print", "receipt", "DEV1-R1", "--to", "usb:zz:yy", "--spool", "{d}/spool"), "usb"),
    (("print", "receipt", "DEV1-R1", "--to", "network:host:port", "--spool", "{d}/spool"),
     "port"),
    (("print", "receipt", "DEV1-R1", "--to", "png:{d}/r.png", "--code-page", "KLINGON"),
     "code page"),
    (("print", "jobs", "--spool", "{d}/empty.yaml"), "print spool"),
    (("print", "jobs", "--spool", "{d}/damaged-spool"), "damaged"),
    (("print", "retry", "--spool", "{d}/damaged-spool"), "damaged"),
    (("print", "reprint", "20260703-120000-0000000000000000-0001", "--spool",
      "{d}/damaged-spool"), "damaged"),
    # packages and balances
    (("packages", "--member", "NOPE"), "unknown member"),
    (("packages", "--device", "toaster"), "invalid choice"),
    (("buy", "--member", "NOPE", "--package", "SUMMER/BASIC", "--pay", "cash"), "unknown member"),
    (("buy", "--member", "M001", "--package", "SUMMER/NOPE", "--pay", "cash"), "unknown package"),
    (("buy", "--member", "M001", "--package", "SUMMER", "--pay", "cash"), "CAMPAIGN/PACKAGE"),
    (("buy", "--member", "M001", "--package", "WEEKEND/CONSOLE3H", "--pay", "cash"), "not sold"),
    (("buy", "--member", "M003", "--package", "SUMMER/PREMIUM", "--pay", "wallet"), "wallet"),
    (("buy", "--member", "M001", "--package", "SUMMER/BASIC", "--pay", "gold"), "invalid choice"),
    (("balance", "--member", "NOPE"), "unknown member"),
    (("consume", "--member", "NOPE", "--kind", "money", "--amount", "5", "--device", "pc"),
     "unknown member"),
    (("consume", "--member", "M001", "--kind", "minutes", "--amount", "5", "--device", "pc"),
     "insufficient"),
    (("consume", "--member", "M001", "--kind", "money", "--amount", "0", "--device", "pc"),
     "positive"),
    (("consume", "--member", "M001", "--kind", "money", "--amount", "-5", "--device", "pc"),
     "positive"),
    (("consume", "--member", "M001", "--kind", "money", "--amount", "1.5", "--device", "pc"),
     "invalid int"),
    (("consume", "--member", "M001", "--kind", "money", "--amount", "ten", "--device", "pc"),
     "invalid int"),
    (("consume", "--member", "M001", "--kind", "money", "--amount", HUGE, "--device", "pc"),
     "insufficient"),
    (("refund", "--purchase", "NOPE", "--reason", "typo"), "unknown purchase"),
    (("lot", "add", "--member", "NOPE", "--kind", "money", "--type", "manual", "--amount", "5",
      "--comment", "x", "--staff", "MGR"), "unknown member"),
    (("lot", "add", "--member", "M001", "--kind", "money", "--type", "manual", "--amount", "0",
      "--comment", "x", "--staff", "MGR"), "non-zero"),
    (("lot", "add", "--member", "M001", "--kind", "money", "--type", "manual", "--amount", "-5",
      "--comment", "x", "--staff", "MGR"), "negative"),
    (("lot", "add", "--member", "M001", "--kind", "money", "--type", "manual", "--amount", "5",
      "--comment", "x", "--staff", "NOPE"), "unknown staff"),
    (("lot", "add", "--member", "M001", "--kind", "money", "--type", "manual", "--amount", "5",
      "--comment", "x"), "manager"),
    (("lot", "add", "--member", "M001", "--kind", "money", "--type", "manual", "--amount", "5",
      "--comment", "x", "--staff", "MGR", "--expires", "next week"), "not an ISO datetime"),
    (("lot", "add", "--member", "M001", "--kind", "money", "--type", "correction", "--amount",
      "-" + HUGE, "--comment", "x", "--staff", "MGR"), "at most"),
    (("lot", "add", "--member", "M001", "--kind", "money", "--type", "correction", "--amount",
      "-900000", "--comment", "x", "--staff", "MGR"), "insufficient"),
    (("report", "profits"), "invalid choice"),
    # coupons
    (("coupons", "generate", "--campaign", "NOPE", "--quantity", "1"), "unknown campaign"),
    (("coupons", "generate", "--campaign", "SUMMER", "--quantity", "1"), "cannot have coupons"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "0", "--discount-type",
      "reduce", "--value", "100"), "quantity"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "-1", "--discount-type",
      "reduce", "--value", "100"), "quantity"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1.5", "--discount-type",
      "reduce", "--value", "100"), "invalid int"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", HUGE, "--discount-type",
      "reduce", "--value", "100"), "quantity"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "lots"), "number"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "-5"), "greater than 0"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "NaN"), "value"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "1.5"), "whole"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", HUGE), "at most"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "1e30"), "at most"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "discount", "--value", "150"), "at most 100"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "100", "--validity", "multiple", "--max-redemptions", HUGE),
     "at most"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "100", "--validity", "multiple", "--max-redemptions", "-1"), "≥ 0"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "100", "--expires", "someday"), "formula"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "100", "--expires", "2026-02-30"), "not a valid date"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "100", "--expires", "2020-01-01"), "before today"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "100", "--expires", "+99999Y"), "calendar"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "100", "--sales-type", "contact", "--sales-filter", "NOPE"),
     "unknown member"),
    (("coupons", "generate", "--campaign", "WELCOME", "--quantity", "1", "--discount-type",
      "reduce", "--value", "100", "--sales-type", "segment"), "sales filter"),
    (("coupons", "list", "--status", "lost"), "invalid choice"),
    (("coupons", "show", "NOPE"), "unknown coupon"),
    (("coupons", "show", ""), "unknown coupon"),
    (("coupons", "show", "\udcff"), "utf-8"),
    (("coupons", "cancel", "NOPE"), "unknown coupon"),
    (("coupons", "cancel", "CANC-0000-0001"), "canceled"),
    (("coupons", "redeemable", "--member", "NOPE"), "unknown member"),
    # scanning
    (("scan", "--image", "{d}/missing.png"), "no image file"),
    (("scan", "--image", "{d}/folder.yaml"), "no image file"),
    (("scan", "--image", "{d}/binary.yaml"), "cannot read image"),
    (("scan", "--image", "{d}/empty.yaml"), "cannot read image"),
    (("resolve", "\udcff"), "utf-8"),
    # orders
    (("order", "create", "--member", "NOPE", "--package", "SUMMER/BASIC"), "unknown member"),
    (("order", "create", "--member", "M001", "--package", "NOPE"), "CAMPAIGN/PACKAGE"),
    (("order", "show", "NOPE"), "no order"),
    (("order", "complete", "NOPE", "--pay", "cash"), "no order"),
    # operations
    (("backup", "--keep", "0"), "--keep"),
    (("backup", "--to", "{d}/empty.yaml"), "backup"),
    (("backup", "--to", "/proc/playdesk-backups"), "backup"),
    (("restore", "{d}/missing.db"), "no backup file"),
    (("restore", "{d}/folder.yaml"), "no backup file"),
    (("restore", "{d}/binary.yaml"), "not a readable SQLite database"),
    (("restore", "{d}/empty.yaml"), "not a playdesk database"),
    (("clock-check", "--reference", "teatime"), "reference"),
    (("clock-check", "--reference", "9" * 30), "reference"),
    (("clock-check", "--reference", AT, "--tolerance", "-1"), "negative"),
    # --at
    (("--at", "yesterday", "campaigns"), "ISO datetime"),
    (("--at", "2026-02-30T12:00", "packages"), "ISO datetime"),
    (("--at", "2026-07-03T25:00", "checkout", "{d}/good.yaml"), "ISO datetime"),
    (("--at", "", "checkout", "{d}/good.yaml"), "--at"),
    (("--at", "\udcff", "campaigns"), "utf-8"),
    (("--at", "9999-12-31T23:59", "report", "liability"), "outside the years"),
    (("--at", "0001-01-01T00:00", "checkout", "{d}/good.yaml"), "outside the years"),
    (("order", "create", "--member", "M001", "--package", "SUMMER/BASIC", "--location", "NOPE"),
     "unknown location"),
]


@pytest.mark.parametrize(("argv", "fragment"), BAD_ARGUMENTS,
                         ids=[" ".join(a)[:60] for a, _ in BAD_ARGUMENTS])
def test_bad_arguments_are_a_clear_error_and_write_nothing(site, argv, fragment):
    (site.parent / "good.yaml").write_text(GOOD_RECEIPT)
    before = dump(site)
    code, out, err = cli(site, *expand(argv, site.parent))
    assert_clean_error(code, err, fragment)
    assert changed_tables(before, dump(site)) == []


# --- receipts that cannot be sold -----------------------------------------------------------

BAD_RECEIPTS = [
    ("lines: [{item: COLA}]\npayments: [{method: cash}]", "location: required"),
    ("location: NOWHERE\nlines: [{item: COLA}]", "unknown location"),
    ("location: [COUNTER1]\nlines: [{item: COLA}]", "location"),
    ("location: COUNTER1", "lines: required"),
    ("location: COUNTER1\nlines: []\npayments: [{method: cash}]", "at least one line"),
    ("location: COUNTER1\nlines: {item: COLA}", "must be a list"),
    ("location: COUNTER1\nlines: [COLA]", "must be a mapping"),
    ("location: COUNTER1\nlines: [{item: NOPE}]", "unknown item"),
    ("location: COUNTER1\nlines: [{barcode: '9999999999999'}]", "not an item"),
    ("location: COUNTER1\nlines: [{item: COLA, resource: PC-HOUR}]", "exactly one"),
    ("location: COUNTER1\nlines: [{item: COLA, quantity: three}]", "quantity"),
    ("location: COUNTER1\nlines: [{item: COLA, quantity: 1.5}]", "quantity"),
    ("location: COUNTER1\nlines: [{item: COLA, quantity: 0}]", "quantity"),
    ("location: COUNTER1\nlines: [{item: COLA, quantity: -2}]", "quantity"),
    ("location: COUNTER1\nlines: [{item: COLA, quantity: true}]", "quantity"),
    (f"location: COUNTER1\nlines: [{{item: COLA, quantity: {HUGE}}}]", "quantity"),
    ("location: COUNTER1\nlines: [{item: COLA, unit_price: '2.50'}]", "unit_price"),
    ("location: COUNTER1\nlines: [{item: COLA, unit_price: 2.5}]", "unit_price"),
    ("location: COUNTER1\nlines: [{item: COLA, unit_price: -250}]", "unit_price"),
    (f"location: COUNTER1\nlines: [{{item: COLA, unit_price: {HUGE}}}]\n"
     "payments: [{method: cash}]", "unit_price"),
    ("location: COUNTER1\nlines: [{item: COLA, quantity: 1000000, unit_price: 100000000000},"
     " {item: COLA, quantity: 1000000, unit_price: 100000000000}]\npayments: [{method: cash}]",
     "at most"),
    ("location: COUNTER1\nlines: [{item: COLA, manual_discount: 300}]", "manual_discount"),
    ("location: COUNTER1\nlines: [{item: COLA, manual_discount: -1}]", "manual_discount"),
    ("location: COUNTER1\nlines: [{item: COLA}]\ntip: 5", "unknown key"),
    ("location: COUNTER1\nlocation: KIOSK1\nlines: [{item: COLA}]", "duplicate key"),
    ("location: COUNTER1\nmember: NOPE\nlines: [{item: COLA}]", "unknown member"),
    ("location: COUNTER1\ndebtor: NOPE\nlines: [{item: COLA}]", "unknown debtor"),
    ("at: yesterday\nlocation: COUNTER1\nlines: [{item: COLA}]", "datetime"),
    ("at: 12\nlocation: COUNTER1\nlines: [{item: COLA}]", "datetime"),
    ("at: 9999-12-31T23:59\nlocation: COUNTER1\nlines: [{item: HEADSET, quantity: 7}]\n"
     "payments: [{method: cash}]", "outside the years"),
    ("location: COUNTER1\nlines: [{item: COLA}]\ncampaigns: [NOPE]", "unknown campaign"),
    ("location: COUNTER1\nlines: [{item: COLA}]\ncoupons: {GOOD: 1}", "must be a list"),
    # packages
    ("location: COUNTER1\nlines: [{package: SUMMER/BASIC}]\npayments: [{method: cash}]",
     "needs a member"),
    ("location: COUNTER1\nmember: M001\nlines: [{package: SUMMER/NOPE}]\n"
     "payments: [{method: cash}]", "unknown package"),
    ("location: COUNTER1\nmember: M001\nlines: [{package: WEEKEND/CONSOLE3H}]\n"
     "payments: [{method: cash}]", "not sold"),
    # payments
    ("location: COUNTER1\nlines: [{item: COLA}]", "do not cover"),
    ("location: COUNTER1\nlines: [{item: COLA}]\npayments: [{method: cash, amount: 249}]",
     "do not cover"),
    ("location: COUNTER1\nlines: [{item: COLA, quantity: 2}]\n"
     "payments: [{method: cash, amount: 100}, {method: card, amount: 100}]", "do not cover"),
    ("location: COUNTER1\nlines: [{item: COLA}]\npayments: [{method: cash, amount: lots}]",
     "amount"),
    ("location: COUNTER1\nlines: [{item: COLA}]\npayments: [{method: cash, amount: 2.5}]",
     "amount"),
    ("location: COUNTER1\nlines: [{item: COLA}]\npayments: [{method: cash, amount: -250}]",
     "amount"),
    (f"location: COUNTER1\nlines: [{{item: COLA}}]\npayments: [{{method: cash, amount: {HUGE}}}]",
     "amount"),
    ("location: COUNTER1\nlines: [{item: COLA}]\npayments: [{method: bitcoin}]",
     "unknown payment method"),
    ("location: COUNTER1\nlines: [{item: COLA}]\npayments: [{amount: 250}]", "method"),
    ("location: COUNTER1\nlines: [{item: COLA}]\npayments: cash", "must be a list"),
    ("location: COUNTER1\nlines: [{item: COLA}]\npayments: [{method: card, amount: 300}]",
     "more than"),
    ("location: COUNTER1\nlines: [{item: COLA}]\npayments: [{method: wallet}]", "member"),
    ("location: COUNTER1\nmember: M003\nlines: [{item: COLA}]\npayments: [{method: wallet}]",
     "insufficient"),
    ("location: COUNTER1\nmember: M001\nlines: [{item: HEADSET, quantity: 30}]\n"
     "payments: [{method: wallet}]", "insufficient"),
    # a coupon is a code: null, a boolean or a mapping was priced as 'None'/'True' (review)
    ("location: COUNTER1\nlines: [{item: COLA}]\ncoupons: [null]", "coupons[0]: a coupon is"),
    ("location: COUNTER1\nlines: [{item: COLA}]\ncoupons: [true]", "coupons[0]: a coupon is"),
    ("location: COUNTER1\nlines: [{item: COLA}]\ncoupons: [WELCOME-1, {a: 1}]",
     "coupons[1]: a coupon is"),
]


@pytest.mark.parametrize("command", ["price", "checkout"])
@pytest.mark.parametrize(("text", "fragment"), BAD_RECEIPTS,
                         ids=[t.replace("\n", " ")[-60:] for t, _ in BAD_RECEIPTS])
def test_a_bad_receipt_is_a_clear_error_and_records_nothing(site, command, text, fragment):
    if command == "price" and ("payments" in text or "do not cover" in fragment):
        fragment = ""  # payments are checkout's; price may still refuse the rest
    path = site.parent / "receipt.yaml"
    path.write_text(text + "\n")
    before = dump(site)
    code, out, err = cli(site, command, str(path))
    if command == "price" and not fragment:
        assert "Traceback" not in err and code in (0, 2), (code, err)
    else:
        assert_clean_error(code, err, fragment)
    assert changed_tables(before, dump(site)) == []


# --- coupons that cannot be redeemed are rejected, and the sale goes on --------------------

@pytest.mark.parametrize(("coupon", "reason"), [
    ("EXPD-0000-0001", "expired"), ("CANC-0000-0001", "canceled"),
    ("USED-0000-0001", "used up"), ("NOPE-0000-0001", "unknown"), ("CPNNOPE", "unknown"),
    ("\u00e9t\u00e9", "unknown"), ("", "unknown")])
def test_a_coupon_that_cannot_be_redeemed_is_rejected_and_the_sale_goes_on(site, coupon, reason):
    path = site.parent / "receipt.yaml"
    path.write_text("location: COUNTER1\nmember: M001\nlines: [{item: COLA}]\n"
                    f"coupons: [{json.dumps(coupon)}, GOOD-0000-0001]\n"
                    "payments: [{method: cash, amount: 500}]\n")
    before = dump(site)
    code, out, err = cli(site, "checkout", str(path))
    assert (code, err) == (0, "")
    sale = json.loads(out)
    assert [r["reason"] for r in sale["rejected"]] == [reason]
    assert (sale["total"], sale["change"]) == (150, 350)  # GOOD takes 100 off COLA's 250
    after = dump(site)
    assert len(after["receipt"]) == len(before["receipt"]) + 1
    assert len(after["coupon_redemption"]) == len(before["coupon_redemption"]) + 1
    code, shown, _ = cli(site, "coupons", "show", "GOOD-0000-0001")
    assert json.loads(shown)["redemptions"] == 1
    if reason != "unknown":
        code, shown, _ = cli(site, "coupons", "show", coupon)
        assert json.loads(shown)["redemptions"] == (1 if reason == "used up" else 0)


# --- the database itself --------------------------------------------------------------------

def test_a_database_that_is_not_one_is_a_clear_error(site):
    garbage = site.parent / "binary.yaml"
    content = garbage.read_bytes()
    code, _, err = run("--db", str(garbage), "campaigns")
    assert_clean_error(code, err, "database")
    assert garbage.read_bytes() == content


@pytest.mark.parametrize("where", ["{d}/folder.yaml", "{d}/empty.yaml/sub/playdesk.db",
                                   "/proc/playdesk/playdesk.db"])
def test_a_database_path_that_cannot_be_opened_is_a_clear_error(site, where):
    code, _, err = run("--db", where.replace("{d}", str(site.parent)), "campaigns")
    assert_clean_error(code, err, "database")


def test_a_read_only_database_refuses_writes_clearly_and_still_reads(site):
    (site.parent / "good.yaml").write_text(GOOD_RECEIPT)
    before = dump(site)
    with read_only(site):
        code, out, err = cli(site, "campaigns")
        assert code == 0 and json.loads(out), err
        code, _, err = cli(site, "checkout", str(site.parent / "good.yaml"))
        assert_clean_error(code, err, "read-only")
        code, _, err = cli(site, "campaign", "deactivate", "HAPPY")
        assert_clean_error(code, err, "read-only")
    assert changed_tables(before, dump(site)) == []


class read_only:
    """The database file cannot be written, not even by root (chattr +i where we are root)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.path.chmod(0o444)
        if _is_root():
            subprocess.run(["chattr", "+i", str(self.path)], check=True)

    def __exit__(self, *exc) -> None:
        if _is_root():
            subprocess.run(["chattr", "-i", str(self.path)], check=True)
        self.path.chmod(0o644)


def _is_root() -> bool:
    import os

    return os.geteuid() == 0


# --- as a user runs it: the installed script ------------------------------------------------

def script(*argv: bytes | str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([str(PLAYDESK), *argv], input=stdin, capture_output=True, timeout=60)


@pytest.mark.parametrize("argv", [
    (b"receipt", b"show", b"\xff\xfe"),
    (b"coupons", b"show", b"CPN\xc3"),
    (b"checkout", b"\xff.yaml"),
    (b"--at", b"2026-07-03T12:00\xff", b"campaigns"),
], ids=["receipt", "coupon", "file", "at"])
def test_non_utf8_arguments_are_a_clear_error(site, argv):
    before = dump(site)
    result = script("--db", str(site), *argv)
    err = result.stderr.decode("utf-8", "replace")
    assert_clean_error(result.returncode, err, "utf-8")
    assert changed_tables(before, dump(site)) == []


@pytest.mark.parametrize(("stdin", "fragment"), [
    (b"", "PIN"), (b"\xff\xfe\n", "PIN"), (b"12\n", "PIN"), (b"123456789\n", "PIN")])
def test_hash_pin_refuses_what_is_not_a_pin(stdin, fragment):
    result = script("hash-pin", stdin=stdin)
    assert_clean_error(result.returncode, result.stderr.decode(), fragment)


def test_the_script_answers_bad_files_without_a_traceback(site):
    before = dump(site)
    for name in ("binary.yaml", "recursive.yaml", "deep.yaml", "folder.yaml"):
        result = script("--db", str(site), "checkout", str(site.parent / name))
        assert_clean_error(result.returncode, result.stderr.decode(), "")
    assert changed_tables(before, dump(site)) == []


def test_a_closed_stdout_is_not_a_traceback(site):
    # `playdesk campaigns | head -1`: the reader goes away; the command ends quietly.
    process = subprocess.Popen([str(PLAYDESK), "--db", str(site), "campaigns", "--all"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.read(1)
    process.stdout.close()
    err = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in err, err


# --- near misses: inputs that are fine and must stay fine -----------------------------------

def test_an_at_with_an_offset_is_converted_to_site_time(site):
    # 14:30 UTC is 16:30 in Berlin: happy hour takes 20 % off the cola
    (site.parent / "good.yaml").write_text(GOOD_RECEIPT)
    code, out, err = run("--db", str(site), "--at", "2026-07-03T14:30+00:00", "price",
                         str(site.parent / "good.yaml"))
    assert code == 0, err
    assert (json.loads(out)["at"], json.loads(out)["total"]) == ("2026-07-03T16:30:00", 200)


def test_an_explicitly_empty_site_file_loads_nothing(site):
    (site.parent / "nothing.yaml").write_text("{}\n")
    before = dump(site)
    code, out, err = cli(site, "load", str(site.parent / "nothing.yaml"))
    assert code == 0, err
    assert changed_tables(before, dump(site)) in ([], ["local_state"])


# --- found here, owned elsewhere --------------------------------------------------------------

def test_a_huge_manual_lot_is_a_clear_error(site):
    before = dump(site)
    code, _, err = cli(site, "lot", "add", "--member", "M001", "--kind", "money", "--type",
                       "manual", "--amount", HUGE, "--comment", "x", "--staff", "MGR")
    assert changed_tables(before, dump(site)) == []
    assert_clean_error(code, err, "amount")


@pytest.mark.parametrize(("error", "expected"), [
    ("database is locked", "busy"), ("attempt to write a readonly database", "read-only"),
    ("database or disk is full", "full"), ("database disk image is malformed", "damaged"),
    ("no such table: receipt", None), ("near \"SELEC\": syntax error", None)])
def test_only_database_errors_of_the_file_or_machine_are_exit_2(error, expected):
    import peewee

    from engine.cli.common import database_problem

    message = database_problem(peewee.OperationalError(error), "var/playdesk.db")
    if expected is None:
        assert message is None  # our bug: exit 1 with its traceback
    else:
        assert expected in message and "var/playdesk.db" in message


def test_a_bug_still_exits_1_with_its_traceback(site, monkeypatch):
    import engine.sales.queries

    def broken(receipt_id):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(engine.sales.queries, "receipt_dict", broken)
    code, _, err = cli(site, "receipt", "show", "DEV1-R1")
    assert code == 1 and "ZeroDivisionError" in err


# --- receipts the apps build by hand get the same rules -------------------------------------

def _line(**fields):
    from engine.pricing.types import LineInput

    return LineInput(**fields)


@pytest.mark.parametrize(("lines", "receipt_fields", "payment", "fragment"), [
    ([_line(item="COLA", quantity=-3)], {}, None, "quantity"),
    ([_line(item="COLA", quantity=0)], {}, None, "quantity"),
    ([_line(item="COLA", quantity=2.5)], {}, None, "quantity"),
    ([_line(item="COLA", quantity=True)], {}, None, "quantity"),
    ([_line(package="SUMMER/BASIC", quantity=0)], {"member": "M001"}, None, "quantity"),
    ([_line(item="COLA", unit_price=-500)], {}, None, "unit_price"),
    ([_line(item="COLA", manual_discount=-100)], {}, None, "manual_discount"),
    ([_line(item="COLA", unit_price=10**30)], {}, None, "unit_price"),
    ([_line(item="COLA", resource="PC-HOUR")], {}, None, "exactly one"),
    ([_line()], {}, None, "exactly one"),
    ([], {}, None, "without lines"),
    ([_line(item="COLA")], {"location": "NOPE"}, None, "unknown location"),
    ([_line(item="COLA")], {"member": "NOPE"}, None, "unknown member"),
    ([_line(item="COLA")], {"debtor": "NOPE"}, None, "unknown debtor"),
    ([_line(item="COLA")], {}, -100, "whole amount"),
    ([_line(item="COLA")], {}, 2.5, "whole amount"),
    ([_line(item="COLA")], {}, 10**30, "whole amount"),
], ids=lambda value: repr(value)[:40])
def test_checkout_refuses_a_bad_receipt_built_by_an_app(site, lines, receipt_fields, payment,
                                                        fragment):
    from engine.db import close_database, open_database
    from engine.errors import PlaydeskError
    from engine.pricing.types import ReceiptInput
    from engine.sales.checkout import checkout
    from engine.sales.receiptfile import PaymentInput

    before = dump(site)
    receipt = ReceiptInput(**{"location": "COUNTER1", "lines": tuple(lines), **receipt_fields})
    open_database(site)
    try:
        with pytest.raises(PlaydeskError, match=fragment):
            checkout(receipt, [PaymentInput("cash", payment)], dt.datetime(2026, 7, 3, 12, 0))
    finally:
        close_database()
    assert changed_tables(before, dump(site)) == []
