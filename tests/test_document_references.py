"""Every printable document names itself (`reference`): the print spool, the apps' preview files
and `playdesk print refund ID` all use it; a refund slip is its refund, not its receipt."""

from __future__ import annotations

import datetime as dt
import json

from engine import documents
from engine.cli import main
from engine.coupons.wizard import generate
from engine.entitlements import purchase
from engine.models import Staff
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput
from engine.sales.refunds import refund_receipt
from hardware.printing.profile import profile_from
from hardware.printing.queue import Spool
from hardware.printing.worker import spool_document
from uikit.devices import document_name

AT = dt.datetime(2026, 7, 3, 12, 0)


def refunded_sale() -> tuple[str, str]:
    Staff.create(code="MGR", name="Mia", role="manager")
    receipt = checkout(ReceiptInput(location="COUNTER1", lines=(LineInput(item="COLA"),)),
                       [PaymentInput("cash")], AT).receipt
    return receipt, refund_receipt(receipt, "MGR", "spilled", AT)["refund"]


def test_each_document_names_itself(demo_site, tmp_path):
    receipt, refund = refunded_sale()
    bought = purchase("M001", "SUMMER/BASIC", "cash", "counter", AT).id
    coupon = generate("WELCOME", 1, AT, discount_type="reduce", value=100)[0].code
    slip = documents.refund_slip(refund)
    assert (slip.receipt, slip.reference) == (receipt, refund)
    assert documents.receipt_document(receipt).reference == receipt
    assert documents.purchase_slip(bought).reference == bought
    assert documents.coupon_document(coupon).reference == coupon
    assert document_name(slip) == f"refund-{refund}"
    job = spool_document(Spool(tmp_path), slip, "file:" + str(tmp_path / "out.bin"),
                         profile_from({}), AT)
    assert (job.document, job.reference) == ("refund", refund)


def test_print_refund_command(tmp_path, capsys, demo_site, db_path):
    _receipt, refund = refunded_sale()
    preview = tmp_path / "refund.png"
    assert main(["--db", str(db_path), "print", "refund", refund, "--to", f"png:{preview}"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert (answer["document"], answer["ref"]) == ("refund", refund) and preview.exists()
    assert main(["--db", str(db_path), "print", "refund", "NOPE", "--to",
                 f"png:{preview}"]) == 2
    assert "no receipt refund 'NOPE'" in capsys.readouterr().err
