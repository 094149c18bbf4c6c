"""The station agent's configuration: a TOML file (/etc/playdesk/station.toml, written by
systemd/install.sh --role station) and command-line options over it.

    site = "DEMO"
    station = "PC01"
    broker = "counter1.local:1883"
    username = "PC01.station"
    password_file = "/etc/playdesk/station.password"
    authority_key = "<hex>"       # the authority device's public key: `playdesk sync keys`
    status_file = "/run/playdesk-station/status.json"
    control_socket = "/run/playdesk-station/control.sock"
    heartbeat_seconds = 30        # until the meter's state says the site's setting
    hooks_file = "/etc/playdesk/station-hooks.toml"   # optional: a [hooks] table kept apart
    site_hooks = true             # the site file's station hooks where these name none
    [hooks]                       # argv lists, never a shell line
    start = ["/usr/bin/loginctl", "unlock-sessions"]
    stop = ["/usr/bin/loginctl", "lock-sessions"]
"""

from __future__ import annotations

import argparse
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import PlaydeskError
from engine.stations.mqtt import Broker, parse_broker

HOOKS = ("start", "stop", "pause", "resume", "warning")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_KEY = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class AgentConfig:
    site: str
    station: str
    broker: Broker
    authority_key: str
    hooks: dict[str, list[str]] = field(default_factory=dict)
    status_file: Path | None = None
    control_socket: Path | None = None
    heartbeat_seconds: float = 30.0
    site_hooks: bool = True  # run the site file's hooks for events the config names none for
    answer_seconds: float = 10.0  # a login not answered by then is reported as unanswered


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML file (default /etc/playdesk/station.toml)")
    parser.add_argument("--site")
    parser.add_argument("--station")
    parser.add_argument("--broker", help="HOST:PORT")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--password-file")
    parser.add_argument("--tls-ca")
    parser.add_argument("--authority-key", help="the authority device's public key (hex)")
    parser.add_argument("--status-file")
    parser.add_argument("--control-socket")
    parser.add_argument("--heartbeat-seconds", type=float)
    parser.add_argument("--hook", action="append", default=[], metavar="EVENT=JSON_ARGV",
                        help='e.g. stop=["/usr/bin/loginctl","lock-sessions"]')


def _hook_argv(event: str, value: Any) -> list[str]:
    if event not in HOOKS:
        raise PlaydeskError(f"hook {event!r}: one of {', '.join(HOOKS)}")
    if not (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)):
        raise PlaydeskError(f"hook {event!r} must be a list of words (an argv), not {value!r}")
    return value


def resolve(args: argparse.Namespace) -> AgentConfig:
    import json

    path = Path(args.config or "/etc/playdesk/station.toml")
    values: dict[str, Any] = {}
    if args.config or path.exists():
        try:
            values = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise PlaydeskError(f"{path}: {error}") from None
    for name in ("site", "station", "broker", "username", "password", "password_file", "tls_ca",
                 "authority_key", "status_file", "control_socket", "heartbeat_seconds"):
        given = getattr(args, name)
        if given is not None:
            values[name] = given
    if values.get("hooks_file"):
        hooks_path = Path(values["hooks_file"])
        try:
            values["hooks"] = {**tomllib.loads(hooks_path.read_text()).get("hooks", {}),
                               **values.get("hooks", {})}
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise PlaydeskError(f"{hooks_path}: {error}") from None
    hooks = {event: _hook_argv(event, argv) for event, argv in values.get("hooks", {}).items()}
    for text in args.hook:
        event, _, argv = text.partition("=")
        try:
            hooks[event] = _hook_argv(event, json.loads(argv))
        except ValueError:
            raise PlaydeskError(f"--hook {text!r}: EVENT=[\"argv\", ...]") from None
    for name in ("site", "station"):
        if not _CODE.match(str(values.get(name, ""))):
            raise PlaydeskError(f"{name}: a code (A-Z a-z 0-9 _ - .) is required")
    if not _KEY.match(str(values.get("authority_key", ""))):
        raise PlaydeskError("authority_key: the authority's public key (64 hex digits, "
                            "`playdesk sync keys` on the authority) is required")
    if not values.get("broker"):
        raise PlaydeskError("broker: HOST:PORT is required")
    password = values.get("password")
    if values.get("password_file"):
        password = Path(values["password_file"]).read_text().strip()
    host, port = parse_broker(str(values["broker"]))
    broker = Broker(host, port, values.get("username"), password, values.get("tls_ca"))
    optional = {name: Path(values[name]) for name in ("status_file", "control_socket")
                if values.get(name)}
    return AgentConfig(values["site"], values["station"], broker, values["authority_key"], hooks,
                       heartbeat_seconds=float(values.get("heartbeat_seconds", 30)),
                       site_hooks=bool(values.get("site_hooks", True)), **optional)
