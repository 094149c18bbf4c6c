"""Strict operations on one database: a lone device asks nobody; a decision passed down marks the
facts offline; on the authority device itself every spend is judged and its grant is settled by
the fact it announced (the consumption's id, the purchase, the receipt), so grants never hold
credit that was already spent."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engine import localstate
from engine.db import write
from engine.models import Consumption
from engine.models.sync import StrictGrant

AT = dt.datetime(2026, 7, 3, 12, 0)


def wallet(amount: int) -> None:
    from engine import journal
    from engine.entitlements.lots import make_lot
    from engine.ids import next_id

    with write():
        lot = make_lot(next_id("L"), "M001", "money", "manual", amount, AT, "DEV1")
        lot.save(force_insert=True)
        journal.append_rows("lot", lot)


def be_the_authority() -> None:
    from engine.ids import device_id

    with write():
        localstate.put_json(localstate.SYNC_CONFIG, {"host": "127.0.0.1", "port": 1,
                                                     "site": "DEMO", "authority": device_id()})


def test_a_lone_device_asks_nobody(demo_site):
    from engine.entitlements.consumption import consume

    wallet(1000)
    consume("M001", "money", 300, "any", AT)
    assert StrictGrant.select().count() == 0
    assert [c.offline for c in Consumption.select()] == [False]


def test_a_decision_passed_down_marks_the_consumption_offline(demo_site):
    from engine.entitlements.consumption import consume
    from engine.models import Event
    from engine.sync.authority import Decision

    wallet(1000)
    consume("M001", "money", 300, "any", AT, decision=Decision(True, True, "offline policy"))
    assert [c.offline for c in Consumption.select()] == [True]
    event = Event.select().where(Event.type == "consume").get()
    assert json.loads(event.payload)["rows"]["consumption"][0]["offline"] is True


def test_the_authority_judges_its_own_spends_and_settles_them(demo_site):
    from engine.entitlements.consumption import consume
    from engine.entitlements.purchase import purchase
    from engine.errors import PlaydeskError
    from engine.sales.checkout import checkout
    from engine.sales.receiptfile import parse_receipt_text

    wallet(2000)
    be_the_authority()
    consume("M001", "money", 300, "any", AT)
    purchase("M001", "SUMMER/BASIC", "wallet", "kiosk", AT)  # 500
    receipt = parse_receipt_text("location: COUNTER1\nmember: M001\nlines: [{item: HEADSET}]\n"
                                 "payments: [{method: wallet}]\n")
    checkout(receipt.receipt, receipt.payments, AT)  # 500
    # each spend was granted, then settled by its fact: 700 of the 2000 are still free
    assert StrictGrant.select().count() == 3
    consume("M001", "money", 700, "any", AT)
    assert [g.settled for g in StrictGrant.select()] == [True, True, True, False]
    with pytest.raises(PlaydeskError, match="^insufficient balance"):
        consume("M001", "money", 1, "any", AT)
    assert StrictGrant.select().count() == 4  # the refusal wrote nothing
