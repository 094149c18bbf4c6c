"""CLI commands: members at the counter and guest tickets (issue 18 item 3) —
`member register|show|find|pin|reset-pin|unlock|deactivate|reactivate|card-slip` and
`ticket sell|issue` (engine/sitefile/member_admin.py, engine/entitlements/guest_tickets.py)."""

from __future__ import annotations

from engine.cli.common import emit, now, open_db


def _staff(parser, role: str) -> None:
    parser.add_argument("--staff", required=True, help=f"who does it (a {role} or above)")


def register(commands) -> None:
    sub = dict(required=True, metavar="ACTION", parser_class=commands._parser_class)
    member = commands.add_parser("member", help="register and look after members at the counter")
    actions = member.add_subparsers(dest="member_command", **sub)

    add = actions.add_parser("register", help="register a member with a scanned card")
    add.add_argument("--name", required=True)
    add.add_argument("--card", required=True, help="the card number as scanned")
    add.add_argument("--code", help="the member code (default: generated, M + 6 digits)")
    add.add_argument("--debtor")
    add.add_argument("--segment")
    _staff(add, "cashier")
    add.set_defaults(handler=run_register)

    show = actions.add_parser("show", help="a member's flags, PIN, ticket, lockout here")
    show.add_argument("code")
    show.set_defaults(handler=run_show)

    find = actions.add_parser("find", help="members by code, card or name")
    find.add_argument("text")
    find.set_defaults(handler=run_find)

    pin = actions.add_parser("pin", help="the member sets a PIN (typed twice)")
    pin.add_argument("code")
    pin.add_argument("--pin", required=True)
    pin.add_argument("--repeat", required=True, help="the PIN again")
    pin.add_argument("--current", help="the member's current PIN, when there is one")
    _staff(pin, "cashier")
    pin.set_defaults(handler=run_pin)

    reset = actions.add_parser("reset-pin", help="clear the member's PIN, or set a new one")
    reset.add_argument("code")
    reset.add_argument("--pin", help="the new PIN (default: none; the member sets one)")
    _staff(reset, "manager")
    reset.set_defaults(handler=run_reset)

    unlock = actions.add_parser("unlock", help="end the member's PIN lockout on every kiosk")
    unlock.add_argument("code")
    _staff(unlock, "manager")
    unlock.set_defaults(handler=run_unlock)

    for name, active in (("deactivate", False), ("reactivate", True)):
        change = actions.add_parser(name, help=f"{name} the member (history is kept)")
        change.add_argument("code")
        _staff(change, "manager")
        change.set_defaults(handler=run_active, active=active)

    slip = actions.add_parser("card-slip", help="the member card slip as data (print it with "
                                                "`playdesk print member-card CODE --to ...`)")
    slip.add_argument("code")
    slip.add_argument("--location")
    slip.set_defaults(handler=run_card_slip)

    ticket = commands.add_parser("ticket", help="walk-in guests' tickets (code + PIN)")
    tickets = ticket.add_subparsers(dest="ticket_command", **sub)
    sell = tickets.add_parser("sell", help="a ticket with a minutes package, paid now (the "
                                           "answer holds the slip: its PIN is shown only once)")
    sell.add_argument("--package", required=True, help="CAMPAIGN/PACKAGE (of minutes)")
    sell.add_argument("--payment", required=True, choices=["cash", "card"])
    sell.add_argument("--location")
    sell.add_argument("--pin", help="the ticket's PIN (default: six random digits)")
    _staff(sell, "cashier")
    sell.set_defaults(handler=run_ticket_sell)
    issue = tickets.add_parser("issue", help="a ticket without minutes (sell it a package after)")
    issue.add_argument("--pin", help="the ticket's PIN (default: six random digits)")
    _staff(issue, "cashier")
    issue.set_defaults(handler=run_ticket_issue)


def run_register(args) -> None:
    from engine.sitefile.member_admin import register_member

    open_db(args)
    emit(register_member(args.name, args.card, now(args), args.staff, code=args.code,
                         debtor=args.debtor, segment=args.segment), args)


def run_show(args) -> None:
    from engine.sitefile.member_admin import member_summary

    open_db(args)
    emit(member_summary(args.code, now(args)), args)


def run_find(args) -> None:
    from engine.sitefile.member_admin import find_members

    open_db(args)
    emit(find_members(args.text), args)


def run_pin(args) -> None:
    from engine.sitefile.member_admin import set_member_pin

    open_db(args)
    emit(set_member_pin(args.code, args.pin, args.repeat, now(args), args.staff,
                        current=args.current), args)


def run_reset(args) -> None:
    from engine.sitefile.member_admin import reset_member_pin

    open_db(args)
    emit(reset_member_pin(args.code, now(args), args.staff, pin=args.pin), args)


def run_unlock(args) -> None:
    from engine.sitefile.member_admin import unlock_member_pin

    open_db(args)
    emit(unlock_member_pin(args.code, now(args), args.staff), args)


def run_active(args) -> None:
    from engine.sitefile.member_admin import set_member_active

    open_db(args)
    emit(set_member_active(args.code, args.active, now(args), args.staff), args)


def run_card_slip(args) -> None:
    from engine.documents.member_card import member_card_slip
    from engine.documents.types import as_dict

    open_db(args)
    document = member_card_slip(args.code, now(args), args.location)
    emit(as_dict(document), args)


def _ticket_answer(ticket) -> dict:
    answer = {"code": ticket.code, "pin": ticket.pin, "ticket": ticket.id,
              "staff": ticket.staff, "at": ticket.at}
    if ticket.purchase is not None:
        answer.update(purchase=ticket.purchase.id, price=ticket.purchase.price,
                      payment=ticket.purchase.payment)
    return answer


def run_ticket_sell(args) -> None:
    from engine.documents.guest_ticket import guest_ticket_slip
    from engine.documents.types import as_dict
    from engine.entitlements.guest_tickets import sell_ticket

    open_db(args)
    ticket = sell_ticket(args.package, args.payment, now(args), args.staff,
                         location=args.location, pin=args.pin)
    document = guest_ticket_slip(ticket, args.location)
    emit({**_ticket_answer(ticket), "minutes": document.minutes,
          "slip": as_dict(document)}, args)


def run_ticket_issue(args) -> None:
    from engine.entitlements.guest_tickets import issue_ticket

    open_db(args)
    emit(_ticket_answer(issue_ticket(now(args), args.staff, pin=args.pin)), args)
