"""Payment methods in words, for reports and printed documents (a method the site adds itself
is shown by its code, made readable)."""

from __future__ import annotations

# Payment methods as people say them (issue 18 item 6: never `cash`), for the report's own lines
# and the CLI's JSON; a site's own method is its code, capitalised. The apps and the printer
# have the same words in their catalogues (counter/names.py, hardware/printing/texts.py).
METHOD_NAMES = {"cash": "Cash", "card": "Card", "wallet": "Wallet"}
ORDERS_NAME = "Kiosk orders"


def method_name(method: str) -> str:
    return METHOD_NAMES.get(method) or method.replace("_", " ").capitalize()
