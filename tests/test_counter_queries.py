"""What the counter's screens read from the engine: item search (engine.sales.search), this
counter's recent receipts and how a refund went back (engine.sales.queries), and what waits to
be published (engine.sync.push)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import PlaydeskError
from engine.ids import device_id
from engine.models import Item, Receipt
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.queries import recent_receipts, refund_split
from engine.sales.receiptfile import PaymentInput
from engine.sales.search import Found, search_items
from engine.sync.push import broker_known, publish_now, unpublished_count

AT = dt.datetime(2026, 7, 3, 12, 0)


def sell(item: str, at: dt.datetime) -> str:
    receipt = ReceiptInput(location="COUNTER1", lines=(LineInput(item=item),))
    return checkout(receipt, [PaymentInput("cash")], at).receipt


def test_search_items_by_name_or_code(demo_site):
    assert search_items("cola") == [Found("item", "BAR", "Chocolate bar", 120),  # "Chocolate"
                                    Found("item", "COLA", "Cola 0.5 l", 250),
                                    Found("item", "COLAZERO", "Cola Zero 0.5 l", 250)]
    assert [f.code for f in search_items("hour")] == ["PC-HOUR", "PS5-HOUR"]  # resources, by name
    assert [f.code for f in search_items("  HEADSET ")] == ["HEADSET"]
    assert len(search_items("", limit=3)) == 3
    assert len(search_items("")) == Item.select().count() + 2  # every item, both resources
    Item.update(deleted=True).where(Item.code == "COLAZERO").execute()
    assert [f.code for f in search_items("cola")] == ["BAR", "COLA"]
    assert search_items("nothing like it") == []


def test_recent_receipts_are_this_devices_newest_first(demo_site):
    first = sell("COLA", AT)
    second = sell("CHIPS", AT + dt.timedelta(minutes=5))
    other = sell("WATER", AT + dt.timedelta(minutes=9))
    Receipt.update(device="KIOSK-OTHER").where(Receipt.id == other).execute()  # synced in
    listed = recent_receipts(device_id())
    assert [(r["receipt"], r["total"], r["status"]) for r in listed] == [
        (second, 200, "paid"), (first, 250, "paid")]
    assert [r["receipt"] for r in recent_receipts(device_id(), limit=1)] == [second]
    assert [r["receipt"] for r in recent_receipts("KIOSK-OTHER")] == [other]
    with pytest.raises(PlaydeskError):
        recent_receipts(device_id(), limit=0)


def test_refund_split():
    assert refund_split({"amount": 900, "payments": [{"method": "cash", "amount": 400}]}) == [
        {"method": "cash", "amount": 400}, {"method": "packages", "amount": 500}]
    assert refund_split({"amount": 400, "payments": [{"method": "card", "amount": 150},
                                                     {"method": "cash", "amount": 250}]}) == [
        {"method": "card", "amount": 150}, {"method": "cash", "amount": 250}]


def test_unpublished_count_and_no_broker(demo_site):
    waiting = unpublished_count()
    assert waiting > 0  # loading the site journaled its definitions
    sell("COLA", AT)
    assert unpublished_count() == waiting + 1
    assert not broker_known()
    with pytest.raises(PlaydeskError, match="no broker"):
        publish_now(timeout=0.1)
