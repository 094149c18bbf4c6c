"""What a printer says about itself: ESC/POS real-time status (`DLE EOT n`).

n=1 printer, n=2 offline cause, n=3 error cause, n=4 paper roll sensor. Bits 1 and 4 are always
set (0x12) in every answer, which is how a real answer is told from line noise. Connections that
cannot read (most network printers on port 9100) report `unknown` and printing goes on: the write
itself then tells whether the printer took the job.

A `file:PATH` printer (the simulated one: a file standing for the device) answers from the status
file `PATH.status` beside it when there is one: a state name (`out_of_paper`, `offline`, ...) or
the four status bytes in hex (`12 12 12 72`), read through `interpret` like a real answer; no
status file is `unknown`, as before. So a test or a demo sets a printer out of paper with
`echo out_of_paper > PATH.status`, and every path above it (send, the spool, the apps' badge)
runs as with a real printer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DLE_EOT = b"\x10\x04"
FIXED_BITS = 0x12

MESSAGES = {
    "ready": "ready",
    "paper_low": "paper is running low",
    "unknown": "status not readable on this connection",
    "offline": "printer offline",
    "out_of_paper": "out of paper",
    "cover_open": "cover open",
    "jammed": "paper jam (cutter error)",
    "error": "printer error",
}
PRINTABLE = {"ready", "paper_low", "unknown"}


@dataclass(frozen=True)
class PrinterStatus:
    state: str  # a key of MESSAGES
    detail: str = ""

    @property
    def printable(self) -> bool:
        return self.state in PRINTABLE

    @property
    def message(self) -> str:
        return self.detail or MESSAGES[self.state]

    def as_dict(self) -> dict[str, str | bool]:
        return {"state": self.state, "message": self.message, "printable": self.printable}


def _valid(byte: int | None) -> bool:
    return byte is not None and byte & 0x93 == FIXED_BITS  # bits 0, 4, 7 fixed: 0, 1, 0


def interpret(printer: int | None, offline: int | None, error: int | None,
              paper: int | None) -> PrinterStatus:
    """The printer's state from its four status bytes (None: no answer)."""
    if not any(_valid(b) for b in (printer, offline, error, paper)):
        return PrinterStatus("unknown")
    if _valid(error) and error & 0x08:
        return PrinterStatus("jammed")
    if _valid(paper) and paper & 0x60:
        return PrinterStatus("out_of_paper")
    if _valid(offline) and offline & 0x20:
        return PrinterStatus("out_of_paper")
    if _valid(offline) and offline & 0x04:
        return PrinterStatus("cover_open")
    if _valid(error) and error & 0x60:
        return PrinterStatus("error")
    if _valid(printer) and printer & 0x08:
        return PrinterStatus("offline")
    if _valid(paper) and paper & 0x0C:
        return PrinterStatus("paper_low")
    return PrinterStatus("ready")


def read_status(device) -> PrinterStatus:
    """Query a connected python-escpos printer; `unknown` when it cannot answer."""
    answers: list[int | None] = []
    for n in (1, 2, 3, 4):
        try:
            reply = device.query_status(DLE_EOT + bytes([n]))
        except NotImplementedError:
            return PrinterStatus("unknown")
        except Exception:  # a timeout or a connection that cannot read: no answer
            reply = b""
        if not reply and n == 1:
            return PrinterStatus("unknown")  # silent printer: do not wait four times
        answers.append(reply[0] if reply else None)
    return interpret(*answers)


def status_file(device: str | Path) -> Path:
    """The simulated printer's status file for the device file `device`."""
    return Path(f"{device}.status")


def simulated_status(device: str | Path) -> PrinterStatus:
    """What the simulated printer at `device` answers (see the module's docstring)."""
    try:
        text = status_file(device).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return PrinterStatus("unknown")
    except (OSError, ValueError) as error:
        return PrinterStatus("error", f"status file unreadable: {error}")
    if text in MESSAGES:
        return PrinterStatus(text)
    try:
        answers = bytes.fromhex(text)
    except ValueError:
        answers = b""
    if len(answers) != 4:
        return PrinterStatus("error", f"status file says {text[:40]!r}: not a state or 4 bytes")
    return interpret(*answers)
