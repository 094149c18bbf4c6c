"""Issue 14, item 1: colliding facts (one purchase refunded on two counters while the broker was
down) are settled the same way on every device whatever the arrival order — the earlier
`(hlc, device)` wins, the loser is a conflict — and the loser's origin goes on. Real SQLite files
of three devices; events applied as the sync process applies them."""

from __future__ import annotations

import datetime as dt

from sync_helpers import provision, using
from test_sync_fact_checks import AT, with_site


def shipped(device, after: int = 0) -> list[dict]:
    from engine.models import Event

    with using(device.db):
        return [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                 "payload": e.payload, "sig": e.sig}
                for e in Event.select().where((Event.device == device.name) & (Event.seq > after)
                                              & (Event.type != "definitions"))
                .order_by(Event.seq)]


def apply_on(device, events):
    from engine.sync.apply import apply_batch

    with using(device.db):
        return apply_batch(events)


def state(device) -> tuple:
    return (device.sql("SELECT id, purchase, amount, device FROM refund ORDER BY id"),
            device.sql("SELECT id, lot, kind, amount FROM consumption ORDER BY id"),
            device.sql("SELECT id, remaining, status FROM lot ORDER BY id"),
            device.sql("SELECT kind, device, seq, reason, key FROM sync_conflict"))


def test_a_purchase_refunded_on_two_counters_has_one_refund_everywhere(tmp_path):
    from engine.entitlements.purchase import purchase
    from engine.entitlements.refunds import refund

    c1, c2, c3 = devices = provision(tmp_path, {"C1": "counter", "C2": "counter",
                                                "C3": "counter"})
    for device in devices:
        with_site(device)
        with using(device.db):  # definitions events are not what this test ships
            from engine.db import write
            from engine.models import Event

            with write():
                Event.delete().execute()
    with using(c1.db):
        bought = purchase("M001", "SUMMER/BASIC", "cash", "counter", AT)
    sale = shipped(c1)
    apply_on(c2, sale)
    apply_on(c3, sale)
    # the broker is down: both counters refund it (C1 a minute earlier)
    with using(c1.db):
        refund(bought.id, "MGR", "broken", AT)
    with using(c2.db):
        refund(bought.id, "MGR", "broken", AT + dt.timedelta(minutes=1))
        purchase("M002", "SUMMER/BASIC", "cash", "counter", AT)  # C2's next event
    first, second = shipped(c1, 1), shipped(c2)
    assert first[0]["hlc"] < second[0]["hlc"]
    apply_on(c1, second)  # the loser arrives after the winner
    apply_on(c2, first)  # the winner arrives after the loser was applied here
    apply_on(c3, second)  # C3: loser first, then the winner
    apply_on(c3, first)
    assert state(c1) == state(c2) == state(c3)
    refunds, _, _, noted = state(c1)
    assert refunds == [("C1-RF1", "C1-P1", 500, "C1")]
    assert noted == [("collision", "C2", 1, "refund.purchase", "refund.purchase=C1-P1")]
    for device in devices:  # C2's next event applied everywhere
        assert device.sql("SELECT member FROM purchase ORDER BY id") == [("M001",), ("M002",)]
    assert c1.applied("C2") == 2 and c3.applied("C2") == 2


def test_an_order_completed_on_two_counters_is_one_purchase_everywhere(tmp_path):
    from engine.sales.orders import complete_order, create_order, qr_text

    c1, c2, kiosk = devices = provision(tmp_path, {"C1": "counter", "C2": "counter",
                                                   "K1": "kiosk"})
    for device in devices:
        with_site(device)
        with using(device.db):
            from engine.db import write
            from engine.models import Event

            with write():
                Event.delete().execute()
    with using(kiosk.db):
        order = create_order("M001", "SUMMER/BASIC", None, AT)
    ordered = shipped(kiosk)
    apply_on(c1, ordered)
    apply_on(c2, ordered)
    with using(c1.db):
        complete_order(qr_text(order), "cash", "MGR", AT)
    with using(c2.db):
        complete_order(qr_text(order), "cash", "MGR", AT + dt.timedelta(minutes=1))
    first, second = shipped(c1), shipped(c2)
    apply_on(c1, second)
    apply_on(c2, first)
    apply_on(kiosk, second)
    apply_on(kiosk, first)
    for device in devices:
        assert device.sql("SELECT id, key FROM purchase") == [("C1-P1", "ORD" + order.code)]
        assert device.sql('SELECT "order", purchase FROM order_completion') == [
            (order.code, "C1-P1")]
        assert [r[:3] for r in device.sql("SELECT device, seq, reason FROM sync_conflict "
                                          "ORDER BY seq")] == [
            ("C2", 1, "purchase.key"), ("C2", 2, "order_completion.purchase")]
        # C2's lot is void: the member holds one package's minutes
        assert device.sql("SELECT COALESCE(SUM(remaining), 0) FROM lot WHERE status = 'active'"
                          ) == [(60,)]


def test_every_unique_of_a_fact_table_is_an_id_or_a_collision_key():
    """No UNIQUE besides a namespaced id escapes the collision rule."""
    from engine.sync.apply import MODELS_BY_TABLE, NOT_FACT_TABLES
    from engine.sync.collisions import COLLISION_KEYS
    from engine.sync.validate import NAMESPACED_IDS, NAMESPACED_PARENTS

    for table, model in MODELS_BY_TABLE.items():
        if table in NOT_FACT_TABLES:
            continue
        meta = model._meta
        uniques = [(f.column_name,) for f in meta.sorted_fields if f.unique or f.primary_key]
        uniques += [tuple(meta.fields[n].column_name for n in cols)
                    for cols, unique in (i for i in meta.indexes if isinstance(i, tuple))
                    if unique]
        for columns in uniques:
            if columns == ("id",) and (table in NAMESPACED_IDS
                                       or meta.primary_key.field_type == "AUTO"):
                continue
            if columns[0] in (NAMESPACED_PARENTS.get(table), "device", "refund_id", "hold"):
                continue  # within a row of the origin's own namespace
            if table == "coupon_redemption":
                continue  # (coupon, receipt): the receipt is the origin's
            assert COLLISION_KEYS.get(table) == columns, (table, columns)


def test_two_devices_drawing_one_small_lot_leave_no_lot_negative(tmp_path):
    """Item 2: lots of 100 (expiring first) and 10,000; K1 and C2 each spend 80 from the small
    one at once. After merge, in either arrival order: no lot below zero, the balance 9,940
    (Σ totals − Σ consumption), and the overdraw of 60 reported."""
    from test_sync_fact_checks import consumption, forged

    from engine.entitlements.adjust import add_lot
    from engine.entitlements.balances import balance
    from engine.sync.conflicts import conflicts

    results = []
    for order in ((0, 1), (1, 0)):
        c1, _, _ = devices = provision(tmp_path / str(order), {"C1": "counter", "C2": "counter",
                                                               "K1": "kiosk"})
        with_site(c1)
        with using(c1.db):
            add_lot("M001", "money", "manual", 100, "MGR", "small", AT,
                    expires_at=AT + dt.timedelta(days=1))
            add_lot("M001", "money", "manual", 10_000, "MGR", "big", AT)
        spends = [forged(1, "consume", {"consumption": [consumption("K1-C1", "C1-L1", 80)]}),
                  forged(1, "consume", {"consumption": [consumption("C2-C1", "C1-L1", 80,
                                                                    origin="C2")]}, "C2")]
        for index in order:
            apply_on(c1, [spends[index]])
        with using(c1.db):
            results.append((c1.sql("SELECT id, remaining, status FROM lot ORDER BY id"),
                            balance("M001", AT).money.total, conflicts()["balances"]))
        assert devices
    assert results[0] == results[1]
    lots, total, overdrawn = results[0]
    assert lots == [("C1-L1", 0, "depleted"), ("C1-L2", 9_940, "active")]
    assert total == 9_940
    assert [(o["member"], o["overdrawn"], o["lots"]) for o in overdrawn] == [
        ("M001", 60, ["C1-L1"])]
