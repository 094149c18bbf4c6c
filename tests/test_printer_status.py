"""The printer's status where the apps see it: the simulated (file:) printer's status file read
like a DLE EOT answer, the worker polling it and resending what waits when the printer is back,
copies marked on paper, and `playdesk print queue|status|receipt --reprint`."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from test_documents import record_sale, record_site
from test_print_escpos import sample_receipt
from test_print_queue import FakeNetworkPrinter

from engine.cli import main
from engine.documents.copies import COPY_MARK, as_copy, is_copy
from hardware.printing.connections import parse_target, status
from hardware.printing.profile import paper
from hardware.printing.queue import Spool
from hardware.printing.render_escpos import render_document
from hardware.printing.status import simulated_status, status_file
from hardware.printing.worker import PrintWorker, print_document

AT = dt.datetime(2026, 7, 3, 17, 31)
PROFILE = paper(80)


def test_the_status_file_answers_like_the_printer(tmp_path):
    device = tmp_path / "lp0"
    assert simulated_status(device).state == "unknown"  # no status file: as before
    status_file(device).write_text("out_of_paper\n")
    assert simulated_status(device).state == "out_of_paper"
    status_file(device).write_text("12 12 12 72")  # the four DLE EOT answers, paper end sensor
    assert simulated_status(device).state == "out_of_paper"
    status_file(device).write_text("1a 12 12 12")  # n=1 bit 3: off line
    assert simulated_status(device).state == "offline"
    status_file(device).write_text("nonsense")
    assert simulated_status(device).state == "error"
    status_file(device).write_text("ready")
    assert status(parse_target(f"file:{device}"), PROFILE).state == "ready"
    assert status(parse_target(f"file:{tmp_path}/none/lp0"), PROFILE).state == "offline"


def test_an_out_of_paper_file_printer_keeps_the_job_without_writing(tmp_path):
    device = tmp_path / "lp0"
    status_file(device).write_text("out_of_paper")
    spool = Spool(tmp_path / "spool")
    job = print_document(spool, sample_receipt(), f"file:{device}", PROFILE, AT)
    assert (job.status, job.printer_status) == ("queued", "out_of_paper")
    assert not device.exists() or device.read_bytes() == b""  # nothing printed


def wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_the_worker_polls_the_printer_and_resends_when_it_is_back(tmp_path):
    device = tmp_path / "lp0"
    status_file(device).write_text("offline")
    spool = Spool(tmp_path / "spool")
    seen: list[tuple[str, int]] = []
    lock = threading.Lock()

    def on_status(state, waiting):
        with lock:
            seen.append((state.state, waiting))

    worker = PrintWorker(spool, PROFILE, lambda: AT, watch=f"file:{device}", poll_seconds=0.05,
                         on_status=on_status).start()
    try:
        job = worker.submit(sample_receipt(), f"file:{device}")
        assert wait_for(lambda: ("offline", 1) in seen)  # tried, kept, said
        assert spool.get(job.id).status == "queued"
        status_file(device).write_text("ready")  # paper in, the printer back on line
        assert wait_for(lambda: spool.get(job.id).status == "sent")
        assert device.read_bytes() == render_document(sample_receipt(), PROFILE)
        assert wait_for(lambda: seen[-1] == ("ready", 0))
    finally:
        worker.stop()


def test_the_worker_polls_a_network_printer_by_dle_eot(tmp_path):
    printer = FakeNetworkPrinter()
    printer.status[4] = 0x12 | 0x60  # paper end
    seen: list[str] = []
    worker = PrintWorker(Spool(tmp_path), PROFILE, lambda: AT,
                         watch=f"network:127.0.0.1:{printer.port}", poll_seconds=0.05,
                         on_status=lambda state, _waiting: seen.append(state.state)).start()
    try:
        assert wait_for(lambda: "out_of_paper" in seen)
        printer.status[4] = 0x12
        assert wait_for(lambda: seen[-1] == "ready")
    finally:
        worker.stop()
        printer.close()


def test_a_copy_is_marked_once():
    receipt = sample_receipt()
    copy = as_copy(receipt, AT)
    assert copy.header.lines[:2] == (COPY_MARK, "Reprinted 03.07.2026 17:31")
    assert is_copy(copy) and not is_copy(receipt)
    assert as_copy(copy, AT).header.lines == copy.header.lines
    assert copy.lines == receipt.lines and copy.total == receipt.total
    assert COPY_MARK.encode() in render_document(copy, PROFILE)


@pytest.fixture
def sale(db, db_path):
    record_site()
    record_sale()
    return db_path


def run(capsys, db_path, *argv):
    code = main(["--db", str(db_path), "--at", "2026-07-03T18:00", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_cli_reprint_queue_and_status(sale, capsys, tmp_path):
    device, spool = tmp_path / "lp0", str(tmp_path / "spool")
    status_file(device).write_text("out_of_paper")
    code, answer, err = run(capsys, sale, "print", "status", "--to", f"file:{device}")
    assert code == 2 and answer["state"] == "out_of_paper" and "out of paper" in err
    code, job, _ = run(capsys, sale, "print", "receipt", "COUNTER1-R1", "--to", f"file:{device}",
                       "--reprint", "--spool", spool)
    assert code == 2 and job["status"] == "queued"
    code, waiting, _ = run(capsys, sale, "print", "queue", "--spool", spool)
    assert code == 0 and [j["id"] for j in waiting] == [job["id"]]
    status_file(device).write_text("ready")
    code, answer, _ = run(capsys, sale, "print", "status", "--to", f"file:{device}")
    assert code == 0 and answer == {"target": f"file:{device}", "state": "ready",
                                    "message": "ready", "printable": True}
    code, _, _ = run(capsys, sale, "print", "retry", "--spool", spool)
    assert code == 0 and b"*** COPY ***" in device.read_bytes()
    assert b"\x1bp" not in device.read_bytes()  # a copy never kicks the drawer
    code, waiting, _ = run(capsys, sale, "print", "queue", "--spool", spool)
    assert waiting == []
    code, _, err = run(capsys, sale, "print", "receipt", "COUNTER1-R1", "--to", f"file:{device}",
                       "--reprint", "--drawer", "--spool", spool)
    assert code == 2 and "drawer" in err
    code, _, err = run(capsys, sale, "print", "status", "--to", "png:x.png")
    assert code == 2 and "png" in err
    code, answer, _ = run(capsys, sale, "print", "receipt", "COUNTER1-R1", "--to",
                          f"png:{tmp_path}/copy.png", "--reprint")
    assert code == 0 and answer["reprint"] is True


def test_what_the_status_bar_says_about_each_device(tmp_path):
    from uikit.devices import Printer, scanner_state
    from uikit.statusbar import printer_badge, scanner_badge, sync_badge
    from uikit.theme import BAD, PANEL, WARN

    assert (Printer("none").state, Printer("none").printable) == ("missing", False)
    assert Printer(f"png:{tmp_path}").printable and Printer("dummy").printable
    assert Printer(f"file:{tmp_path}/lp0").state == "unknown"  # until the worker asked
    assert printer_badge("missing", 0).text == "No printer"
    assert printer_badge("out_of_paper", 2).text == "Printer out of paper · 2 waiting"
    assert printer_badge("out_of_paper", 0).colour == BAD
    assert printer_badge("paper_low", 0).colour == WARN
    assert printer_badge("unknown", 0).text == "Printer ready"
    assert printer_badge("ready", 0).colour == PANEL

    class Unplugged:
        connected = threading.Event()

    assert scanner_state("none", None) == "none"
    assert scanner_state("hid:/dev/input/x", None) == "missing"  # could not start
    assert scanner_state("hid:/dev/input/x", Unplugged()) == "missing"
    Unplugged.connected.set()
    assert scanner_state("hid:/dev/input/x", Unplugged()) == "ready"
    assert scanner_badge("missing").text == "Scanner not found"
    assert [sync_badge(v).text for v in (True, False, None)] == ["Sync online", "Sync offline",
                                                                  "Sync not set up"]
