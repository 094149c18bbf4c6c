"""CLI commands of the counter's operations: shifts and receipt refunds.

    playdesk shift open --staff S01 --cash 10000 [--location COUNTER1]
    playdesk shift close SHIFT --staff S01 --cash 10250
    playdesk shift report SHIFT | playdesk shift current
    playdesk refund-receipt RECEIPT --staff S02 --reason TEXT [--line N ...] [--shift SHIFT]

Campaign edits need no command of their own: a partial site file through `playdesk load` is
exactly what the counter's manager screens apply (engine.sitefile.campaign_form).
"""

from __future__ import annotations

from engine.cli.common import emit, now, open_db


def register(commands) -> None:
    shift = commands.add_parser("shift", help="cash-drawer shifts of this device")
    actions = shift.add_subparsers(dest="action", required=True, metavar="ACTION")
    opening = actions.add_parser("open", help="open a shift with the counted cash")
    opening.add_argument("--staff", required=True)
    opening.add_argument("--cash", type=int, required=True, help="counted cash, minor units")
    opening.add_argument("--location")
    opening.set_defaults(handler=run_shift_open)
    closing = actions.add_parser("close", help="close a shift with the counted cash")
    closing.add_argument("shift")
    closing.add_argument("--staff", required=True)
    closing.add_argument("--cash", type=int, required=True, help="counted cash, minor units")
    closing.set_defaults(handler=run_shift_close)
    report = actions.add_parser("report", help="the shift report")
    report.add_argument("shift")
    report.set_defaults(handler=run_shift_report)
    current = actions.add_parser("current", help="the open shift of this device, or null")
    current.set_defaults(handler=run_shift_current)

    refund = commands.add_parser("refund-receipt",
                                 help="refund a recorded receipt (all or some lines)")
    refund.add_argument("receipt")
    refund.add_argument("--staff", required=True, help="a manager or owner")
    refund.add_argument("--reason", required=True)
    refund.add_argument("--line", type=int, action="append", dest="lines",
                        help="a line number (repeat; default every line not refunded yet)")
    refund.add_argument("--shift", help="the shift whose drawer pays it out")
    refund.set_defaults(handler=run_refund_receipt)


def run_shift_open(args) -> None:
    from engine.sales.shifts import open_shift, shift_report

    open_db(args)
    at = now(args)
    shift = open_shift(args.staff, args.cash, at, args.location)
    emit(shift_report(shift.id, at).as_dict(), args)


def run_shift_close(args) -> None:
    from engine.sales.shifts import close_shift

    open_db(args)
    emit(close_shift(args.shift, args.staff, args.cash, now(args)).as_dict(), args)


def run_shift_report(args) -> None:
    from engine.sales.shifts import shift_report

    open_db(args)
    emit(shift_report(args.shift, now(args)).as_dict(), args)


def run_shift_current(args) -> None:
    from engine.sales.shifts import open_shift_of, shift_report

    open_db(args)
    shift = open_shift_of()
    emit(shift_report(shift.id, now(args)).as_dict() if shift else None, args)


def run_refund_receipt(args) -> None:
    from engine.sales.refunds import refund_receipt

    open_db(args)
    emit(refund_receipt(args.receipt, args.staff, args.reason, now(args), lines=args.lines,
                        shift=args.shift), args)
