"""Shared harness of the station and meter tests (no tests here): a site with agent stations
and short timeouts, a real Mosquitto with the stations' ACL, and real `playdesk-meter` and
`playdesk-station` processes (subprocesses: never fork)."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sync_helpers import ROOT, SITE, Broker, using, wait_until

from engine.stations.brokeracl import (
    meter_password,
    meter_username,
    station_acl_text,
    station_username,
)

DATA = Path(__file__).parent / "data"
BIN = Path(sys.executable).parent
T0 = dt.datetime(2026, 7, 3, 12, 0)
STAFF = """
staff:
  - {code: S01, name: Sam, role: cashier}
  - {code: MGR, name: Mia, role: manager}
"""
DEVICE = "C1"
DEVICE_PASSWORD = "c1-device-secret-0123"
STATION_PASSWORDS = {"PC01": "pc01-station-secret", "PC02": "pc02-station-secret"}


def site_text(heartbeat: int = 30, timeout: int = 120, warning: int = 5,
              members: int = 0) -> str:
    """The demo site (tests/data/site.yaml), its settings replaced, plus staff and `members`
    more members (M101, M102, ... with cards MEM0101, ...)."""
    text = (DATA / "site.yaml").read_text()
    extra = "".join(f'  - {{code: M{100 + n}, name: Player {n}, card: "MEM0{100 + n}"}}\n'
                    for n in range(1, members + 1))
    text = text.replace("\nmembers:\n", "\nmembers:\n" + extra, 1)
    start = text.index("settings:")
    end = text.index("\n\n", start)
    settings = (f"settings: {{consumption_order: expiry_first, session_warning_minutes: "
                f"{warning}, agent_heartbeat_seconds: {heartbeat}, "
                f"agent_timeout_seconds: {timeout}}}")
    return text[:start] + settings + text[end:] + STAFF


def make_counter(directory: Path, edit=None, **settings: int) -> Path:
    """The authority's database: device C1, the site loaded (`edit` may change its text), its
    key created."""
    from engine.ids import set_device_id
    from engine.sitefile import load_site_file
    from engine.sync.keys import key_path, load_or_create

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "c1.db"
    site = directory / "site.yaml"
    site.write_text(edit(site_text(**settings)) if edit else site_text(**settings))
    with using(path):
        set_device_id(DEVICE)
        load_site_file(site, at=T0 - dt.timedelta(hours=1))
        load_or_create(key_path(path))
    return path


def add_lot(path: Path, member: str, kind: str, amount: int, device: str = "any",
            at: dt.datetime = T0 - dt.timedelta(minutes=30)) -> str:
    from engine.entitlements.adjust import add_lot as add

    with using(path):
        return add(member, kind, "manual", amount, "MGR", "test credit", at, device)["id"]


def public_key(path: Path) -> str:
    from engine.sync.keys import key_path, load_or_create, public_hex

    return public_hex(load_or_create(key_path(path)))


INTRUDER = ("INTRUDER", "intruder-secret-0123")  # may write PC01's commands (forgery tests)


def station_broker(directory: Path, persistence: bool = False) -> Broker:
    """Mosquitto with the site's ACL, the meter's account and the stations' sections; and an
    intruder who got write access to PC01's commands (but not the authority's key)."""
    passwords = {DEVICE: DEVICE_PASSWORD, meter_username(DEVICE): meter_password(DEVICE_PASSWORD),
                 "K1": "k1-device-secret-0123", INTRUDER[0]: INTRUDER[1]}
    passwords.update({station_username(code): secret
                      for code, secret in STATION_PASSWORDS.items()})
    extra = station_acl_text(SITE, DEVICE, sorted(STATION_PASSWORDS), [DEVICE, "K1"])
    extra += f"\nuser {INTRUDER[0]}\ntopic write playdesk/{SITE}/stations/PC01/command\n"
    return Broker(directory / "broker", persistence=persistence, passwords=passwords,
                  authority=DEVICE, extra_acl=extra).start()


def clock_argument(start: dt.datetime, speed: float, origin: float | None = None) -> str:
    return f"{start.isoformat()}@{time.time() if origin is None else origin}x{speed}"


class Process:
    """A console script run as a subprocess; its stdout lines are collected by a thread."""

    def __init__(self, argv: list[str], log: Path, stdin: bool = False) -> None:
        self.log = log
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.handle = open(log, "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=self.handle,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def output(self) -> list[str]:
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return self.seen

    def wait_for(self, text: str, timeout: float = 20.0, after: int = 0) -> int:
        """The index of the first line from `after` on containing `text`."""
        found: list[int] = []

        def has() -> bool:
            lines = self.output()
            found[:] = [i for i in range(after, len(lines)) if text in lines[i]][:1]
            return bool(found)

        wait_until(has, timeout, f"{text!r} in the output of {self.log.name}: "
                                 f"{self.output()[-15:]}")
        return found[0]

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_meter(db: Path, broker: Broker | None, clock: str | None, log: Path) -> Process:
    argv = [str(BIN / "playdesk-meter"), "--db", str(db), "--site", SITE, "--device", DEVICE,
            "--log-level", "INFO"]
    if broker is not None:
        argv += ["--broker", broker.address, "--password", meter_password(DEVICE_PASSWORD)]
    if clock:
        argv += ["--clock", clock]
    return Process(argv, log)


def start_agent(directory: Path, station: str, broker: Broker, authority_key: str,
                hooks: dict[str, list[str]] | None = None,
                password: str | None = None) -> Process:
    status = directory / f"{station}.status.json"
    argv = [str(BIN / "playdesk-station"), "--config", str(directory / "none.toml"),
            "--site", SITE, "--station", station, "--broker", broker.address,
            "--username", station_username(station),
            "--password", password or STATION_PASSWORDS[station],
            "--authority-key", authority_key, "--status-file", str(status), "--stdin"]
    for event, command in (hooks or {}).items():
        argv += ["--hook", f"{event}={json.dumps(command)}"]
    (directory / "none.toml").write_text("")
    return Process(argv, directory / f"{station}.agent.log", stdin=True)


def status(directory: Path, station: str) -> dict:
    path = directory / f"{station}.status.json"
    return json.loads(path.read_text()) if path.exists() else {}


def hook_recorder(directory: Path, event: str) -> list[str]:
    """A hook that appends its event and session to directory/hooks.log (argv, no shell)."""
    script = ("import os, sys; open(sys.argv[1], 'a').write(os.environ['PLAYDESK_EVENT'] + ' ' "
              "+ os.environ.get('PLAYDESK_SESSION', '') + ' ' "
              "+ os.environ.get('PLAYDESK_REASON', '') + '\\n')")
    return [sys.executable, "-c", script, str(directory / "hooks.log")]


def hooks_seen(directory: Path) -> list[str]:
    path = directory / "hooks.log"
    return path.read_text().splitlines() if path.exists() else []


def sql(path: Path, query: str, *params) -> list[tuple]:
    import sqlite3

    connection = sqlite3.connect(path, timeout=10)
    try:
        return connection.execute(query, params).fetchall()
    finally:
        connection.close()
