"""The words uikit's own widgets show, for both apps alike: the status bar's badges and the
keypads' and keyboard's action keys. `DeviceApp.use_language` switches them with the app's."""

from __future__ import annotations

from uikit.texts import Texts

TEXTS: dict[str, str] = {
    # the status bar
    "printer_ready": "Printer ready",
    "printer_unknown": "Printer ready",  # a connection that cannot tell: printing goes on
    "printer_paper_low": "Printer: paper low",
    "printer_preview": "Printer: preview",
    "printer_offline": "Printer offline",
    "printer_out_of_paper": "Printer out of paper",
    "printer_cover_open": "Printer cover open",
    "printer_jammed": "Printer paper jam",
    "printer_error": "Printer error",
    "printer_missing": "No printer",
    "printer_waiting": "{badge} · {count} waiting",
    "scanner_ready": "Scanner ready",
    "scanner_missing": "Scanner not found",
    "scanner_none": "No scanner",
    "sync_online": "Sync online",
    "sync_offline": "Sync offline",
    "sync_none": "Sync not set up",
    # the keypads' and the keyboard's action keys (a key's label; what it does is its code)
    "key_clear": "Clear",
    "key_enter": "Enter",
    "key_done": "Done",
}

catalogue = Texts(TEXTS)
use = catalogue.use
text = catalogue.text
