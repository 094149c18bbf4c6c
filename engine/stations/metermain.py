"""`playdesk-meter`: the meter service of the authority device (systemd/playdesk-meter.service).

    playdesk-meter --db /var/lib/playdesk/playdesk.db --broker counter1.local:1883 --site DEMO \\
                   --device COUNTER1 --device-password-file /etc/playdesk/mqtt.password

It connects as `<DEVICE>.meter` (the password derived from the device's, as
`playdesk-broker-user meter DEVICE` registers it) and signs with the device key beside the
database (the one playdesk-sync signs with). `--clock START@ORIGINxSPEED` runs it on a scaled
clock (tests, benchmarks: engine.stations.clock).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from engine.db import default_path, open_database
from engine.errors import PlaydeskError
from engine.ids import device_id
from engine.settings import site_identity
from engine.stations.brokeracl import meter_password, meter_username
from engine.stations.clock import WallClock, parse_clock
from engine.stations.mqtt import Broker, parse_broker
from engine.sync.keys import key_path, load_or_create

log = logging.getLogger("playdesk.meter")

# Exit status when the database was replaced under the process (systemd starts it again).
EXIT_REPLACED = 75


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playdesk-meter", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database file (default $PLAYDESK_DB)")
    parser.add_argument("--broker", help="HOST:PORT of the site's Mosquitto (none: charge only)")
    parser.add_argument("--site", help="site code (default: the loaded site)")
    parser.add_argument("--device", help="this device's name (default: the database's)")
    parser.add_argument("--username", help="broker account (default DEVICE.meter)")
    parser.add_argument("--password")
    parser.add_argument("--password-file", help="the meter account's own password")
    parser.add_argument("--device-password-file",
                        help="the device's broker password: the meter's is derived from it")
    parser.add_argument("--tls-ca")
    parser.add_argument("--clock", help="START@ORIGINxSPEED: a scaled clock (tests)")
    parser.add_argument("--log-level", default="INFO")
    return parser


def _broker(args: argparse.Namespace, device: str) -> Broker | None:
    if not args.broker:
        return None
    password = args.password or os.environ.get("PLAYDESK_METER_PASSWORD")
    if args.password_file:
        password = Path(args.password_file).read_text().strip()
    elif args.device_password_file:
        password = meter_password(Path(args.device_password_file).read_text().strip())
    username = args.username or (meter_username(device) if password else None)
    host, port = parse_broker(args.broker)
    return Broker(host, port, username, password, args.tls_ca)


def main(argv: list[str] | None = None) -> int:
    from engine.stations.service import MeterService
    from engine.sync.dbwatch import DatabaseWatch

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    path = Path(args.db) if args.db else default_path()
    database = open_database(path)
    try:
        device = args.device or device_id()
        identity = site_identity()
        site = args.site or _site_code()
        clock = parse_clock(args.clock) if args.clock else WallClock(identity.timezone)
        broker = _broker(args, device)
    except (PlaydeskError, OSError, ValueError) as error:
        print(f"playdesk-meter: error: {error}", file=sys.stderr)
        return 2
    key = load_or_create(key_path(database.database))
    service = MeterService(site, key, clock, broker,
                           client_id=broker.username if broker and broker.username
                           else f"playdesk-meter-{site}-{device}")
    watch = DatabaseWatch(path, device)
    replaced: list[str] = []

    def until() -> bool:
        why = watch.replaced()
        if why:
            replaced.append(why)
        return bool(why)

    def request_stop(signum, frame) -> None:
        service.stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    log.info("meter: site %s, device %s, broker %s", site, device,
             f"{broker.host}:{broker.port}" if broker else "none")
    service.start()
    try:
        service.run(until=until)
    finally:
        service.stop()
    if replaced:
        log.error("meter: %s: exiting so that the service starts again on it", replaced[0])
        return EXIT_REPLACED
    return 0


def _site_code() -> str:
    from engine.models import Site

    row = Site.select().first()
    if row is None:
        raise PlaydeskError("no site: give --site CODE or load the site file first")
    return row.code


if __name__ == "__main__":
    sys.exit(main())
