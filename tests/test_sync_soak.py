"""Issue 14's randomized soak: counters C1 (the authority) and C2 and kiosk K1 with real
`playdesk-sync` processes over a real Mosquitto, each operation a real `playdesk` CLI process:
sales, package purchases, wallet spends, refunds and kiosk orders, some of them racing, while
the broker is killed (-9) and restarted, sync processes are SIGKILLed, C2 is cut off for a
while (its sync process stopped), and K1's clock runs ahead. A known number of colliding facts
is made on purpose (C2 forced to allow refunds offline). Afterwards every device holds the same
facts, no lot is negative, every lot's total − remaining is Σ its consumption, and
`playdesk conflicts` lists exactly the injected collisions.

Seeded: PLAYDESK_SOAK_SEED picks another run (the seed is printed); PLAYDESK_SOAK_OPERATIONS
how many operations (default 50); the operations stop after PHASE_SECONDS whatever the count
(the injected collisions still made), so a slow machine stays under two minutes."""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass, field

from sync_helpers import Broker, Device, provision, stop_all, using, wait_until
from test_sync_convergence import converged, playdesk
from test_sync_fact_checks import AT, with_site
from test_sync_strict_processes import allow_offline, start
from test_sync_transport import set_clock

from engine import hlc

SEED = int(os.environ.get("PLAYDESK_SOAK_SEED", "14"))
OPERATIONS = int(os.environ.get("PLAYDESK_SOAK_OPERATIONS", "50"))
PHASE_SECONDS = 60.0
COLLISIONS = 2  # refunds of one purchase on C1 and C2 while the broker is down
SKEW_MS = 300_000  # K1's clock: 5 minutes ahead (within 10 × clock_tolerance_seconds)
MEMBERS = ("M001", "M002", "M003")
# What merged facts leave behind (derived per device from the same facts)
DERIVED_TABLES = ("void_lot", "lot_overdraw")


@dataclass
class Soak:
    """The site, what happened so far, and the chaos the run is in."""

    rng: random.Random
    broker: Broker
    devices: list[Device]
    purchases: list[str] = field(default_factory=list)  # refundable: bought, not on a receipt
    orders: list[str] = field(default_factory=list)  # kiosk orders' QR texts, not completed
    cut_off: int = 0  # operations C2 stays partitioned
    injected: list[str] = field(default_factory=list)  # purchases refunded twice on purpose
    log: list[str] = field(default_factory=list)

    @property
    def c1(self) -> Device:
        return self.devices[0]

    @property
    def c2(self) -> Device:
        return self.devices[1]

    @property
    def kiosk(self) -> Device:
        return self.devices[2]

    def counters(self) -> list[Device]:
        return self.devices[:2]

    def run(self, *runs: tuple) -> list[tuple[int, object]]:
        """CLI runs started together; exit 0 or 2 (a refusal) only, never a traceback."""
        started = [(device, args, start(device, *args)) for device, *args in runs]
        results = []
        for device, args, process in started:
            out, err = process.communicate(timeout=60)
            assert process.returncode in (0, 2), (device.name, args, err)
            results.append((process.returncode,
                            json.loads(out) if process.returncode == 0 else err.strip()))
            self.log.append(f"{device.name} {' '.join(args)} -> {process.returncode}")
        return results

    # -- operations ----------------------------------------------------------------------------

    def buy(self) -> None:
        device = self.rng.choice(self.devices)
        kiosk = device.role == "kiosk"
        pay = "card" if kiosk else self.rng.choice(["cash", "card", "wallet"])
        code, answer = self.run((device, "buy", "--member", self.rng.choice(MEMBERS),
                                 "--package", "SUMMER/BASIC", "--pay", pay, "--channel",
                                 "kiosk" if kiosk else "counter",
                                 *(() if kiosk else ("--staff", "MGR"))))[0]
        if code == 0:
            self.purchases.append(answer["purchase"])

    def spend(self) -> None:
        """One device, or two at once, spend wallet money."""
        spenders = self.rng.sample(self.devices, self.rng.choice([1, 2]))
        member = self.rng.choice(MEMBERS)
        self.run(*((device, "consume", "--member", member, "--kind", "money", "--amount",
                    str(self.rng.randint(1, 400)), "--device", "any") for device in spenders))

    def sale(self, tmp_path) -> None:
        device = self.rng.choice(self.counters())
        method = self.rng.choice(["cash", "wallet"])
        receipt = tmp_path / f"receipt-{len(self.log)}.yaml"
        receipt.write_text(f"location: COUNTER1\nmember: {self.rng.choice(MEMBERS)}\n"
                           f"lines: [{{item: HEADSET}}]\npayments: [{{method: {method}}}]\n")
        self.run((device, "checkout", str(receipt), "--staff", "MGR"))

    def refund(self) -> None:
        """A purchase refunded on one counter, or on both at once (exactly one may pay)."""
        if not self.purchases:
            return
        purchase = self.rng.choice(self.purchases)
        refunders = self.rng.sample(self.counters(), self.rng.choice([1, 2]))
        results = self.run(*((device, "refund", "--purchase", purchase, "--reason", "soak",
                              "--staff", "MGR") for device in refunders))
        assert sum(1 for code, _ in results if code == 0) <= 1, results
        if any(code == 0 for code, _ in results):
            self.purchases.remove(purchase)

    def order(self) -> None:
        """K1 takes an order, or a counter (or both at once) completes one."""
        if not self.orders or self.rng.random() < 0.5:
            code, answer = self.run((self.kiosk, "order", "create", "--member",
                                     self.rng.choice(MEMBERS), "--package", "SUMMER/BASIC"))[0]
            if code == 0:
                self.orders.append(answer["qr"])
            return
        qr = self.orders.pop(0)
        completers = self.rng.sample(self.counters(), self.rng.choice([1, 2]))
        results = self.run(*((device, "order", "complete", qr, "--pay", "cash", "--staff",
                              "MGR") for device in completers))
        made = {answer["purchase"] for code, answer in results if code == 0}
        assert len(made) <= 1, results
        if not made:
            self.orders.append(qr)  # not reachable now (offline: denied); later

    # -- chaos ---------------------------------------------------------------------------------

    def broker_down(self) -> bool:
        return self.broker.process is None

    def kill_broker(self) -> None:
        self.log.append("broker kill -9")
        self.broker.kill()

    def restart_broker(self) -> None:
        self.log.append("broker start")
        self.broker.start()

    def kill_sync(self) -> None:
        device = self.rng.choice([d for d in self.devices if d.process is not None])
        self.log.append(f"{device.name} sync kill -9")
        device.kill_sync()
        if not (device is self.c2 and self.cut_off):
            device.start_sync(self.broker, "--authority", "C1")

    def partition(self) -> None:
        self.log.append("C2 cut off")
        self.c2.stop_sync()
        self.cut_off = self.rng.randint(3, 8)

    def heal(self) -> None:
        self.cut_off -= 1
        if self.cut_off == 0:
            self.log.append("C2 back")
            self.c2.start_sync(self.broker, "--authority", "C1")

    def inject_collision(self) -> None:
        """C2, forced to allow refunds offline, and C1 both refund one settled purchase of C1
        with the broker down: one of them loses on every device."""
        purchase = self._settled_purchase()
        if purchase is None:
            purchase = self._settle_new_purchase()
        if not self.broker_down():
            self.kill_broker()
        allow_offline(self.c2, "purchase.refund")
        try:
            for device in (self.c2, self.c1):
                code, answer = self.run((device, "refund", "--purchase", purchase, "--reason",
                                         "collision", "--staff", "MGR"))[0]
                assert code == 0, answer
        finally:
            deny_offline(self.c2)
        self.purchases.remove(purchase)
        self.injected.append(purchase)

    def _settle_new_purchase(self) -> str:
        """C1 sells one (the site back together first) and C2 gets it."""
        if self.broker_down():
            self.restart_broker()
        if self.cut_off:
            self.cut_off = 1
            self.heal()
        code, answer = self.run((self.c1, "buy", "--member", "M001", "--package",
                                 "SUMMER/BASIC", "--pay", "cash", "--staff", "MGR"))[0]
        assert code == 0, answer
        self.purchases.append(answer["purchase"])
        wait_until(lambda: self.c2.sql("SELECT 1 FROM purchase WHERE id = ?",
                                       answer["purchase"]), 30, "C2 to get C1's sale")
        return answer["purchase"]

    def _settled_purchase(self) -> str | None:
        """A refundable purchase C2 holds already (so it can refund it offline)."""
        # paid in cash or by card: a wallet refund's lot would stay void for the loser
        held = {row[0] for row in self.c2.sql("SELECT id FROM purchase WHERE payment != "
                                              "'wallet'")}
        refunded = {row[0] for row in self.c2.sql("SELECT purchase FROM refund")} | {
            row[0] for row in self.c1.sql("SELECT purchase FROM refund")}
        candidates = [p for p in self.purchases if p in held and p not in refunded
                      and p.startswith("C1-")]
        return candidates[0] if candidates else None


def deny_offline(device: Device) -> None:
    """Back to the default offline policy (refunds denied)."""
    from engine.db import write
    from engine.models import Setting

    with using(device.db), write():
        Setting.delete().where(Setting.key == "offline_policy").execute()


def fund(c1: Device) -> None:
    """Each member's wallet: one large lot, so spends decided offline never overdraw it."""
    from engine.entitlements.adjust import add_lot

    with using(c1.db):
        for member in MEMBERS:
            add_lot(member, "money", "manual", 1_000_000, "MGR", "soak wallet", AT)


def site(tmp_path) -> Soak:
    from engine.db import write
    from engine.models import Event

    rng = random.Random(SEED)
    broker = Broker(tmp_path / "broker", persistence=rng.random() < 0.5).start()
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)
        with using(device.db), write():
            Event.delete().execute()  # each loaded the site: only facts travel
    set_clock(devices[2], hlc.Timestamp(hlc.wall_ms() + SKEW_MS, 0))
    fund(devices[0])
    return Soak(rng, broker, devices)


def fact_tables() -> list[str]:
    """Every table sync applies facts to (engine/sync/apply.py), and the derived ones."""
    from engine.sync.apply import MODELS_BY_TABLE, NOT_FACT_TABLES

    return sorted(set(MODELS_BY_TABLE) - set(NOT_FACT_TABLES)) + list(DERIVED_TABLES)


def facts(device: Device) -> dict[str, list[tuple]]:
    """Every fact table's rows, derived columns included (they follow from the facts)."""
    tables = {table: device.sql(f'SELECT * FROM "{table}" ORDER BY 1') for table in fact_tables()}
    # a conflict as each device noted it (its local row id and time left out)
    tables["sync_conflict"] = device.sql("SELECT kind, device, seq, hlc, type, reason, detail, "
                                         "key FROM sync_conflict ORDER BY device, seq")
    # the journals (an own event's signature is stored a moment after it was published)
    tables["event"] = device.sql("SELECT device, seq, hlc, type, payload FROM event "
                                 "ORDER BY device, seq")
    return tables


def test_soak(tmp_path):
    print(f"soak seed {SEED} (PLAYDESK_SOAK_SEED), {OPERATIONS} operations")
    soak = site(tmp_path)
    devices = soak.devices
    collide_at = soak.rng.sample(range(5, OPERATIONS * 2 // 3), COLLISIONS)
    # at least one of each kind of chaos, more at random
    forced = dict(zip(soak.rng.sample(range(OPERATIONS // 2), 3),
                      ("kill_broker", "kill_sync", "partition"), strict=True))
    try:
        for device in devices:
            device.start_sync(soak.broker, "--authority", "C1")
        wait_until(lambda: converged(devices), 30, "the wallets everywhere")
        deadline = time.monotonic() + PHASE_SECONDS
        for step in range(OPERATIONS):
            if time.monotonic() > deadline:
                soak.log.append(f"time is up after {step} operations")
                while len(soak.injected) < COLLISIONS:
                    soak.inject_collision()
                break
            if step in collide_at:
                soak.inject_collision()
            chaos = soak.rng.random()
            if step in forced:
                chaos = {"kill_broker": 0.0, "kill_sync": 0.1, "partition": 0.18}[forced[step]]
                if soak.broker_down():
                    soak.restart_broker()
                if soak.cut_off:
                    soak.cut_off = 1
                    soak.heal()
            if soak.broker_down():
                if chaos < 0.4:
                    soak.restart_broker()
            elif chaos < 0.08:
                soak.kill_broker()
            elif chaos < 0.16:
                soak.kill_sync()
            elif chaos < 0.20 and not soak.cut_off:
                soak.partition()
            if soak.cut_off:
                soak.heal()
            operation = soak.rng.choices(["buy", "spend", "sale", "refund", "order"],
                                         [3, 3, 2, 2, 2])[0]
            if operation == "sale":
                soak.sale(tmp_path)
            else:
                getattr(soak, operation)()
        # everything back: the broker, every sync process
        if soak.broker_down():
            soak.restart_broker()
        for device in devices:
            if device.process is None:
                device.start_sync(soak.broker, "--authority", "C1")
        wait_until(lambda: converged(devices), 60, "every device to apply every journal")
        chaos = [line for line in soak.log if "kill" in line or "cut off" in line]
        print(f"{len(soak.log)} runs and events, chaos: {len(chaos)}; "
              f"collisions injected: {soak.injected}")
        check(soak)
    except BaseException:
        print("\n".join(soak.log[-40:]))
        raise
    finally:
        stop_all(devices)
        soak.broker.kill()


def check(soak: Soak) -> None:
    devices = soak.devices
    reference = facts(soak.c1)
    for device in devices[1:]:
        mine = facts(device)
        for table, rows in reference.items():
            theirs, ours = set(rows), set(mine[table])
            assert mine[table] == rows, (f"{device.name} differs from C1 in {table}: only on "
                                         f"C1 {sorted(theirs - ours)[:3]}, only on "
                                         f"{device.name} {sorted(ours - theirs)[:3]}")
    assert len(reference["event"]) > 20 and len(reference["purchase"]) > 5
    assert len(reference["refund"]) >= COLLISIONS and reference["receipt"]
    for device in devices:
        assert device.sql("SELECT COUNT(*) FROM lot WHERE remaining < 0") == [(0,)]
        assert device.sql(
            "SELECT l.id, l.total, l.remaining, COALESCE(SUM(c.amount), 0) FROM lot l "
            "LEFT JOIN consumption c ON c.lot = l.id GROUP BY l.id "
            "HAVING l.total - l.remaining != COALESCE(SUM(c.amount), 0)") == []
        assert device.sql("SELECT COUNT(*) FROM lot_overdraw") == [(0,)]
        report = playdesk(device, "conflicts")
        assert report["coupons"] == [] and report["balances"] == [] and report["held"] == []
        assert sorted((f["kind"], f["type"], f["reason"]) for f in report["facts"]) == \
            [("collision", "refund", "refund.purchase")] * len(soak.injected)
        losers = {f["key"] for f in report["facts"]}
        assert losers == {f"refund.purchase={p}" for p in soak.injected}
    assert len(soak.injected) == COLLISIONS
