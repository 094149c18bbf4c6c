"""Issue 14, item 1 for receipt refunds: with the broker down and the offline policy of
`receipt.refund` set to allow, two counters refund the same line of one receipt. On merge the
line is refunded once on every device whatever the arrival order — the earlier `(hlc, device)`
wins, the whole losing refund (lines, payments, wallet lot) is a conflict, its origin goes on —
and shift reports, refund status and receipt show count the winner's money only. Refunds of
other lines of that receipt on the other counter are no collision. Real SQLite files of three
devices; events applied as the sync process applies them; reports through the real CLI."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from sync_helpers import free_port, provision, using
from test_sync_collisions import apply_on, shipped
from test_sync_convergence import playdesk
from test_sync_fact_checks import AT, with_site

from engine.migrations import latest_version
from engine.sales.refunds import receipt_refunds, refund_status

WATER = 150  # line 2 (COLA is line 1), no campaign at noon


def offline_site(tmp_path):
    """C1 (the authority), C2 and C3 with the demo site, C1 and C2 with an open shift; the
    broker is gone and the owner allows receipt refunds offline."""
    from engine.db import write
    from engine.models import Event, LocalState, Setting
    from engine.sales.shifts import open_shift

    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "C3": "counter"})
    config = json.dumps({"host": "127.0.0.1", "port": free_port(), "site": "demo",
                         "authority": "C1"})
    for device in devices:
        with_site(device)
        with using(device.db), write():
            Event.delete().execute()  # the definitions are not what these tests ship
            LocalState.insert(key="sync.config", value=config).execute()
            Setting.insert(key="offline_policy", value='{"receipt.refund": "allow"}').execute()
    for device in devices[:2]:
        with using(device.db):
            open_shift("MGR", 10_000, AT)
    return devices


def sell(device) -> str:
    from engine.pricing import LineInput, ReceiptInput
    from engine.sales.checkout import checkout
    from engine.sales.receiptfile import PaymentInput

    with using(device.db):
        done = checkout(ReceiptInput("COUNTER1", (LineInput(item="COLA"), LineInput(item="WATER"))),
                        [PaymentInput("cash", None)], AT, staff="MGR", shift=f"{device.name}-SH1")
    return done.receipt


def refund_on(device, receipt: str, line: int, minutes: int) -> dict:
    from engine.sales.refunds import refund_receipt

    with using(device.db):
        return refund_receipt(receipt, "MGR", "warm", AT + dt.timedelta(minutes=minutes),
                              lines=[line], shift=f"{device.name}-SH1")


def facts(device) -> tuple:
    return (device.sql("SELECT id, receipt, shift, amount FROM receipt_refund ORDER BY id"),
            device.sql("SELECT refund_id, receipt, line_no, amount FROM receipt_refund_line "
                       "ORDER BY refund_id, line_no"),
            device.sql("SELECT refund_id, method, amount FROM receipt_refund_payment "
                       "ORDER BY refund_id"),
            device.sql("SELECT kind, device, seq, type, reason, key FROM sync_conflict"))


def as_older_release(events: list[dict]) -> list[dict]:
    """The events as a release before migration 0004 wrote them: lines without `receipt`."""
    older = []
    for event in events:
        payload = json.loads(event["payload"])
        for line in payload.get("rows", {}).get("receipt_refund_line", []):
            del line["receipt"]
        older.append({**event, "payload": json.dumps(payload, sort_keys=True,
                                                    separators=(",", ":"))})
    return older


@pytest.mark.parametrize("older", [False, True], ids=["events", "older-release-events"])
def test_one_receipt_line_refunded_on_two_counters_is_paid_out_once_everywhere(tmp_path, older):
    c1, c2, c3 = devices = offline_site(tmp_path)
    receipt = sell(c1)
    opened_and_sold, opened = shipped(c1), shipped(c2)
    apply_on(c1, opened)
    apply_on(c2, opened_and_sold)
    apply_on(c3, opened_and_sold + opened)
    c1_seq, c2_seq = c1.journal_seq(), c2.journal_seq()
    # the broker is down: both counters pay line 2 out in cash (C1 a minute earlier)
    won = refund_on(c1, receipt, 2, 1)
    lost = refund_on(c2, receipt, 2, 2)
    assert (won["amount"], lost["amount"]) == (WATER, WATER)
    sell(c2)  # C2's next event
    first, second = shipped(c1, c1_seq), shipped(c2, c2_seq)
    assert first[0]["hlc"] < second[0]["hlc"]
    if older:
        first, second = as_older_release(first), as_older_release(second)
    apply_on(c1, second)  # the loser arrives after the winner
    apply_on(c2, first)  # the winner arrives after the loser was applied here
    apply_on(c3, second)  # C3: loser first, then the winner
    apply_on(c3, first)
    assert facts(c1) == facts(c2) == facts(c3)
    refunds, lines, payments, noted = facts(c1)
    assert refunds == [("C1-RR1", receipt, "C1-SH1", WATER)]
    assert lines == [("C1-RR1", receipt, 2, WATER)]
    assert payments == [("C1-RR1", "cash", WATER)]
    assert noted == [("collision", "C2", 2, "sale.refund", "receipt_refund_line.receipt,line_no",
                      f"receipt_refund_line.receipt,line_no={receipt},2")]
    for device in devices:  # C2's next sale applied everywhere
        assert device.sql("SELECT COUNT(*) FROM receipt") == [(2,)]
        assert device.applied("C2") == c2.journal_seq() or device is c2
        # what the owner and the counters are shown: the winner's money only
        shown = playdesk(device, "conflicts")["facts"]
        assert [(c["kind"], c["device"], c["seq"], c["type"]) for c in shown] == [
            ("collision", "C2", 2, "sale.refund")], shown
        with using(device.db):
            assert refund_status(receipt) == "partly_refunded"
            assert [(r["refund"], r["amount"]) for r in receipt_refunds(receipt)] == [
                ("C1-RR1", WATER)]
        for shift, given in (("C1-SH1", WATER), ("C2-SH1", 0)):
            report = playdesk(device, "shift", "report", shift)
            assert report["refunds"]["amount"] == given, (device.name, shift, report)
            assert report["cash"]["expected"] == 10_000 + 400 - given, (device.name, report)


def test_other_lines_of_one_receipt_refunded_on_two_counters_both_apply(tmp_path):
    c1, c2, c3 = devices = offline_site(tmp_path)
    receipt = sell(c1)
    opened_and_sold, opened = shipped(c1), shipped(c2)
    apply_on(c1, opened)
    apply_on(c2, opened_and_sold)
    apply_on(c3, opened_and_sold + opened)
    c1_seq, c2_seq = c1.journal_seq(), c2.journal_seq()
    refund_on(c1, receipt, 2, 1)
    refund_on(c2, receipt, 1, 2)  # COLA: 250
    first, second = shipped(c1, c1_seq), shipped(c2, c2_seq)
    apply_on(c1, second)
    apply_on(c2, first)
    apply_on(c3, second)
    apply_on(c3, first)
    assert facts(c1) == facts(c2) == facts(c3)
    refunds, lines, _, noted = facts(c1)
    assert refunds == [("C1-RR1", receipt, "C1-SH1", WATER), ("C2-RR1", receipt, "C2-SH1", 250)]
    assert lines == [("C1-RR1", receipt, 2, WATER), ("C2-RR1", receipt, 1, 250)]
    assert noted == []
    for device in devices:
        with using(device.db):
            assert refund_status(receipt) == "refunded"


def test_the_losing_wallet_refund_leaves_its_lot_void_everywhere(tmp_path):
    """Paid from the wallet: each counter's refund made a `refund` lot of 150; after merge only
    the winner's is worth anything, on every device and in both arrival orders."""
    from engine.entitlements import balance
    from engine.entitlements.adjust import add_lot
    from engine.pricing import LineInput, ReceiptInput
    from engine.sales.checkout import checkout
    from engine.sales.receiptfile import PaymentInput

    c1, c2, c3 = devices = offline_site(tmp_path)
    with using(c1.db):
        add_lot("M001", "money", "manual", 1_000, "MGR", "prepaid", AT)
        receipt = checkout(ReceiptInput("COUNTER1", (LineInput(item="COLA"),
                                                     LineInput(item="WATER")), member="M001"),
                           [PaymentInput("wallet", None)], AT, staff="MGR",
                           shift="C1-SH1").receipt
    opened_and_sold, opened = shipped(c1), shipped(c2)
    apply_on(c1, opened)
    apply_on(c2, opened_and_sold)
    apply_on(c3, opened_and_sold + opened)
    c1_seq, c2_seq = c1.journal_seq(), c2.journal_seq()
    assert refund_on(c1, receipt, 2, 1)["payments"][0]["method"] == "wallet"
    assert refund_on(c2, receipt, 2, 2)["payments"][0]["method"] == "wallet"
    first, second = shipped(c1, c1_seq), shipped(c2, c2_seq)
    apply_on(c1, second)
    apply_on(c2, first)
    apply_on(c3, second)
    apply_on(c3, first)
    assert facts(c1) == facts(c2) == facts(c3)
    for device in devices:
        refund_lots = device.sql("SELECT id, total FROM lot WHERE type = 'refund' ORDER BY id")
        assert [lot for lot, _ in refund_lots] == ["C1-L2", "C2-L1"]
        assert device.sql("SELECT lot, device FROM void_lot") == [("C2-L1", "C2")]
        with using(device.db):  # 1,000 − 400 spent + 150 back once
            assert balance("M001", AT + dt.timedelta(hours=1)).money.total == 750


def test_migration_0004_backfills_the_receipt_and_keeps_an_old_double_refund_out(
        tmp_path, monkeypatch):
    """A version-3 database with a line refunded once and a line refunded twice (an older
    release, offline): after 0004 every line names its receipt, except the later refund of the
    doubled line (by its event's hlc), and a third refund of that line is refused by UNIQUE."""
    from engine import migrations
    from engine.db import close_database, open_database

    folder = tmp_path / "migrations"
    folder.mkdir()
    for script in migrations.DIRECTORY.glob("000[123]_*.py"):
        (folder / script.name).write_text(script.read_text())
    path = tmp_path / "old.db"
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "DIRECTORY", folder)
        open_database(path)
        close_database()
    old = sqlite3.connect(path)
    refund_sql = ("INSERT INTO receipt_refund (id, receipt, amount, reason, staff, at, device) "
                  "VALUES (?, 'C1-R1', 150, 'warm', 'MGR', '2026-07-03 12:00:00', ?)")
    line_sql = "INSERT INTO receipt_refund_line (refund_id, line_no, amount) VALUES (?, ?, 150)"
    event_sql = "INSERT INTO event (device, seq, hlc, type, payload) VALUES (?, 1, ?, 'sale.refund', ?)"
    for refund, device, stamp in (("C2-RR1", "C2", "178000000000000.00001"),
                                  ("C1-RR1", "C1", "178000000000000.00002")):
        old.execute(refund_sql, (refund, device))
        old.execute(event_sql, (device, stamp, json.dumps(
            {"rows": {"receipt_refund": [{"id": refund, "receipt": "C1-R1"}]}},
            separators=(",", ":"))))
    old.execute(line_sql, ("C1-RR1", 2))  # the later one by its event, written first
    old.execute(line_sql, ("C2-RR1", 2))
    old.execute(line_sql, ("C1-RR1", 1))
    old.commit()
    old.close()
    try:
        database = open_database(path)
        # open_database runs every migration after 0004 too
        assert database.execute_sql("PRAGMA user_version").fetchone() == (latest_version(),)
        assert database.execute_sql(
            "SELECT refund_id, line_no, receipt FROM receipt_refund_line ORDER BY refund_id, "
            "line_no").fetchall() == [("C1-RR1", 1, "C1-R1"), ("C1-RR1", 2, None),
                                      ("C2-RR1", 2, "C1-R1")]
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            database.connection().execute(
                "INSERT INTO receipt_refund_line (refund_id, receipt, line_no, amount) "
                "VALUES ('C3-RR1', 'C1-R1', 1, 150)")
    finally:
        close_database()


def test_a_refund_line_naming_another_receipt_is_refused_and_its_origin_goes_on(tmp_path):
    """A line that says another receipt than its refund's would squat that receipt's line (its
    own refunds would then lose): refused, shown in conflicts, the origin's next event applies."""
    c1, c2, _ = offline_site(tmp_path)
    receipt = sell(c1)
    apply_on(c2, shipped(c1))
    c2_seq = c2.journal_seq()
    refund_on(c2, receipt, 2, 1)
    sell(c2)
    events = shipped(c2, c2_seq)
    payload = json.loads(events[0]["payload"])
    payload["rows"]["receipt_refund_line"][0]["receipt"] = "C1-R77"
    events[0] = {**events[0], "payload": json.dumps(payload, sort_keys=True,
                                                    separators=(",", ":"))}
    apply_on(c1, shipped(c2, 0)[:c2_seq] + events)
    assert c1.sql("SELECT kind, device, seq, reason FROM sync_conflict") == [
        ("rejected", "C2", c2_seq + 1, "wrong_receipt")]
    assert c1.sql("SELECT COUNT(*) FROM receipt_refund_line") == [(0,)]
    assert c1.sql("SELECT COUNT(*) FROM receipt") == [(2,)]
