"""Reprints are facts (issue 18 item 7): every copy printed again (marked COPY) writes a
`Reprint` row and its `till.reprint` event in one transaction, from the engine and from the CLI
(`print <doc> --reprint`, `print reprint JOB`); the row reaches another counter as it is and a
false one is refused."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json

import pytest
from sync_helpers import provision, using
from test_documents import record_sale, record_site
from test_sync_fact_checks import apply_on, conflicts_of, forged, with_site

from engine import documents
from engine.documents.copies import COPY_MARK, record_reprint, reprint_copy, reprints_of
from engine.errors import NotFound, PlaydeskError
from engine.models import Event, Staff
from engine.models.reprints import Reprint
from hardware.printing.status import status_file

AT = dt.datetime(2026, 7, 3, 18, 0)


@pytest.fixture
def sale(db):
    record_site()
    return record_sale()


def counts() -> tuple[int, int]:
    return Reprint.select().count(), Event.select().count()


def test_a_reprint_is_a_copy_and_a_journaled_fact(sale):
    copy, row = reprint_copy(documents.receipt_document(sale), AT, "S01")
    assert COPY_MARK in copy.header.lines
    assert (row.id, row.kind, row.document, row.staff, row.at) == \
        ("DEV1-RP1", "receipt", sale, "S01", AT)
    event = Event.select().order_by(Event.seq.desc()).first()
    assert event.type == "till.reprint" and "DEV1-RP1" in event.payload
    again = record_reprint("purchase", "COUNTER1-U1", "S01", AT)
    assert again.id == "DEV1-RP2"
    assert [r.id for r in reprints_of(sale)] == ["DEV1-RP1"]


@pytest.mark.parametrize("kind, document, staff, error", [
    ("", "COUNTER1-R1", "S01", "kind of document"),
    ("receipt", " ", "S01", "names the document"),
    ("receipt", "COUNTER1-R1", "S99", "unknown staff member"),
])
def test_a_bad_reprint_writes_nothing(sale, kind, document, staff, error):
    before = counts()
    with pytest.raises((PlaydeskError, NotFound), match=error):
        record_reprint(kind, document, staff, AT)
    assert counts() == before


def test_an_inactive_cashier_cannot_reprint(sale):
    Staff.update(active=False).where(Staff.code == "S01").execute()
    with pytest.raises(PlaydeskError, match="inactive"):
        reprint_copy(documents.receipt_document(sale), AT, "S01")
    assert Reprint.select().count() == 0


def run(db_path, *argv) -> tuple[int, object]:
    from engine.cli import main

    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--db", str(db_path), "--at", "2026-07-03T18:00", *argv])
    text = output.getvalue()
    return code, (json.loads(text) if text.strip() else None)


def test_the_cli_records_its_reprints(sale, db_path, tmp_path):
    device, spool = tmp_path / "lp0", str(tmp_path / "spool")
    status_file(device).write_text("ready")
    code, job = run(db_path, "print", "receipt", sale, "--to", f"file:{device}", "--spool",
                    spool)
    assert code == 0 and Reprint.select().count() == 0  # a first print is no reprint
    code, copy = run(db_path, "print", "receipt", sale, "--to", f"file:{device}", "--reprint",
                     "--staff", "S01", "--spool", spool)
    assert code == 0 and b"*** COPY ***" in device.read_bytes()
    code, again = run(db_path, "print", "reprint", job["id"], "--staff", "S01", "--spool", spool)
    assert code == 0 and again["reprint_of"] == job["id"]
    rows = [(r.kind, r.document, r.staff) for r in Reprint.select().order_by(Reprint.id)]
    assert rows == [("receipt", sale, "S01"), ("receipt", sale, "S01")]
    # an unknown cashier is refused before anything prints or is written
    size = device.stat().st_size
    code, _ = run(db_path, "print", "receipt", sale, "--to", f"file:{device}", "--reprint",
                  "--staff", "S99", "--spool", spool)
    assert code != 0 and device.stat().st_size == size and Reprint.select().count() == 2
    code, _ = run(db_path, "print", "reprint", job["id"], "--staff", "S99", "--spool", spool)
    assert code != 0 and device.stat().st_size == size and Reprint.select().count() == 2


# --- sync -------------------------------------------------------------------------------------


@pytest.fixture
def counters(tmp_path):
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)
        with using(device.db):
            from engine.db import write

            with write():
                Staff.create(code="S01", name="Sam", role="cashier")
    return devices


def test_a_reprint_reaches_another_counter(counters):
    c1, c2, _ = counters
    with using(c1.db):
        record_reprint("receipt", "C1-R1", "S01", AT)
        events = [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                   "payload": e.payload, "sig": e.sig}
                  for e in Event.select().where((Event.device == "C1")
                                                & (Event.type == "till.reprint"))]
    touched = apply_on(c2, [dict(e, seq=n) for n, e in enumerate(events, 1)])
    assert touched.rejected == [] and conflicts_of(c2) == []
    assert c2.sql("SELECT id, kind, document, staff FROM reprint") == \
        [("C1-RP1", "receipt", "C1-R1", "S01")]


def reprint(**changes) -> dict:
    return {"reprint": [{"id": "C1-RP1", "kind": "receipt", "document": "C1-R1", "staff": "S01",
                         "at": AT.isoformat(), "device": "C1", **changes}]}


@pytest.mark.parametrize("rows, reason", [
    (reprint(id="C2-RP1"), "id_namespace"),
    (reprint(document=""), "bad_reprint"),
    (reprint(staff="S99"), "bad_reprint"),
])
def test_a_false_reprint_is_refused(counters, rows, reason):
    _, c2, _ = counters
    touched = apply_on(c2, [forged(1, "till.reprint", rows, origin="C1")])
    assert [why for _, _, why, _ in touched.rejected] == [reason]
    assert c2.sql("SELECT COUNT(*) FROM reprint") == [(0,)]


def test_a_kiosk_sends_no_reprints(counters):
    _, c2, _ = counters
    touched = apply_on(c2, [forged(1, "till.reprint", reprint(id="K1-RP1", device="K1"))])
    assert [why for _, _, why, _ in touched.rejected] == ["forbidden_type"]


def test_recent_purchases_include_the_kiosks_and_count_their_reprints(demo_site):
    from engine.documents.copies import recent_purchases
    from engine.entitlements.purchase import purchase
    from engine.ids import device_id, set_device_id

    Staff.create(code="S01", name="Sam", role="cashier")
    counter = device_id()
    set_device_id("KIOSK1")
    kiosk = purchase("M001", "SUMMER/STD", "card", "kiosk", AT, location="KIOSK1")
    set_device_id(counter)
    here = purchase("M003", "SUMMER/BASIC", "cash", "counter", AT + dt.timedelta(minutes=1),
                    location="COUNTER1")
    copy, _ = reprint_copy(documents.purchase_slip(kiosk.id), AT, "S01")
    assert COPY_MARK in copy.header.lines and copy.purchase == kiosk.id
    shown = recent_purchases()
    assert [(p["purchase"], p["channel"], p["reprints"]) for p in shown] == \
        [(here.id, "counter", 0), (kiosk.id, "kiosk", 1)]
    assert (shown[1]["member_name"], shown[1]["package_name"]) == ("Ada", "Standard")
    with pytest.raises(PlaydeskError, match="at least 1"):
        recent_purchases(0)
