"""Issue 14, items 1-3 for the money of a receipt refund: no payment method of a receipt ever
gets back more than it paid. A receipt COLA 250 + WATER 150 paid wallet 300 + cash 100; line 1
refunded on C1 and line 2 on C2, each splitting its refund over the methods from its own view.
Online the authority (C1) serializes the refunds of a receipt and refuses a requester that has
not seen every refund of it; offline (policy allow) the over-return is found on merge, the same
on every device, and listed by `playdesk conflicts`. Real SQLite files of three devices; events
applied as the sync process applies them; the authority's judgement as its sync process calls
it; conflicts through the real CLI."""

from __future__ import annotations

import datetime as dt
import uuid

from sync_helpers import using
from test_sync_collisions import apply_on, shipped
from test_sync_convergence import playdesk
from test_sync_fact_checks import AT
from test_sync_receipt_refund_collisions import offline_site, refund_on


def wallet_and_cash_sale(c1, wallet_last: bool = False) -> str:
    """COLA 250 + WATER 150 for M001: 300 from promo credit, 100 in cash (the last payment,
    which a refund gives back first, unless `wallet_last`), on C1's shift."""
    from engine.entitlements.adjust import add_lot
    from engine.pricing import LineInput, ReceiptInput
    from engine.sales.checkout import checkout
    from engine.sales.receiptfile import PaymentInput

    payments = [PaymentInput("wallet", 300), PaymentInput("cash", 100)]
    with using(c1.db):
        add_lot("M001", "money", "manual", 300, "MGR", "promo credit", AT)
        return checkout(ReceiptInput("COUNTER1", (LineInput(item="COLA"), LineInput(item="WATER")),
                                     member="M001"),
                        payments[::-1] if wallet_last else payments, AT,
                        staff="MGR", shift="C1-SH1").receipt


def sold_everywhere(tmp_path, wallet_last: bool = False):
    c1, c2, c3 = devices = offline_site(tmp_path)
    receipt = wallet_and_cash_sale(c1, wallet_last)
    opened_and_sold, opened = shipped(c1), shipped(c2)
    apply_on(c1, opened)
    apply_on(c2, opened_and_sold)
    apply_on(c3, opened_and_sold + opened)
    return devices, receipt


def returned(device, receipt: str) -> dict[str, int]:
    return dict(device.sql(
        "SELECT p.method, SUM(p.amount) FROM receipt_refund_payment p JOIN receipt_refund r "
        "ON r.id = p.refund_id WHERE r.receipt = ? GROUP BY p.method", receipt))


def test_an_over_return_made_offline_is_listed_in_conflicts_on_every_device(tmp_path):
    devices, receipt = sold_everywhere(tmp_path)
    c1, c2, c3 = devices
    c1_seq, c2_seq = c1.journal_seq(), c2.journal_seq()
    # the broker is down; each counter returns the cash first (the last payment), not knowing
    # the other did the same
    assert refund_on(c1, receipt, 1, 1)["payments"][0] == {"method": "cash", "amount": 100,
                                                            "lot": None}
    assert refund_on(c2, receipt, 2, 2)["payments"][0] == {"method": "cash", "amount": 100,
                                                            "lot": None}
    first, second = shipped(c1, c1_seq), shipped(c2, c2_seq)
    apply_on(c1, second)
    apply_on(c2, first)
    apply_on(c3, second)
    apply_on(c3, first)
    shown = [playdesk(device, "conflicts")["receipts"] for device in devices]
    assert shown[0] == shown[1] == shown[2]
    [over] = shown[0]
    assert {key: over[key] for key in ("receipt", "method", "paid", "returned", "over")} == {
        "receipt": receipt, "method": "cash", "paid": 100, "returned": 200, "over": 100}
    # the later refund (by its time) is the one whose cash was too much
    assert [(r["refund"], r["device"], r["shift"], r["amount"], r["excess"])
            for r in over["refunds"]] == [("C1-RR1", "C1", "C1-SH1", 100, 0),
                                          ("C2-RR1", "C2", "C2-SH1", 100, 100)]
    for device in devices:  # the facts stay as they happened: the drawers did pay it out
        assert returned(device, receipt) == {"cash": 200, "wallet": 200}
        report = playdesk(device, "shift", "report", "C2-SH1")
        assert report["cash"]["expected"] == 10_000 - 100, report


def test_an_over_returned_wallet_names_the_refund_lots_of_the_excess(tmp_path):
    devices, receipt = sold_everywhere(tmp_path, wallet_last=True)
    c1, c2, c3 = devices
    c1_seq, c2_seq = c1.journal_seq(), c2.journal_seq()
    refund_on(c1, receipt, 1, 1)  # wallet 250
    refund_on(c2, receipt, 2, 2)  # wallet 150, from C2's view: 300 − 0
    apply_on(c1, shipped(c2, c2_seq))
    apply_on(c2, shipped(c1, c1_seq))
    apply_on(c3, shipped(c1, c1_seq) + shipped(c2, c2_seq))
    for device in devices:
        [over] = playdesk(device, "conflicts")["receipts"]
        assert (over["method"], over["paid"], over["returned"], over["over"]) == (
            "wallet", 300, 400, 100)
        assert [(r["refund"], r["amount"], r["excess"], r["lots"]) for r in over["refunds"]] == [
            ("C1-RR1", 250, 0, ["C1-L2"]), ("C2-RR1", 150, 100, ["C2-L1"])]


def test_refunds_that_split_within_what_each_method_paid_are_no_conflict(tmp_path):
    devices, receipt = sold_everywhere(tmp_path)
    c1, c2, c3 = devices
    c1_seq = c1.journal_seq()
    refund_on(c1, receipt, 1, 1)
    apply_on(c2, shipped(c1, c1_seq))
    apply_on(c3, shipped(c1, c1_seq))
    c2_seq = c2.journal_seq()
    assert [p["method"] for p in refund_on(c2, receipt, 2, 2)["payments"]] == ["wallet"]
    apply_on(c1, shipped(c2, c2_seq))
    apply_on(c3, shipped(c2, c2_seq))
    for device in devices:
        assert returned(device, receipt) == {"cash": 100, "wallet": 300}
        assert playdesk(device, "conflicts")["receipts"] == []


def ask_c1(c1, requester: str, receipt: str, lines: list[int], known: list[str] | None):
    """The authority's judgement of a `receipt.refund` request, on C1's database."""
    from engine.sync.authority import judge

    request = {"op": "receipt.refund", "request_id": uuid.uuid4().hex, "requester": requester,
               "at": (AT + dt.timedelta(minutes=5)).isoformat(), "receipt": receipt,
               "lines": lines}
    if known is not None:
        request["known"] = known
    with using(c1.db):
        return judge(request)


def test_the_authority_refuses_a_refund_while_another_device_refunds_the_receipt(tmp_path):
    devices, receipt = sold_everywhere(tmp_path)
    c1 = devices[0]
    granted = ask_c1(c1, "C2", receipt, [1], [])
    assert granted.allowed, granted
    # another line, but the same receipt: C2's split is not here yet
    refused = ask_c1(c1, "C3", receipt, [2], [])
    assert not refused.allowed and refused.reason == "being refunded on C2", refused


def test_the_authority_refuses_a_counter_that_has_not_seen_every_refund_of_the_receipt(
        tmp_path):
    devices, receipt = sold_everywhere(tmp_path)
    c1 = devices[0]
    refund_on(c1, receipt, 1, 1)  # on the authority itself: cash 100, wallet 150
    refused = ask_c1(c1, "C2", receipt, [2], [])
    assert not refused.allowed, refused
    assert refused.reason == ("wait: refund C1-RR1 of this receipt has not reached this "
                              "counter yet"), refused
    older = ask_c1(c1, "C2", receipt, [2], None)  # a release that does not say: as none known
    assert not older.allowed and "C1-RR1" in older.reason, older
    assert ask_c1(c1, "C2", receipt, [2], ["C1-RR1"]).allowed


def test_the_requester_names_the_refunds_of_the_receipt_it_knows(tmp_path, monkeypatch):
    import engine.sales.refunds as refunds

    devices, receipt = sold_everywhere(tmp_path)
    c1, c2 = devices[:2]
    c1_seq = c1.journal_seq()
    refund_on(c1, receipt, 1, 1)
    apply_on(c2, shipped(c1, c1_seq))
    asked: list[dict] = []
    real_ask = refunds.ask

    def recording_ask(op, at, **subject):
        asked.append({"op": op, **subject})
        return real_ask(op, at, **subject)

    monkeypatch.setattr(refunds, "ask", recording_ask)
    refund_on(c2, receipt, 2, 2)
    assert asked == [{"op": "receipt.refund", "receipt": receipt, "lines": [2],
                      "known": ["C1-RR1"]}]
