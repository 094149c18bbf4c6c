"""The few words a document builder writes into a document's labels itself (the shift report's
kiosk-orders line, the guests' station time, cash in and out), in the document's language. Every
other printed word is the printer's (hardware/printing/texts.py), chosen from codes."""

from __future__ import annotations

from engine.i18n.catalogs import translate
from engine.sales.methods import method_name

DOCUMENT_TEXTS: dict[str, str] = {
    "orders": "Kiosk orders ({count})",
    "orders_paid": "{orders} · {methods}",
    "station_minutes": "{minutes} min",
    "not_paid": "not paid {station} {session}",
    "cash_in": "in: {reason}",
    "cash_out": "out: {reason}",
    "method_cash": "Cash",
    "method_card": "Card",
    "method_wallet": "Wallet",
}


def word(language: str | None, key: str, **values: object) -> str:
    english = DOCUMENT_TEXTS[key]
    try:
        return translate(language, key, english).format(**values)
    except Exception:  # noqa: BLE001 - a broken translation prints English
        return english.format(**values)


def method_word(language: str | None, method: str) -> str:
    """A payment method in words; a site's own method by its code, made readable."""
    key = f"method_{method}"
    return word(language, key) if key in DOCUMENT_TEXTS else method_name(method)
