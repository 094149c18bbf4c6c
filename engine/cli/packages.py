"""CLI commands: packages and balances — packages, buy, balance, history, consume, refund,
purchases, lot add, report campaigns|liability (spec/cli.md)."""

from __future__ import annotations

from engine.cli.common import emit, now, open_db
from engine.cli.reports import add_day_options, run_day
from engine.cli.sessions import add_range, run_report_stations


def register(commands) -> None:
    packages = commands.add_parser("packages", help="sellable packages now")
    packages.add_argument("--member", help="only what this member may buy")
    packages.add_argument("--device", choices=("pc", "console"),
                          help="only packages usable on this device")
    packages.set_defaults(handler=run_packages)

    buy = commands.add_parser("buy", help="buy a package for a member")
    buy.add_argument("--member", required=True)
    buy.add_argument("--package", required=True, metavar="CAMPAIGN/PACKAGE")
    buy.add_argument("--pay", required=True, choices=("cash", "card", "wallet"))
    buy.add_argument("--channel", default="counter", choices=("kiosk", "counter"))
    buy.add_argument("--location")
    buy.add_argument("--staff")
    buy.add_argument("--key", help="idempotency key: a repeat returns the first purchase")
    buy.set_defaults(handler=run_buy)

    balance = commands.add_parser("balance", help="a member's wallet and time balances")
    balance.add_argument("--member", required=True)
    balance.add_argument("--all", action="store_true", help="list spent and refunded lots too")
    balance.set_defaults(handler=run_balance)

    history = commands.add_parser("history", help="a member's purchases and consumption, "
                                                  "newest first")
    history.add_argument("--member", required=True)
    history.add_argument("--limit", type=int, default=None, help="at most this many records")
    history.set_defaults(handler=run_history)

    consume = commands.add_parser("consume", help="draw minutes or money from a member's lots")
    consume.add_argument("--member", required=True)
    consume.add_argument("--kind", required=True, choices=("minutes", "money"))
    consume.add_argument("--amount", required=True, type=int)
    consume.add_argument("--device", required=True, choices=("pc", "console", "any"))
    consume.add_argument("--ref", help="what the consumption is for (session, receipt)")
    consume.add_argument("--partial", action="store_true",
                         help="take what there is and report the shortfall")
    consume.set_defaults(handler=run_consume)

    refund = commands.add_parser("refund", help="refund the unused part of a purchase")
    refund.add_argument("--purchase", required=True)
    refund.add_argument("--reason", required=True)
    refund.add_argument("--staff", help="the manager or owner authorizing it")
    refund.set_defaults(handler=run_refund)

    purchases = commands.add_parser("purchases", help="purchase records")
    purchases.add_argument("--campaign")
    purchases.add_argument("--member")
    purchases.set_defaults(handler=run_purchases)

    lot = commands.add_parser("lot", help="manual and correction lots")
    lot_commands = lot.add_subparsers(dest="lot_command", required=True, metavar="ACTION",
                                      parser_class=type(lot))
    add = lot_commands.add_parser("add", help="add a manual or correction lot (manager)")
    add.add_argument("--member", required=True)
    add.add_argument("--kind", required=True, choices=("minutes", "money"))
    add.add_argument("--type", required=True, choices=("manual", "correction"))
    add.add_argument("--amount", required=True, type=int,
                     help="minutes or minor units; a negative correction takes credit away")
    add.add_argument("--comment", required=True)
    add.add_argument("--staff", help="the manager or owner authorizing it")
    add.add_argument("--device", default="any", choices=("pc", "console", "any"))
    add.add_argument("--expires", metavar="DATE", help="ISO date or datetime")
    add.set_defaults(handler=run_lot_add)

    report = commands.add_parser("report", help="package campaign and liability reports")
    report.add_argument("name", choices=("campaigns", "liability", "stations", "day"))
    add_range(report)  # report stations (engine/cli/sessions.py)
    add_day_options(report)  # report day (engine/cli/reports.py)
    report.set_defaults(handler=run_report)


def run_packages(args) -> None:
    from engine.entitlements import sellable_packages

    open_db(args)
    emit(sellable_packages(args.member, now(args), device=args.device), args)


def run_buy(args) -> None:
    from engine.entitlements import purchase, purchase_dict

    open_db(args)
    at = now(args)
    record = purchase(args.member, args.package, args.pay, args.channel, at,
                      location=args.location, staff=args.staff, key=args.key)
    emit(purchase_dict(record, at))


def run_balance(args) -> None:
    from engine.entitlements import balance

    open_db(args)
    emit(balance(args.member, now(args), include_spent=args.all).as_dict())


def run_history(args) -> None:
    from engine.entitlements import member_history
    from engine.errors import PlaydeskError

    if args.limit is not None and args.limit < 1:
        raise PlaydeskError("--limit must be at least 1")
    open_db(args)
    emit(member_history(args.member, now(args), limit=args.limit), args)


def run_consume(args) -> None:
    from engine.entitlements import consume

    open_db(args)
    result = consume(args.member, args.kind, args.amount, args.device, now(args),
                     reference=args.ref, partial=args.partial)
    emit(result.as_dict())


def run_refund(args) -> None:
    from engine.entitlements import refund

    open_db(args)
    emit(refund(args.purchase, args.staff, args.reason, now(args)))


def run_purchases(args) -> None:
    from engine.entitlements import purchase_records

    open_db(args)
    emit(purchase_records(campaign=args.campaign, member=args.member, at=now(args)))


def run_lot_add(args) -> None:
    from engine.clock import parse_datetime
    from engine.entitlements import add_lot

    open_db(args)
    expires_at = parse_datetime(args.expires) if args.expires else None
    emit(add_lot(args.member, args.kind, args.type, args.amount, args.staff, args.comment,
                 now(args), device=args.device, expires_at=expires_at))


def run_report(args) -> None:
    if args.name == "stations":
        return run_report_stations(args)
    if args.name == "day":
        return run_day(args)
    from engine.entitlements import report_campaigns, report_liability

    open_db(args)
    at = now(args)
    emit(report_campaigns(at) if args.name == "campaigns" else report_liability(at).as_dict())
