"""CLI commands of the till (issue 18 item 5): parked receipts, cash in/out, no sale, price
overrides. Each is the engine operation the counter's screens call.

    playdesk till park RECEIPT.yaml --staff S01 [--shift SHIFT]
    playdesk till parked [--staff S01]
    playdesk till resume PARKED --staff S01
    playdesk till cash-in|cash-out --staff S01 --shift SHIFT --amount 2000 --reason TEXT
    playdesk till no-sale --staff S01 --shift SHIFT [--reason TEXT]
    playdesk till override --staff S01 --approved-by S02 (--item CODE | --resource CODE)
                           --price 150 --reason TEXT [--shift SHIFT]
"""

from __future__ import annotations

from engine.cli.common import emit, now, open_db


def register(commands) -> None:
    till = commands.add_parser("till", help="the till: parked receipts, cash in/out, no sale, "
                                            "price overrides")
    actions = till.add_subparsers(dest="action", required=True, metavar="ACTION")
    park = actions.add_parser("park", help="park a receipt file (resumed later on this device)")
    park.add_argument("receipt", metavar="RECEIPT.yaml")
    park.add_argument("--staff", required=True)
    park.add_argument("--shift")
    park.set_defaults(handler=run_park)
    parked = actions.add_parser("parked", help="this device's parked receipts")
    parked.add_argument("--staff", help="only those this staff member may resume")
    parked.set_defaults(handler=run_parked)
    resume = actions.add_parser("resume", help="take a parked receipt up again")
    resume.add_argument("parked")
    resume.add_argument("--staff", required=True)
    resume.set_defaults(handler=run_resume)
    for direction in ("in", "out"):
        move = actions.add_parser(f"cash-{direction}", help=f"cash {direction} of the drawer")
        move.add_argument("--staff", required=True)
        move.add_argument("--shift", required=True)
        move.add_argument("--amount", type=int, required=True, help="minor units")
        move.add_argument("--reason", required=True)
        move.set_defaults(handler=run_cash_move, direction=direction)
    no_sale = actions.add_parser("no-sale", help="open the drawer without a sale (recorded)")
    no_sale.add_argument("--staff", required=True)
    no_sale.add_argument("--shift")
    no_sale.add_argument("--reason")
    no_sale.set_defaults(handler=run_no_sale)
    override = actions.add_parser("override", help="record a price override a manager approved")
    override.add_argument("--staff", required=True, help="the cashier")
    override.add_argument("--approved-by", required=True, help="a manager or owner")
    what = override.add_mutually_exclusive_group(required=True)
    what.add_argument("--item")
    what.add_argument("--resource")
    override.add_argument("--price", type=int, required=True, help="new unit price, minor units")
    override.add_argument("--reason", required=True)
    override.add_argument("--shift")
    override.set_defaults(handler=run_override)


def _row(row) -> dict:
    from engine.journal import row_dict

    return row_dict(row)


def run_park(args) -> None:
    from engine.pricing.definitions import cached_definitions
    from engine.sales.park import cart_of_receipt, park_receipt, parked_dict
    from engine.sales.receiptfile import read_receipt_file

    open_db(args)
    at = now(args)
    receipt_file = read_receipt_file(args.receipt)
    cart = cart_of_receipt(receipt_file.receipt)
    from engine.pricing import price_receipt

    total = price_receipt(cart.receipt_input(), cached_definitions(cart.coupons), at).total \
        if cart.has_codes else 0
    emit(parked_dict(park_receipt(cart, args.staff, at, args.shift, total=total)), args)


def run_parked(args) -> None:
    from engine.sales.park import parked_dict, parked_receipts

    open_db(args)
    emit([parked_dict(row) for row in parked_receipts(args.staff)], args)


def run_resume(args) -> None:
    from engine.sales.park import resume_receipt

    open_db(args)
    cart = resume_receipt(args.parked, args.staff, now(args))
    emit({"parked": args.parked, "member": cart.member, "coupons": cart.coupons,
          "campaigns": cart.campaigns,
          "lines": [{"kind": line.kind, "code": line.code, "name": line.name,
                     "quantity": line.quantity, "unit_price": line.unit_price,
                     "manual_discount": line.manual_discount} for line in cart.lines]}, args)


def run_cash_move(args) -> None:
    from engine.sales.cash_moves import move_cash

    open_db(args)
    emit(_row(move_cash(args.direction, args.amount, args.reason, args.staff, now(args),
                        args.shift)), args)


def run_no_sale(args) -> None:
    from engine.sales.no_sale import record_no_sale

    open_db(args)
    emit(_row(record_no_sale(args.staff, now(args), args.shift, args.reason)), args)


def run_override(args) -> None:
    from engine.sales.overrides import record_override

    open_db(args)
    kind, code = ("item", args.item) if args.item else ("resource", args.resource)
    emit(_row(record_override(kind, code, args.price, args.reason, args.staff,
                              args.approved_by, now(args), args.shift)), args)
