"""The installer's station role and the meter unit (systemd/install.sh --root, systemd-analyze),
and the broker account tool's station and meter accounts (systemd/broker-user.sh)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_install import INSTALL, PLAN, SYSTEMD, VENV_BIN, install, mode, snapshot

from engine.stations.brokeracl import meter_password

KEY = "ab" * 32
STATION_ARGS = ["--role", "station", "--site", "GC1", "--station", "PC01", "--broker",
                "counter1.local", "--authority-key", KEY]
UNITS = ["playdesk-meter.service", "playdesk-station.service"]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    directory = tmp_path / "root"
    directory.mkdir()
    return directory


def test_a_station_pc_gets_the_agent_its_config_and_hooks_only(root):
    result = install(root, *STATION_ARGS, "--broker-password-file", "-",
                     stdin="pc01-station-secret-0123\n")
    assert result.returncode == 0, result.stderr
    config = (root / "etc/playdesk/station.toml").read_text()
    for line in ['site = "GC1"', 'station = "PC01"', 'broker = "counter1.local:1883"',
                 'username = "PC01.station"', f'authority_key = "{KEY}"',
                 'hooks_file = "/etc/playdesk/station-hooks.toml"']:
        assert line in config
    assert mode(root / "etc/playdesk/station.toml") == 0o640
    assert (root / "etc/playdesk/mqtt.password").read_text() == "pc01-station-secret-0123\n"
    units = sorted(p.name for p in (root / "etc/systemd/system").iterdir())
    assert units == ["playdesk-station.service"]
    assert (root / "etc/systemd/system/playdesk-station.service").read_bytes() == (
        SYSTEMD / "playdesk-station.service").read_bytes()
    plan = (root / PLAN).read_text().splitlines()
    assert "systemctl enable playdesk-station.service" in plan
    assert not any("playdesk init" in line or "backup" in line for line in plan)
    assert not (root / "etc/udev/rules.d/70-playdesk.rules").exists()
    useradd = next(line for line in plan if line.startswith("useradd"))
    assert "--groups" not in useradd  # no device of the PC


def test_the_station_hooks_file_is_written_once_and_stays_the_sites(root):
    assert install(root, *STATION_ARGS).returncode == 0
    hooks = root / "etc/playdesk/station-hooks.toml"
    assert 'stop = ["/usr/bin/loginctl", "lock-sessions"]' in hooks.read_text()
    hooks.write_text('[hooks]\nstop = ["/usr/local/bin/lock-it"]\n')
    before = snapshot(root)

    again = install(root, *STATION_ARGS)

    assert again.returncode == 0, again.stderr
    assert snapshot(root) == before
    assert "nothing changed: station PC01 of site GC1 is installed" in again.stdout


def test_the_agent_reads_the_installed_config(root, tmp_path):
    """The TOML the installer writes is the agent's configuration (hooks from the hooks file)."""
    import argparse

    from engine.stations.agentconfig import add_arguments, resolve

    assert install(root, *STATION_ARGS, "--broker-password-file", "-",
                   stdin="pc01-station-secret-0123\n").returncode == 0
    text = (root / "etc/playdesk/station.toml").read_text()
    config_file = tmp_path / "station.toml"
    config_file.write_text(text.replace('"/etc/playdesk/', f'"{root}/etc/playdesk/'))
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config = resolve(parser.parse_args(["--config", str(config_file)]))
    assert (config.site, config.station, config.authority_key) == ("GC1", "PC01", KEY)
    assert (config.broker.host, config.broker.port, config.broker.username,
            config.broker.password) == ("counter1.local", 1883, "PC01.station",
                                        "pc01-station-secret-0123")
    assert config.hooks["start"] == ["/usr/bin/loginctl", "unlock-sessions"]


@pytest.mark.parametrize(("change", "message"), [
    (("--authority-key", "xyz"), "--authority-key must be the authority's public key"),
    (("--station", "P C"), "--station must be a station code"),
])
def test_a_station_needs_its_code_and_the_authoritys_key(root, change, message):
    arguments = list(STATION_ARGS)
    arguments[arguments.index(change[0]) + 1] = change[1]
    result = install(root, *arguments)
    assert result.returncode == 2 and message in result.stderr


def test_the_authority_counter_runs_the_meter_and_its_broker_account(root):
    result = install(root, "--role", "counter", "--site", "GC1", "--device", "counter-1",
                     "--broker", "localhost")
    assert result.returncode == 0, result.stderr
    unit = root / "etc/systemd/system/playdesk-meter.service"
    assert unit.read_bytes() == (SYSTEMD / "playdesk-meter.service").read_bytes()
    plan = (root / PLAN).read_text().splitlines()
    assert "systemctl enable playdesk-meter.service" in plan
    assert ("systemctl restart playdesk-backup.timer playdesk-sync.service "
            "playdesk-counter.service playdesk-meter.service") in plan
    assert ("/usr/local/sbin/playdesk-broker-user meter counter-1 < "
            "/etc/playdesk/mqtt.password") in plan
    acl = (root / "etc/mosquitto/playdesk.acl").read_text()
    assert "user counter-1.meter\n" in acl
    assert "topic write playdesk/GC1/stations/+/command" in acl

    # the same counter, no longer the authority: the meter goes
    moved = install(root, "--role", "counter", "--site", "GC1", "--device", "counter-1",
                    "--broker", "localhost", "--authority", "counter-2")
    assert moved.returncode == 0, moved.stderr
    assert not unit.exists()
    assert "systemctl disable --now playdesk-meter.service" in (root / PLAN).read_text()


def test_a_kiosk_runs_no_meter(root):
    result = install(root, "--role", "kiosk", "--site", "GC1", "--device", "kiosk-1",
                     "--broker", "counter1.local", "--authority", "counter-1")
    assert result.returncode == 0, result.stderr
    assert not (root / "etc/systemd/system/playdesk-meter.service").exists()
    assert "playdesk-meter" not in (root / PLAN).read_text()


def test_the_meter_and_station_units_pass_systemd_analyze_verify(tmp_path):
    for unit in UNITS:
        text = (SYSTEMD / unit).read_text()
        (tmp_path / unit).write_text(text.replace("/opt/playdesk/current/bin/", f"{VENV_BIN}/"))
    result = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / u) for u in UNITS)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == "", result.stderr


def test_the_broker_tool_makes_station_and_meter_accounts_with_their_acl(tmp_path):
    passwords, acl = tmp_path / "passwords", tmp_path / "acl"
    (tmp_path / "sync.env").write_text("PLAYDESK_SITE=GC1\nPLAYDESK_AUTHORITY=C1\n")
    acl.write_text("# before\n")
    root = Path(__file__).resolve().parent.parent
    environment = {**os.environ, "PLAYDESK_BROKER_PASSWD": str(passwords),
                   "PLAYDESK_BROKER_ACL": str(acl), "PLAYDESK_SYNC_ENV": str(tmp_path / "sync.env"),
                   "PLAYDESK_PYTHON": sys.executable, "PYTHONPATH": str(root)}

    def tool(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([str(SYSTEMD / "broker-user.sh"), *args], input=stdin,
                              env=environment, capture_output=True, text=True, timeout=30)

    assert tool("add", "C1", stdin="c1-device-secret-0123\n").returncode == 0
    assert tool("meter", "C1", stdin="c1-device-secret-0123\n").returncode == 0
    assert tool("check-meter", "C1", stdin="c1-device-secret-0123\n").returncode == 0
    assert tool("check-meter", "C1", stdin="not-the-c1-secret-01\n").returncode == 1
    made = tool("new-station", "PC01")
    assert made.returncode == 0 and len(made.stdout.strip()) >= 30
    assert tool("add-station", "PC02", stdin="pc02-station-secret\n").returncode == 0
    assert tool("stations").stdout.split() == ["PC01", "PC02"]
    assert tool("list").stdout.split() == ["C1"]  # devices only
    assert tool("add", "PC01.station", stdin="x" * 20 + "\n").returncode == 2
    names = [line.split(":")[0] for line in passwords.read_text().splitlines()]
    assert names == ["C1", "C1.ask", "C1.meter", "PC01.station", "PC02.station"]
    text = acl.read_text()
    assert "user C1.ask\n" in text and "user PC01.ask" not in text
    assert "user PC01.station\n" in text and "topic deny playdesk/GC1/stations/PC02/#" in text
    assert "user C1.meter\n" in text and "topic write playdesk/GC1/stations/+/state" in text
    assert tool("remove-station", "PC01").returncode == 0
    assert "PC01.station" not in acl.read_text() and tool("stations").stdout.split() == ["PC02"]
    assert meter_password("c1-device-secret-0123") != "c1-device-secret-0123"


def test_the_installer_usage_names_the_station_role():
    result = subprocess.run([str(INSTALL), "--help"], capture_output=True, text=True)
    assert "--role station" in result.stdout and "playdesk-meter" in result.stdout


def test_a_station_upgrades_and_rolls_back_without_a_database(root):
    assert install(root, *STATION_ARGS).returncode == 0
    links = root / "opt/playdesk"
    first = os.readlink(links / "current")
    # release names carry a timestamp to the second: make the next one differ
    (root / first.lstrip("/")).rename(root / (first + "0").lstrip("/"))
    first += "0"
    (links / "current").unlink()
    (links / "current").symlink_to(first)

    upgraded = install(root, "--upgrade")

    assert upgraded.returncode == 0, upgraded.stderr
    second = os.readlink(links / "current")
    assert second != first and os.readlink(links / "previous") == first
    plan = (root / PLAN).read_text()
    assert "systemctl stop playdesk-station.service" in plan
    assert "playdesk backup" not in plan and "playdesk init" not in plan

    rolled = install(root, "--rollback")

    assert rolled.returncode == 0, rolled.stderr
    assert os.readlink(links / "current") == first
    plan = (root / PLAN).read_text()
    assert "restore" not in plan and "systemctl start playdesk-station.service" in plan
