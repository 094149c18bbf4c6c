"""Issue 14, item 4, after a hostile review: facts a stolen kiosk or counter key can sign that are
false by the rules (free packages paid from lots that never were, orders for a cent, payments on
another device's receipt, refunds of nothing, lots that are not the package's) are refused on
apply, counted and listed as conflicts, and never hold back the origin's next true event; a fact
naming another device's fact that is not here yet waits for it, so the verdict is the same in
any arrival order."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sync_helpers import ROOT, provision, using
from test_sync_fact_checks import (
    AT,
    apply_on,
    c1_lot,
    conflicts_of,
    consumption,
    forged,
    lot,
    purchase_rows,
    valid_purchase,
    with_site,
)

SATURDAY = AT + dt.timedelta(days=1)  # AT is a Friday


@pytest.fixture
def site(tmp_path):
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)
    return devices


def valid_sale(origin: str, seq: int) -> dict:
    """SUMMER/BASIC (60 minutes for 500) by card, as a counter or kiosk sells it."""
    return forged(seq, "purchase", purchase_rows(
        f"{origin}-P{seq}", "SUMMER/BASIC", 500,
        [lot(f"{origin}-L{seq}", 60, purchase=f"{origin}-P{seq}", kind="minutes", origin=origin)],
        origin=origin), origin=origin)


def premium(purchase_id: str, origin: str = "K1", member: str = "M001",
            at: dt.datetime = AT, price: int = 4500) -> dict:
    """SUMMER/PREMIUM as purchase.py makes it: 5000 money (90 days) and 60 bonus minutes."""
    expires, lot_id = (at + dt.timedelta(days=90)).isoformat(), purchase_id.replace("-P", "-L")
    lots = [{**lot(f"{lot_id}1", 5000, purchase=purchase_id, origin=origin),
             "member": member, "expires_at": expires},
            {**lot(f"{lot_id}2", 60, "bonus", purchase_id, "minutes", origin=origin),
             "member": member, "expires_at": expires}]
    rows = purchase_rows(purchase_id, "SUMMER/PREMIUM", price, lots, origin=origin)
    rows["purchase"][0].update(member=member, at=at.isoformat())
    return rows


def wallet_paid(rows: dict, lot_id: str, amount: int = 4500, member: str = "M001") -> dict:
    """The purchase paid by wallet: a draw on `lot_id` instead of the card payment."""
    name = rows["purchase"][0]["id"]
    rows["purchase"][0]["payment"] = "wallet"
    del rows["payment"]
    rows["consumption"] = [{**consumption(f"{name}C", lot_id, amount, member=member,
                                          origin=rows["purchase"][0]["device"]),
                            "reference": name}]
    return rows


def console3h(purchase_id: str, at: dt.datetime, member: str = "M001", device: str = "console",
              lot_member: str | None = None) -> dict:
    """WEEKEND/CONSOLE3H: 180 console minutes and 200 console money, sat and sun only."""
    owner = lot_member or member
    lots = [{**lot(f"K1-L{purchase_id[-1]}1", 180, purchase=purchase_id, kind="minutes"),
             "member": owner, "device": device},
            {**lot(f"K1-L{purchase_id[-1]}2", 200, "bonus", purchase_id, "money"),
             "member": owner, "device": device}]
    rows = purchase_rows(purchase_id, "WEEKEND/CONSOLE3H", 1500, lots)
    rows["purchase"][0].update(member=member, at=at.isoformat())
    rows["payment"][0]["at"] = at.isoformat()
    return rows


def order(price: int = 4500, lifetime: dt.timedelta = dt.timedelta(minutes=30),
          code: str = "ABCDEFGH") -> dict:
    return {"pending_order": [{
        "code": code, "member": "M001", "campaign": "SUMMER", "package": "PREMIUM",
        "price": price, "location": None, "created_at": AT.isoformat(),
        "expires_at": (AT + lifetime).isoformat(), "device": "K1"}]}


def completing(code: str, price: int, member: str = "M001") -> dict:
    """C2's purchase completing order `code` by cash, as complete_order makes it."""
    rows = premium("C2-P1", origin="C2", member=member, price=price)
    rows["purchase"][0].update(key=f"ORD{code}", payment="cash", channel="counter")
    rows["payment"][0]["method"] = "cash"
    return rows


def receipt_payment(origin: str, receipt: str) -> dict:
    return {"payment": [{"id": f"{origin}-PAY1", "receipt": receipt, "purchase": None,
                         "method": "cash", "amount": 400, "tendered": None, "commission": 0,
                         "at": AT.isoformat(), "device": origin}]}


def refund_of(purchase: str, amount: int) -> dict:
    return {"refund": [{"id": "C2-RF1", "purchase": purchase, "amount": amount,
                        "method": "wallet", "reason": "x", "staff": "MGR", "at": AT.isoformat(),
                        "device": "C2", "lot": "C2-L1"}],
            "lot": [lot("C2-L1", amount, "refund", None, origin="C2")]}


def receipt_purchase(origin: str) -> dict:
    """A receipt line's purchase at 0, naming a receipt its event does not hold."""
    rows = premium(f"{origin}-P1", origin=origin, price=0)
    rows["purchase"][0]["receipt"] = f"{origin}-R999"
    del rows["payment"]
    return rows


def kiosk_order_key() -> dict:
    rows = premium("K1-P1")
    rows["purchase"][0]["key"] = "ORDABCDEFGH"
    return rows


REFUSED = {
    # item 2: an order for a cent, an order valid a year
    "an order at 1 for a package of 4500": ("K1", "order.create", lambda: order(price=1),
                                            "wrong_price"),
    "an order that lives a year": ("K1", "order.create",
                                   lambda: order(lifetime=dt.timedelta(days=365)), "bad_order"),
    # item 3: a payment on a receipt of another device, a kiosk payment without its purchase
    "a kiosk payment on a counter receipt": ("K1", "purchase",
                                             lambda: receipt_payment("K1", "C1-R1"),
                                             "foreign_payment"),
    "a counter payment on another counter's receipt": ("C2", "sale",
                                                       lambda: receipt_payment("C2", "C1-R1"),
                                                       "foreign_payment"),
    # item 4: references that must exist, refunds of at most what was paid
    "a refund of the origin's purchase that never was": ("C2", "refund",
                                                         lambda: refund_of("C2-P999", 500),
                                                         "unknown_reference"),
    "a refund of 1,000,000.00 of a purchase of 500": ("C2", "refund",
                                                      lambda: refund_of("C1-P1", 100_000_000),
                                                      "over_refund"),
    "a wallet refund of a cash purchase": ("C2", "refund", lambda: refund_of("C1-P1", 500),
                                           "wrong_method"),
    "a purchase on a receipt that never was, at 0": ("C2", "purchase",
                                                     lambda: receipt_purchase("C2"),
                                                     "unknown_reference"),
    "a kiosk completing an order": ("K1", "purchase", kiosk_order_key, "forbidden_rows"),
    "an order completed at 1": ("C2", "purchase", lambda: completing("ABCDEFGH", 1),
                                "wrong_price"),
    "an order completed for another member": ("C2", "purchase",
                                              lambda: completing("ABCDEFGH", 4500, "M003"),
                                              "wrong_order"),
    # item 5: lots that are not the package's, a package not sold that day
    "a weekend package on a Friday": ("K1", "purchase", lambda: console3h("K1-P1", AT),
                                      "not_sellable"),
    "a package's lots for another member": ("K1", "purchase", lambda: console3h(
        "K1-P1", SATURDAY, lot_member="M003"), "bad_lot"),
    "console lots made usable on any device": ("K1", "purchase", lambda: console3h(
        "K1-P1", SATURDAY, device="any"), "bad_lot"),
    "a 90-day package's lots without expiry": ("K1", "purchase", lambda: {
        **premium("K1-P1"), "lot": [{**made, "expires_at": None}
                                    for made in premium("K1-P1")["lot"]]}, "bad_lot"),
    "a completion of an order nobody paid": ("C2", "order.complete", lambda: {
        "order_completion": [{"order": "ABCDEFGH", "purchase": "C2-P9", "payment": "cash",
                              "staff": None, "location": None, "at": AT.isoformat(),
                              "device": "C2"}]}, "unknown_reference"),
    "an order completed after it expired": ("C2", "purchase", lambda: {
        **(rows := completing("ABCDEFGH", 4500)), "purchase": [{
            **rows["purchase"][0], "at": (AT + dt.timedelta(minutes=30)).isoformat()}]},
        "bad_order"),
}


def c1_sale_and_order(c1) -> None:
    """C1 sold C1-P1 (SUMMER/BASIC at 500) and has K1's true order ABCDEFGH (PREMIUM 4500)."""
    from engine.entitlements.purchase import purchase

    with using(c1.db):
        purchase("M001", "SUMMER/BASIC", "cash", "counter", AT)
    assert apply_on(c1, [forged(1, "order.create", order())]).rejected == []


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_forged_fact_is_refused_and_its_origin_goes_on(site, case):
    c1, _, _ = site
    origin, kind, rows, reason = REFUSED[case]
    c1_sale_and_order(c1)
    c1_lot(c1)
    first = 2 if origin == "K1" else 1  # K1's seq 1 is the true order
    before = {table: c1.sql(f"SELECT COUNT(*) FROM {table}")
              for table in ("lot", "purchase", "payment", "refund", "pending_order")}
    touched = apply_on(c1, [forged(first, kind, rows(), origin=origin),
                            valid_sale(origin, first + 1)])
    assert [(seq, why) for _, seq, why, _ in touched.rejected] == [(first, reason)], \
        touched.rejected
    assert touched.waiting == []
    assert c1.applied(origin) == first + 1  # its next true event applied
    assert conflicts_of(c1) == [("rejected", origin, first, reason)]
    after = {table: c1.sql(f"SELECT COUNT(*) FROM {table}") for table in before}
    grown = {table: after[table][0][0] - before[table][0][0] for table in before}
    assert grown == {"lot": 1, "purchase": 1, "payment": 1, "refund": 0, "pending_order": 0}
    assert c1.sql("SELECT remaining FROM lot WHERE id = 'C1-L2'") == [(60,)]  # c1_lot's


def test_a_weekend_package_sold_on_saturday_is_applied(site):
    """The true fact next to the refused ones: CONSOLE3H on a Saturday, lots as granted."""
    c1, _, _ = site
    touched = apply_on(c1, [forged(1, "purchase", console3h("K1-P1", SATURDAY))])
    assert touched.rejected == [] and c1.applied("K1") == 1


def test_refused_facts_are_shown_by_playdesk_conflicts(site):
    c1, _, _ = site
    apply_on(c1, [forged(1, "order.create", order(price=1))])
    shown = subprocess.run([sys.executable, "-m", "engine.cli", "--db", str(c1.db), "conflicts"],
                           cwd=ROOT, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert "wrong_price" in shown.stdout and "K1" in shown.stdout


def test_a_free_package_paid_from_a_lot_that_never_was_is_not_applied(site):
    """/tmp/rv/forge1.py: PREMIUM (5000) paid by wallet with a draw of 4500 on C2-L999, which
    does not exist. The draw pays nothing until its lot is here: the event and the kiosk's
    later events wait (as behind a gap); a draw on the kiosk's own lot that never was is
    refused at once."""
    c1, _, _ = site
    touched = apply_on(c1, [forged(1, "purchase", wallet_paid(premium("K1-P1"), "C2-L999")),
                            valid_purchase(2)])
    assert [(origin, seq) for origin, seq, _ in touched.waiting] == [("K1", 1)]
    assert touched.rejected == [] and c1.applied("K1") == 0
    assert c1.sql("SELECT COUNT(*) FROM lot") == [(0,)]
    assert c1.sql("SELECT COUNT(*) FROM event WHERE device = 'K1'") == [(0,)]
    touched = apply_on(c1, [forged(1, "purchase", wallet_paid(premium("K1-P1"), "K1-L999")),
                            valid_purchase(2)])
    assert [(seq, why) for _, seq, why, _ in touched.rejected] == [(1, "unknown_reference")]
    assert c1.applied("K1") == 2 and c1.sql("SELECT id FROM purchase") == [("K1-P2",)]


def test_a_draw_before_its_lot_is_judged_the_same_in_any_order(site):
    """/tmp/rv/forge1.py part 2: K1 draws C1-L1 for M001 before C1-L1 exists; C1 then makes
    C1-L1 for M002. A device that gets K1's draw first waits for the lot and refuses the draw
    (wrong_member) as one that got the lot first does; M002's lot keeps its 60."""
    from engine.entitlements.adjust import add_lot
    from engine.models import Event

    c1, c2, _ = site
    draw = forged(1, "consume", {"consumption": [consumption("K1-C1", "C1-L1", 60)]})
    assert [seq for _, seq, _ in apply_on(c1, [draw]).waiting] == [1]
    with using(c1.db):
        add_lot("M002", "money", "manual", 60, "MGR", "welcome", AT)
        lot_event = Event.select().where((Event.device == "C1") & (Event.type == "lot")).get()
    c1_events = [{"device": "C1", "seq": 1, "hlc": lot_event.hlc, "type": "lot",
                  "payload": lot_event.payload, "sig": lot_event.sig}]
    assert apply_on(c1, [draw]).rejected[0][2] == "wrong_member"  # the lot is here now
    # C2: the draw and the lot in one batch, the draw first
    touched = apply_on(c2, [draw, *c1_events])
    assert touched.applied == {"C1": 1} and [s for _, s, _ in touched.waiting] == [1]
    assert apply_on(c2, [draw]).rejected[0][2] == "wrong_member"
    for device in (c1, c2):
        assert device.sql("SELECT id, member, remaining FROM lot") == [("C1-L1", "M002", 60)]
        assert device.sql("SELECT COUNT(*) FROM consumption") == [(0,)]
        assert conflicts_of(device) == [("rejected", "K1", 1, "wrong_member")]


def test_a_true_draw_on_a_lot_that_comes_later_is_applied_when_it_comes(site):
    """The legitimate side of waiting: K1 spent C1's lot; C2 gets K1's spend before C1's lot
    and applies it once the lot is here, with the remaining C1 shows."""
    from engine.entitlements.consumption import consume
    from engine.models import Event

    c1, c2, kiosk = site
    c1_lot(c1)
    with using(c1.db):
        lot_event = Event.select().where((Event.device == "C1") & (Event.type == "lot")).get()
    c1_events = [{"device": "C1", "seq": 1, "hlc": lot_event.hlc, "type": "lot",
                  "payload": lot_event.payload, "sig": lot_event.sig}]
    assert apply_on(kiosk, c1_events).rejected == []
    with using(kiosk.db):
        consume("M001", "money", 25, "any", AT)
        spend = Event.select().where((Event.device == "K1") & (Event.type == "consume")).get()
    spent = [{"device": "K1", "seq": 1, "hlc": spend.hlc, "type": "consume",
              "payload": spend.payload, "sig": spend.sig}]
    assert [s for _, s, _ in apply_on(c2, spent).waiting] == [1]
    touched = apply_on(c2, [*c1_events, *spent])
    assert touched.rejected == [] and touched.applied == {"C1": 1, "K1": 1}
    assert c2.sql("SELECT id, remaining FROM lot") == [("C1-L1", 35)]
    assert conflicts_of(c2) == []


def test_an_order_completion_waits_for_its_order(site):
    """A counter's purchase naming an order not here yet is judged when the order comes:
    at the order's price it is applied, so the true completion never depends on arrival."""
    c1, _, _ = site
    completion = forged(1, "purchase", completing("ABCDEFGH", 4500), origin="C2")
    assert [s for _, s, _ in apply_on(c1, [completion]).waiting] == [1]
    touched = apply_on(c1, [forged(1, "order.create", order()), completion])
    assert touched.rejected == [] and touched.waiting == []
    assert touched.applied == {"K1": 1, "C2": 1}
    assert c1.sql("SELECT key, price FROM purchase") == [("ORDABCDEFGH", 4500)]


def test_a_refund_of_another_devices_purchase_waits_for_it(site):
    """/tmp/rv/forge3.py: a refund of C1-P999, which C1 never made, with a 1,000,000.00 wallet
    lot: held (nothing applied) while the purchase is not here."""
    c1, _, _ = site
    touched = apply_on(c1, [forged(1, "refund", refund_of("C1-P999", 100_000_000),
                                   origin="C2")])
    assert [s for _, s, _ in touched.waiting] == [1] and c1.applied("C2") == 0
    assert c1.sql("SELECT COUNT(*) FROM lot") == [(0,)]


def test_a_lot_counts_only_its_own_members_draws(site):
    """engine/derived.py: a consumption record naming a lot for another member (as one stored
    before the check, or arriving in an order the check cannot see) takes nothing from it."""
    from engine.db import database, write
    from engine.derived import refresh_lots
    from engine.entitlements.adjust import add_lot

    c1, _, _ = site
    with using(c1.db):
        add_lot("M002", "money", "manual", 60, "MGR", "welcome", AT)
        with write():
            database.execute_sql(
                "INSERT INTO consumption (id, lot, member, kind, amount, reference, at, device, "
                "offline) VALUES ('K1-C1', 'C1-L1', 'M001', 'use', 60, NULL, ?, 'K1', 0)",
                (AT.isoformat(),))
            refresh_lots(["C1-L1"])
    assert c1.sql("SELECT remaining, status FROM lot") == [(60, "active")]


def test_a_spend_waits_over_real_sync_for_the_lot_it_draws(tmp_path):
    """The sync process keeps a waiting event and its origin's later ones and applies them when
    the lot arrives: K1 spent C1's lot (C1 offline, nobody else holds C1's journal), C2 gets
    K1's spend and a later card sale and waits; C1 comes online and C2 applies all of it."""
    import time

    from sync_helpers import Broker, stop_all, wait_until

    from engine.entitlements.consumption import consume
    from engine.entitlements.purchase import purchase

    broker = Broker(tmp_path / "broker").start()
    c1, c2, kiosk = devices = provision(tmp_path, {"C1": "counter", "C2": "counter",
                                                   "K1": "kiosk"})
    try:
        for device in devices:
            with_site(device)
        c1_lot(c1)
        columns = "id, member, kind, type, total, remaining, device, status, created_at, origin"
        (values,) = c1.sql(f"SELECT {columns} FROM lot")
        import sqlite3

        with sqlite3.connect(kiosk.db) as connection:  # the lot without C1's journal
            connection.execute(f"INSERT INTO lot ({columns}) VALUES ({', '.join('?' * 10)})",
                               values)
        with using(kiosk.db):
            consume("M001", "money", 25, "any", AT)
            purchase("M002", "SUMMER/BASIC", "card", "kiosk", AT)
        kiosk.start_sync(broker)
        c2.start_sync(broker)
        spend_seq = kiosk.sql("SELECT seq FROM event WHERE type = 'consume'")[0][0]
        wait_until(lambda: c2.applied("K1") == spend_seq - 1, 20, "K1's events before its spend")
        time.sleep(3)  # K1's spend and sale are at C2: they wait for C1-L1
        assert c2.applied("K1") == spend_seq - 1
        assert c2.sql("SELECT COUNT(*) FROM purchase") == [(0,)]
        refused = [("rejected", "K1", 1, "forbidden_type")]  # its `load` (the site file)
        waits = c2.sql("SELECT count, last_detail FROM sync_drop WHERE reason = ?",
                       "waiting_reference")  # `playdesk sync drops`: counted once
        assert waits == [(1, f"K1 seq {spend_seq}: consumption 'K1-C1' of lot 'C1-L1', "
                             "not here yet")], waits
        assert conflicts_of(c2) == refused
        c1.start_sync(broker)
        wait_until(lambda: c2.applied("K1") == kiosk.journal_seq(), 30,
                   "K1's spend and sale once C1's lot is here")
        assert c2.sql("SELECT id, remaining FROM lot WHERE id = 'C1-L1'") == [("C1-L1", 35)]
        assert c2.sql("SELECT member FROM purchase") == [("M002",)]
        assert conflicts_of(c2) == refused
    finally:
        stop_all(devices)
        broker.kill()


def test_own_events_given_back_after_a_restore_are_not_judged_again(site):
    """restore.reconcile applies a restored device's own events that the others hold
    (apply_effects): one drawing a lot of another device not here again yet is applied, as on
    every other device, not refused (which would leave this device without that fact)."""
    from engine.db import write
    from engine.sync.apply import apply_effects

    _, c2, _ = site
    own = forged(2, "consume", {"consumption": [consumption("C2-C1", "C1-L1", 5, origin="C2")]},
                 origin="C2")
    with using(c2.db), write():
        touched = apply_effects([own])
    assert touched.rejected == [] and touched.waiting == []
    assert c2.sql("SELECT id, lot FROM consumption") == [("C2-C1", "C1-L1")]
