"""Sync figures on loopback with a real Mosquitto and real sync processes.

    .venv/bin/python -m bench.bench_sync
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from sync_helpers import ROOT, Broker, provision, stop_all, using, wait_until  # noqa: E402

SAMPLES = 300
CATCH_UP = 100_000
# each event in its own transaction (the baseline): ~10x slower, so on fewer events
CATCH_UP_ALONE = 10_000
CAMPAIGNS = 500


def append_lot(origin: str) -> None:
    """One fact event on the bound database, as the engine writes facts."""
    from engine import journal
    from engine.db import write
    from engine.ids import next_id
    from engine.models import Lot

    with write():
        lot = Lot.create(id=next_id("L"), member="M001", kind="money", type="manual", total=10,
                         remaining=10, created_at=dt.datetime(2026, 7, 3, 12), origin=origin)
        journal.append_rows("lot", lot)


def add_lots(device, count: int) -> None:
    from engine.db import write

    with using(device.db), write():
        for _ in range(count):
            append_lot(device.name)


def latency(directory: Path) -> None:
    broker = Broker(directory / "broker").start()
    a, b = devices = provision(directory, {"C1": "counter", "C2": "counter"})
    try:
        for device in devices:
            device.start_sync(broker)
        add_lots(a, 1)
        wait_until(lambda: b.applied("C1") == 1, 30)
        figures = []
        reader = sqlite3.connect(b.db)
        with using(a.db):
            for seq in range(2, SAMPLES + 2):
                start = time.perf_counter()
                append_lot(a.name)
                while reader.execute("SELECT applied_seq FROM sync_origin WHERE device='C1'"
                                     ).fetchone()[0] < seq:
                    time.sleep(0.0005)
                figures.append((time.perf_counter() - start) * 1000)
                time.sleep(0.01)
        reader.close()
        figures.sort()
        p50 = statistics.median(figures)
        p99 = figures[int(len(figures) * 0.99) - 1]
        print(f"replication latency p50 {p50:.1f} ms, p99 {p99:.1f} ms (target p99 < 50 ms; "
              f"commit on one device to applied on another, {SAMPLES} events)")
    finally:
        stop_all(devices)
        broker.kill()


def bulk_journal(device, count: int) -> None:
    """`count` signed lot events in the device's journal, written straight into the tables in
    one transaction (the engine's path costs ~1 ms per event; here only the catch-up counts).
    They stand for events the device published before the other one went away."""
    from engine import journal, localstate
    from engine.db import write
    from engine.entitlements.lots import make_lot
    from engine.hlc import Timestamp
    from engine.models import Event
    from engine.sync import outbox, signing
    from engine.sync.keys import key_path, load_or_create

    at = dt.datetime(2026, 7, 3, 12)
    start_ms = int(time.time() * 1000) - count
    with using(device.db):
        key = load_or_create(key_path(device.db))
        rows = []
        for seq in range(1, count + 1):
            lot = make_lot(f"{device.name}-L{seq}", "M001", "money", "manual", 10, at,
                           device.name)
            event = Event(device=device.name, seq=seq, hlc=Timestamp(start_ms + seq, 0).encode(),
                          type="lot", payload=journal.dumps(journal.rows_payload(lot)))
            event.sig = signing.sign(outbox.event_body(event, "DEMO"), key)["sig"]
            rows.append((event.device, event.seq, event.hlc, event.type, event.payload,
                         event.sig))
        with write():
            journal.database.cursor().executemany(
                "INSERT INTO event (device, seq, hlc, type, payload, sig) "
                "VALUES (?, ?, ?, ?, ?, ?)", rows)
            localstate.put(localstate.PUBLISHED_SEQ, str(count))
            localstate.put(localstate.HLC, rows[-1][2])


def catch_up(directory: Path, apply_batch: int | None = None, count: int = CATCH_UP) -> float:
    """C2 back after an outage asks C1 for its 100,000 events; `apply_batch` events are applied
    in a transaction (None: the default, engine.sync.client.APPLY_BATCH)."""
    broker = Broker(directory / "broker").start()
    a, b = devices = provision(directory, {"C1": "counter", "C2": "counter"})
    try:
        started = time.perf_counter()
        bulk_journal(a, count)
        print(f"  ({count:,} signed events generated in {time.perf_counter() - started:.1f} s)")
        a.start_sync(broker)
        wait_until(lambda: a.sql("SELECT value FROM local_state WHERE key='sync.online'")
                   == [("true",)], 30)
        start = time.perf_counter()
        extra = () if apply_batch is None else ("--apply-batch", str(apply_batch))
        b.start_sync(broker, *extra)  # new or back after an outage: it asks C1 to resend all
        wait_until(lambda: b.applied("C1") == count, 1200)
        elapsed = time.perf_counter() - start
        lots = b.sql("SELECT COUNT(*) FROM lot")[0][0]
        how = (f"{apply_batch} event(s) a transaction" if apply_batch is not None
               else "in batches (default)")
        print(f"catch-up of {count:,} events after an outage, {how}: {elapsed:.1f} s, "
              f"{count / elapsed:,.0f} events/s (target <= 30 s, issue 16) "
              f"[{lots:,} lots applied]")
        return elapsed
    finally:
        stop_all(devices)
        broker.kill()


def catch_up_both(directory: Path) -> None:
    """The default batches and, in the same run, each event in its own transaction."""
    batched = catch_up(directory / "batched")
    alone = catch_up(directory / "alone", apply_batch=1, count=CATCH_UP_ALONE)
    per_batched, per_alone = batched / CATCH_UP * 1e6, alone / CATCH_UP_ALONE * 1e6
    floor = verify_seconds(CATCH_UP)
    print(f"catch-up per event: in batches {per_batched:.0f} us vs one event a transaction "
          f"{per_alone:.0f} us ({per_alone / per_batched:.1f}x); checking the {CATCH_UP:,} "
          f"signatures alone takes {floor:.1f} s in this process (the floor the receiver pays)")


def verify_seconds(count: int, sample: int = 2000) -> float:
    """What Ed25519 verification of `count` event messages costs (measured on `sample`)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from engine.sync import signing
    from engine.sync.keys import public_hex

    key = Ed25519PrivateKey.generate()
    payload = '{"rows":{"lot":[{"id":"C1-L1","member":"M001","total":10}]}}'
    messages = [signing.sign({"site": "DEMO", "device": "C1", "seq": n, "type": "lot",
                              "hlc": f"{n:015d}.00000", "payload": payload}, key)
                for n in range(1, sample + 1)]
    public = public_hex(key)
    start = time.process_time()
    for message in messages:
        signing.verify(message, public)
    return (time.process_time() - start) / sample * count


def push_campaigns(directory: Path) -> None:
    broker = Broker(directory / "broker").start()
    devices = provision(directory, {"OWNER": "owner", "C1": "counter", "C2": "counter",
                                    "K1": "kiosk"}, owner="OWNER")
    owner, *receivers = devices
    site = (ROOT / "tests" / "data" / "site.yaml").read_text()
    extra = "".join(
        f"  - {{code: BULK{n}, type: line_discount, automatic: true, name: Bulk {n}, value: 5, active: false}}\n"
        for n in range(CAMPAIGNS))
    site_file = directory / "site.yaml"
    site_file.write_text(site.replace("campaigns:\n", "campaigns:\n" + extra, 1))
    try:
        for device in receivers:
            device.start_sync(broker)
        for device in receivers:
            wait_until(lambda d=device: d.sql("SELECT value FROM local_state WHERE "
                                              "key='sync.online'") == [("true",)], 30)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sys; from engine.cli import main; "
                        "sys.exit(main())", "--db", str(owner.db), "push", str(site_file),
                        "--broker", broker.address, "--site", "DEMO", "--kind", "owner"],
                       cwd=ROOT, check=True, capture_output=True)
        wait_until(lambda: all(d.applied("OWNER") == 1 for d in receivers), 120)
        elapsed = time.perf_counter() - start
        counts = [d.sql("SELECT COUNT(*) FROM campaign WHERE code LIKE 'BULK%'")[0][0]
                  for d in receivers]
        print(f"push of {CAMPAIGNS} campaigns reaching 3 devices {elapsed:.2f} s "
              f"(target < 5 s; includes validating and loading on the owner) {counts}")
    finally:
        stop_all(devices)
        broker.kill()


def main() -> None:
    for bench in (latency, push_campaigns, catch_up_both):
        with tempfile.TemporaryDirectory() as directory:
            bench(Path(directory))


if __name__ == "__main__":
    main()
