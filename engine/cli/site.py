"""CLI commands: the site — init, load, export, hash-pin, campaigns, campaign state changes."""

from __future__ import annotations

import sys

from engine.cli import exports
from engine.cli.common import emit, now, open_db


def register(commands) -> None:
    init = commands.add_parser("init", help="create or migrate the database")
    init.add_argument("--device", help="this device's id (kept in the database)")
    init.set_defaults(handler=run_init)

    load = commands.add_parser("load", help="validate and apply a site file atomically")
    load.add_argument("file", metavar="SITE.yaml")
    load.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    load.set_defaults(handler=run_load)

    export = commands.add_parser("export", help="print the site definitions as a site file")
    export.set_defaults(handler=run_export)
    exports.register_actions(export)  # export sales|days: the accountant's (tax.md)

    hash_pin = commands.add_parser("hash-pin", help="read a PIN on stdin, print its pin_hash")
    hash_pin.set_defaults(handler=run_hash_pin)

    campaigns = commands.add_parser("campaigns", help="list campaigns with their state")
    campaigns.add_argument("--all", action="store_true", help="include deleted campaigns")
    campaigns.set_defaults(handler=run_campaigns)

    campaign = commands.add_parser("campaign", help="activate, deactivate or delete a campaign")
    campaign.add_argument("action", choices=("activate", "deactivate", "delete"))
    campaign.add_argument("code", metavar="CODE")
    campaign.set_defaults(handler=run_campaign)


def run_init(args) -> None:
    from engine.db import database
    from engine.ids import device_id, set_device_id
    from engine.migrations import schema_version

    if args.device is not None:
        check_device_name(args.device)
    open_db(args)
    if args.device:
        set_device_id(args.device)
    emit({"database": database.database, "schema_version": schema_version(database),
          "device": device_id()})


def check_device_name(name: str) -> None:
    """A device name goes into every id it makes and into its MQTT topics (`devices/<name>`):
    a code, as the site file's codes are."""
    from engine.errors import PlaydeskError
    from engine.sitefile.fields import CODE_PATTERN

    if not CODE_PATTERN.fullmatch(name):
        raise PlaydeskError(f"device name {name!r} is not valid: 1-40 characters of "
                            "A-Z a-z 0-9 _ - .")


def run_load(args) -> None:
    from engine.sitefile import load_site_file

    open_db(args)
    _refuse_on_kiosk()
    emit(load_site_file(args.file, at=now(args), dry_run=args.dry_run))


def run_export(args) -> None:
    from engine.sitefile import export_site

    open_db(args)
    sys.stdout.write(export_site())


def run_hash_pin(args) -> None:
    from engine.people.pins import hash_pin

    # No database: hashing is pure, and the owner may run it on a laptop.
    pin = sys.stdin.readline().strip()
    emit({"pin_hash": hash_pin(pin)})


def run_campaigns(args) -> None:
    from engine.sitefile.campaign_admin import list_campaigns

    open_db(args)
    emit(list_campaigns(now(args), include_deleted=args.all), args)


def run_campaign(args) -> None:
    from engine.sitefile.campaign_admin import change_campaign

    open_db(args)
    emit(change_campaign(args.code, args.action, now(args)))


def _refuse_on_kiosk() -> None:
    """A kiosk gets its definitions by sync: a site file loaded there would be an event every
    other device refuses (issue 14, item 9)."""
    from engine.db import database
    from engine.errors import PlaydeskError
    from engine.ids import device_id
    from engine.sync.config import stored_config

    role = database.execute_sql("SELECT role FROM sync_device WHERE device = ?",
                                (device_id(),)).fetchone()
    config = stored_config()
    kind = config.get("kind") if isinstance(config, dict) else None
    if (role and role[0] == "kiosk") or kind == "kiosk":
        raise PlaydeskError(f"{device_id()} is a kiosk: it gets the site's definitions by sync; "
                            "load the site file on the owner's laptop or a counter")
