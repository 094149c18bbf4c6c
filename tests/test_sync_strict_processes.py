"""Issue 14, items 1-3, against real processes: counters C1 (the authority) and C2 and kiosk K1,
a real Mosquitto, real `playdesk-sync` processes, and every operation a real `playdesk` CLI
process (started together where they race). Money never leaves twice, no lot goes negative, and
colliding facts settle on one winner everywhere without stopping their origin."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from sync_helpers import ROOT, Broker, Device, provision, stop_all, using, wait_until
from test_sync_convergence import converged, playdesk
from test_sync_fact_checks import AT, with_site

CLI = "import sys; from engine.cli import main; sys.exit(main())"
DEVICES = {"C1": "counter", "C2": "counter", "K1": "kiosk"}


def start(device: Device, *args: str, at: dt.datetime = AT) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CLI, "--db", str(device.db), "--at",
                             at.isoformat(), *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def together(*runs: tuple) -> list[tuple[int, object]]:
    """Start every (device, args...) CLI run at once: [(exit code, JSON answer or error)]."""
    started = [start(device, *args) for device, *args in runs]
    results = []
    for run in started:
        out, err = run.communicate(timeout=60)
        assert run.returncode in (0, 2), err  # 1 would be a bug (a traceback)
        results.append((run.returncode, json.loads(out) if run.returncode == 0 else err))
    return results


UNREACHABLE = "authority unreachable"


def spending(*runs: tuple) -> list[tuple[int, object]]:
    """`together` for spends: a run that did not hear the authority within its second (a
    loaded machine; the offline policy denies spends here) is run again, alone, up to twice."""
    results = together(*runs)
    for index, run in enumerate(runs):
        for _ in range(2):
            if results[index][0] == 0 or UNREACHABLE not in str(results[index][1]):
                break
            results[index] = together(run)[0]
    return results


def cli(device: Device, *args: str, at: dt.datetime = AT) -> dict:
    run = start(device, *args, at=at)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    return json.loads(out)


@pytest.fixture
def site(tmp_path):
    """C1, C2, K1 with the demo site (each loaded it; their journals hold only facts), every
    sync process running with C1 as the authority."""
    from engine.db import write
    from engine.models import Event

    broker = Broker(tmp_path / "broker").start()
    devices = provision(tmp_path, DEVICES)
    for device in devices:
        with_site(device)
        with using(device.db), write():
            Event.delete().execute()
    for device in devices[1:]:  # spends the authority did not answer are refused, not guessed
        set_offline_policy(device, {"balance.spend": "deny"})
    try:
        for device in devices:
            device.start_sync(broker, "--authority", "C1")
        wait_until(lambda: all(d.sql("SELECT value FROM local_state WHERE key = 'sync.online'")
                               == [("true",)] for d in devices), 20, "every device online")
        yield broker, devices
    finally:
        stop_all(devices)
        broker.kill()


def settle(devices, timeout: float = 30) -> None:
    wait_until(lambda: converged(devices), timeout, "every device to apply every journal")


def set_offline_policy(device: Device, policy: dict[str, str]) -> None:
    from engine.db import write
    from engine.models import Setting

    with using(device.db), write():
        Setting.insert(key="offline_policy", value=json.dumps(policy)
                       ).on_conflict_replace().execute()


def allow_offline(device: Device, op: str) -> None:
    set_offline_policy(device, {op: "allow"})


def money_books(device: Device, member: str = "M001") -> tuple[int, int, int, int]:
    """(lowest lot remaining, Σ totals, Σ consumption, Σ remaining) of the member's money."""
    low, totals, remaining = device.sql(
        "SELECT MIN(remaining), SUM(total), SUM(remaining) FROM lot WHERE member = ? AND "
        "kind = 'money'", member)[0]
    spent = device.sql("SELECT COALESCE(SUM(c.amount), 0) FROM consumption c JOIN lot l ON "
                       "l.id = c.lot WHERE l.member = ? AND l.kind = 'money'", member)[0][0]
    return low, totals, spent, remaining


# -- item 1: refunds and order completions, offline and online --------------------------------

def test_one_purchase_refunded_on_two_counters_pays_once(site):
    broker, devices = site
    c1, c2, _ = devices
    bought = cli(c1, "buy", "--member", "M001", "--package", "SUMMER/BASIC", "--pay", "cash",
                 "--staff", "MGR")
    settle(devices)
    broker.kill()  # offline: the authority (C1) decides its own; C2's policy (deny) its own
    refunds = together((c1, "refund", "--purchase", bought["purchase"], "--reason", "broken",
                        "--staff", "MGR"),
                       (c2, "refund", "--purchase", bought["purchase"], "--reason", "broken",
                        "--staff", "MGR"))
    assert refunds[0][0] == 0 and refunds[0][1]["refund_amount"] == 500
    assert refunds[1][0] == 2 and "refused by the offline policy" in refunds[1][1]
    broker.start()
    settle(devices)
    for trial in range(5):  # online, both at once: the authority lets exactly one through
        bought = cli(c1, "buy", "--member", "M002", "--package", "SUMMER/BASIC", "--pay",
                     "cash", "--staff", "MGR")
        settle(devices)
        refunds = together(*((device, "refund", "--purchase", bought["purchase"], "--reason",
                              f"race {trial}", "--staff", "MGR") for device in (c1, c2)))
        assert sorted(code for code, _ in refunds) == [0, 2], refunds
    settle(devices)
    for device in devices:
        assert device.sql("SELECT COUNT(*), COUNT(DISTINCT purchase), SUM(amount) FROM refund"
                          ) == [(6, 6, 3000)]
        assert device.sql("SELECT COUNT(*) FROM sync_conflict") == [(0,)]


def test_a_kiosk_order_completed_on_two_counters_is_paid_once(site):
    _, devices = site
    c1, c2, kiosk = devices
    for _ in range(3):
        order = cli(kiosk, "order", "create", "--member", "M001", "--package", "SUMMER/BASIC")
        settle(devices)
        done = together(*((device, "order", "complete", order["qr"], "--pay", "cash",
                           "--staff", "MGR") for device in (c1, c2)))
        # refused, or (the completion already applied there) shown the one purchase made
        assert len({answer["purchase"] for code, answer in done if code == 0}) == 1, done
    settle(devices)
    for device in devices:
        assert device.sql("SELECT COUNT(*), COUNT(DISTINCT key) FROM purchase") == [(3, 3)]
        assert device.sql("SELECT COUNT(*), SUM(amount) FROM payment") == [(3, 1500)]
        assert device.sql('SELECT COUNT(*), COUNT(DISTINCT "order") FROM order_completion'
                          ) == [(3, 3)]
        assert device.sql("SELECT COUNT(*) FROM sync_conflict") == [(0,)]


def test_colliding_refunds_settle_on_one_winner_everywhere_and_the_origin_goes_on(site):
    """C2 is forced to allow refunds offline: with the broker down it and C1 both refund one
    purchase; after the merge every device keeps the earlier (hlc, device) one, lists the
    other in `playdesk conflicts`, and applies C2's later purchase."""
    broker, devices = site
    c1, c2, _ = devices
    bought = cli(c1, "buy", "--member", "M001", "--package", "SUMMER/BASIC", "--pay", "cash",
                 "--staff", "MGR")
    settle(devices)
    allow_offline(c2, "purchase.refund")
    broker.kill()
    for device in (c2, c1):
        cli(device, "refund", "--purchase", bought["purchase"], "--reason", "twice", "--staff",
            "MGR")
    later = cli(c2, "buy", "--member", "M002", "--package", "SUMMER/BASIC", "--pay", "cash",
                "--staff", "MGR")
    stamps = sorted((hlc, device.name) for device in (c1, c2) for (hlc,) in device.sql(
        "SELECT hlc FROM event WHERE device = ? AND type = 'refund'", device.name))
    winner, loser = stamps[0][1], stamps[1][1]
    broker.start()
    settle(devices)
    for device in devices:
        assert device.sql("SELECT purchase, device FROM refund") == [(bought["purchase"],
                                                                     winner)]
        facts = playdesk(device, "conflicts")["facts"]
        assert [(f["kind"], f["device"], f["type"], f["reason"]) for f in facts] == [
            ("collision", loser, "refund", "refund.purchase")]
        assert device.sql("SELECT COUNT(*) FROM purchase WHERE id = ?", later["purchase"]
                          ) == [(1,)]


def test_colliding_order_completions_leave_one_purchase_everywhere(site):
    """C2 is forced to allow order completions offline: with the broker down it and C1 both
    complete one kiosk order for cash; after the merge one purchase and one payment everywhere,
    the loser's purchase and completion listed as conflicts, its lot void, C2 going on."""
    broker, devices = site
    c1, c2, kiosk = devices
    order = cli(kiosk, "order", "create", "--member", "M001", "--package", "SUMMER/BASIC")
    settle(devices)
    allow_offline(c2, "order.complete")
    broker.kill()
    for device in (c1, c2):
        cli(device, "order", "complete", order["qr"], "--pay", "cash", "--staff", "MGR")
    later = cli(c2, "buy", "--member", "M002", "--package", "SUMMER/BASIC", "--pay", "cash",
                "--staff", "MGR")
    # each counter's journal starts with its completion (the kiosk's order came by sync)
    stamps = sorted((device.sql("SELECT hlc FROM event WHERE device = ? AND seq = 1",
                                device.name)[0][0], device.name,
                     device.sql("SELECT id FROM purchase WHERE key IS NOT NULL AND device = ?",
                                device.name)[0][0]) for device in (c1, c2))
    (_, _, winner), (_, loser, _) = stamps
    broker.start()
    settle(devices)
    for device in devices:
        assert device.sql("SELECT id FROM purchase WHERE key IS NOT NULL") == [(winner,)]
        assert device.sql('SELECT "order", purchase FROM order_completion') == [
            (order["order"], winner)]
        facts = playdesk(device, "conflicts")["facts"]
        assert sorted((f["kind"], f["device"], f["reason"]) for f in facts) == [
            ("collision", loser, "order_completion.purchase"),
            ("collision", loser, "purchase.key")]
        assert device.sql("SELECT COALESCE(SUM(remaining), 0) FROM lot WHERE member = 'M001' "
                          "AND status = 'active'") == [(60,)]
        assert device.sql("SELECT COUNT(*) FROM purchase WHERE id = ?", later["purchase"]
                          ) == [(1,)]


# -- item 2: two devices spending from one small lot at once ----------------------------------

def test_two_devices_spending_at_once_never_drive_a_lot_negative(site):
    """Lots of 100 (expiring first) and 10,000; K1 and C2 each spend 80 at the same moment,
    20 times: no lot below zero anywhere, the balance Σ totals − Σ consumption everywhere."""
    from engine.entitlements.adjust import add_lot

    _, devices = site
    c1, c2, kiosk = devices
    for trial in range(20):
        with using(c1.db):
            small = add_lot("M001", "money", "manual", 100, "MGR", f"small {trial}", AT,
                            expires_at=AT + dt.timedelta(days=1))
            add_lot("M001", "money", "manual", 10_000, "MGR", f"big {trial}", AT)
        settle(devices)
        spends = spending(*((device, "consume", "--member", "M001", "--kind", "money",
                             "--amount", "80", "--device", "any") for device in (kiosk, c2)))
        assert [code for code, _ in spends] == [0, 0], spends
        settle(devices)
        small_id = small["lot"] if "lot" in small else small["id"]
        for device in devices:
            assert device.sql("SELECT remaining FROM lot WHERE id = ?", small_id) == [(0,)]
    for device in devices:
        low, totals, spent, remaining = money_books(device)
        assert low >= 0 and totals == 20 * 10_100 and spent == 20 * 160
        assert remaining == totals - spent
        balance = playdesk(device, "--at", AT.isoformat(), "balance", "--member", "M001")
        assert balance["money"]["total"] == totals - spent
        assert device.sql("SELECT COUNT(*) FROM lot_overdraw") == [(0,)]


# -- item 3: the three double-spend variants ----------------------------------------------------

def wallet(c1: Device, amount: int, member: str = "M001") -> None:
    from engine.entitlements.adjust import add_lot

    with using(c1.db):
        add_lot(member, "money", "manual", amount, "MGR", "wallet", AT,
                expires_at=AT + dt.timedelta(days=1))


def spend(device: Device, amount: int, member: str = "M001") -> tuple:
    return (device, "consume", "--member", member, "--kind", "money", "--amount", str(amount),
            "--device", "any")


def never_overdrawn(devices, expected_remaining: int, member: str = "M001") -> None:
    settle(devices)
    for device in devices:
        low, totals, spent, remaining = money_books(device, member)
        assert low >= 0 and remaining == totals - spent == expected_remaining
        assert device.sql("SELECT COUNT(*) FROM lot_overdraw") == [(0,)]


def test_a_grant_whose_fact_is_on_its_way_does_not_lapse(site):
    """K1 spends 400 of 500 while its sync process is down (the fact waits on K1); a quarter
    of an hour later C2 asks for 400 too: refused, the grant still holds the money."""
    _, devices = site
    c1, c2, kiosk = devices
    wallet(c1, 500)
    settle(devices)
    kiosk.stop_sync()
    assert spending(spend(kiosk, 400))[0][0] == 0
    for _ in range(3):
        later = start(c2, *spend(c2, 400)[1:], at=AT + dt.timedelta(minutes=15))
        out, err = later.communicate(timeout=60)
        if UNREACHABLE not in err:
            break
    assert later.returncode == 2 and "the authority refused spending 400" in err, (out, err)
    kiosk.start_sync(site[0], "--authority", "C1")
    never_overdrawn(devices, 100)


def test_an_authority_in_another_time_zone_judges_by_the_operations_time(site):
    """C1's sync process runs with TZ=Pacific/Kiritimati (UTC+14) and the operations are
    stamped with a day of the site's calendar: K1 and C2 each spend 400 of 500 at once, three
    times: one each time, and lots valid that day are not taken for expired."""
    broker, devices = site
    c1, c2, kiosk = devices
    c1.stop_sync()
    c1.start_sync(broker, "--authority", "C1", env={"TZ": "Pacific/Kiritimati"})
    wait_until(lambda: c1.sql("SELECT value FROM local_state WHERE key = 'sync.online'")
               == [("true",)], 20, "C1 online again")
    left = 0
    for _ in range(3):
        wallet(c1, 500)
        left += 500
        settle(devices)
        spends = spending(spend(kiosk, 400), spend(c2, 400))
        assert sorted(code for code, _ in spends) == [0, 2], spends
        left -= 400
    never_overdrawn(devices, left)


def test_two_processes_of_one_device_asking_at_once_get_one_grant(site):
    _, devices = site
    c1, _, kiosk = devices
    wallet(c1, 500)
    settle(devices)
    spends = spending(spend(kiosk, 400), spend(kiosk, 400), spend(kiosk, 400))
    assert sorted(code for code, _ in spends) == [0, 2, 2], spends
    never_overdrawn(devices, 100)
