"""Issue 17 item 7 (entitlements.md): wallet lots restricted to a device pay, on a counter receipt,
only the net of the receipt's lines whose resource has that device; unrestricted lots pay the
rest. A refund gives restricted money back restricted. Other devices refuse a sale whose wallet
draws break the rule.

The demo site (tests/data/site.yaml) at AT, no campaign applies: PS5-HOUR 600 (console), PC-HOUR
400 (pc), COLA 250, HEADSET 500 (items).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.entitlements import add_lot, balance
from engine.errors import InsufficientBalance
from engine.models import Consumption, Event, Lot, Payment, Receipt
from engine.people.pins import hash_pin
from engine.pricing import LineInput, ReceiptInput, price_receipt
from engine.pricing.definitions import cached_definitions
from engine.sales.checkout import checkout
from engine.sales.payments import receipt_wallet
from engine.sales.receiptfile import PaymentInput
from engine.sales.refunds import refund_receipt

AT = dt.datetime(2026, 7, 3, 12, 0)
LATER = AT + dt.timedelta(hours=1)
PS5, PC, COLA, HEADSET = (LineInput(resource="PS5-HOUR"), LineInput(resource="PC-HOUR"),
                          LineInput(item="COLA"), LineInput(item="HEADSET"))


@pytest.fixture
def site(demo_site):
    from engine.db import write
    from engine.models import Staff

    with write():
        Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def money(amount: int, device: str = "any", member: str = "M001") -> str:
    return add_lot(member, "money", "manual", amount, "S02", f"{device} credit", AT,
                   device=device)["id"]


def sell(lines, payments, member: str = "M001"):
    return checkout(ReceiptInput("COUNTER1", tuple(lines), member=member),
                    [PaymentInput(m, a) for m, a in payments], AT, staff="S02")


def draws(receipt: str) -> dict[str, int]:
    return {row.lot: row.amount for row in Consumption.select().where(
        (Consumption.reference == receipt) & (Consumption.kind == "use"))}


def remaining(lot: str) -> int:
    return Lot.get_by_id(lot).remaining


def counts() -> tuple[int, ...]:
    return tuple(model.select().count() for model in (Receipt, Payment, Consumption, Lot, Event))


def test_console_only_money_pays_a_console_hour(site):
    console = money(600, "console")
    sale = sell([PS5], [("wallet", None)])
    assert [(p.method, p.amount) for p in sale.payments] == [("wallet", 600)]
    assert draws(sale.receipt) == {console: 600}
    assert remaining(console) == 0


def test_console_only_money_never_pays_a_drink_and_nothing_is_written(site):
    money(1000, "console")
    before = counts()
    with pytest.raises(InsufficientBalance, match="M001 has 0 usable money for this receipt, "
                                                  "250 needed"):
        sell([COLA], [("wallet", None)])
    assert counts() == before
    assert balance("M001", LATER).money.total == 1000


def test_pc_money_does_not_pay_a_console_hour(site):
    money(1000, "pc")
    with pytest.raises(InsufficientBalance, match="has 0 usable"):
        sell([PS5], [("wallet", None)])


def test_on_a_mixed_receipt_each_lot_pays_only_what_it_may(site):
    """PS5 600 + COLA 250 + PC 400: console money 1000 pays at most the 600 console line, pc
    money 100 its part of the pc line, unrestricted 300 the rest it can; cash pays what is left."""
    console, pc, free = money(1000, "console"), money(100, "pc"), money(300)
    lines = [PS5, COLA, PC]
    priced = price_receipt(ReceiptInput("COUNTER1", tuple(lines), member="M001"),
                           cached_definitions(()), AT)
    assert receipt_wallet("M001", priced, AT) == 600 + 100 + 300
    with pytest.raises(InsufficientBalance, match="has 1000 usable money"):
        sell(lines, [("wallet", 1250)])
    sale = sell(lines, [("wallet", 1000), ("cash", None)])
    assert [(p.method, p.amount) for p in sale.payments] == [("wallet", 1000), ("cash", 250)]
    assert draws(sale.receipt) == {console: 600, pc: 100, free: 300}
    assert balance("M001", LATER).money.total == 400  # the console money the lines could not use


def test_restricted_money_pays_its_lines_before_unrestricted_money(site):
    """Even when the unrestricted lot comes first in the consumption order (it expires sooner),
    the console hour takes the console money: the member keeps the money that pays for anything."""
    free = add_lot("M001", "money", "manual", 1000, "S02", "soon", AT,
                   expires_at=AT + dt.timedelta(days=2))["id"]
    console = money(1000, "console")
    sale = sell([PS5, COLA], [("wallet", None)])
    assert draws(sale.receipt) == {console: 600, free: 250}


def test_two_wallet_payments_on_one_receipt_share_the_device_cap(site):
    console, free = money(1000, "console"), money(1000)
    sale = sell([PS5, COLA], [("wallet", 500), ("wallet", 350)])
    assert [(p.method, p.amount) for p in sale.payments] == [("wallet", 500), ("wallet", 350)]
    assert draws(sale.receipt) == {console: 600, free: 250}


def test_a_whole_refund_gives_restricted_money_back_restricted(site):
    money(600, "console")
    money(250)
    sale = sell([PS5, COLA], [("wallet", None)])
    result = refund_receipt(sale.receipt, "S02", "wrong station", LATER)
    back = sorted((Lot.get_by_id(p["lot"]).device, p["amount"]) for p in result["payments"])
    assert back == [("any", 250), ("console", 600)]
    left = balance("M001", LATER).money
    assert left.total == 850
    with pytest.raises(InsufficientBalance):  # the console money still buys no drink
        sell([COLA, COLA, COLA, COLA], [("wallet", None)])


def test_partial_refunds_give_each_line_its_own_money_back(site):
    money(600, "console")
    money(250)
    sale = sell([PS5, COLA], [("wallet", None)])
    drink = refund_receipt(sale.receipt, "S02", "warm", LATER, lines=[2])
    assert [(Lot.get_by_id(p["lot"]).device, p["amount"]) for p in drink["payments"]] == \
        [("any", 250)]
    hour = refund_receipt(sale.receipt, "S02", "broken pad", LATER, lines=[1])
    assert [(Lot.get_by_id(p["lot"]).device, p["amount"]) for p in hour["payments"]] == \
        [("console", 600)]


def test_a_refund_never_turns_console_money_into_money_for_anything(site):
    """Cash 650 then wallet 200 (console money) on PS5 + COLA: refunding the drink gives the last
    payment back first — the wallet's 200 — and that money was console money, so it comes back
    as console money (the other 50 in cash)."""
    money(200, "console")
    sale = sell([PS5, COLA], [("cash", 650), ("wallet", None)])
    result = refund_receipt(sale.receipt, "S02", "warm", LATER, lines=[2])
    assert [(p["method"], p["amount"]) for p in result["payments"]] == [("wallet", 200),
                                                                       ("cash", 50)]
    assert Lot.get_by_id(result["payments"][0]["lot"]).device == "console"


def test_the_counter_offers_only_what_the_wallet_may_pay_on_this_receipt(site):
    money(1000, "console")
    money(100)

    def offered(lines) -> int:
        priced = price_receipt(ReceiptInput("COUNTER1", tuple(lines), member="M001"),
                               cached_definitions(()), AT)
        return receipt_wallet("M001", priced, AT)

    assert offered([COLA]) == 100
    assert offered([PS5]) == 700
    assert offered([PS5, PS5]) == 1100
    assert offered([HEADSET, PC]) == 100


# -- through the authority ------------------------------------------------------------------------


def test_on_the_authority_the_grant_applies_the_same_caps(site):
    """Checkout asks the authority (here the device itself judges) with the receipt's caps: the
    grant names the console lot for the console hour, and refuses console money for a drink."""
    from test_sync_strict_local import be_the_authority

    from engine.models.sync import StrictGrant

    console = money(600, "console")
    be_the_authority()
    with pytest.raises(InsufficientBalance, match="the authority refused spending 250 money"):
        sell([COLA], [("wallet", None)])
    sale = sell([PS5], [("wallet", None)])
    assert draws(sale.receipt) == {console: 600}
    grants = [g.draws for g in StrictGrant.select().where(StrictGrant.op == "balance.spend")]
    assert grants == [f'[["{console}", 600]]']


@pytest.mark.parametrize("caps", [{"console": -1}, {"fridge": 5}, {"console": "600"},
                                  {"console": True}, ["console"], {"console": 10**13}])
def test_the_authority_refuses_malformed_caps(site, caps):
    from engine.models.sync import StrictGrant
    from engine.sync.authority import judge

    money(600, "console")
    decision = judge({"op": "balance.spend", "request_id": "r1", "requester": "C2",
                      "at": AT.isoformat(), "member": "M001", "kind": "money", "amount": 600,
                      "device": "any", "caps": caps})
    assert (decision.allowed, decision.reason) == (False, "malformed device caps")
    assert StrictGrant.select().count() == 0


def test_the_authority_reserves_restricted_money_per_grant(site):
    from engine.sync.authority import judge

    console, free = money(600, "console"), money(300)

    def ask(request_id: str, amount: int, caps: dict) -> tuple:
        decision = judge({"op": "balance.spend", "request_id": request_id, "requester": "C2",
                          "at": AT.isoformat(), "member": "M001", "kind": "money",
                          "amount": amount, "device": "any", "caps": caps})
        return decision.allowed, decision.draws

    assert ask("r1", 500, {"console": 500}) == (True, ((console, 500),))
    assert ask("r2", 400, {"console": 600}) == (True, ((console, 100), (free, 300)))
    assert ask("r3", 1, {"console": 600}) == (False, None)


# -- other devices check the facts ----------------------------------------------------------------


def _sold_on_c1(tmp_path, lines, payments):
    """C1 and C2 (counters, the demo site); C1 gives M001 console money and sells; its events."""
    from sync_helpers import provision, using
    from test_sync_fact_checks import with_site

    from engine.db import write
    from engine.models import Staff

    c1, c2 = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    for device in (c1, c2):
        with_site(device)
    with using(c1.db):
        with write():
            Staff.create(code="S02", name="Maria", role="manager")
        money(600, "console")
        money(250)
        sell(lines, payments)
        events = [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                   "payload": e.payload, "sig": e.sig}
                  for e in Event.select().where((Event.device == "C1")
                                                & (Event.type != "definitions"))
                  .order_by(Event.seq)]
    return c2, [dict(e, seq=n) for n, e in enumerate(events, 1)]


def _edit_sale(events, edit):
    import json

    from engine.journal import dumps

    sale = next(e for e in events if e["type"] == "sale")
    payload = json.loads(sale["payload"])
    edit(payload["rows"])
    sale["payload"] = dumps(payload)
    return events


def test_a_true_wallet_sale_with_console_money_is_applied_elsewhere(tmp_path):
    from test_sync_fact_checks import apply_on, conflicts_of

    c2, events = _sold_on_c1(tmp_path, [PS5, COLA], [("wallet", None)])
    assert apply_on(c2, events).rejected == []
    assert conflicts_of(c2) == []
    assert c2.sql("SELECT SUM(remaining) FROM lot") == [(0,)]


def _as_a_drink(rows) -> None:
    for line in rows["receipt_line"]:
        if line["resource"] == "PS5-HOUR":
            line.update(resource=None, item="HEADSET")


def _paid_less(rows) -> None:
    rows["payment"][0]["amount"] -= 100


@pytest.mark.parametrize(("edit", "reason"), [(_as_a_drink, "wrong_device"),
                                              (_paid_less, "unpaid")])
def test_a_sale_whose_wallet_draws_break_the_rule_is_refused(tmp_path, edit, reason):
    """A stolen counter key signs a sale of a headset paid with console money (the draws of a
    console hour), or a wallet payment that is not what its draws took."""
    from test_sync_fact_checks import apply_on, conflicts_of

    c2, events = _sold_on_c1(tmp_path, [PS5, COLA], [("wallet", None)])
    touched = apply_on(c2, _edit_sale(events, edit))
    assert [(kind, seq) for kind, _, seq, _ in conflicts_of(c2)] == [("rejected", len(events))]
    assert conflicts_of(c2)[0][3].startswith(reason)
    assert len(touched.rejected) == 1
    assert c2.sql("SELECT COUNT(*) FROM receipt") == [(0,)]


def test_a_sale_stays_true_when_its_resource_changed_device_since(tmp_path):
    """C2 got a site change (PS5-HOUR for any device now) before C1's sale of a console hour
    paid with console money: the sale was true when made, and a version of the definitions
    C2 holds says so, so C2 applies it (the verdict does not depend on arrival order)."""
    from sync_helpers import using
    from test_sync_fact_checks import apply_on, conflicts_of

    from engine.sitefile import load_site_file

    c2, events = _sold_on_c1(tmp_path, [PS5, COLA], [("wallet", None)])
    changed = tmp_path / "site.yaml"
    site_text = (Path(__file__).parent / "data" / "site.yaml").read_text()
    old = "{code: PS5-HOUR, name: PS5 console hour, price: 600, device: console, tax: A}"
    assert old in site_text
    changed.write_text(site_text.replace(old, old.replace("console,", "any,")))
    with using(c2.db):
        load_site_file(changed, at=AT)
    assert c2.sql("SELECT device FROM resource WHERE code = 'PS5-HOUR'") == [("any",)]
    assert apply_on(c2, events).rejected == []
    assert conflicts_of(c2) == []
