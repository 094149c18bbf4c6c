"""Strict operations: a one-time coupon redeemed on two counters at once goes through the
authority (exactly one succeeds); without it the offline policy decides and `conflicts` tells."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from sync_helpers import ROOT, provision, stop_all, using, wait_until
from test_sync_replication import broker  # noqa: F401 - the fixture

from engine import journal
from engine.db import write
from engine.models import Setting

AT = dt.datetime(2026, 7, 3, 12, 0)
ASK = """
import datetime, sys
from engine.db import open_database
open_database(sys.argv[1])
from engine.sync.authority import decide
decision = decide("coupon.redeem", datetime.datetime(2026, 7, 3, 12), code=sys.argv[3],
                  reference=sys.argv[2])
if decision.allowed:
    from engine import journal
    from engine.db import write
    from engine.derived import refresh_coupons
    from engine.ids import device_id, next_id
    from engine.models import CouponRedemption
    with write():
        row = CouponRedemption.create(id=next_id("CR"), coupon=sys.argv[3], receipt=sys.argv[2],
                                      at=datetime.datetime(2026, 7, 3, 12), device=device_id(),
                                      offline=decision.offline)
        journal.append_rows("sale", row)
        refresh_coupons([sys.argv[3]])
print(decision.allowed, decision.offline)
"""


def redeem_on_both(counters, code: str) -> list[tuple[str, str]]:
    runs = [subprocess.Popen([sys.executable, "-c", ASK, str(c.db), f"{c.name}-{code}", code],
                             cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for c in counters]
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=30)
        assert run.returncode == 0, err
        outputs.append(tuple(out.split()))
    return outputs


def test_one_time_coupon_on_two_counters_with_and_without_the_authority(tmp_path, broker):  # noqa: F811
    from engine import journal
    from engine.db import write
    from engine.models import Coupon

    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "C3": "counter"})
    authority, c2, c3 = devices
    with using(authority.db), write():
        for code in ("ONCE", "OFFLINE"):
            coupon = Coupon.create(code=code, campaign="WELCOME", max_redemptions=1,
                                   discount_type="reduce", value=500, origin="generated")
            journal.append_rows("coupons.generate", coupon)
    try:
        for device in devices:
            device.start_sync(broker, "--authority", "C1")
        wait_until(lambda: all(d.applied("C1") == 2 for d in (c2, c3)), what="the coupons")

        outcomes = redeem_on_both([c2, c3], "ONCE")
        assert sorted(outcomes) == [("False", "False"), ("True", "False")]
        wait_until(lambda: authority.sql("SELECT redemptions, status FROM coupon WHERE code="
                                         "'ONCE'") == [(1, "redeemed")], what="the redemption")

        authority.kill_sync()  # unreachable now: the offline policy (default allow) decides
        assert redeem_on_both([c2, c3], "OFFLINE") == [("True", "True"), ("True", "True")]
        wait_until(lambda: c2.applied("C3") == c3.journal_seq() and
                   c3.applied("C2") == c2.journal_seq(), what="the counters to merge")
        from test_sync_convergence import playdesk

        report = playdesk(c2, "conflicts")
        assert [c["code"] for c in report["coupons"]] == ["OFFLINE"]
        assert [u["offline"] for u in report["coupons"][0]["uses"]] == [True, True]
        assert report["coupons"][0]["redemptions"] == 2
    finally:
        stop_all(devices)


# -- through the engines: checkout's coupons, consume's and checkout's wallet spending ---------

SITE_FILE = ROOT / "tests" / "data" / "site.yaml"
CHECKOUT = """
import datetime, json, sys
from engine.db import open_database
open_database(sys.argv[1])
from engine.errors import PlaydeskError
from engine.sales.checkout import checkout
from engine.sales.receiptfile import parse_receipt_text
parsed = parse_receipt_text(sys.argv[2])
try:
    done = checkout(parsed.receipt, parsed.payments, datetime.datetime(2026, 7, 3, 12))
except PlaydeskError as error:
    print(json.dumps({"error": str(error)}))
else:
    print(json.dumps({"total": done.total, "receipt": done.receipt,
                      "rejected": [r.reason for r in done.priced.rejected]}))
"""
CONSUME = """
import datetime, json, sys
from engine.db import open_database
open_database(sys.argv[1])
from engine.entitlements.consumption import consume
from engine.errors import PlaydeskError
try:
    consume("M001", "money", int(sys.argv[2]), "any", datetime.datetime(2026, 7, 3, 12))
except PlaydeskError as error:
    print(json.dumps({"error": str(error)}))
else:
    print(json.dumps({"ok": True}))
"""

PURCHASE = """
import datetime, json, sys
from engine.db import open_database
open_database(sys.argv[1])
from engine.entitlements.purchase import purchase
from engine.errors import PlaydeskError
try:
    purchase("M001", sys.argv[2], "wallet", "kiosk", datetime.datetime(2026, 7, 3, 12))
except PlaydeskError as error:
    print(json.dumps({"error": str(error)}))
else:
    print(json.dumps({"ok": True}))
"""


def run_at_once(script: str, runs: list[tuple]) -> list[dict]:
    """Start every (device, argument) run of `script` together; their JSON answers in order."""
    import json

    started = [subprocess.Popen([sys.executable, "-c", script, str(device.db), *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for device, *args in runs]
    answers = []
    for run in started:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        answers.append(json.loads(out))
    return answers


def receipt(code: str | None = None, wallet: bool = False) -> str:
    coupons = f'coupons: ["{code}"]\n' if code else ""
    payments = "[{method: wallet}]" if wallet else "[{method: cash}]"
    return (f"location: COUNTER1\nmember: M001\nlines: [{{item: HEADSET}}]\n{coupons}"
            f"payments: {payments}\n")


def strict_site(tmp_path, roles: dict[str, str]):
    """The first device (C1, the authority) holds the site, one-time coupons and M001's wallet
    of 1000 in its journal (seq 1-3)."""
    from engine.entitlements.lots import make_lot
    from engine.ids import next_id
    from engine.models import Coupon
    from engine.sitefile import load_site_file

    devices = provision(tmp_path, roles)
    with using(devices[0].db):
        load_site_file(SITE_FILE, at=AT)
        with write():
            coupons = [Coupon.create(code=code, campaign="WELCOME", max_redemptions=1,
                                     discount_type="reduce", value=200, origin="generated")
                       for code in ("ONCE", "TWICE")]
            journal.append_rows("coupons.generate", *coupons)
            lot = make_lot(next_id("L"), "M001", "money", "manual", 1000, AT, "C1")
            lot.save(force_insert=True)
            journal.append_rows("lot", lot)
    return devices


def test_checkout_asks_the_authority_for_a_one_time_coupon_and_the_wallet(tmp_path, broker):  # noqa: F811
    devices = strict_site(tmp_path, {"C1": "counter", "C2": "counter", "C3": "counter"})
    authority, c2, c3 = devices
    try:
        for device in devices:
            device.start_sync(broker, "--authority", "C1")
        wait_until(lambda: all(d.applied("C1") == 3 for d in (c2, c3)), 30, "the site")

        # the same one-time coupon at two counters at once: exactly one sale gets it
        sales = run_at_once(CHECKOUT, [(c2, receipt("ONCE")), (c3, receipt("ONCE"))])
        assert sorted((s["total"], s["rejected"]) for s in sales) == [(300, []),
                                                                      (500, ["used up"])]
        wait_until(lambda: all(d.sql("SELECT redemptions, status FROM coupon WHERE code = "
                                     "'ONCE'") == [(1, "redeemed")] for d in devices),
                   30, "the redemption everywhere")
        assert c2.sql("SELECT offline FROM coupon_redemption") == [(0,)]  # the authority said yes

        # the wallet (1000) paid for a 500 headset twice at once, then a third time: the
        # authority lets exactly two through, the third sale is refused before anything is written
        sales = run_at_once(CHECKOUT, [(c2, receipt(wallet=True)), (c3, receipt(wallet=True))])
        assert sorted(s.get("total") for s in sales) == [500, 500]
        refused = run_at_once(CHECKOUT, [(c2, receipt(wallet=True))])[0]
        assert refused["error"] == ("insufficient wallet balance: the authority refused spending "
                                    "500 money of M001 (other devices spent it)")
        wait_until(lambda: all(d.sql("SELECT SUM(remaining) FROM lot") == [(0,)]
                               for d in devices), 30, "the spends everywhere")
        # two coupon sales and two wallet sales; the refused one wrote nothing
        wait_until(lambda: all(d.sql("SELECT COUNT(*) FROM receipt") == [(4,)] for d in devices),
                   30, "every sale everywhere")
        assert c2.journal_seq() + c3.journal_seq() == 6  # a wallet sale: consume + sale
    finally:
        stop_all(devices)


def test_kiosks_spending_one_wallet_never_overdraw_it(tmp_path, broker):  # noqa: F811
    devices = strict_site(tmp_path, {"C1": "counter", "K1": "kiosk", "K2": "kiosk"})
    authority, k1, k2 = devices
    try:
        for device in devices:
            device.start_sync(broker, "--authority", "C1")
        wait_until(lambda: all(d.applied("C1") == 3 for d in (k1, k2)), 30, "the site")
        answers = run_at_once(CONSUME, [(k1, "700"), (k2, "700")])
        assert sorted(answers, key=str) == sorted(
            [{"ok": True}, {"error": "insufficient balance: the authority refused spending 700 "
                                     "money of M001 (other devices spent it)"}], key=str)
        answers = run_at_once(CONSUME, [(k1, "300"), (k2, "300")])  # the 300 left: once
        assert sorted(answers, key=str) == sorted(
            [{"ok": True}, {"error": "insufficient balance: the authority refused spending 300 "
                                     "money of M001 (other devices spent it)"}], key=str)
        wait_until(lambda: all(d.sql("SELECT SUM(remaining), MIN(remaining) FROM lot")
                               == [(0, 0)] for d in devices), 30, "the spends everywhere")
        assert authority.sql("SELECT COUNT(*), SUM(offline) FROM consumption") == [(2, 0)]
    finally:
        stop_all(devices)


def test_authority_down_the_offline_policy_decides(tmp_path, broker):  # noqa: F811
    from test_sync_convergence import playdesk

    devices = strict_site(tmp_path, {"C1": "counter", "K1": "kiosk", "K2": "kiosk",
                                     "K3": "kiosk"})
    authority, k1, k2, k3 = devices
    try:
        for device in devices:
            device.start_sync(broker, "--authority", "C1")
        wait_until(lambda: all(d.applied("C1") == 3 for d in devices[1:]), 30, "the site")
        for device in devices[:3]:  # the authority is gone, K1 and K2 cannot see each other
            device.stop_sync()
        # K3 denies offline; K1 and K2 allow: both spend 700 of the 1000
        with using(k3.db), write():
            Setting.insert(key="offline_policy", value='{"balance.spend": "deny"}').execute()
        answers = run_at_once(CONSUME, [(k1, "700"), (k2, "700"), (k3, "100")])
        assert answers[:2] == [{"ok": True}, {"ok": True}]
        assert answers[2] == {"error": "spending 100 money of M001 refused by the offline "
                                       "policy: authority unreachable: offline policy"}
        # a wallet purchase on K3 is a spend too (SUMMER/BASIC costs 500 of the 1000 here)
        assert run_at_once(PURCHASE, [(k3, "SUMMER/BASIC")]) == [
            {"error": "spending 500 money of M001 refused by the offline policy: authority "
                      "unreachable: offline policy"}]
        for device in (k1, k2):
            device.start_sync(broker, "--authority", "C1")
        wait_until(lambda: k1.applied("K2") == 1 and k2.applied("K1") == 1, 30, "the merge")
        report = playdesk(k1, "conflicts")
        assert report["balances"] == [{"member": "M001", "kind": "money", "overdrawn": 400,
                                       "lots": ["C1-L1"], "devices": ["K1", "K2"]}]
        assert k1.sql("SELECT device, offline FROM consumption ORDER BY device") == \
            [("K1", 1), ("K2", 1)]
    finally:
        stop_all(devices)
