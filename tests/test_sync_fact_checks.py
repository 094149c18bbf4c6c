"""Issue 14, items 4 and 9: a fact is applied only if it is true by the rules, and a refused
fact never holds back its origin. Events as a stolen kiosk key could sign them are applied on
a counter's real database (apply_batch, as the sync process does); the kiosk that ran
`playdesk load` runs against real playdesk-sync processes and a real Mosquitto."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from conftest import DEMO_SITE
from sync_helpers import ROOT, Broker, provision, stop_all, using, wait_until

AT = dt.datetime(2026, 7, 3, 12, 0)
HLC = "178000000000000.{:05d}"


def with_site(device) -> None:
    from engine.db import write
    from engine.models import Staff
    from engine.sitefile import load_site_file

    with using(device.db):
        load_site_file(DEMO_SITE, at=AT)
        with write():
            Staff.create(code="MGR", name="Mia", role="manager")


@pytest.fixture
def site(tmp_path):
    """C1 (counter) and K1 (kiosk) trusting one device list, both with the demo site."""
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)
    return devices


def forged(seq: int, kind: str, rows: dict, origin: str = "K1") -> dict:
    from engine.journal import dumps

    return {"device": origin, "seq": seq, "hlc": HLC.format(seq), "type": kind,
            "payload": dumps({"rows": rows}), "sig": "x"}


def lot(lot_id: str, total: int, lot_type: str = "paid", purchase: str | None = None,
        kind: str = "money", origin: str = "K1") -> dict:
    return {"id": lot_id, "member": "M001", "kind": kind, "type": lot_type, "total": total,
            "remaining": total, "device": "any", "status": "active", "expires_at": None,
            "purchase": purchase, "created_at": AT.isoformat(), "comment": None, "staff": None,
            "origin": origin}


def purchase_rows(purchase_id: str, package: str, price: int, lots: list[dict],
                  origin: str = "K1", paid: int | None = None) -> dict:
    campaign, code = package.split("/")
    return {"purchase": [{"id": purchase_id, "member": "M001", "campaign": campaign,
                          "package": code, "price": price, "payment": "card", "commission": 0,
                          "channel": "kiosk", "location": None, "staff": None,
                          "at": AT.isoformat(), "key": None, "receipt": None,
                          "device": origin}],
            "lot": lots,
            "payment": [{"id": f"{origin}-PAY{purchase_id[-1]}", "receipt": None,
                         "purchase": purchase_id, "method": "card",
                         "amount": price if paid is None else paid, "tendered": None,
                         "commission": 0, "at": AT.isoformat(), "device": origin}]}


def consumption(record_id: str, lot_id: str, amount: int, member: str = "M001",
                origin: str = "K1") -> dict:
    return {"id": record_id, "lot": lot_id, "member": member, "kind": "use", "amount": amount,
            "reference": None, "at": AT.isoformat(), "device": origin, "offline": False}


def valid_purchase(seq: int) -> dict:
    """SUMMER/BASIC (60 minutes for 500), as the kiosk sells it."""
    return forged(seq, "purchase", purchase_rows(
        f"K1-P{seq}", "SUMMER/BASIC", 500, [lot(f"K1-L{seq}", 60, purchase=f"K1-P{seq}",
                                                kind="minutes")]))


def apply_on(device, events: list[dict]):
    from engine.sync.apply import apply_batch

    with using(device.db):
        return apply_batch(events)


def conflicts_of(device) -> list[tuple]:
    return device.sql("SELECT kind, device, seq, reason FROM sync_conflict ORDER BY device, seq")


HOSTILE = {
    "a 1,000.00 lot without a purchase": lambda: ("purchase", {"lot": [lot("K1-L9", 100_000)]},
                                                 "lot_without_purchase"),
    "a negative spend": lambda: ("consume", {"consumption": [consumption("K1-C1", "C1-L1",
                                                                         -50_000)]},
                                 "bad_amount"),
    "ids in C1's namespace": lambda: ("purchase", purchase_rows(
        "C1-P1", "SUMMER/BASIC", 500, [lot("C1-L1", 60, purchase="C1-P1", kind="minutes")]),
        "id_namespace"),
    "a manual lot from a kiosk": lambda: ("lot", {"lot": [{**lot("K1-L9", 100_000, "manual"),
                                                         "staff": "MGR"}]}, "forbidden_type"),
    "a package bought for 1": lambda: ("purchase", purchase_rows(
        "K1-P9", "SUMMER/PREMIUM", 1, [lot("K1-L9", 5000, purchase="K1-P9"),
                                       lot("K1-L8", 60, "bonus", "K1-P9", "minutes")]),
        "wrong_price"),
    "a package the site has not": lambda: ("purchase", purchase_rows(
        "K1-P9", "SUMMER/GOLD", 500, [lot("K1-L9", 100_000, purchase="K1-P9")]),
        "unknown_package"),
    "more credit than the package gives": lambda: ("purchase", purchase_rows(
        "K1-P9", "SUMMER/BASIC", 500, [lot("K1-L9", 6000, purchase="K1-P9",
                                           kind="minutes")]), "bad_lot"),
    "a purchase nobody paid": lambda: ("purchase", purchase_rows(
        "K1-P9", "SUMMER/BASIC", 500, [lot("K1-L9", 60, purchase="K1-P9", kind="minutes")],
        paid=0), "unpaid"),
    "a draw larger than the lot": lambda: ("consume", {"consumption": [
        consumption("K1-C1", "C1-L1", 70)]}, "overdraw"),
    "a draw from another member's lot": lambda: ("consume", {"consumption": [
        consumption("K1-C1", "C1-L1", 5, member="M002")]}, "wrong_member"),
    "a draw from its own lot that never was": lambda: ("consume", {"consumption": [
        consumption("K1-C1", "K1-L77", 5)]}, "unknown_reference"),
    "a refund from a kiosk": lambda: ("refund", {"refund": [
        {"id": "K1-RF1", "purchase": "C1-P1", "amount": 500, "method": "cash", "reason": "x",
         "staff": "MGR", "at": AT.isoformat(), "device": "K1", "lot": None}]},
        "forbidden_type"),
    "site definitions from a kiosk": lambda: ("definitions", None, "forbidden_type"),
}


def c1_lot(device) -> None:
    """C1's own lot C1-L1 (60 minutes... of money: 60) for M001, as `lot add` makes it."""
    from engine.entitlements.adjust import add_lot

    with using(device.db):
        add_lot("M001", "money", "manual", 60, "MGR", "welcome", AT)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_false_fact_is_refused_counted_and_its_origin_goes_on(site, case):
    c1, _, _ = site
    kind, rows, reason = HOSTILE[case]()
    c1_lot(c1)
    money_before = c1.sql("SELECT COALESCE(SUM(total), 0) FROM lot")
    from engine.journal import dumps

    hostile = forged(1, kind, rows) if rows is not None else {
        **forged(1, kind, {}), "payload": dumps({"document": {"items": [
            {"code": "COLA", "name": "Free cola", "price": 0}]}})}
    touched = apply_on(c1, [hostile, valid_purchase(2)])
    assert [(seq, why) for _, seq, why, _ in touched.rejected] == [(1, reason)]
    assert c1.applied("K1") == 2  # the next event applied: nothing holds the kiosk back
    assert conflicts_of(c1) == [("rejected", "K1", 1, reason)]
    assert c1.sql("SELECT COALESCE(SUM(total), 0) FROM lot WHERE kind = 'money'") == money_before
    assert c1.sql("SELECT id FROM purchase") == [("K1-P2",)]
    assert c1.sql("SELECT price FROM item WHERE code = 'COLA'") == [(250,)]
    assert c1.sql("SELECT remaining FROM lot WHERE id = 'C1-L1'") == [(60,)]
    assert c1.sql("SELECT COUNT(*) FROM event WHERE device = 'K1'") == [(2,)]  # kept, signed


def test_after_a_kiosk_faked_c1_ids_c1_still_sells(site):
    """The issue's case: kiosk rows with ids in C1's namespace made C1's own `buy` and `lot
    add` exit 1 with `UNIQUE constraint failed: lot.id`."""
    c1, _, _ = site
    kind, rows, _ = HOSTILE["ids in C1's namespace"]()
    apply_on(c1, [forged(1, kind, rows)])
    for command in (["buy", "--member", "M001", "--package", "SUMMER/BASIC", "--pay", "cash"],
                    ["lot", "add", "--member", "M001", "--kind", "money", "--type", "manual", "--amount",
                     "100", "--staff", "MGR", "--comment", "welcome"]):
        done = subprocess.run([sys.executable, "-m", "engine.cli", "--db", str(c1.db),
                               "--at", AT.isoformat(), *command], cwd=ROOT,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert c1.sql("SELECT id FROM purchase") == [("C1-P1",)]
    assert c1.sql("SELECT id, total FROM lot ORDER BY id") == [("C1-L1", 60), ("C1-L2", 100)]


def test_true_facts_of_every_kind_are_applied_without_conflicts(site):
    """The checks refuse nothing a real counter or kiosk writes: a kiosk's card purchase and
    wallet spend; a counter's cash and wallet purchases, receipt sale of a package, manual lot,
    negative correction, refund by wallet and order completion."""
    from engine.entitlements.adjust import add_lot
    from engine.entitlements.consumption import consume
    from engine.entitlements.purchase import purchase
    from engine.entitlements.refunds import refund
    from engine.models import Event
    from engine.sales.orders import complete_order, create_order, qr_text

    c1, c2, kiosk = site
    with using(kiosk.db):
        purchase("M001", "SUMMER/PREMIUM", "card", "kiosk", AT)
        consume("M001", "money", 300, "any", AT)
        order = create_order("M002", "SUMMER/STD", None, AT)

    def events(device, after: int = 0) -> list[dict]:
        with using(device.db):
            return [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                     "payload": e.payload, "sig": e.sig}
                    for e in Event.select().where((Event.device == device.name)
                                                  & (Event.seq > after)
                                                  & (Event.type != "definitions"))]

    first_kiosk = events(kiosk)
    apply_on(c1, [dict(e, seq=n) for n, e in enumerate(first_kiosk, 1)])
    with using(c1.db):
        add_lot("M001", "money", "manual", 1000, "MGR", "welcome", AT)
        add_lot("M001", "money", "correction", -100, "MGR", "typo", AT)
        purchase("M001", "SUMMER/BASIC", "cash", "counter", AT)
        bought = purchase("M001", "SUMMER/STD", "wallet", "counter", AT)
        refund(bought.id, "MGR", "changed mind", AT)
        complete_order(qr_text(order), "cash", "MGR", AT)
    ours = events(c1)
    # C2 gets the kiosk's (renumbered: its definitions event stays behind) and C1's events
    touched = apply_on(c2, [dict(e, seq=n) for n, e in enumerate(first_kiosk, 1)]
                       + [dict(e, seq=n) for n, e in enumerate(ours, 1)])
    assert touched.rejected == [] and conflicts_of(c2) == []
    for table in ("purchase", "lot", "consumption", "refund", "payment", "order_completion"):
        query = f"SELECT * FROM {table} ORDER BY 1"
        assert c2.sql(query) == c1.sql(query), table


def test_a_kiosk_that_loaded_a_site_file_still_reaches_the_counter(tmp_path):
    """Item 9: `playdesk load` on a kiosk is refused (definitions come by sync); and a refused
    event in a kiosk's journal (as one written before this release) holds back nothing: its
    later purchases arrive over real playdesk-sync processes and Mosquitto."""
    from engine import journal
    from engine.db import write

    broker = Broker(tmp_path / "broker").start()
    c1, kiosk = devices = provision(tmp_path, {"C1": "counter", "K1": "kiosk"})
    try:
        for device in devices:
            with_site(device)
        with using(kiosk.db):
            from engine.models import Event

            with write():
                Event.delete().execute()  # as if the kiosk got its definitions by sync
                journal.append("definitions", {"document": {"items": [
                    {"code": "COLA", "name": "Cola", "price": 1}]}, "source": "file"})
        done = subprocess.run([sys.executable, "-m", "engine.cli", "--db", str(kiosk.db), "load",
                               str(DEMO_SITE)], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 2 and "kiosk" in done.stderr, done.stderr
        from engine.entitlements.purchase import purchase

        with using(kiosk.db):
            purchase("M001", "SUMMER/BASIC", "card", "kiosk", AT)
            purchase("M002", "SUMMER/BASIC", "card", "kiosk", AT)
        for device in devices:
            device.start_sync(broker)
        wait_until(lambda: c1.applied("K1") == 3, 20, "the kiosk's purchases after the refusal")
        assert c1.sql("SELECT member FROM purchase ORDER BY id") == [("M001",), ("M002",)]
        assert conflicts_of(c1) == [("rejected", "K1", 1, "forbidden_type")]
        assert c1.sql("SELECT price FROM item WHERE code = 'COLA'") == [(250,)]
    finally:
        stop_all(devices)
        broker.kill()
