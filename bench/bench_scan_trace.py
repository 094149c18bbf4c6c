"""One datum end to end (code review 2026-12, section 4): a cola and a coupon barcode scanned at
the counter, what the receipt screen shows, a cash checkout, and the sale applied on a second
device — counted in SQL statements (sqlite's trace callback) and pricing runs per step.

    .venv/bin/python -m bench.bench_scan_trace

The review counted about 75 statements from the coupon scan to the other device's screen
(steps 2-9 of its section 4, at 76a5d0b). The figures here follow the same steps through the
engine's own calls, without Kivy (the screen's part is what `counter/screens/receipt.py` and
`payment.py` call; the other device's 1 s watcher adds one PRAGMA, not counted here).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from engine import pricing
from engine.coupons.wizard import generate
from engine.db import database
from engine.documents import receipt_document
from engine.models import BarcodeRule, Event
from engine.pricing import engine as pricing_engine
from engine.sales.cart import Cart, apply_scan
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput
from engine.sitefile import load_site_file
from engine.sync import outbox
from engine.sync.apply import apply_batch
from tests.sync_helpers import provision, using

AT = dt.datetime(2026, 7, 3, 12, 0)
SITE = Path(__file__).resolve().parent.parent / "tests" / "data" / "site.yaml"
REVIEW_TOTAL = 75  # statements the review counted at 76a5d0b (section 4)


@contextmanager
def counted() -> Iterator[dict[str, int]]:
    """Statements run on the bound database, and pricing runs, inside the block."""
    figures = {"sql": 0, "pricing": 0}
    connection = database.connection()

    def trace(statement: str) -> None:
        if not statement.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")):
            figures["sql"] += 1

    original = pricing_engine.price_receipt

    def price_and_count(*args: Any, **kwargs: Any):
        figures["pricing"] += 1
        return original(*args, **kwargs)

    connection.set_trace_callback(trace)
    pricing_engine.price_receipt = price_and_count
    patched = _patch_price_receipt(price_and_count)
    try:
        yield figures
    finally:
        connection.set_trace_callback(None)
        pricing_engine.price_receipt = original
        for module, name, value in patched:
            setattr(module, name, value)


def _patch_price_receipt(replacement: Callable) -> list[tuple[Any, str, Any]]:
    """Every module that imported `price_receipt` by name calls the counting one meanwhile."""
    patched = []
    for module in list(sys.modules.values()):
        if getattr(module, "price_receipt", None) is pricing.price_receipt and module is not pricing:
            patched.append((module, "price_receipt", module.price_receipt))
            module.price_receipt = replacement
    return patched


def load_site(path: Path) -> None:
    with using(path):
        load_site_file(SITE, AT)


def main() -> None:

    with tempfile.TemporaryDirectory() as folder:
        counter, kiosk = provision(Path(folder), {"COUNTER1": "counter", "KIOSK1": "kiosk"})
        for device in (counter, kiosk):
            load_site(device.db)
        rows: list[tuple[str, int, int]] = []
        with using(counter.db):
            rule = BarcodeRule.select().where(BarcodeRule.type == "coupon").first()
            code = generate("WELCOME", 1, AT, discount_type="reduce", value=100)[0].code
            scanned = f"{rule.prefix}{code}{rule.suffix}" if rule else code
            cart = Cart("COUNTER1")
            apply_scan(cart, "COLA", AT)  # the review's trace starts after the cola
            cart.price(AT)  # (and after the definitions were loaded once)
            before = outbox.journal_seq("COUNTER1")
            with counted() as step:
                coupon = apply_scan(cart, scanned, AT)
                shown = coupon.priced if coupon.priced is not None else cart.price(AT)
            rows.append(("coupon scanned, the screen shows it", step["sql"], step["pricing"]))
            assert coupon.accepted and shown.discount > 0, (coupon, shown.discount)
            with counted() as step:
                sale = checkout(cart.receipt_input(), [PaymentInput("cash")], AT)
            rows.append(("cash checkout (one transaction)", step["sql"], step["pricing"]))
            with counted() as step:
                receipt_document(sale.receipt)
            rows.append(("the receipt document to print", step["sql"], step["pricing"]))
            with counted() as step:
                last = outbox.journal_seq("COUNTER1")
                sent = outbox.events_between("COUNTER1", before + 1, last, 100)
            rows.append(("sync out: the sale's events read", step["sql"], step["pricing"]))
            events = [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                       "payload": e.payload, "sig": e.sig}
                      for e in Event.select().where(Event.device == "COUNTER1")
                      .order_by(Event.seq)]
            assert len(sent) == last - before
        with using(kiosk.db):
            apply_batch([e for e in events if e["seq"] <= before])  # what came before the sale
            with counted() as step:
                touched = apply_batch([e for e in events if e["seq"] > before])
            assert not touched.rejected, touched.rejected
            rows.append(("sync in: applied on KIOSK1", step["sql"], step["pricing"]))
            redeemed = database.execute_sql("SELECT redemptions FROM coupon WHERE code = ?",
                                            (code,)).fetchone()[0]
        total = sum(sql for _, sql, _ in rows)
        print(f"coupon scan to a sale on a second device (receipt {getattr(sale, 'receipt', '?')}, "
              f"coupon redeemed {redeemed}× on KIOSK1)")
        for name, sql, runs in rows:
            print(f"  {name:<36} {sql:>4} SQL statements  {runs} pricing run(s)")
        print(f"  {'total':<36} {total:>4} SQL statements  "
              f"{sum(runs for _, _, runs in rows)} pricing run(s)")
        print(f"  review's count at 76a5d0b: ~{REVIEW_TOTAL} statements "
              f"(ratio now/then {total / REVIEW_TOTAL:.2f})")


if __name__ == "__main__":
    main()
