"""`playdesk-sync`: the long-running sync process of a device (systemd/playdesk-sync.service).

    playdesk-sync --db /var/lib/playdesk/playdesk.db --broker counter1.local:1883 \\
                  [--site DEMO] [--kind counter] [--username D --password-file F] [--authority C1]
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path

from peewee import OperationalError

from engine.db import default_path, open_database
from engine.errors import PlaydeskError
from engine.ids import device_id
from engine.ops.synclock import hold_for_sync
from engine.sync import reconciled
from engine.sync.authority import AuthorityServer
from engine.sync.client import APPLY_BATCH, SyncService
from engine.sync.config import resolve_config, store_config
from engine.sync.dbwatch import DatabaseWatch
from engine.sync.keys import key_path, load_or_create
from engine.sync.options import add_connection_arguments

log = logging.getLogger("playdesk.sync")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playdesk-sync", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database file (default $PLAYDESK_DB)")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--apply-batch", type=int, default=APPLY_BATCH, metavar="N",
                        help=f"events applied in one transaction (default {APPLY_BATCH}; 1 "
                             "applies each alone, the baseline bench/bench_sync.py measures)")
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

    authority = AuthorityServer() if config.authority == device_id() else None
    service = SyncService(config, load_or_create(key_path(database.database)), authority,
                          apply_size=args.apply_batch)
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
