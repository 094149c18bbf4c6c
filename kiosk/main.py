"""`playdesk-kiosk`: the member kiosk, full screen on the Pi (KMS/DRM) or in a window.

    playdesk-kiosk --db var/playdesk.db --location KIOSK1 --scanner stdin --printer png:var/prints
"""

from __future__ import annotations

import argparse
import os
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="playdesk-kiosk", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database file (default $PLAYDESK_DB, else ./var/playdesk.db)")
    parser.add_argument("--location", default=None, help="this kiosk's location code (KIOSK1)")
    parser.add_argument("--scanner", default="none",
                        help="stdin | hid:/dev/input/eventN | camera:N | none")
    parser.add_argument("--printer", default="none",
                        help="png:DIR | usb:VID:PID | serial:DEV | network:HOST[:PORT] | none")
    parser.add_argument("--size", default=None, help="window size WxH (default: full screen)")
    parser.add_argument("--at", default=None, help="fix 'now' (ISO datetime; demos and tests)")
    return parser.parse_args(argv)


def configure_kivy(size: str | None) -> None:
    """Before Kivy is imported: no argv parsing by Kivy, full screen unless a size is given."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    if size:
        width, _, height = size.lower().partition("x")
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(int(width)))
        Config.set("graphics", "height", str(int(height)))
    else:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "0")


def make_clock(at: str | None):
    from engine.clock import FixedClock, SystemClock, parse_datetime
    from engine.models import Site

    if at:
        return FixedClock(parse_datetime(at))
    site = Site.select().first()
    return SystemClock(site.timezone if site else "UTC")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_kivy(args.size)
    from engine.db import close_database, open_database
    from kiosk.app import KioskApp, setting
    from kiosk.devices import Printer

    open_database(args.db)
    try:
        clock = make_clock(args.at)
        printer = Printer(args.printer, now=clock.now, settings=setting("printer", None))
        KioskApp(clock, location=args.location, printer=printer, scanner=args.scanner).run()
    finally:
        close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
