"""Kiosk speed: cold start to the attract screen, card scan to the home screen, resident memory.

    .venv/bin/python -m bench.bench_kiosk

Runs the real app under Xvfb (started here) on a fresh copy of the demo site.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests import ui_harness  # Xvfb and the frame-by-frame app driver (also puts uikit on the path)

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "demo" / "site.yaml"
AT = dt.datetime(2026, 7, 3, 12, 0)
COLD_STARTS = 3
SCANS = 20

CHILD = """
import sys, time
from kiosk.main import configure_kivy
configure_kivy("800x480")
from engine.clock import FixedClock
from engine.db import open_database
from kiosk.app import KioskApp
from tests.ui_harness import AppDriver
open_database(sys.argv[1])
driver = AppDriver(KioskApp(FixedClock(__AT__), location="KIOSK1"))
driver.pump_until(lambda: driver.app.screens.current == "attract")
driver.pump(2)
print("READY", flush=True)
"""


def prepare_database(folder: Path) -> Path:
    from engine.db import close_database, open_database
    from engine.sitefile import load_site_file

    path = folder / "playdesk.db"
    open_database(path)
    load_site_file(SITE, at=AT)
    close_database()
    return path


def cold_start(database: Path) -> float:
    code = CHILD.replace("__AT__", repr(AT).replace("datetime.datetime", "__import__('datetime')"
                                                                        ".datetime"))
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, str(database)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env={**os.environ, "KIVY_NO_CONSOLELOG": "1", "PYTHONPATH": str(ROOT)})
    for line in child.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError("the kiosk did not reach the attract screen")
    child.wait(timeout=30)
    return elapsed


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def scan_to_home(database: Path) -> tuple[list[float], float]:
    from kiosk.main import configure_kivy

    configure_kivy("800x480")
    from engine.clock import FixedClock
    from engine.db import open_database
    from hardware.scanners.base import Scan
    from kiosk.app import KioskApp

    open_database(database)
    driver = ui_harness.AppDriver(KioskApp(FixedClock(AT), location="KIOSK1"))
    times = []
    for _ in range(SCANS):
        driver.app.logout()
        driver.pump(2)
        started = time.perf_counter()
        driver.app.scans.push(Scan("MEM0001", "bench", time.time()))
        driver.pump_until(lambda: driver.app.screens.current == "home")
        driver.pump(1)  # the home screen drawn
        times.append(time.perf_counter() - started)
    for name in ("packages", "history", "home"):
        driver.app.go(name)
        driver.pump(2)
    return times, resident_mb()


def main() -> int:
    os.environ["KIVY_NO_CONSOLELOG"] = "1"
    session = ui_harness.xvfb_session()
    next(session)
    try:
        with tempfile.TemporaryDirectory() as folder:
            database = prepare_database(Path(folder))
            starts = [cold_start(database) for _ in range(COLD_STARTS)]
            print(f"kiosk cold start to attract: median {statistics.median(starts):.2f} s "
                  f"(max {max(starts):.2f} s, {COLD_STARTS} runs; target < 3 s)")
            scans, memory = scan_to_home(database)
            print(f"card scan to home screen: median {statistics.median(scans) * 1000:.0f} ms "
                  f"(max {max(scans) * 1000:.0f} ms, {SCANS} scans; target < 300 ms)")
            print(f"resident memory after all screens: {memory:.0f} MB (target < 200 MB)")
    finally:
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
