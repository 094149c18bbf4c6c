"""engine.documents: printable documents read back from recorded facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine import documents
from engine.errors import NotFound
from engine.models import (
    BarcodeRule,
    Campaign,
    Coupon,
    CouponRedemption,
    Entry,
    Item,
    LineReduction,
    Location,
    Lot,
    Member,
    Package,
    Payment,
    Purchase,
    Receipt,
    ReceiptLine,
    Refund,
    Setting,
    Site,
    Staff,
)
from engine.models.shifts import (
    ReceiptRefund,
    ReceiptRefundLine,
    ReceiptRefundPayment,
    ReceiptVoid,
    Shift,
    ShiftClose,
)
from engine.sales.shifts import shift_report

AT = dt.datetime(2026, 7, 3, 17, 30)


def record_site() -> None:
    Site.create(code="DEMO", name="Pixel Arena", currency="EUR", minor_digits=2)
    Location.create(code="COUNTER1", kind="counter", name="Front counter")
    Staff.create(code="S01", name="Sam", role="cashier")
    Member.create(code="M001", name="Ada", card="MEM0001")
    Item.create(code="COLA", name="Cola 0.5 l", price=250)
    Item.create(code="CHIPS", name="Chips", price=200)
    BarcodeRule.create(prefix="CPN", type="coupon")
    Setting.create(key="receipt_header", value='["Main Street 1", "10115 Berlin"]')
    Setting.create(key="receipt_footer", value='"Thank you for playing!"')
    Campaign.create(code="HAPPY", type="line_discount", name="Happy hour 20%",
                    print_type="description")
    Campaign.create(code="SNACK3FOR2", type="m_for_n", name="3 for 2", print_type="code")
    Campaign.create(code="SECRET", type="line_reduce", name="Hidden", print_type="none")
    Campaign.create(code="WELCOME", type="couponing", name="Welcome voucher", print_type="coupon")
    Campaign.create(code="BACKSOON", type="receipt_reduce", name="Come back soon",
                    coupon_issue_text="Thanks! €1.50 off your next visit.",
                    coupon_issue_image="coupon.png")
    summer = Campaign.create(code="SUMMER", type="packages", name="Summer Special")
    Package.create(campaign=summer, code="STD", name="Standard", package_type="minutes", base=120,
                   bonus_type="minutes", bonus=30, price=900)
    Shift.create(id="SH1", device="COUNTER1", location="COUNTER1", staff="S01",
                 opened_at=AT - dt.timedelta(hours=4), opening_cash=5000)  # the sales' shift


def record_sale(n: int = 1) -> str:
    """A paid receipt with every kind of reduction, a package, an issued coupon and lots."""
    receipt_id, purchase_id = f"COUNTER1-R{n}", f"COUNTER1-U{n}"
    receipt = Receipt.create(id=receipt_id, device="COUNTER1", at=AT, location="COUNTER1",
                             member="M001", staff="S01", shift="SH1", subtotal=2300,
                             discount=350, total=1950, paid=2000, change=50)
    cola = ReceiptLine.create(id=f"{receipt_id}/1", receipt=receipt, no=1, item="COLA",
                              name="Cola 0.5 l", quantity=2, unit_price=250, gross=500,
                              discount=200, net=300)
    LineReduction.create(line=cola, position=1, campaign="HAPPY", amount=100)
    LineReduction.create(line=cola, position=2, campaign="SECRET", amount=50)
    LineReduction.create(line=cola, position=3, campaign="WELCOME", amount=50)
    chips = ReceiptLine.create(id=f"{receipt_id}/2", receipt=receipt, no=2, item="CHIPS",
                               quantity=3, unit_price=200, gross=600, manual_discount=20,
                               discount=150, net=450)
    LineReduction.create(line=chips, position=1, campaign="SNACK3FOR2", amount=130)
    ReceiptLine.create(id=f"{receipt_id}/3", receipt=receipt, no=3, package="SUMMER/STD",
                       quantity=1, unit_price=1200, gross=1200, discount=0, net=1200,
                       purchase=purchase_id)
    Entry.create(id=f"COUNTER1-E{n}", entry_no=n, device="COUNTER1", origin_code=receipt_id,
                 timestamp=AT, campaign="WELCOME", campaign_type="couponing",
                 registration="coupon", registration_code="CPNWELCOME7", discount_type="reduce",
                 reduce_amount=50, process="application")
    Payment.create(id=f"{receipt_id}-P1", receipt=receipt_id, method="card", amount=1000, at=AT,
                   device="COUNTER1")
    Payment.create(id=f"{receipt_id}-P2", receipt=receipt_id, method="cash", amount=950, tendered=1000,
                   at=AT, device="COUNTER1")
    coupon = "K7Q2M9XD4PA" if n == 1 else f"K7Q2M9XD4P{n}"
    Coupon.create(code=coupon, campaign="BACKSOON", discount_type="reduce", value=150,
                  expires_on=dt.date(2026, 10, 3), origin="issued", issued_receipt=receipt_id)
    Purchase.create(id=purchase_id, member="M001", campaign="SUMMER", package="STD", price=1200,
                    payment="cash", channel="counter", location="COUNTER1", at=AT,
                    receipt=receipt_id, device="COUNTER1")
    for lot_id, kind, lot_type, total, remaining, expires in [
            ("COUNTER1-L1", "minutes", "paid", 120, 120, None),
            ("COUNTER1-L2", "minutes", "bonus", 30, 30, AT + dt.timedelta(days=90)),
            ("COUNTER1-L3", "money", "manual", 500, 200, None),
            ("COUNTER1-L4", "money", "manual", 900, 900, AT - dt.timedelta(days=1))]:
        Lot.create(id=f"{lot_id}-{n}", member="M001", kind=kind, type=lot_type, total=total,
                   remaining=remaining, expires_at=expires, created_at=AT, origin="COUNTER1",
                   purchase=purchase_id if lot_type in ("paid", "bonus") else None)
    return receipt_id


@pytest.fixture
def sale(db) -> str:
    record_site()
    return record_sale()


def test_receipt_document_reads_the_recorded_sale(sale):
    doc = documents.receipt_document(sale)
    assert doc.header.site_name == "Pixel Arena"
    assert doc.header.location == "Front counter"
    assert doc.header.lines == ("Main Street 1", "10115 Berlin")
    assert doc.header.footer == ("Thank you for playing!",)
    assert doc.staff == "Sam (S01)" and doc.member == "Ada (M001)"
    cola, chips, package = doc.lines
    # print_type: description → campaign name, none → folded into the line, coupon → coupon code
    assert cola.amount == 450
    assert cola.reductions == (documents.Reduction("Happy hour 20%", 100),
                               documents.Reduction("CPNWELCOME7", 50))
    # print_type code → campaign code; the manual discount comes first
    assert chips.reductions == (documents.Reduction("Manual discount", 20, manual=True),
                                documents.Reduction("SNACK3FOR2", 130))
    assert package.name == "Standard" and package.reductions == ()
    assert doc.subtotal - doc.discount == doc.total == 1950
    assert (doc.subtotal, doc.discount) == (2250, 300)
    assert [(p.method, p.amount, p.tendered) for p in doc.payments] == [
        ("card", 1000, None), ("cash", 950, 1000)]
    assert doc.change == 50


def test_receipt_document_lists_issued_coupons_and_new_balances(sale):
    doc = documents.receipt_document(sale)
    (coupon,) = doc.coupons
    assert coupon.code == "K7Q2M9XD4PA"
    assert coupon.barcode == "CPNK7Q2M9XD4PA"  # the coupon barcode rule wraps the code
    assert coupon.value_text == "€1.50"
    assert coupon.text == "Thanks! €1.50 off your next visit." and coupon.image == "coupon.png"
    assert coupon.expires_on == dt.date(2026, 10, 3)
    # expired lot L4 is not counted; L3 counts what remains
    assert doc.balances == documents.Balances(money=200, minutes=150)


def test_receipt_without_purchase_has_no_balances(sale):
    Purchase.delete().execute()
    ReceiptLine.update(purchase=None).execute()
    assert documents.receipt_document(sale).balances is None


def test_coupon_document_and_percent_value(sale):
    Coupon.create(code="CPNPCT10X", campaign="WELCOME", discount_type="discount",
                  value=Decimal("12.5"))
    doc = documents.coupon_document("CPNPCT10X")
    assert doc.coupon.value_text == "12.5 %"
    assert doc.coupon.barcode == "CPNPCT10X"  # already carries the prefix
    assert doc.coupon.campaign_name == "Welcome voucher"


def test_purchase_slip_shows_package_lots_and_balances(sale):
    doc = documents.purchase_slip("COUNTER1-U1")
    assert (doc.campaign_name, doc.package_name, doc.price) == ("Summer Special", "Standard", 1200)
    # documents carry codes; the printer names them (hardware/printing/texts.py)
    assert [(lot.type, lot.kind, lot.amount) for lot in doc.lots] == [("paid", "minutes", 120),
                                                                       ("bonus", "minutes", 30)]
    assert doc.payment.method == "cash"
    assert doc.balances == documents.Balances(money=200, minutes=150)


def shift_document(shift: str, at: dt.datetime) -> documents.ShiftReport:
    """The printed report is built from the shift's facts, which the caller hands in."""
    return documents.shift_report(shift_report(shift, at), at)


def test_shift_report_totals_payments_by_method(sale):
    record_sale(2)  # the same sale again, ids aside
    report = shift_document("SH1", AT)
    assert report.receipts == 2 and report.total == 3900
    assert [(p.method, p.amount) for p in report.payments] == [("card", 2000), ("cash", 1900)]


def test_shift_report_holds_the_whole_shift(sale):
    ShiftClose.create(shift="SH1", staff="S02", closed_at=AT, counted_cash=5000 + 950 - 10,
                      expected_cash=5000 + 950, difference=-10, device="COUNTER1")
    Staff.create(code="S02", name="Maria", role="manager")
    CouponRedemption.create(id="COUNTER1-C1", coupon="CPNWELCOME7", receipt=sale, at=AT,
                            device="COUNTER1")
    Coupon.create(code="CPNWELCOME7", campaign="WELCOME", discount_type="reduce", value=50)
    ReceiptVoid.create(id="COUNTER1-RV1", shift="SH1", staff="S01", lines=2, total=700, at=AT,
                       device="COUNTER1")
    report = shift_document("SH1", AT + dt.timedelta(hours=1))
    assert report.cash == documents.CashCount(5000, 5000 + 950, 5000 + 950 - 10, -10)
    assert (report.first_at, report.last_at) == (AT - dt.timedelta(hours=4), AT)
    assert (report.staff, report.closed_by) == ("Sam", "Maria (S02)")
    assert report.discounts == (documents.CountLine("Happy hour 20%", 1, 100),
                                documents.CountLine("Hidden", 1, 50),
                                documents.CountLine("3 for 2", 1, 130),
                                documents.CountLine("Welcome voucher", 1, 50))
    assert report.coupons_redeemed == (documents.CountLine("Welcome voucher", 1),)
    assert report.coupons_issued == (documents.CountLine("Come back soon", 1, 150),)
    assert report.packages == (documents.CountLine("Standard", 1, 1200),)
    assert report.voids == documents.CountLine("voids", 1, 700)
    assert (report.refund_count, report.refunds) == (0, ())


def test_shift_report_of_a_shift_without_receipts(db):
    record_site()
    report = shift_document("SH1", AT)
    assert (report.receipts, report.total, report.payments) == (0, 0, ())
    assert report.cash == documents.CashCount(5000, 5000, None, None)
    assert report.header.location == "Front counter"
    with pytest.raises(NotFound):
        shift_document("NOPE", AT)


def record_refund(receipt: str) -> str:
    """Chips (line 2) back in cash and the package (line 3) by card, as the receipt was paid; the
    package's purchase refund only closes its lots (method "receipt", as engine.sales.refunds)."""
    Staff.create(code="S02", name="Maria", role="manager")
    Refund.create(id="COUNTER1-F1", purchase="COUNTER1-U1", amount=900, method="receipt",
                  reason="wrong package", staff="S02", at=AT, device="COUNTER1")
    ReceiptRefund.create(id="COUNTER1-RR1", receipt=receipt, shift="SH1", amount=450 + 900,
                         reason="wrong package", staff="S02", at=AT, device="COUNTER1")
    ReceiptRefundLine.create(refund="COUNTER1-RR1", line_no=2, amount=450)
    ReceiptRefundLine.create(refund="COUNTER1-RR1", line_no=3, amount=900,
                             purchase_refunds="COUNTER1-F1")
    ReceiptRefundPayment.create(refund="COUNTER1-RR1", position=0, method="cash", amount=450)
    ReceiptRefundPayment.create(refund="COUNTER1-RR1", position=1, method="card", amount=900)
    return "COUNTER1-RR1"


def test_refund_slip_lists_lines_and_money_back_per_method(sale):
    slip = documents.refund_slip(record_refund(sale))
    assert (slip.refund, slip.receipt, slip.total, slip.reason) == (
        "COUNTER1-RR1", sale, 1350, "wrong package")
    assert slip.lines == (documents.RefundLine(2, "Chips", 3, 450),
                          documents.RefundLine(3, "Standard", 1, 900))
    assert [(p.method, p.amount) for p in slip.payments] == [("cash", 450), ("card", 900)]
    assert slip.cash_back == 450
    assert (slip.staff, slip.member, slip.receipt_at) == ("Maria (S02)", "Ada (M001)", AT)
    with pytest.raises(NotFound):
        documents.refund_slip("NOPE")


def test_counter_ticket_sums_its_lines(sale):
    ticket = documents.counter_ticket("ORD-42", [("Standard", 900), ("Cola", 250)], at=AT,
                                      member="M001")
    assert ticket.total == 1150 and ticket.member == "Ada (M001)"


def test_unknown_ids_raise_not_found(db):
    with pytest.raises(NotFound):
        documents.receipt_document("NOPE")
    with pytest.raises(NotFound):
        documents.coupon_document("NOPE")
    with pytest.raises(NotFound):
        documents.purchase_slip("NOPE")


def test_currency_format():
    euro = documents.Currency("EUR", 2)
    assert euro.format(1250) == "12.50" and euro.format(-5, symbol=True) == "-€0.05"
    assert documents.Currency("EUR", 2, "de_DE").format(123450) == "1.234,50"
    assert documents.Currency("JPY", 0).format(300, symbol=True) == "¥300"


@pytest.mark.parametrize(("code", "digits", "locale", "amount", "text"), [
    ("EUR", 2, "de_DE", 1250, "12,50\xa0€"), ("USD", 2, "en_US", 1250, "$12.50"),
    ("GBP", 2, "en_US", -1250, "-£12.50"), ("TRY", 2, "tr_TR", 1250, "₺12,50"),
    ("EUR", 2, "de_DE", 123450, "1.234,50\xa0€"), ("JPY", 0, "en_US", -300, "-¥300")])
def test_screen_and_paper_write_money_alike(code, digits, locale, amount, text):
    """One formatter: what the apps show (DeviceApp.formats) is the slip's Currency.format."""
    from engine.i18n.formats import formats

    assert documents.Currency(code, digits, locale).format(amount, symbol=True) == text
    assert formats(locale, code, digits).money(amount) == text


def _imports(tree, type_checking: bool = True) -> set[str]:
    """Every module a tree imports (in functions too); `type_checking=False` skips the imports
    under `if TYPE_CHECKING:`, which never run."""
    import ast

    found: set[str] = set()
    for node in ast.iter_child_nodes(tree):
        if (not type_checking and isinstance(node, ast.If) and isinstance(node.test, ast.Name)
                and node.test.id == "TYPE_CHECKING"):
            continue
        if isinstance(node, ast.ImportFrom):
            found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        found |= _imports(node, type_checking)
    return found


def test_the_document_types_and_the_printer_load_no_database():
    """hardware knows engine.documents.types only, and those are plain data without peewee."""
    import ast
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    probe = ("import sys, engine.documents.types, hardware.printing.layout, "
             "hardware.printing.render_escpos, hardware.printing.preview, hardware.printing.worker; "
             "assert 'peewee' not in sys.modules, 'peewee loaded'; "
             "assert 'engine.models' not in sys.modules, 'models loaded'")
    subprocess.run([sys.executable, "-c", probe], cwd=root, check=True)
    hardware = set().union(*(_imports(ast.parse(path.read_text()))
                             for path in (root / "hardware").rglob("*.py")))
    # and the formats and catalogues (engine.i18n: CLDR data and gettext, no database)
    assert {name for name in hardware if name.split(".")[0] == "engine"} <= {
        "engine.documents.types", "engine.i18n", "engine.i18n.formats", "engine.i18n.catalogs"}
    # documents build on the shift's facts but never call the shifts module
    documents_use = set().union(*(_imports(ast.parse(path.read_text()), type_checking=False)
                                  for path in (root / "engine" / "documents").glob("*.py")))
    assert "engine.sales.shifts" not in documents_use
