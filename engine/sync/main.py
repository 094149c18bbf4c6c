"""`playdesk-sync`: the long-running sync process of a device (systemd/playdesk-sync.service).

    playdesk-sync --db /var/lib/playdesk/playdesk.db --broker counter1.local:1883 \\
                  [--site DEMO] [--kind counter] [--username D --password-file F] [--authority C1]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time

from peewee import OperationalError

from engine.db import open_database
from engine.errors import PlaydeskError
from engine.models import LocalState, Site
from engine.sync.client import SyncConfig, SyncService
from engine.sync.keys import key_path, load_or_create
from engine.sync.options import add_connection_arguments

CONFIG_STATE = "sync.config"
log = logging.getLogger("playdesk.sync")


def parse_broker(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host:
        return text, 1883
    return host, int(port)


def stored_config() -> dict | None:
    row = LocalState.get_or_none(LocalState.key == CONFIG_STATE)
    return json.loads(row.value) if row else None


def resolve_config(args: argparse.Namespace) -> SyncConfig:
    """Arguments, else what the last run stored (so `playdesk push` and the UIs find the broker)."""
    stored = stored_config() or {}
    site_row = Site.select().first()
    password = args.password
    if args.password_file:
        with open(args.password_file) as handle:
            password = handle.read().strip()
    values = {
        "site": args.site or stored.get("site") or (site_row.code if site_row else None),
        "kind": args.kind or stored.get("kind") or "counter",
        "username": args.username or stored.get("username"),
        "password": password or os.environ.get("PLAYDESK_MQTT_PASSWORD") or stored.get("password"),
        "tls_ca": args.tls_ca or stored.get("tls_ca"),
        "tls_cert": args.tls_cert or stored.get("tls_cert"),
        "tls_key": args.tls_key or stored.get("tls_key"),
        # an empty --authority (the unit's PLAYDESK_AUTHORITY cleared) removes the stored one
        "authority": (stored.get("authority") if args.authority is None
                      else args.authority or None),
    }
    if args.broker:
        values["host"], values["port"] = parse_broker(args.broker)
    else:
        values["host"], values["port"] = stored.get("host"), stored.get("port")
    if not values["host"]:
        raise PlaydeskError("no broker: give --broker HOST:PORT")
    if not values["site"]:
        raise PlaydeskError("no site: give --site CODE or load the site file first")
    return SyncConfig(**values)


def store_config(config: SyncConfig) -> None:
    from engine.db import write

    with write():
        LocalState.insert(key=CONFIG_STATE, value=json.dumps(config.__dict__)
                          ).on_conflict_replace().execute()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playdesk-sync", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database file (default $PLAYDESK_DB)")
    parser.add_argument("--log-level", default="INFO")
    add_connection_arguments(parser)
    return parser


# How often the "restore pending" mark is looked at (engine.sync.reconciled).
RECONCILED_CHECK_SECONDS = 0.5
# Exit status when the database was replaced under the process (systemd restarts it).
EXIT_REPLACED = 75


class Supervision:
    """Run between the loop's turns: stop when the database was replaced, clear the restore
    mark once the site has told this device all it needs."""

    def __init__(self, service: SyncService, watch) -> None:
        self.service = service
        self.watch = watch
        self.replaced: str | None = None
        self.last_check = 0.0

    def __call__(self) -> bool:
        from engine.sync import reconciled

        self.replaced = self.watch.replaced()
        if self.replaced:
            return True
        now = time.monotonic()
        if now - self.last_check >= RECONCILED_CHECK_SECONDS:
            self.last_check = now
            try:
                if self.service.own_high:
                    reconciled.mark_when_behind(self.service.own_high)
                reconciled.clear_when_reconciled(self.service.verified)
            except OperationalError as error:  # the database busy: the next check will do
                log.warning("sync: restore mark not checked: %s", error)
        return False


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    from engine.db import default_path
    from engine.ops.synclock import hold_for_sync

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    path = Path(args.db) if args.db else default_path()
    # Held for the life of the process: `playdesk restore` refuses while it is (synclock).
    lock = hold_for_sync(path, on_wait=lambda who: log.warning(
        "sync: waiting for the lock on %s (held by %s)", path, who or "a restore"))
    database = open_database(path)
    try:
        config = resolve_config(args)
    except PlaydeskError as error:
        print(f"playdesk-sync: error: {error}", file=sys.stderr)
        return 2
    for attempt in range(30):  # the database may be busy with a long write: wait, do not die
        try:
            store_config(config)
            break
        except OperationalError:
            if attempt == 29:
                raise
            time.sleep(1)
    from engine.ids import device_id
    from engine.sync.authority import AuthorityServer
    from engine.sync.dbwatch import DatabaseWatch

    authority = AuthorityServer() if config.authority == device_id() else None
    service = SyncService(config, load_or_create(key_path(database.database)), authority)
    supervision = Supervision(service, DatabaseWatch(path, device_id()))

    def request_stop(signum, frame) -> None:
        service.stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    service.start()
    try:
        service.run(until=supervision)
    except BaseException:
        service.stop()
        raise
    if supervision.replaced:
        # Nothing stored: what this process holds in memory (acked seqs, signatures, presence)
        # is about the old database. The broker's Last Will says offline.
        log.error("sync: %s: exiting so that the service starts again on it",
                  supervision.replaced)
        service.client.loop_stop()
        os.close(lock)
        return EXIT_REPLACED
    service.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
