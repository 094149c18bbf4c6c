"""Where ESC/POS bytes go: `usb:VID:PID`, `serial:DEV`, `network:HOST[:PORT]`, `file:PATH`.

Each target opens a python-escpos printer, gets the whole job in ONE write (a half-sent receipt
is worse than none), and is closed again. USB writes have a timeout: a stalled printer must
fail the job, not hang the app forever. Any failure to open or write is `PrinterOffline`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from hardware.printing.profile import PrinterProfile
from hardware.printing.status import PrinterStatus, read_status, simulated_status

USB_TIMEOUT_MS = 5000
SERIAL_TIMEOUT_S = 5
NETWORK_TIMEOUT_S = 5
STATUS_TIMEOUT_S = 0.5  # most network printers never answer a status query
NETWORK_PORT = 9100  # raw printing ("JetDirect")
KINDS = ("usb", "serial", "network", "file")


class TargetError(ValueError):
    """A target string that does not name a printer."""


class PrinterOffline(OSError):
    """The printer could not be reached or did not take the job; `state` says why."""

    def __init__(self, message: str, state: str = "offline") -> None:
        super().__init__(message)
        self.state = state


@dataclass(frozen=True)
class Target:
    kind: str  # usb | serial | network | file
    address: str  # VID:PID, the device, HOST:PORT or the path

    def __str__(self) -> str:
        return f"{self.kind}:{self.address}"


def parse_target(text: str) -> Target:
    kind, _, address = text.partition(":")
    if kind not in KINDS or not address:
        raise TargetError(f"printer target {text!r}: use usb:VID:PID, serial:DEV, "
                          f"network:HOST[:PORT] or file:PATH")
    if kind == "usb":
        parts = address.split(":")
        try:
            if len(parts) != 2:
                raise ValueError
            [int(part, 16) for part in parts]
        except ValueError:
            raise TargetError(f"usb target {text!r}: use usb:VID:PID in hex, "
                              f"e.g. usb:04b8:0202") from None
    if kind == "network":
        host, _, port = address.partition(":")
        if port and not port.isdigit():
            raise TargetError(f"network target {text!r}: the port must be a number")
        address = f"{host}:{port or NETWORK_PORT}"
    return Target(kind, address)


def open_printer(target: Target, profile: PrinterProfile):
    """A connected python-escpos printer for the target (raises PrinterOffline)."""
    from escpos import printer as escpos_printer

    kwargs = {"profile": profile.escpos_profile}
    if target.kind == "usb":
        vendor, product = (int(part, 16) for part in target.address.split(":"))
        device = escpos_printer.Usb(vendor, product, timeout=USB_TIMEOUT_MS, **kwargs)
    elif target.kind == "serial":
        device = escpos_printer.Serial(devfile=target.address, timeout=SERIAL_TIMEOUT_S, **kwargs)
    elif target.kind == "network":
        host, _, port = target.address.rpartition(":")
        device = escpos_printer.Network(host, int(port), timeout=NETWORK_TIMEOUT_S, **kwargs)
    else:
        device = escpos_printer.File(devfile=target.address, **kwargs)
    try:
        device.open()
    except Exception as error:  # escpos raises its own, OSError, or RuntimeError (no pyusb)
        raise PrinterOffline(f"{target}: {_reason(error)}") from error
    return device


def _reason(error: BaseException) -> str:
    text = str(error).strip().replace("\n", " ") or type(error).__name__
    return text


def _read_status(target: Target, device) -> PrinterStatus:
    if target.kind == "file":
        return simulated_status(target.address)  # write-only: a query would land in the file
    if target.kind == "network":
        device.device.settimeout(STATUS_TIMEOUT_S)
        try:
            return read_status(device)
        finally:
            device.device.settimeout(NETWORK_TIMEOUT_S)
    return read_status(device)


def status(target: Target, profile: PrinterProfile) -> PrinterStatus:
    """Ask the printer how it is (offline when it cannot be opened)."""
    if target.kind == "file":
        # opening the device file to ask would truncate it: only see whether it could be
        if not Path(target.address).parent.is_dir():
            return PrinterStatus("offline", f"{target}: no folder {Path(target.address).parent}")
        return simulated_status(target.address)
    try:
        device = open_printer(target, profile)
    except PrinterOffline as error:
        return PrinterStatus("offline", str(error))
    try:
        return _read_status(target, device)
    finally:
        device.close()


def send(target: Target, data: bytes, profile: PrinterProfile) -> PrinterStatus:
    """Check the printer, then write the whole job at once. Raises PrinterOffline when the job was
    not taken; returns the status seen before the write (ready, paper_low or unknown)."""
    device = open_printer(target, profile)
    try:
        seen = _read_status(target, device)
        if not seen.printable:
            raise PrinterOffline(f"{target}: {seen.message}", seen.state)
        try:
            device._raw(data)
            if target.kind == "file":
                device.flush()
        except Exception as error:
            raise PrinterOffline(f"{target}: write failed: {_reason(error)}") from error
        return seen
    finally:
        with contextlib.suppress(Exception):  # a dead connection must not hide the result
            device.close()
