"""Starting an app from its command line (`playdesk-kiosk`, `playdesk-counter`): the shared
arguments, the clock, the printer, the database opened around the run."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

PRINTER_HELP = ("png:DIR | dummy | usb:VID:PID | serial:DEV | network:HOST[:PORT] | file:PATH | "
                "none")


def parse_args(prog: str, description: str, location: str | None, location_help: str,
               argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--db", help="database file (default $PLAYDESK_DB, else ./var/playdesk.db)")
    parser.add_argument("--location", default=location, help=location_help)
    parser.add_argument("--scanner", default="none",
                        help="stdin | hid:/dev/input/eventN | camera:N | none")
    parser.add_argument("--printer", default="none", help=PRINTER_HELP)
    parser.add_argument("--size", default=None, help="window size WxH (default: full screen)")
    parser.add_argument("--at", default=None, help="fix 'now' (ISO datetime; demos and tests)")
    return parser.parse_args(argv)


def make_clock(at: str | None):
    """A clock fixed at `at`, else the system clock in the site's time zone (database open)."""
    from engine.clock import FixedClock, SystemClock, parse_datetime
    from engine.models import Site

    if at:
        return FixedClock(parse_datetime(at))
    site = Site.select().first()
    return SystemClock(site.timezone if site else "UTC")


def make_app(args: argparse.Namespace, app_class: Callable[..., Any]) -> Any:
    """The app for these arguments (the database is open), printing per the site's settings."""
    from engine.settings import setting
    from uikit.devices import Printer

    clock = make_clock(args.at)
    printer = Printer(args.printer, now=clock.now, settings=setting("printer", None))
    return app_class(clock, location=args.location, printer=printer, scanner=args.scanner)


def run(args: argparse.Namespace, build: Callable[[argparse.Namespace], Any],
        show_cursor: bool) -> int:
    """Configure Kivy, open the database, run the app `build(args)` makes, close the database."""
    from uikit.kivyconfig import configure_kivy

    configure_kivy(args.size, show_cursor=show_cursor)
    from engine.db import close_database, open_database

    open_database(args.db)
    try:
        build(args).run()
    finally:
        close_database()
    return 0
