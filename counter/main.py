"""`playdesk-counter`: the counter terminal, full screen on the Pi (KMS/DRM) or in a window.

    playdesk-counter --db var/playdesk.db --location COUNTER1 --scanner stdin --printer png:var/prints
"""

from __future__ import annotations

import argparse
import sys

from uikit import launch


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return launch.parse_args("playdesk-counter", __doc__.splitlines()[0], "COUNTER1",
                             "this counter's location code", argv)


def build_app(args: argparse.Namespace):
    """The app for these arguments (the database is open)."""
    from counter.app import CounterApp

    return launch.make_app(args, CounterApp)


def main(argv: list[str] | None = None) -> int:
    return launch.run(parse_args(argv), build_app, show_cursor=True)


if __name__ == "__main__":
    sys.exit(main())
