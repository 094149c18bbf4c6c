"""CLI commands: price, checkout, entries, receipt show (cli.md, "Pricing and sales")."""

from __future__ import annotations

from engine.cli.common import emit, now, open_db


def register(commands) -> None:
    price = commands.add_parser("price", help="price a receipt file without recording anything")
    price.add_argument("receipt", metavar="RECEIPT.yaml")
    price.set_defaults(handler=run_price)

    checkout = commands.add_parser("checkout", help="price a receipt file and record the sale")
    checkout.add_argument("receipt", metavar="RECEIPT.yaml")
    checkout.add_argument("--staff", help="the cashier's staff code")
    checkout.add_argument("--shift", help="the shift the sale belongs to")
    checkout.set_defaults(handler=run_checkout)

    entries = commands.add_parser("entries", help="campaign entries (applications and issues)")
    entries.add_argument("--campaign")
    entries.add_argument("--receipt")
    entries.set_defaults(handler=run_entries)

    receipt = commands.add_parser("receipt", help="recorded receipts")
    actions = receipt.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="a recorded receipt")
    show.add_argument("id")
    show.set_defaults(handler=run_receipt_show)


def _read(args):
    from engine.sales.receiptfile import read_receipt_file

    receipt_file = read_receipt_file(args.receipt)
    return receipt_file, receipt_file.at or now(args)


def run_price(args) -> None:
    from engine.pricing import price_receipt
    from engine.pricing.definitions import load_definitions

    open_db(args)
    receipt_file, at = _read(args)
    definitions = load_definitions(receipt_file.receipt.coupons)
    emit(price_receipt(receipt_file.receipt, definitions, at).as_dict(), args)


def run_checkout(args) -> None:
    from engine.sales.checkout import checkout

    open_db(args)
    receipt_file, at = _read(args)
    emit(checkout(receipt_file.receipt, receipt_file.payments, at, staff=args.staff,
                  shift=args.shift).as_dict(), args)


def run_entries(args) -> None:
    from engine.sales.queries import entries

    open_db(args)
    emit(entries(campaign=args.campaign, receipt=args.receipt), args)


def run_receipt_show(args) -> None:
    from engine.sales.queries import receipt_dict

    open_db(args)
    emit(receipt_dict(args.id), args)
