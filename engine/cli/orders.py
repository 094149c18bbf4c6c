"""CLI commands: pay-at-counter orders — `order create|show|complete` (engine/sales/orders.py)."""

from __future__ import annotations

from engine.cli.common import emit, now, open_db


def register(commands) -> None:
    order = commands.add_parser("order", help="pay-at-counter orders started on a kiosk")
    actions = order.add_subparsers(dest="order_command", required=True, metavar="ACTION",
                                   parser_class=commands._parser_class)
    create = actions.add_parser("create", help="a pending order (the kiosk's 'pay at the counter')")
    create.add_argument("--member", required=True)
    create.add_argument("--package", required=True, help="CAMPAIGN/PACKAGE")
    create.add_argument("--location", help="the kiosk")
    create.set_defaults(handler=run_create)
    show = actions.add_parser("show", help="an order by its code or ticket QR text (ORD…)")
    show.add_argument("code")
    show.set_defaults(handler=run_show)
    complete = actions.add_parser("complete", help="take payment and make the purchase")
    complete.add_argument("code")
    complete.add_argument("--pay", required=True, choices=["cash", "card", "wallet"])
    complete.add_argument("--staff")
    complete.add_argument("--location")
    complete.set_defaults(handler=run_complete)


def run_create(args) -> None:
    from engine.sales.orders import create_order, order_dict

    open_db(args)
    at = now(args)
    emit(order_dict(create_order(args.member, args.package, args.location, at), at))


def run_show(args) -> None:
    from engine.sales.orders import find_order, order_dict

    open_db(args)
    emit(order_dict(find_order(args.code), now(args)))


def run_complete(args) -> None:
    from engine.entitlements import purchase_dict
    from engine.sales.orders import complete_order

    open_db(args)
    at = now(args)
    bought = complete_order(args.code, args.pay, args.staff, at, location=args.location)
    emit(purchase_dict(bought, at))
