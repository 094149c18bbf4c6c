"""Issue 14, items 1-3, against real processes: one receipt (COLA 250 + WATER 150, paid wallet
300 + cash 100), line 1 refunded on C1 (the authority) and line 2 on C2 at the same moment, 8
times. Real Mosquitto, real `playdesk-sync` processes, every operation a real `playdesk` CLI
process. A refund the authority holds back (the other is under way, or has not reached this
counter) goes through when run again; no method ever gets back more than it paid, and
`playdesk conflicts` has nothing to show."""

from __future__ import annotations

from sync_helpers import Device
from test_sync_strict_processes import (  # site: the fixture, C1, C2 and K1 online
    cli,
    settle,
    site,  # noqa: F401
    together,
)

TRIALS = 8
UNREACHABLE = "authority unreachable"  # C2's offline policy denies receipt refunds
HELD_BACK = ("being refunded on", "has not reached this counter yet", UNREACHABLE)


def returned(device: Device, receipt: str) -> dict[str, int]:
    return dict(device.sql(
        "SELECT p.method, SUM(p.amount) FROM receipt_refund_payment p JOIN receipt_refund r "
        "ON r.id = p.refund_id WHERE r.receipt = ? GROUP BY p.method", receipt))


def test_two_lines_of_one_receipt_refunded_at_once_never_return_more_than_was_paid(
        site, tmp_path):  # noqa: F811 - the fixture imported above
    _, devices = site
    c1, c2, _ = devices
    cli(c1, "lot", "add", "--member", "M001", "--kind", "money", "--type", "manual",
        "--amount", "100000", "--comment", "promo credit", "--staff", "MGR")
    shifts = {device.name: cli(device, "shift", "open", "--staff", "MGR", "--cash", "10000"
                               )["shift"] for device in (c1, c2)}
    sale = tmp_path / "sale.yaml"
    sale.write_text("location: COUNTER1\nmember: M001\nlines: [{item: COLA}, {item: WATER}]\n"
                    "payments: [{method: wallet, amount: 300}, {method: cash, amount: 100}]\n")
    held_back = 0
    for trial in range(TRIALS):
        receipt = cli(c1, "checkout", str(sale), "--staff", "MGR", "--shift",
                      shifts["C1"])["receipt"]
        settle(devices)
        runs = [(device, "refund-receipt", receipt, "--line", str(line), "--reason",
                 f"race {trial}", "--staff", "MGR", "--shift", shifts[device.name])
                for device, line in ((c1, 1), (c2, 2))]
        results = together(*runs)
        settle(devices)
        for run, (code, answer) in zip(runs, results, strict=True):
            if code == 0:
                continue
            assert any(reason in answer for reason in HELD_BACK), answer
            held_back += 1
            for _ in range(3):  # everything has arrived now: it goes through (a loaded
                code, answer = together(run)[0]  # machine may miss the authority's second)
                if code == 0 or UNREACHABLE not in answer:
                    break
                settle(devices)
            assert code == 0, answer
        settle(devices)
        for device in devices:
            assert returned(device, receipt) == {"cash": 100, "wallet": 300}, (trial, device)
    for device in devices:
        shown = cli(device, "conflicts")
        assert shown["receipts"] == [] and shown["facts"] == [], shown
    print(f"refunds held back by the authority: {held_back} of {2 * TRIALS}")
