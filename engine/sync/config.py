"""How this device reaches the site's broker: the `SyncConfig` of `playdesk-sync`'s arguments,
stored in local state by each run, so the CLI and the apps (strict operations, `playdesk push`)
find the broker and the authority without being told."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from engine import localstate
from engine.db import write
from engine.errors import PlaydeskError
from engine.models import Site


@dataclass
class SyncConfig:
    host: str
    port: int
    site: str
    kind: str = "counter"
    username: str | None = None
    password: str | None = None
    keepalive: int = 10
    tls_ca: str | None = None
    tls_cert: str | None = None
    tls_key: str | None = None
    authority: str | None = None  # the device that serializes strict operations

    def prefix(self) -> str:
        return f"playdesk/{self.site}/"


def parse_broker(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host:
        return text, 1883
    return host, int(port)


def stored_config() -> dict | None:
    """The configuration the last `playdesk-sync` run stored (what the CLI and the apps use)."""
    return localstate.get_json(localstate.SYNC_CONFIG)


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
    with write():
        localstate.put_json(localstate.SYNC_CONFIG, config.__dict__)


def sync_configured() -> bool:
    """Whether strict operations go through an authority. A lone device (never started sync)
    or a site without an authority serializes them in each device's own write transaction:
    there is nobody to ask."""
    config = stored_config()
    return isinstance(config, dict) and bool(config.get("authority"))
