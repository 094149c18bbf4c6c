"""`playdesk-counter`: the counter terminal, full screen on the Pi (KMS/DRM) or in a window.

    playdesk-counter --db var/playdesk.db --location COUNTER1 --scanner stdin --printer png:var/prints
"""

from __future__ import annotations

import argparse
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="playdesk-counter", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database file (default $PLAYDESK_DB, else ./var/playdesk.db)")
    parser.add_argument("--location", default="COUNTER1", help="this counter's location code")
    parser.add_argument("--scanner", default="none",
                        help="stdin | hid:/dev/input/eventN | camera:N | none")
    parser.add_argument("--printer", default="none",
                        help="png:DIR | dummy | usb:VID:PID | serial:DEV | network:HOST[:PORT] | "
                             "file:PATH | none")
    parser.add_argument("--size", default=None, help="window size WxH (default: full screen)")
    parser.add_argument("--at", default=None, help="fix 'now' (ISO datetime; demos and tests)")
    return parser.parse_args(argv)


def make_clock(at: str | None):
    from engine.clock import FixedClock, SystemClock, parse_datetime
    from engine.models import Site

    if at:
        return FixedClock(parse_datetime(at))
    site = Site.select().first()
    return SystemClock(site.timezone if site else "UTC")


def build_app(args: argparse.Namespace):
    """The app for these arguments (the database is open)."""
    from counter.app import CounterApp, setting
    from uikit.devices import Printer

    clock = make_clock(args.at)
    printer = Printer(args.printer, now=clock.now, settings=setting("printer", None))
    return CounterApp(clock, location=args.location, printer=printer, scanner=args.scanner)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from uikit.kivyconfig import configure_kivy

    configure_kivy(args.size, show_cursor=True)
    from engine.db import close_database, open_database

    open_database(args.db)
    try:
        build_app(args).run()
    finally:
        close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
