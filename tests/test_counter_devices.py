"""The apps' printer adapter (uikit.devices): where documents go, the drawer kick, failures."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.documents import receipt_document
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput
from uikit.devices import Printer, PrintFailed, document_name

AT = dt.datetime(2026, 7, 3, 12, 0)


@pytest.fixture
def receipt(demo_site):
    done = checkout(ReceiptInput("COUNTER1", (LineInput(item="COLA"),)),
                    [PaymentInput("cash", 500)], AT)
    return receipt_document(done.receipt)


def test_dummy_keeps_the_bytes_with_the_drawer_kick(receipt):
    printer = Printer("dummy")
    assert printer.print(receipt, drawer=True) == "dummy"
    printer.print(receipt)
    (name, kicked), (_, plain) = printer.printed
    assert name == document_name(receipt) == f"receipt-{receipt.receipt}"
    assert kicked.startswith(b"\x1b@") and b"\x1bp" in kicked and b"\x1bp" not in plain
    assert b"Cola 0.5 l" in plain


def test_png_writes_the_preview_and_the_bytes(receipt, tmp_path):
    where = Printer(f"png:{tmp_path}").print(receipt)
    assert where.endswith(".png")
    assert (tmp_path / f"receipt-{receipt.receipt}.bin").read_bytes().startswith(b"\x1b@")


def test_none_prints_nothing_and_a_bad_target_fails_softly(receipt):
    assert Printer("none").print(receipt) is None
    with pytest.raises(PrintFailed):
        Printer("bogus:thing").print(receipt)
