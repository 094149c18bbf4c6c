"""`playdesk-kiosk`: the member kiosk, full screen on the Pi (KMS/DRM) or in a window.

    playdesk-kiosk --db var/playdesk.db --location KIOSK1 --scanner stdin --printer png:var/prints
"""

from __future__ import annotations

import argparse
import sys

from uikit import launch


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return launch.parse_args("playdesk-kiosk", __doc__.splitlines()[0], None,
                             "this kiosk's location code (KIOSK1)", argv)


def build_app(args: argparse.Namespace):
    """The app for these arguments (the database is open)."""
    from kiosk.app import KioskApp

    return launch.make_app(args, KioskApp)


def main(argv: list[str] | None = None) -> int:
    return launch.run(parse_args(argv), build_app, show_cursor=False)


if __name__ == "__main__":
    sys.exit(main())
