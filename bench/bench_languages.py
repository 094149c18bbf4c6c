"""Languages (issue 20): what a language switch costs, and formatting money with CLDR.

    .venv/bin/python -m bench.bench_languages

- The kiosk's language button and a counter login in another language build the app's screens
  again (uikit.app.DeviceApp.use_language): timed here for the real kiosk and counter under Xvfb,
  from the tap to the next frame drawn, English → German → Turkish → English. A member waits
  this long after choosing a language; say it against a touch's 100 ms.
- `Formats.money` (Babel) per call against the plain f-string it replaced, in the same run: a
  receipt screen formats a few dozen amounts per redraw.
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
ROUNDS = 5


def switch_times(driver, show) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        for language in ("de", "tr", "en"):
            driver.pump(2)
            started = time.perf_counter()
            driver.app.use_language(language)
            show()
            driver.loop.idle()  # the frame that draws the new screens
            times.append(time.perf_counter() - started)
    return times


def money_figures() -> None:
    from engine.i18n.formats import Formats

    formats = Formats("de_DE", "EUR")
    amounts = list(range(0, 2_000_000, 97))
    started = time.perf_counter()
    for amount in amounts:
        formats.money(amount)
    babel = (time.perf_counter() - started) / len(amounts)
    started = time.perf_counter()
    for amount in amounts:
        f"{amount // 100}.{amount % 100:02d} €"  # noqa: B018 - the old formatter's work
    plain = (time.perf_counter() - started) / len(amounts)
    print(f"money text: Babel {babel * 1e6:.1f} µs per amount, the old f-string "
          f"{plain * 1e6:.2f} µs (ratio {babel / plain:.0f}×); 50 amounts on a screen: "
          f"{babel * 50 * 1000:.2f} ms")


def main() -> int:
    money_figures()
    with display(), tempfile.TemporaryDirectory() as folder:
        database = prepare_database(Path(folder), AT)
        ui_harness.configure_test_kivy("1280x800")
        from engine.db import open_database

        open_database(database)
        from engine.clock import FixedClock
        from kiosk.app import KioskApp

        driver = ui_harness.AppDriver(KioskApp(FixedClock(AT), location="KIOSK1"))
        driver.pump(3)
        times = switch_times(driver, lambda: driver.app.go("attract"))
        print("each:", " ".join(f"{t * 1000:.0f}" for t in times))
        print(f"kiosk language switch (the screen shown built again): median {ms(times):.0f} ms, "
              f"p90 {ms(times, 0.9):.0f} ms over {len(times)} switches")
        driver.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
