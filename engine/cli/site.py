"""CLI commands: the site — init, load, export, hash-pin, campaigns, campaign state changes."""

from __future__ import annotations

from engine.cli.common import emit, open_db


def register(commands) -> None:
    init = commands.add_parser("init", help="create or migrate the database")
    init.add_argument("--device", help="this device's id (kept in the database)")
    init.set_defaults(handler=run_init)


def run_init(args) -> None:
    from engine.db import database
    from engine.ids import device_id, set_device_id
    from engine.migrations import schema_version

    open_db(args)
    if args.device:
        set_device_id(args.device)
    emit({"database": database.database, "schema_version": schema_version(database),
          "device": device_id()})
