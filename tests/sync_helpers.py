"""Test harness for sync: a real Mosquitto on a free loopback port, provisioned device databases,
and `playdesk-sync` processes run as subprocesses."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from engine.db import close_database, open_database

MOSQUITTO = "/usr/sbin/mosquitto"
SITE = "DEMO"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")


@dataclass
class Broker:
    """Mosquitto 2 with a generated config; persistence and an ACL are optional."""

    directory: Path
    persistence: bool = False
    passwords: dict[str, str] | None = None  # username -> password; enables the ACL
    authority: str | None = None
    message_size_limit: int = 1024 * 1024  # as systemd/mosquitto/playdesk.conf
    extra_acl: str = ""  # appended to the generated ACL (with passwords)
    ask_devices: tuple[str, ...] = ()  # devices whose `.ask` accounts get their ACL section
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        lines = [f"listener {self.port} 127.0.0.1", "max_queued_messages 200000",
                 "max_inflight_messages 100", "set_tcp_nodelay true", "log_dest stderr",
                 "log_type error", f"message_size_limit {self.message_size_limit}"]
        if os.geteuid() == 0:
            lines.append("user root")  # else it drops to `mosquitto`, who cannot read tmp_path
        if self.persistence:
            lines += ["persistence true", f"persistence_location {self.directory}/",
                      "autosave_interval 1"]
        if self.passwords is None:
            lines.append("allow_anonymous true")
        else:
            from engine.sync.brokerconfig import acl_text

            password_file = self.directory / "passwords"
            password_file.write_text("")
            for user, password in self.passwords.items():
                subprocess.run(["mosquitto_passwd", "-b", str(password_file), user, password],
                               check=True, capture_output=True)
            acl_file = self.directory / "acl"
            acl_file.write_text(acl_text(SITE, self.authority, devices=self.ask_devices)
                                + self.extra_acl)
            # as systemd/mosquitto/playdesk.conf: a client id is its username, so nobody takes
            # over another's connection (an anonymous broker has no usernames to tie them to)
            lines += ["allow_anonymous false", f"password_file {password_file}",
                      f"acl_file {acl_file}", "use_username_as_clientid true"]
        config = self.directory / "mosquitto.conf"
        config.write_text("\n".join(lines) + "\n")
        return config

    def start(self) -> Broker:
        config = self.write_config()
        log = open(self.directory / "mosquitto.log", "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=log, stderr=log)
        wait_until(self._listening, 10, "mosquitto to listen")
        return self

    def _listening(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
            return True
        return False

    def reload(self) -> None:
        """Rewrite the config files and SIGHUP: Mosquitto reloads its passwords and ACL
        without dropping any connection."""
        assert self.process is not None
        self.write_config()
        self.process.send_signal(signal.SIGHUP)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown (persistence keeps only what autosave wrote)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def with_ask_accounts(passwords: dict[str, str]) -> dict[str, str]:
    """`passwords` plus each device's `<DEVICE>.ask` account (its derived password), as
    systemd/broker-user.sh registers them."""
    from engine.sync.brokerconfig import ask_password, ask_username

    return {**passwords, **{ask_username(user): ask_password(password)
                            for user, password in passwords.items()}}


@contextlib.contextmanager
def using(path: Path) -> Iterator[None]:
    """Bind the models to the database at `path` for a block (one database at a time); a new
    one starts as a copy of a migrated empty database (what migrating writes, 1.5 ms instead
    of 50)."""
    if not Path(path).exists():
        template = _empty_template()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)
    open_database(path)
    try:
        yield
    finally:
        close_database()


_templates: list[Path] = []


def _empty_template() -> Path:
    """A migrated empty database, made once per process (removed at exit)."""
    if not _templates:
        folder = Path(tempfile.mkdtemp(prefix="playdesk-template-"))
        atexit.register(shutil.rmtree, folder, True)
        open_database(folder / "empty.db")
        close_database()  # the WAL checkpointed into the file, which alone is copied
        _templates.append(folder / "empty.db")
    return _templates[0]


@dataclass
class Device:
    name: str
    role: str
    db: Path
    process: subprocess.Popen | None = None

    def sql(self, query: str, *params) -> list[tuple]:
        """Read the device's database directly (without rebinding the models)."""
        connection = sqlite3.connect(self.db, timeout=10)
        try:
            return connection.execute(query, params).fetchall()
        finally:
            connection.close()

    def applied(self, origin: str) -> int:
        rows = self.sql("SELECT applied_seq FROM sync_origin WHERE device = ?", origin)
        return rows[0][0] if rows else 0

    def journal_seq(self) -> int:
        return self.sql("SELECT COALESCE(MAX(seq), 0) FROM event WHERE device = ?", self.name)[0][0]

    def events(self) -> list[tuple]:
        return self.sql("SELECT device, seq, type, payload FROM event ORDER BY device, seq")

    def drops(self) -> dict[str, int]:
        return dict(self.sql("SELECT reason, count FROM sync_drop"))

    def start_sync(self, broker: Broker, *extra: str, password: str | None = None,
                   username: str | None = None, env: dict[str, str] | None = None) -> None:
        """`username` (default the device's name) goes with `password`; `env` is added to
        the process's environment (e.g. TZ)."""
        command = [sys.executable, "-m", "engine.sync.main", "--db", str(self.db), "--broker",
                   broker.address, "--site", SITE, "--kind", self.role, "--log-level",
                   "WARNING", *extra]
        if password is not None:
            command += ["--username", username or self.name, "--password", password]
        log = open(f"{self.db}.sync.log", "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log,
                                        env={**os.environ, "PYTHONPATH": str(ROOT),
                                             **(env or {})})

    def stop_sync(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(15)
            self.process = None

    def kill_sync(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def log(self) -> str:
        path = Path(f"{self.db}.sync.log")
        return path.read_text(errors="replace") if path.exists() else ""


def provision(directory: Path, roles: dict[str, str], owner: str | None = None) -> list[Device]:
    """Databases with device ids and keys, every device trusting one owner-signed device list.

    `owner` names the device whose key signs the list (it must have role owner); without one a
    separate owner key (the owner's laptop) signs and is listed as device OWNER.
    """
    from engine.ids import set_device_id
    from engine.sync import devicelist
    from engine.sync.keys import key_path, load_or_create, public_hex

    devices = [Device(name, role, directory / f"{name}.db") for name, role in roles.items()]
    entries = []
    owner_key = None
    for device in devices:
        with using(device.db):
            set_device_id(device.name)
            key = load_or_create(key_path(device.db))
        entries.append({"device": device.name, "role": device.role, "public_key": public_hex(key)})
        if device.name == owner:
            owner_key = key
    if owner_key is None:
        owner_key = load_or_create(directory / "owner.key")
        entries.append({"device": "OWNER", "role": "owner", "public_key": public_hex(owner_key)})
    document = devicelist.build(SITE, 1, entries, owner_key)
    for device in devices:
        with using(device.db):
            devicelist.install(document, trust=True)
    return devices


def stop_all(devices: list[Device]) -> None:
    for device in devices:
        with contextlib.suppress(Exception):
            device.kill_sync()
