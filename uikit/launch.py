"""Starting an app from its command line (`playdesk-kiosk`, `playdesk-counter`): the shared
arguments, the clock, the printer, the database opened around the run."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

from engine.clock import FixedClock, SystemClock, parse_datetime
from engine.db import close_database, open_database
from engine.settings import setting, site_identity

PRINTER_HELP = ("png:DIR | dummy | usb:VID:PID | serial:DEV | network:HOST[:PORT] | file:PATH | "
                "none")


def parse_args(prog: str, description: str, location: str | None, location_help: str,
               argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--db", help="database file (default $PLAYDESK_DB, else ./var/playdesk.db)")
    parser.add_argument("--location", default=location, help=location_help)
    # The units start the apps without arguments: the installer's settings come by environment.
    parser.add_argument("--scanner", default=os.environ.get("PLAYDESK_SCANNER") or "none",
                        help="stdin | hid:/dev/input/eventN | camera:N | none")
    parser.add_argument("--printer", default=os.environ.get("PLAYDESK_PRINTER") or "none",
                        help=PRINTER_HELP)
    parser.add_argument("--printer-profile",
                        default=os.environ.get("PLAYDESK_PRINTER_PROFILE") or None,
                        help="python-escpos capability profile (default: the site's printer "
                             "settings, else 'default')")
    parser.add_argument("--size", default=None, help="window size WxH (default: full screen)")
    parser.add_argument("--at", default=None, help="fix 'now' (ISO datetime; demos and tests)")
    parser.add_argument("--smoke", action="store_true",
                        help="first start on new hardware: open, draw one frame, log the window "
                             "provider and GL driver, exit 0")
    return parser.parse_args(argv)


def make_clock(at: str | None):
    """A clock fixed at `at`, else the system clock in the site's time zone (database open)."""
    if at:
        return FixedClock(parse_datetime(at))
    return SystemClock(site_identity().timezone)


def printer_settings(site: dict[str, Any] | None, installed_profile: str | None
                     ) -> dict[str, Any] | None:
    """The site's printer settings; the profile the installer chose for this device's printer
    (PLAYDESK_PRINTER_PROFILE) where the site names none."""
    if not installed_profile:
        return site
    settings = dict(site or {})
    settings.setdefault("escpos_profile", installed_profile)
    return settings


def make_app(args: argparse.Namespace, app_class: Callable[..., Any]) -> Any:
    """The app for these arguments (the database is open), printing per the site's settings."""
    from uikit.devices import Printer  # the printer drivers: only once an app starts

    clock = make_clock(args.at)
    printer = Printer(args.printer, now=clock.now,
                      settings=printer_settings(setting("printer", None), args.printer_profile))
    return app_class(clock, location=args.location, printer=printer, scanner=args.scanner)


def run(args: argparse.Namespace, build: Callable[[argparse.Namespace], Any],
        show_cursor: bool) -> int:
    """Configure Kivy, open the database, run the app `build(args)` makes, close the database."""
    from uikit.kivyconfig import configure_kivy  # before anything imports Kivy: it reads its
    # configuration once, when first imported
    configure_kivy(args.size, show_cursor=show_cursor)
    open_database(args.db)
    try:
        app = build(args)
        if args.smoke:
            _stop_after_first_frame(app)
        app.run()
    finally:
        close_database()
    return 0


def graphics_report() -> str:
    """Which window provider and GL driver this machine gave Kivy (for a new Pi's first start)."""
    from kivy.core.window import Window
    from kivy.graphics import opengl

    def gl(name: int) -> str:
        value = opengl.glGetString(name)
        return value.decode(errors="replace") if isinstance(value, bytes) else str(value)

    return (f"window provider {type(Window).__module__}.{type(Window).__name__} "
            f"size {Window.size[0]}x{Window.size[1]} fullscreen {Window.fullscreen}; "
            f"GL vendor {gl(opengl.GL_VENDOR)!r} renderer {gl(opengl.GL_RENDERER)!r} "
            f"version {gl(opengl.GL_VERSION)!r}")


def _stop_after_first_frame(app: Any) -> None:
    """--smoke: once a frame reached the screen (the window flipped), log and stop."""
    import logging

    from kivy.core.window import Window

    def flipped(*_args: Any) -> None:
        Window.unbind(on_flip=flipped)
        report = graphics_report()
        logging.getLogger("playdesk.smoke").info("smoke: %s", report)
        print(f"smoke ok: {report}", flush=True)
        app.stop()

    Window.bind(on_flip=flipped)
