"""CLI commands: push, devices, conflicts, and `sync keys|device-list|drops` (spec/sync.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from engine.cli.common import emit, now, open_db


def register(commands) -> None:
    from engine.sync.options import add_connection_arguments

    push = commands.add_parser("push", help="sign and publish a site file to every device")
    push.add_argument("file")
    add_connection_arguments(push)
    push.set_defaults(handler=push_command)

    devices = commands.add_parser("devices", help="every device seen, with its presence")
    devices.set_defaults(handler=devices_command)

    conflicts = commands.add_parser("conflicts", help="over-redeemed coupons, negative "
                                    "balances, over-returned receipts, refused facts")
    conflicts.set_defaults(handler=conflicts_command)

    sync = commands.add_parser("sync", help="device keys and the owner-signed device list")
    actions = sync.add_subparsers(dest="sync_command", required=True)
    keys = actions.add_parser("keys", help="this device's name and public key (created if new)")
    keys.add_argument("--device", help="set this device's name first (provisioning)")
    keys.set_defaults(handler=keys_command)
    build = actions.add_parser("device-list", help="sign a device list with this (owner) key")
    build.add_argument("--site", required=True)
    build.add_argument("--version", type=int, required=True)
    build.add_argument("entries", nargs="+", metavar="DEVICE=ROLE:PUBLIC_KEY")
    build.set_defaults(handler=device_list_command)
    install = actions.add_parser("import", help="install a signed device list (file or -)")
    install.add_argument("file")
    install.add_argument("--trust", action="store_true",
                         help="pin its owner key (first provisioning only)")
    install.set_defaults(handler=import_command)
    publish = actions.add_parser("publish-list",
                                 help="publish a signed device list to every device (retained)")
    publish.add_argument("file")
    add_connection_arguments(publish)
    publish.set_defaults(handler=publish_list_command)
    drops = actions.add_parser("drops", help="dropped messages by reason")
    drops.set_defaults(handler=drops_command)
    from engine.cli import reconcile  # status, reconciled: after a restore

    reconcile.register(actions)


def push_command(args) -> None:
    open_db(args)
    from engine.sync.config import resolve_config
    from engine.sync.push import push

    emit(push(args.file, now(args), resolve_config(args)), args)


def devices_command(args) -> None:
    open_db(args)
    from engine.models.sync import SyncDevice

    emit([{"device": d.device, "kind": d.kind, "role": d.role, "online": d.online,
           "last_seen": d.last_seen, "site_version": d.site_version,
           "journal_seq": d.journal_seq, "applied": json.loads(d.applied or "{}")}
          for d in SyncDevice.select().order_by(SyncDevice.device)], args)


def conflicts_command(args) -> None:
    open_db(args)
    from engine.sync.conflicts import conflicts

    emit(conflicts(), args)


def keys_command(args) -> None:
    open_db(args)
    from engine.db import database, write
    from engine.ids import device_id, set_device_id
    from engine.sync.keys import key_path, load_or_create, public_hex

    if args.device:
        with write():
            set_device_id(args.device)
    key = load_or_create(key_path(database.database))
    emit({"device": device_id(), "public_key": public_hex(key)}, args)


def device_list_command(args) -> None:
    open_db(args)
    from engine.db import database
    from engine.errors import PlaydeskError
    from engine.sync.devicelist import build
    from engine.sync.keys import key_path, load_or_create

    entries = []
    for text in args.entries:
        name, _, rest = text.partition("=")
        role, _, public = rest.partition(":")
        if not (name and role and public):
            raise PlaydeskError(f"{text!r}: expected DEVICE=ROLE:PUBLIC_KEY")
        entries.append({"device": name, "role": role, "public_key": public})
    emit(build(args.site, args.version, entries, load_or_create(key_path(database.database))),
         args)


def _read_list(path: str) -> dict:
    from engine.errors import PlaydeskError

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
        document = json.loads(text)
    except (OSError, ValueError) as error:
        raise PlaydeskError(f"cannot read device list {path}: {error}") from None
    if not isinstance(document, dict):
        raise PlaydeskError(f"device list {path} is not a JSON object")
    return document


def publish_list_command(args) -> None:
    open_db(args)
    from engine.sync.config import resolve_config
    from engine.sync.push import publish_device_list

    document = _read_list(args.file)
    published = publish_device_list(resolve_config(args), document)
    emit({"published": published, "version": document.get("version"),
          "devices": [e.get("device") for e in document.get("devices", [])]}, args)


def import_command(args) -> None:
    open_db(args)
    from engine.sync.devicelist import install

    document = _read_list(args.file)
    installed = install(document, trust=args.trust)
    emit({"installed": installed, "version": document.get("version"),
          "devices": [e.get("device") for e in document.get("devices", [])]}, args)


def drops_command(args) -> None:
    open_db(args)
    from engine.models.sync import SyncDrop

    emit([{"reason": d.reason, "count": d.count, "last_at": d.last_at, "last": d.last_detail}
          for d in SyncDrop.select().order_by(SyncDrop.reason)], args)

