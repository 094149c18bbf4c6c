"""CLI commands: the kiosk's wallet rules — `kiosk wallet-cover`, `kiosk wallet-pin`
(engine/entitlements/kiosk_wallet.py), the rules the kiosk's confirm screen shows."""

from __future__ import annotations

from engine.cli.common import emit, now, open_db


def register(commands) -> None:
    kiosk = commands.add_parser("kiosk", help="the kiosk's wallet rules")
    actions = kiosk.add_subparsers(dest="kiosk_command", required=True, metavar="ACTION",
                                   parser_class=commands._parser_class)
    cover = actions.add_parser("wallet-cover", help="whether the wallet pays a package in full, "
                                                    "and whether the PIN is asked again")
    cover.add_argument("--member", required=True)
    cover.add_argument("--package", required=True, help="CAMPAIGN/PACKAGE")
    cover.add_argument("--login", choices=["card", "pin"], default="card",
                       help="how the member logged in (default card)")
    cover.set_defaults(handler=run_cover)
    pin = actions.add_parser("wallet-pin", help="check the PIN before a wallet purchase (a wrong "
                                                "PIN counts like a wrong PIN login)")
    pin.add_argument("--member", required=True)
    pin.add_argument("--pin", required=True)
    pin.add_argument("--location", help="the kiosk")
    pin.set_defaults(handler=run_pin)


def run_cover(args) -> None:
    from engine.entitlements.kiosk_wallet import wallet_cover, wallet_pin_needed

    open_db(args)
    answer = wallet_cover(args.member, args.package, now(args)).as_dict()
    answer["pin_needed"] = wallet_pin_needed(args.login)
    emit(answer, args)


def run_pin(args) -> None:
    from engine.entitlements.kiosk_wallet import confirm_wallet_pin

    open_db(args)
    login = confirm_wallet_pin(args.member, args.pin, now(args), location=args.location)
    emit({"member": login.member, "name": login.name, "confirmed": True}, args)
