"""The print spool: jobs stored before sending, kept on failure, retried, reprinted, in order."""

from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
from test_print_escpos import sample_receipt

from hardware.printing.connections import PrinterOffline, TargetError, parse_target
from hardware.printing.profile import paper
from hardware.printing.queue import JobNotFound, Spool
from hardware.printing.render_escpos import render_document
from hardware.printing.status import interpret
from hardware.printing.worker import PrintWorker, print_document

AT = dt.datetime(2026, 7, 3, 17, 31)
PROFILE = paper(80)
OK, PAPER_END, JAM = 0x12, 0x12 | 0x60, 0x12 | 0x08


class FakeNetworkPrinter:
    """A TCP printer on localhost answering `DLE EOT n` with the bytes in `status`."""

    def __init__(self) -> None:
        self.status = {1: OK, 2: OK, 3: OK, 4: OK}
        self.received = b""
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                buffer = b""
                while chunk := conn.recv(65536):
                    buffer += chunk
                    while buffer.startswith(b"\x10\x04") and len(buffer) >= 3:
                        conn.sendall(bytes([self.status[buffer[2]]]))
                        buffer = buffer[3:]
                    if buffer and not buffer.startswith(b"\x10"):
                        self.received += buffer
                        buffer = b""

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def printer():
    fake = FakeNetworkPrinter()
    yield fake
    fake.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        return server.getsockname()[1]


def test_file_printer_that_cannot_be_written_keeps_the_job_then_retry_prints(tmp_path):
    spool = Spool(tmp_path / "prints")
    device = tmp_path / "lp" / "printer.bin"  # the folder does not exist yet: unwritable
    document = sample_receipt()
    job = print_document(spool, document, f"file:{device}", PROFILE, AT)
    assert job.status == "queued" and job.attempts == 1
    assert job.printer_status == "offline" and "No such file" in job.last_error
    assert [j.id for j in spool.jobs("queued")] == [job.id]
    assert spool.data(job.id) == render_document(document, PROFILE)  # stored before sending

    device.parent.mkdir()  # the printer is back
    (sent,) = spool.retry(AT + dt.timedelta(minutes=1), PROFILE)
    assert (sent.id, sent.status, sent.attempts, sent.last_error) == (job.id, "sent", 2, None)
    assert sent.sent_at == "2026-07-03T17:32:00"
    assert device.read_bytes() == spool.data(job.id)
    assert spool.jobs("queued") == [] and [j.id for j in spool.jobs("sent")] == [job.id]


def test_network_printer_on_a_closed_port_is_offline(tmp_path):
    spool = Spool(tmp_path)
    job = print_document(spool, sample_receipt(), f"network:127.0.0.1:{closed_port()}", PROFILE,
                         AT)
    assert job.status == "queued" and job.printer_status == "offline"
    assert "Could not open socket" in job.last_error


def test_out_of_paper_and_jam_keep_the_job_with_a_clear_status(tmp_path, printer):
    spool = Spool(tmp_path)
    target = f"network:127.0.0.1:{printer.port}"
    printer.status[4] = PAPER_END
    job = print_document(spool, sample_receipt(), target, PROFILE, AT)
    assert (job.status, job.printer_status) == ("queued", "out_of_paper")
    assert job.last_error.endswith("out of paper") and printer.received == b""

    printer.status[4], printer.status[3] = OK, JAM
    (job,) = spool.retry(AT, PROFILE)
    assert (job.status, job.printer_status, job.attempts) == ("queued", "jammed", 2)

    printer.status[3] = OK
    (job,) = spool.retry(AT, PROFILE)
    assert (job.status, job.printer_status) == ("sent", "ready")
    assert printer.received == spool.data(job.id)  # all of it, in one piece


def test_reprint_sends_the_same_bytes_again(tmp_path, printer):
    spool = Spool(tmp_path)
    first = print_document(spool, sample_receipt(), f"network:127.0.0.1:{printer.port}",
                           PROFILE, AT)
    assert first.status == "sent"
    again = spool.reprint(first.id, AT, PROFILE)
    assert again.status == "sent" and again.reprint_of == first.id and again.id != first.id
    assert printer.received == spool.data(first.id) * 2
    with pytest.raises(JobNotFound):
        spool.reprint("nope", AT, PROFILE)


def test_retry_keeps_receipts_in_order_per_printer(tmp_path):
    calls: list[str] = []

    def sender(target, data, profile):
        calls.append(data.decode())
        raise PrinterOffline(f"{target}: printer offline")

    spool = Spool(tmp_path, sender=sender)
    for n in range(3):
        spool.add(f"job{n}".encode(), "network:printer", "receipt", f"R{n}", AT)
    results = spool.retry(AT, PROFILE)
    assert calls == ["job0"]  # the first one failed: the later ones wait behind it
    assert [job.status for job in results] == ["queued"] * 3


def test_worker_thread_sends_and_reports(tmp_path, printer):
    results = []
    done = threading.Event()

    def on_result(job):
        results.append(job)
        done.set()

    worker = PrintWorker(Spool(tmp_path), PROFILE, now=lambda: AT, on_result=on_result).start()
    try:
        job = worker.submit(sample_receipt(), f"network:127.0.0.1:{printer.port}", drawer=True)
        assert job.status == "queued"  # stored at once, on the caller's thread
        assert done.wait(10)
    finally:
        worker.stop()
    assert results[0].id == job.id and results[0].status == "sent"
    assert printer.received.startswith(b"\x1b@\x1bt\x13\x1bp\x00")


@pytest.mark.parametrize("answers, state", [
    ((None, None, None, None), "unknown"),
    ((0x12, 0x12, 0x12, 0x12), "ready"),
    ((0x12, 0x12, 0x12, 0x12 | 0x0C), "paper_low"),
    ((0x12, 0x12, 0x12, 0x12 | 0x60), "out_of_paper"),
    ((0x1A, 0x12 | 0x20, 0x12, None), "out_of_paper"),
    ((0x1A, 0x12 | 0x04, 0x12, 0x12), "cover_open"),
    ((0x12, 0x12, 0x12 | 0x08, 0x12), "jammed"),
    ((0x12, 0x12, 0x12 | 0x20, 0x12), "error"),
    ((0x1A, 0x12, 0x12, 0x12), "offline"),
    ((0xFF, 0x00, None, None), "unknown"),  # noise, not a status byte
])
def test_status_bytes(answers, state):
    status = interpret(*answers)
    assert status.state == state
    assert status.printable == (state in ("ready", "paper_low", "unknown"))


def test_targets():
    assert str(parse_target("network:10.0.0.5")) == "network:10.0.0.5:9100"
    assert str(parse_target("usb:04b8:0202")) == "usb:04b8:0202"
    assert parse_target("serial:/dev/ttyUSB0").address == "/dev/ttyUSB0"
    for bad in ("usb:zz:1", "usb:04b8", "lpt:1", "file:", "network:host:port"):
        with pytest.raises(TargetError):
            parse_target(bad)
