"""`make demo`: the demo site with a broker, a counter and a kiosk, on simulated hardware.

- `var/playdesk.db` is the counter COUNTER1 (it loads demo/site.yaml), `var/kiosk1.db` the kiosk
  KIOSK1; each has its own `playdesk-sync` process, talking through a Mosquitto on 127.0.0.1.
- Both apps open in windows (under Xvfb when there is no display); their scanners are this
  terminal: type `k MEM0001` to scan a card at the kiosk, `c 4006381333931` at the counter.
- Printers are PNG previews in var/prints/.

`python -m demo.run --check 20` runs it all for 20 seconds, scans a card at the kiosk, checks
every process stayed up and that the site reached the kiosk by sync, and stops (tests use it).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from engine.cli import main as playdesk

ROOT = Path(__file__).resolve().parent.parent
SITE_FILE = ROOT / "demo" / "site.yaml"
PEOPLE_FILE = ROOT / "demo" / "people.yaml"  # demo staff and PINs
DEVICES = {"COUNTER1": "counter", "KIOSK1": "kiosk"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


class Demo:
    def __init__(self, var: Path) -> None:
        self.var = var
        self.databases = {"COUNTER1": var / "playdesk.db", "KIOSK1": var / "kiosk1.db"}
        self.processes: dict[str, subprocess.Popen] = {}
        self.port = free_port()
        self.locale: str | None = None  # the site file's unless asked
        self.env = dict(os.environ, PYTHONPATH=str(ROOT))

    # -- the site ---------------------------------------------------------------------------

    def prepare_databases(self) -> None:
        """Device ids, keys and one owner-signed device list; the site loaded on the counter."""
        from engine.db import close_database, open_database
        from engine.ids import set_device_id
        from engine.sync import devicelist
        from engine.sync.keys import key_path, load_or_create, public_hex

        owner = load_or_create(self.var / "owner.key")
        entries = [{"device": "OWNER", "role": "owner", "public_key": public_hex(owner)}]
        for name, path in self.databases.items():
            open_database(path)
            set_device_id(name)
            key = load_or_create(key_path(path))
            entries.append({"device": name, "role": DEVICES[name], "public_key": public_hex(key)})
            close_database()
        document = devicelist.build("DEMO", 1, entries, owner)
        for path in self.databases.values():
            open_database(path)
            devicelist.install(document, trust=True)
            close_database()
        counter = str(self.databases["COUNTER1"])
        for command in (["load", str(self.site_file())], ["load", str(PEOPLE_FILE)],
                        ["campaigns"]):
            if playdesk(["--db", counter, *command]):
                raise SystemExit(f"demo: `playdesk {command[0]}` failed")

    def site_file(self) -> Path:
        """demo/site.yaml, in another locale when asked (`make demo LOCALE=de_DE`)."""
        if not self.locale:
            return SITE_FILE
        import yaml

        site = yaml.safe_load(SITE_FILE.read_text(encoding="utf-8"))
        site["site"]["locale"] = self.locale
        path = self.var / "site.yaml"
        path.write_text(yaml.safe_dump(site, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        return path

    def kiosk_has_site(self) -> bool:
        import sqlite3

        with contextlib.closing(sqlite3.connect(self.databases["KIOSK1"])) as kiosk:
            return bool(kiosk.execute("SELECT count(*) FROM campaign").fetchone()[0])

    # -- processes --------------------------------------------------------------------------

    def start(self, name: str, command: list[str], stdin: int | None = None,
              env: dict[str, str] | None = None) -> None:
        log = open(self.var / f"{name}.log", "ab")  # noqa: SIM115 - lives with the process
        self.processes[name] = subprocess.Popen(command, stdin=stdin, stdout=log, stderr=log,
                                                env={**self.env, **(env or {})}, cwd=ROOT)

    def start_broker(self) -> None:
        config = self.var / "mosquitto.conf"
        lines = [f"listener {self.port} 127.0.0.1", "allow_anonymous true",  # demo only
                 "persistence true", f"persistence_location {self.var}/", "log_dest stderr"]
        if os.geteuid() == 0:
            lines.append("user root")
        config.write_text("\n".join(lines) + "\n")
        mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.start("mosquitto", [mosquitto, "-c", str(config)])

    def start_sync(self) -> None:
        for name, path in self.databases.items():
            self.start(f"sync-{name}", [sys.executable, "-m", "engine.sync.main", "--db", str(path),
                                        "--broker", f"127.0.0.1:{self.port}", "--site", "DEMO",
                                        "--kind", DEVICES[name], "--authority", "COUNTER1"])

    def ensure_display(self) -> None:
        if os.environ.get("DISPLAY"):
            return
        display = f":{free_port() % 400 + 100}"
        self.start("xvfb", ["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
        self.env["DISPLAY"] = display
        print(f"demo: no display, the apps run on Xvfb {display} (prints land in var/prints/)")

    def kivy_home(self, app: str) -> dict[str, str]:
        """Each app its own Kivy home: two apps starting at once on one machine (only the demo
        does that; an appliance runs one) race to create the same ~/.kivy and one logs a
        traceback (FileExistsError copying Kivy's logo directory)."""
        return {"KIVY_HOME": str(self.var / f"kivy-{app}")}

    def start_apps(self) -> None:
        prints = str(self.var / "prints")
        self.start("kiosk", [sys.executable, "-m", "kiosk.main", "--db",
                             str(self.databases["KIOSK1"]), "--location", "KIOSK1",
                             "--scanner", "stdin", "--printer", f"png:{prints}",
                             "--size", "1024x600"], stdin=subprocess.PIPE,
                   env=self.kivy_home("kiosk"))
        self.start("counter", [sys.executable, "-m", "counter.main", "--db",
                               str(self.databases["COUNTER1"]), "--location", "COUNTER1",
                               "--scanner", "stdin", "--printer", f"png:{prints}",
                               "--size", "1280x800"], stdin=subprocess.PIPE,
                   env=self.kivy_home("counter"))

    def scan(self, app: str, text: str) -> None:
        process = self.processes[app]
        process.stdin.write(f"{text}\n".encode())
        process.stdin.flush()

    def dead(self) -> list[str]:
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()

    # -- running ----------------------------------------------------------------------------

    def run(self) -> None:
        self.prepare_databases()
        self.start_broker()
        self.start_sync()
        if not wait_until(self.kiosk_has_site, 30):
            raise SystemExit("demo: the site did not reach the kiosk by sync (see var/*.log)")
        self.ensure_display()
        self.start_apps()

    def console(self) -> None:
        print("demo: running. Type `k TEXT` to scan at the kiosk, `c TEXT` at the counter, "
              "`q` to stop.\n  counter PINs: cashier 1111, manager 2222, owner 9999; member "
              "PIN 1234\n  cards MEM0001..MEM0003; cola 4006381333931, chips 4012345678901")
        for line in sys.stdin:
            command, _, text = line.strip().partition(" ")
            if command == "q":
                return
            if command in ("k", "c") and text:
                self.scan("kiosk" if command == "k" else "counter", text.strip())
            elif command:
                print("demo: `k TEXT`, `c TEXT` or `q`")
            if self.dead():
                print(f"demo: stopped unexpectedly: {', '.join(self.dead())} (see var/*.log)")
                return
        signal.pause()  # stdin closed (not a terminal): keep running until Ctrl-C

    def kiosk_logged_in(self) -> bool:
        """Whether the kiosk logged a member in by card (the scan `check` sends reached it)."""
        import sqlite3

        with contextlib.closing(sqlite3.connect(self.databases["KIOSK1"])) as kiosk:
            return bool(kiosk.execute("SELECT count(*) FROM login_attempt WHERE ok AND "
                                      "method = 'card'").fetchone()[0])

    def check(self, seconds: float) -> int:
        """Scan a member card at the kiosk and a cola at the counter (the scanners' pipes keep
        them until the apps read), wait up to `seconds` for the kiosk's login, then a moment
        more for a crash the scans caused."""
        self.scan("kiosk", "MEM0001")
        self.scan("counter", "4006381333931")
        logged_in = wait_until(lambda: self.kiosk_logged_in() or self.dead(), seconds) \
            and self.kiosk_logged_in()
        time.sleep(1.0)
        dead = self.dead()
        print(f"demo: processes {sorted(self.processes)}; stopped: {dead or 'none'}; "
              f"kiosk login by card: {'yes' if logged_in else 'no'}")
        return 1 if dead or not logged_in else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo", description=__doc__.splitlines()[0])
    parser.add_argument("--var", default=str(ROOT / "var"), help="where the demo keeps its state")
    parser.add_argument("--check", type=float, metavar="SECONDS",
                        help="run for SECONDS, scan once at each app, check, stop")
    parser.add_argument("--locale",
                        help="the site's locale, e.g. de_DE or tr_TR (default: the site file's)")
    args = parser.parse_args(argv)
    var = Path(args.var)
    var.mkdir(parents=True, exist_ok=True)
    demo = Demo(var)
    demo.locale = args.locale
    try:
        demo.run()
        return demo.check(args.check) if args.check else demo.console() or 0
    except KeyboardInterrupt:
        return 0
    finally:
        demo.stop()


if __name__ == "__main__":
    sys.exit(main())
