"""Strict operations: a one-time coupon redeemed on two counters at once goes through the
authority (exactly one succeeds); without it the offline policy decides and `conflicts` tells."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from sync_helpers import ROOT, provision, stop_all, using, wait_until
from test_sync_replication import broker  # noqa: F401 - the fixture

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
