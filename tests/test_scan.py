"""engine.sales.scan and engine.codes.rules: what a scan means through the barcode setup."""

from __future__ import annotations

import pytest

from engine.codes.rules import gtin_check_digit_ok
from engine.models import BarcodeRule, Campaign, Coupon, Item, ItemBarcode, Member
from engine.sales.scan import resolve, strip_campaign_barcode, strip_coupon_barcode


@pytest.fixture
def setup(db):
    cola = Item.create(code="COLA", name="Cola", price=250)
    ItemBarcode.create(item=cola, barcode="4006381333931")
    Item.create(code="GONE", name="Old", price=1, deleted=True)
    Member.create(code="M001", name="Ada", card="MEM0001")
    Member.create(code="M002", name="Linus")
    Campaign.create(code="STAFF10", type="receipt_discount", name="Staff")
    Campaign.create(code="OLD", type="receipt_discount", name="Old", deleted=True)
    Coupon.create(code="K7Q2M9XD4PA", campaign="STAFF10")
    Coupon.create(code="CPNX7Q2-M9XD", campaign="STAFF10")
    for prefix, kind in [("CAMP", "campaign"), ("CPN", "coupon"), ("MEM", "member"),
                         ("ITM", "item")]:
        BarcodeRule.create(prefix=prefix, type=kind)
    return db


@pytest.mark.parametrize("scanned, kind, code", [
    ("4006381333931", "item", "COLA"),          # an item barcode
    ("ITMCOLA", "item", "COLA"),                # an item rule
    ("ITMGONE", "unknown", None),               # a deleted item is not sold
    ("MEM0001", "member", "M001"),              # a member card
    ("MEMM002", "member", "M002"),              # member rule with the member code
    ("CPNK7Q2M9XD4PA", "coupon", "K7Q2M9XD4PA"),  # coupon rule
    ("K7Q2M9XD4PA", "coupon", "K7Q2M9XD4PA"),   # a bare coupon code
    ("CPNX7Q2-M9XD", "coupon", "CPNX7Q2-M9XD"),  # a code that carries the prefix itself
    ("CAMPSTAFF10", "campaign", "STAFF10"),     # campaign rule
    ("CAMPOLD", "unknown", None),               # a deleted campaign
    ("4006381333932", "invalid", None),         # EAN-13, wrong check digit
    ("96385074", "unknown", None),              # a right EAN-8 that is not ours
    ("036000291453", "invalid", None),          # UPC-A, wrong check digit (…452 is right)
    ("HELLO", "unknown", None),
])
def test_resolve(setup, scanned, kind, code):
    result = resolve(f" {scanned}\n")
    assert (result.kind, result.code, result.scanned) == (kind, code, scanned)


def test_check_digits():
    assert gtin_check_digit_ok("4006381333931")
    assert gtin_check_digit_ok("036000291452")
    assert gtin_check_digit_ok("96385074")
    assert not gtin_check_digit_ok("96385075")


def test_strip_coupon_and_campaign_barcodes(setup):
    assert strip_coupon_barcode("CPNK7Q2M9XD4PA") == "K7Q2M9XD4PA"
    assert strip_coupon_barcode("CPNX7Q2-M9XD") == "CPNX7Q2-M9XD"
    assert strip_coupon_barcode("TYPED") == "TYPED"
    assert strip_campaign_barcode("STAFF10") == "STAFF10"
    assert strip_campaign_barcode("CAMPSTAFF10") == "STAFF10"
    assert strip_campaign_barcode("CAMPOLD") is None
    assert strip_campaign_barcode("NOPE") is None


def test_coupon_scans_ignore_case_and_dashes(db):


    BarcodeRule.create(prefix="CPN", type="coupon")
    Coupon.create(code="7KQ2-M9XD-4PAR", campaign="WELCOME")
    assert resolve("CPN7KQ2-M9XD-4PAR").code == "7KQ2-M9XD-4PAR"
    assert resolve("7kq2m9xd4par").as_dict()["kind"] == "coupon"
    assert resolve("7KQ2-M9XD-4PAX").kind == "unknown"
