"""Three devices converge: an owner push of the site, concurrent purchases, consumption, coupon
generation and redemption; the ACL; strict operations through the authority."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from sync_helpers import ROOT, Broker, Device, provision, stop_all, using, wait_until

AT = dt.datetime(2026, 7, 3, 12, 0)
SITE_FILE = ROOT / "tests" / "data" / "site.yaml"


def playdesk(device: Device, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())", "--db", str(device.db), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def state(device: Device) -> dict:
    return {
        "lots": device.sql("SELECT id, remaining, status FROM lot ORDER BY id"),
        "coupons": device.sql("SELECT code, redemptions, status FROM coupon ORDER BY code"),
        "campaigns": device.sql("SELECT code, active, name, version FROM campaign ORDER BY code"),
        "members": device.sql("SELECT code, name, version FROM member ORDER BY code"),
    }


def converged(devices) -> bool:
    seqs = {d.name: d.journal_seq() for d in devices}
    return all(d.applied(o) == s for d in devices for o, s in seqs.items() if o != d.name)


def test_three_devices_converge_after_concurrent_facts(tmp_path):
    from engine import journal
    from engine.coupons.wizard import generate
    from engine.db import write
    from engine.derived import refresh_coupons
    from engine.entitlements.consumption import consume
    from engine.entitlements.purchase import purchase
    from engine.ids import device_id, next_id
    from engine.models import CouponRedemption

    broker = Broker(tmp_path / "broker").start()
    devices = provision(tmp_path, {"OWNER": "owner", "C1": "counter", "C2": "counter",
                                   "K1": "kiosk"}, owner="OWNER")
    owner, c1, c2, kiosk = devices
    sellers = [c1, c2, kiosk]
    try:
        for device in sellers:
            device.start_sync(broker)
        for device in sellers:
            wait_until(lambda d=device: d.sql("SELECT value FROM local_state "
                                              "WHERE key = 'sync.online'") == [("true",)])
        pushed = playdesk(owner, "push", str(SITE_FILE), "--broker", broker.address,
                          "--site", "DEMO", "--kind", "owner")
        assert pushed["published"] is True
        wait_until(lambda: all(d.applied("OWNER") == 1 for d in sellers), 30, "the push")
        assert all(d.sql("SELECT COUNT(*) FROM campaign")[0][0] > 3 for d in sellers)

        for index, device in enumerate(sellers):
            with using(device.db):
                channel = "kiosk" if device.role == "kiosk" else "counter"
                for member in ("M001", "M002"):
                    purchase(member, "SUMMER/PREMIUM", "cash", channel, AT)
                consume("M001", "minutes", 10 + index, "any", AT)
                if device.role == "counter":
                    coupons = generate("WELCOME", 2, AT, discount_type="reduce", value=500)
                    with write():  # a redemption fact, as checkout records it
                        redemption = CouponRedemption.create(
                            id=next_id("CR"), coupon=coupons[0].code, receipt=next_id("R"),
                            at=AT, device=device_id())
                        journal.append_rows("sale", redemption)
                        refresh_coupons([redemption.coupon])
        wait_until(lambda: converged(devices[1:]), 30, "convergence of the sellers")
        reference = state(c1)
        assert len(reference["lots"]) == 12 and len(reference["coupons"]) == 4
        assert sum(1 for _, count, status in reference["coupons"] if status == "redeemed") == 2
        for device in (c2, kiosk):
            assert state(device) == reference
        listed = playdesk(c1, "devices")
        assert {d["device"] for d in listed} == {"OWNER", "C1", "C2", "K1"}
        assert all(d["online"] for d in listed if d["device"] in ("C2", "K1"))
    finally:
        stop_all(devices)
        broker.kill()
