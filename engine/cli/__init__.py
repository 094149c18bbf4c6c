"""`playdesk [--db PATH] [--at DATETIME] COMMAND ...` — the one entry point for owners and scripts.

Each command group lives in its own module with a `register(subparsers)` function; handlers
import what they need lazily so `playdesk campaigns` starts fast (no Kivy, cv2 or escpos).
Bad input exits 2 with `playdesk: error: ...` and writes nothing; exit 1 is only for bugs.
"""

from __future__ import annotations

import argparse
import sys

from engine.cli import coupons, devices, hardware, ops, orders, packages, sales, site
from engine.errors import PlaydeskError

COMMAND_GROUPS = [site, packages, orders, sales, coupons, hardware, devices, ops]


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors follow the same contract
        self.exit(2, f"playdesk: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="playdesk", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database file (default $PLAYDESK_DB, else ./var/playdesk.db)")
    parser.add_argument("--at", help="fix 'now' for this run (ISO datetime, site time zone)")
    parser.add_argument("--table", action="store_true", help="a human table instead of JSON")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=ArgumentParser)
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.handler(args)
    except PlaydeskError as error:
        print(f"playdesk: error: {error}", file=sys.stderr)
        return 2
    finally:
        from engine.db import close_database

        close_database()
    return result or 0


if __name__ == "__main__":
    sys.exit(main())
