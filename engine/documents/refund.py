"""The refund slip of receipt lines: what was taken back and how the money went back; on a taxed
receipt (spec/tax.md) each line's rate code, the refund's own tax table, in exclusive mode the
tax given back, and what was deducted (a coupon spent that the refund no longer earns)."""

from __future__ import annotations

from engine.documents.dressing import dressed, line_name, person
from engine.documents.receipt import tax_lines
from engine.documents.types import PaymentLine, RefundLine, RefundSlip
from engine.errors import NotFound
from engine.models import Member, Receipt, Staff
from engine.models.shifts import ReceiptRefund, ReceiptRefundLine, ReceiptRefundPayment
from engine.models.tax import RefundTax


def refund_slip(refund_id: str) -> RefundSlip:
    """The slip of a receipt refund (`engine.sales.refunds`): the lines taken back and the money
    given back per method (package lines included: they go back by the receipt's payments)."""
    refund = ReceiptRefund.get_or_none(ReceiptRefund.id == refund_id)
    if refund is None:
        raise NotFound(f"no receipt refund {refund_id!r}")
    receipt = Receipt.get_or_none(Receipt.id == refund.receipt)
    refunded = list(ReceiptRefundLine.select().where(ReceiptRefundLine.refund == refund_id)
                    .order_by(ReceiptRefundLine.line_no))
    stored = {line.no: line for line in receipt.lines} if receipt else {}
    table = tax_lines(RefundTax.select().where(RefundTax.refund == refund_id)
                      .order_by(RefundTax.position))
    lines = []
    for row in refunded:
        line = stored.get(row.line_no)
        lines.append(RefundLine(row.line_no, line_name(line) if line else f"Line {row.line_no}",
                                line.quantity if line else 1, row.amount,
                                line.tax if line else None,
                                bool(table) and line is not None and line.tax is None
                                and bool(line.package)))
    exclusive = (receipt is not None and receipt.total_due is not None
                 and receipt.total_due != receipt.total)
    added = sum(row.tax for row in table) if exclusive else 0
    deducted = max(sum(row.amount for row in refunded) + added - refund.amount, 0)
    back: dict[str, int] = {}  # per method, in the order the money went back
    for row in (ReceiptRefundPayment.select().where(ReceiptRefundPayment.refund == refund_id)
                .order_by(ReceiptRefundPayment.position)):
        back[row.method] = back.get(row.method, 0) + row.amount
    head, money = dressed(receipt.location if receipt else None, refund.device)
    return RefundSlip(
        header=head,
        currency=money,
        refund=refund.id,
        receipt=refund.receipt,
        at=refund.at,
        lines=tuple(lines),
        total=refund.amount,
        payments=tuple(PaymentLine(method, amount) for method, amount in back.items()),
        reason=refund.reason,
        staff=person(Staff, refund.staff),
        member=person(Member, receipt.member) if receipt else None,
        receipt_at=receipt.at if receipt else None,
        tax=table,
        tax_added=added,
        deducted=deducted,
    )
