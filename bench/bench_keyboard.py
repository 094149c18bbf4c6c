"""On-screen keyboard speed (issue 18, target < 150 ms): a finger on a text field -> the
keyboard open and drawn, the first time (the keyboard is built then) and after (it is reused),
at 1024x600 and 1280x800.

    .venv/bin/python -m bench.bench_keyboard

The real counter app under Xvfb (started here) on the demo site: a tap on the receipt's scan
field, one frame run (the keyboard is on screen), Done, again.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from bench.apphelpers import display, ms, prepare_database
from tests import ui_harness

AT = dt.datetime(2026, 7, 3, 17, 30)
TAPS = 30
PIN = "7391"


def open_times(driver, field) -> tuple[float, list[float]]:
    """(first open, later opens) in seconds: touch down and up on the field, one frame drawn."""
    from kivy.tests.common import UnitTestTouch

    from uikit.keyboard import keyboard

    times = []
    for _ in range(TAPS + 1):
        driver.pump(2)
        x, y = field.to_window(field.center_x, field.center_y)
        touch = UnitTestTouch(x, y)
        started = time.perf_counter()
        touch.touch_down()
        touch.touch_up()
        driver.loop.idle()  # the frame that draws it
        times.append(time.perf_counter() - started)
        assert keyboard().is_open
        keyboard().press("Done")
    return times[0], times[1:]


def main() -> int:
    with display(), tempfile.TemporaryDirectory() as folder:
        database = prepare_database(Path(folder), AT)
        ui_harness.configure_test_kivy("1280x800")
        from counter.app import CounterApp
        from engine.clock import FixedClock
        from engine.db import open_database
        from engine.models import Staff
        from engine.people.pins import hash_pin
        from engine.people.staff import login
        from engine.sales.shifts import open_shift

        open_database(database)
        Staff.create(code="B01", name="Bench", role="cashier", pin_hash=hash_pin(PIN))
        driver = ui_harness.AppDriver(CounterApp(FixedClock(AT), location="COUNTER1"))
        app = driver.app
        staff = login(PIN, AT, location="COUNTER1")
        app.shift = open_shift(staff.code, 0, AT, "COUNTER1").id
        app.logged_in(staff)
        driver.pump(3)
        driver.pump_until(lambda: False, 0.7)  # the app idles a moment (the keyboard is built)
        for size in ((1280, 800), (1024, 600)):
            driver.resize(*size)
            first, later = open_times(driver, app.screen.scan_field)
            print(f"keyboard open, {size[0]}x{size[1]}: first {first * 1000:.1f} ms, then "
                  f"median {ms(later):.1f} ms, p90 {ms(later, 0.9):.1f} ms over {TAPS} taps "
                  f"(target < 150 ms)")
        driver.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
