"""Issue 14, items 1 and 4: a stolen kiosk key cannot win a collision by how it stamps or formats
an event. An origin's HLCs increase in seq order (a backdated event is refused, its origin goes
on); a kiosk's fact never takes out a counter's; and a payload not in the journal's canonical
form is refused, so the winner is the same on every device whatever the arrival order.
Real SQLite files of several devices; events applied as the sync process applies them."""

from __future__ import annotations

import json

from sync_helpers import provision, using
from test_sync_collisions import apply_on, shipped
from test_sync_fact_checks import AT, conflicts_of, forged, lot, purchase_rows, with_site


def _without_definitions(devices) -> None:
    from engine.db import write
    from engine.models import Event

    for device in devices:
        with using(device.db), write():  # definitions events are not what these tests ship
            Event.delete().execute()


def _kiosk_purchase(seq: int, key: str, member: str = "M003") -> dict:
    rows = purchase_rows(f"K1-P{seq}", "SUMMER/BASIC", 500,
                         [{**lot(f"K1-L{seq}", 60, purchase=f"K1-P{seq}", kind="minutes"),
                           "member": member}])
    rows["purchase"][0].update(key=key, member=member)
    return forged(seq, "purchase", rows)


def _completed_order(tmp_path):
    """C1 completes (cash) an order K1 made; K1's order event is everywhere."""
    from engine.sales.orders import complete_order, create_order, qr_text

    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)
    _without_definitions(devices)
    c1, c2, kiosk = devices
    with using(kiosk.db):
        order = create_order("M001", "SUMMER/BASIC", None, AT)
    # stamped well before C1's completion (made now), whatever the machine's clock
    ordered = [{**event, "hlc": f"001000000000000.{n:05d}"} for n, event in enumerate(shipped(kiosk))]
    apply_on(c1, ordered)
    apply_on(c2, ordered)
    with using(c1.db):
        complete_order(qr_text(order), "cash", "MGR", AT)
    apply_on(c2, shipped(c1))
    return c1, c2, kiosk, order, ordered


def _order_intact(device, order) -> None:
    assert device.sql("SELECT id, key FROM purchase WHERE key LIKE 'ORD%'") == [
        ("C1-P1", "ORD" + order.code)]
    assert device.sql('SELECT "order", purchase FROM order_completion') == [
        (order.code, "C1-P1")]
    assert device.sql("SELECT method, amount FROM payment WHERE purchase = 'C1-P1'") == [
        ("cash", 500)]
    assert device.sql("SELECT COUNT(*) FROM void_lot") == [(0,)]


def test_a_backdated_event_is_refused_and_its_origin_goes_on(tmp_path):
    c1, c2, kiosk, order, ordered = _completed_order(tmp_path)
    last = ordered[-1]
    backdated = _kiosk_purchase(last["seq"] + 1, "ORD" + order.code)
    backdated["hlc"] = "000000000000001.00000"  # lower than the kiosk's previous event
    after = _kiosk_purchase(last["seq"] + 2, "TAP-7", member="M002")
    after["hlc"] = "179000000000000.00000"
    for device in (c1, c2):
        touched = apply_on(device, [backdated, after])
        assert [r[:3] for r in touched.rejected] == [("K1", last["seq"] + 1, "hlc_not_increasing")]
        _order_intact(device, order)
        assert conflicts_of(device) == [("rejected", "K1", last["seq"] + 1,
                                         "hlc_not_increasing")]
        # the kiosk's next, valid event applied
        assert device.sql("SELECT id FROM purchase WHERE member = 'M002'") == [("K1-P3",)]
        assert device.applied("K1") == last["seq"] + 2


def test_a_backdated_event_in_one_batch_and_across_batches(tmp_path):
    """The previous event may be in the same batch or applied before; an equal HLC is not
    later either."""
    devices = provision(tmp_path, {"C1": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)
    _without_definitions(devices)
    c1 = devices[0]
    first, same, earlier = (_kiosk_purchase(n, f"TAP-{n}") for n in (1, 2, 3))
    same["hlc"] = first["hlc"]
    apply_on(c1, [first, same])
    earlier["hlc"] = "177000000000000.00000"
    apply_on(c1, [earlier])
    assert conflicts_of(c1) == [("rejected", "K1", 2, "hlc_not_increasing"),
                                ("rejected", "K1", 3, "hlc_not_increasing")]
    assert c1.sql("SELECT id FROM purchase") == [("K1-P1",)]
    assert c1.applied("K1") == 3


def _tap_collision(tmp_path):
    from engine.entitlements.purchase import purchase

    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "C3": "counter",
                                   "K1": "kiosk"})
    for device in devices:
        with_site(device)
    _without_definitions(devices)
    c1, c2, c3, _ = devices
    with using(c2.db):
        purchase("M002", "SUMMER/BASIC", "cash", "counter", AT, key="TAP-42")
    legit = shipped(c2)
    kiosk = _kiosk_purchase(1, "TAP-42", member="M001")
    return c1, c2, c3, legit, kiosk


def _outcome(device) -> tuple:
    return (device.sql("SELECT id, member, key FROM purchase ORDER BY id"),
            device.sql("SELECT kind, device, seq, reason FROM sync_conflict ORDER BY device"),
            device.sql("SELECT lot FROM void_lot ORDER BY lot"))


def test_a_payload_not_in_canonical_form_is_refused_the_same_everywhere(tmp_path):
    c1, c2, c3, legit, kiosk = _tap_collision(tmp_path)
    kiosk["payload"] = json.dumps(json.loads(kiosk["payload"]))  # ", " and ": " separators
    kiosk["hlc"] = "179630900000000.00000"  # much later than C2's
    apply_on(c1, [kiosk])
    apply_on(c1, legit)  # C1: K1 first, then C2
    apply_on(c3, legit)
    apply_on(c3, [kiosk])  # C3: C2 first, then K1
    apply_on(c2, [kiosk])
    assert _outcome(c1) == _outcome(c2) == _outcome(c3)
    assert _outcome(c1) == ([("C2-P1", "M002", "TAP-42")],
                            [("rejected", "K1", 1, "not_canonical")], [])
    assert c1.applied("K1") == c3.applied("K1") == 1


def test_a_counters_fact_beats_a_kiosks_in_both_arrival_orders(tmp_path):
    """Canonical and earlier by HLC, the kiosk's fact still loses to the counter's, on three
    devices whatever the order: a kiosk is a Pi in a public room, a counter's fact is staff's."""
    c1, c2, c3, legit, kiosk = _tap_collision(tmp_path)
    kiosk["hlc"] = "000000000000002.00000"
    assert kiosk["hlc"] < legit[0]["hlc"]
    apply_on(c1, [kiosk])
    apply_on(c1, legit)
    apply_on(c3, legit)
    apply_on(c3, [kiosk])
    apply_on(c2, [kiosk])
    assert _outcome(c1) == _outcome(c2) == _outcome(c3)
    assert _outcome(c1) == ([("C2-P1", "M002", "TAP-42")],
                            [("collision", "K1", 1, "purchase.key")], [("K1-L1",)])


def test_a_holder_is_found_whatever_its_payloads_formatting():
    """Older journals may hold events written otherwise: the holder is found by parsing."""
    from engine.sync import collisions

    rows = {"purchase": [{"id": "K1-P1", "key": "TAP-42", "device": "K1"}]}
    spaced = json.dumps({"rows": rows}, indent=1)
    assert collisions.holds(spaced, "purchase", "key", rows["purchase"][0], "id")
    assert not collisions.holds(spaced, "purchase", "key", {**rows["purchase"][0],
                                                            "id": "K1-P2"}, "id")


def test_a_kiosk_whose_whole_journal_is_stamped_early_cannot_take_out_a_counters_sale(tmp_path):
    """Increasing from its first event on, yet earlier than C2's sale: still the counter's."""
    c1, c2, c3, legit, kiosk = _tap_collision(tmp_path)
    first = _kiosk_purchase(1, "TAP-1", member="M001")
    first["hlc"] = "000000000000001.00000"
    kiosk = _kiosk_purchase(2, "TAP-42", member="M001")
    kiosk["hlc"] = "000000000000002.00000"
    assert first["hlc"] < kiosk["hlc"] < legit[0]["hlc"]
    apply_on(c1, [first, kiosk])
    apply_on(c1, legit)
    apply_on(c3, legit)
    apply_on(c3, [first, kiosk])
    assert _outcome(c1) == _outcome(c3)
    assert _outcome(c1) == ([("C2-P1", "M002", "TAP-42"), ("K1-P1", "M001", "TAP-1")],
                            [("collision", "K1", 2, "purchase.key")], [("K1-L2",)])
