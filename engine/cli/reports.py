"""CLI command `report day` — the day report and its closing (spec/tax.md "Day closing").

    playdesk report day [--date D] [--device X] [--close --staff S] [--json]

Without `--close` it shows what the device did on the day (default: today, this device); with
`--close` it stores that as the device's next Z number (a manager or the owner), refused (exit 2,
nothing written) when the day is closed already. `playdesk print day Z` prints a closing.
`playdesk report NAME` is packages.py's parser: it takes these options and dispatches here.
"""

from __future__ import annotations

from typing import Any

from engine.cli.common import emit, now, open_db
from engine.errors import PlaydeskError


def add_day_options(report) -> None:
    """`report day`'s options, on packages.py's `playdesk report NAME` parser."""
    report.add_argument("--date", help="report day: the day, YYYY-MM-DD (default: today)")
    report.add_argument("--device", help="report day: the device (default: this one)")
    report.add_argument("--close", action="store_true",
                        help="report day: store it as the device's next Z number (once a day)")
    report.add_argument("--staff", help="report day --close: who closes (a manager or owner)")
    report.add_argument("--json", action="store_true", help="report day: as JSON")


def _day(text: str | None, args):
    import datetime as dt

    if text is None:
        return now(args).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PlaydeskError(f"--date {text!r} is not a date (YYYY-MM-DD)") from None


def run_day(args) -> None:
    from engine.closing.day import close_day, day_report, stored_report
    from engine.ids import device_id

    open_db(args)
    day = _day(args.date, args)
    device = args.device or device_id()
    if args.close:
        if not args.staff:
            raise PlaydeskError("--close needs --staff (a manager or the owner)")
        row = close_day(device, day, args.staff, now(args))
        answer: dict[str, Any] = {"closing": row.id, "z": row.z, "device": row.device,
                                  "day": row.day, "staff": row.staff, "at": row.at,
                                  "report": stored_report(row)}
    else:
        if args.staff:
            raise PlaydeskError("--staff is for --close")
        answer = {"closing": None, "report": day_report(device, day).as_dict()}
        from engine.models import DayClosing

        done = DayClosing.get_or_none((DayClosing.device == device)
                                      & (DayClosing.day == day.isoformat()))
        if done is not None:
            answer["closing"] = done.id
    if args.json:
        emit(answer, args)
    else:
        print(text(answer))


def _rates(rows: list[dict[str, Any]], indent: str = "  ") -> list[str]:
    return [f"{indent}{r['rate']} {r['percent']} %  net {r['net']}  tax {r['tax']}  "
            f"gross {r['gross']}" for r in rows] or [f"{indent}none"]


def text(answer: dict[str, Any]) -> str:
    """The report as lines of text (amounts in minor units, like the JSON)."""
    r = answer["report"]
    head = f"Day {r['day']} of {r['device']}"
    if answer.get("closing"):
        head += f": closed as {answer['closing']}"
    out = [head,
           f"receipts {r['receipts']} ({r['first_receipt'] or '-'} .. {r['last_receipt'] or '-'})"
           f"  total {r['total']}  due {r['total_due']}",
           f"voided {r['voids']['count']} ({r['voids']['amount']})", "tax per rate:",
           *_rates(r["taxes"]), f"  untaxed {r['untaxed']}", "payments:",
           *([f"  {p['method']} {p['amount']}" for p in r["payments"]] or ["  none"]),
           f"refunds {r['refunds']['count']} ({r['refunds']['amount']})",
           *[f"  {m['method']} {m['amount']}" for m in r["refunds"]["methods"]],
           *_rates(r["refunds"]["taxes"], "  tax "),
           f"packages taxed {r['packages_taxed']['count']} ({r['packages_taxed']['amount']}), "
           f"vouchers {r['packages_vouchers']['count']} ({r['packages_vouchers']['amount']})",
           f"wallet spent {r['wallet']['total']}",
           *_rates(r["wallet"]["receipts"], "  receipts "),
           *_rates(r["wallet"]["station_time"], "  station time "),
           f"coupons redeemed {sum(c['count'] for c in r['coupons_redeemed'])}, "
           f"issued {sum(c['count'] for c in r['coupons_issued'])}"]
    return "\n".join(out)
