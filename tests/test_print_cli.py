"""`playdesk print`, `scan` and `resolve` end to end on a real database file."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from test_documents import record_sale, record_site

from engine.cli import main
from engine.models import Item, ItemBarcode, Setting
from hardware.scanners import synthetic


@pytest.fixture
def sale(db, db_path):
    record_site()
    record_sale()
    return db_path


def run(capsys, db_path, *argv):
    code = main(["--db", str(db_path), "--at", "2026-07-03T18:00", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_print_receipt_to_png(sale, capsys, tmp_path):
    target = tmp_path / "prints" / "receipt.png"
    code, answer, _ = run(capsys, sale, "print", "receipt", "COUNTER1-R1", "--to", f"png:{target}")
    assert code == 0 and answer == {"document": "receipt", "ref": "COUNTER1-R1",
                                    "png": str(target), "paper": 80}
    assert Image.open(target).width == 576 + 48


def test_print_receipt_to_a_file_printer(sale, capsys, tmp_path):
    device = tmp_path / "lp0"
    spool = tmp_path / "spool"
    code, job, _ = run(capsys, sale, "print", "receipt", "COUNTER1-R1", "--to", f"file:{device}",
                       "--drawer", "--spool", str(spool))
    assert code == 0 and job["status"] == "sent" and job["reference"] == "COUNTER1-R1"
    data = device.read_bytes()
    assert data.startswith(b"\x1b@\x1bt\x13\x1bp\x00") and len(data) == job["size"]
    assert b"Happy hour 20%" in data and b"CPNWELCOME7" in data and b"SNACK3FOR2" in data
    assert b"{BCPNK7Q2M9XD4PA" in data  # the issued coupon's barcode
    code, jobs, _ = run(capsys, sale, "print", "jobs", "--spool", str(spool))
    assert [j["id"] for j in jobs] == [job["id"]]


def test_offline_printer_keeps_the_job_and_retry_sends_it(sale, capsys, tmp_path):
    device = tmp_path / "missing" / "lp0"
    spool = tmp_path / "spool"
    code, job, err = run(capsys, sale, "print", "coupon", "K7Q2M9XD4PA", "--to", f"file:{device}",
                         "--spool", str(spool))
    assert code == 2 and job["status"] == "queued" and job["printer_status"] == "offline"
    assert err.startswith("playdesk: error: ") and job["id"] in err and "Traceback" not in err
    device.parent.mkdir()
    code, results, _ = run(capsys, sale, "print", "retry", "--spool", str(spool))
    assert code == 0 and [(j["id"], j["status"]) for j in results] == [(job["id"], "sent")]
    printed = device.read_bytes()
    device.unlink()
    code, again, _ = run(capsys, sale, "print", "reprint", job["id"], "--spool", str(spool))
    assert code == 0 and again["reprint_of"] == job["id"] and again["status"] == "sent"
    assert device.read_bytes() == printed and b"COUPON" in printed


def test_printer_setting_and_options_choose_paper_and_code_page(sale, capsys, tmp_path):
    Setting.create(key="printer", value=json.dumps({"paper": 58, "code_page": "CP1252"}))
    device = tmp_path / "lp0"
    code, job, _ = run(capsys, sale, "print", "purchase", "COUNTER1-U1", "--to", f"file:{device}",
                       "--spool", str(tmp_path))
    data = device.read_bytes()
    assert code == 0 and data.startswith(b"\x1b@\x1bt\x10")  # CP1252
    assert max(len(line) for line in data.split(b"\n")[2:-3]) <= 40  # 32 columns plus styles
    code, _, _ = run(capsys, sale, "print", "shift", "SH1", "--to", f"file:{device}",
                     "--code-page", "CP858", "--spool", str(tmp_path))
    assert code == 0 and device.read_bytes().startswith(b"\x1b@\x1bt\x13")


@pytest.mark.parametrize("argv, message", [
    (["print", "receipt", "NOPE", "--to", "file:/tmp/x"], "no receipt 'NOPE'"),
    (["print", "receipt", "COUNTER1-R1", "--to", "lpt:1"], "printer target 'lpt:1'"),
    (["print", "receipt", "COUNTER1-R1", "--to", "file:/tmp/x", "--code-page", "CP9"],
     "code page CP9"),
    (["print", "reprint", "nope"], "no print job 'nope'"),
])
def test_bad_input_exits_2(sale, capsys, tmp_path, argv, message):
    code, answer, err = run(capsys, sale, *argv, "--spool", str(tmp_path)) if argv[1] == "reprint" \
        else run(capsys, sale, *argv)
    assert code == 2 and answer is None and message in err


def test_scan_image_and_resolve(sale, capsys, tmp_path):
    cola = Item.get(Item.code == "COLA")
    ItemBarcode.create(item=cola, barcode="4006381333931")
    image = tmp_path / "shelf.png"
    Image.fromarray(synthetic.frame("EAN13", "4006381333931")).save(image)
    code, found, _ = run(capsys, sale, "scan", "--image", str(image))
    assert code == 0 and found == [{"format": "EAN13", "text": "4006381333931"}]
    code, found, _ = run(capsys, sale, "scan", "--image", str(image), "--formats", "qrcode")
    assert found == []
    code, resolved, _ = run(capsys, sale, "resolve", "4006381333931")
    assert (resolved["kind"], resolved["code"]) == ("item", "COLA")
    code, resolved, _ = run(capsys, sale, "resolve", "4006381333932")
    assert (resolved["kind"], resolved["code"]) == ("invalid", None)
    code, resolved, _ = run(capsys, sale, "resolve", "CPNK7Q2M9XD4PA")
    assert (resolved["kind"], resolved["code"]) == ("coupon", "K7Q2M9XD4PA")
