"""`playdesk [--db PATH] [--at DATETIME] COMMAND ...` — the one entry point for owners and scripts.

Each command group lives in its own module with a `register(subparsers)` function. A group
module imports at its top only what registering needs (argparse, engine.cli.common,
engine.errors); each handler imports what it runs, so a command loads only its own modules
(`playdesk campaigns`: no site-file loader or YAML, no sync, pricing or device drivers;
`playdesk --help`: not even the database). tests/test_cli_start.py checks those import sets.
Bad input exits 2 with `playdesk: error: ...` and writes nothing; exit 1 is only for bugs.
"""

from __future__ import annotations

import argparse
import os
import sys

from engine.cli import (
    counter,
    coupons,
    devices,
    hardware,
    kiosk,
    members,
    ops,
    orders,
    packages,
    sales,
    sessions,
    site,
    till,
)
from engine.cli.common import database_problem
from engine.errors import PlaydeskError

COMMAND_GROUPS = [site, packages, orders, sales, sessions, counter, till, coupons, hardware,
                  devices, ops, kiosk, members]


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


def check_text_arguments(argv: list[str]) -> None:
    """Arguments must be UTF-8 text. Python hands undecodable bytes over as lone surrogates,
    which no query, JSON document or receipt can hold."""
    for argument in argv:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            shown = argument.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise PlaydeskError(f"argument {shown!r} is not valid UTF-8 text") from None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        check_text_arguments(argv)
    except PlaydeskError as error:
        print(f"playdesk: error: {error}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        result = args.handler(args)
        sys.stdout.flush()
    except PlaydeskError as error:
        print(f"playdesk: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `playdesk ... | head`: the reader left; nothing more to say, and no traceback.
        # Later flushes (at exit) go to /dev/null instead of failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        problem = database_problem(error)
        if problem is None:
            raise  # a bug: exit 1 with its traceback
        print(f"playdesk: error: {problem}", file=sys.stderr)
        return 2
    finally:
        from engine.db import close_database

        close_database()
    return result or 0


if __name__ == "__main__":
    sys.exit(main())
