"""CLI commands: export sales, export days (tax.md "Exports"; columns in docs/tax.md)."""

from __future__ import annotations

import datetime as dt

from engine.cli.common import open_db
from engine.errors import PlaydeskError


def register_actions(export) -> None:
    """`export sales` and `export days` under `export` (which alone prints the site file)."""
    actions = export.add_subparsers(dest="action", required=False, metavar="ACTION")
    for name, helptext in (("sales", "a row per receipt line and per refunded line"),
                           ("days", "a row per day closing (Z)")):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("--from", dest="start", required=True, metavar="DATE",
                            help="first day (YYYY-MM-DD, site time zone)")
        action.add_argument("--to", dest="end", required=True, metavar="DATE",
                            help="last day, included")
        action.add_argument("--format", choices=("csv", "json"), default="csv")
        action.add_argument("--output", metavar="FILE", help="write here instead of stdout")
        action.set_defaults(handler=run_export, what=name)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PlaydeskError(f"not a date (YYYY-MM-DD): {text!r}") from None


def run_export(args) -> None:
    from engine.closing import export

    start, end = _date(args.start), _date(args.end)
    export.period(start, end)  # a period that ends before it starts is refused before any read
    open_db(args)
    if args.what == "sales":
        text = export.render(export.sales_rows(start, end), export.SALES_COLUMNS,
                             export.SALES_AMOUNTS, args.format)
    else:
        text = export.render(export.days_rows(start, end), export.DAYS_COLUMNS,
                             export.DAYS_AMOUNTS, args.format)
    if args.output:
        from pathlib import Path

        Path(args.output).write_text(text, encoding="utf-8")
    else:
        import sys

        sys.stdout.write(text)
