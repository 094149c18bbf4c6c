"""The appliance installer against a temporary root, the units under systemd-analyze, the
scripts under shellcheck, the udev rules' shape, and the broker account helper."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SYSTEMD = REPO / "systemd"
INSTALL = SYSTEMD / "install.sh"
VENV_BIN = REPO / ".venv" / "bin"
PLAN = "var/log/playdesk-install.plan"
KIOSK_ARGS = ["--role", "kiosk", "--site", "GC1", "--device", "kiosk-1",
              "--broker", "counter1.local", "--printer", "usb:04B8:0202",
              "--scanner", "usb:1a86:e026"]
SYNC_UNITS = ["playdesk-sync.service"]
OWN_UNITS = ["playdesk-kiosk.service", "playdesk-counter.service", "playdesk-backup.service",
             "playdesk-backup.timer"]


def install(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(INSTALL), *args, "--root", str(root)], capture_output=True,
                          text=True, input=stdin, timeout=60)


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under the root with its type, mode and content (the plan file aside: it is
    the record of the commands, rewritten each run)."""
    state = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if name == PLAN:
            continue
        info = path.lstat()
        if path.is_symlink():
            state[name] = ("link", os.readlink(path))
        elif path.is_dir():
            state[name] = ("dir", stat.S_IMODE(info.st_mode))
        else:
            state[name] = ("file", stat.S_IMODE(info.st_mode),
                           hashlib.sha256(path.read_bytes()).hexdigest())
    return state


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def settings(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines()
                if line and not line.startswith("#"))


def unit_entries(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) of a unit file, keeping repeated keys (systemd allows them)."""
    entries, section = [], ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key, value))
    return entries


def values(path: Path, key: str) -> list[str]:
    return [value for _, k, value in unit_entries(path) if k == key]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    directory = tmp_path / "root"
    directory.mkdir()
    return directory


@pytest.fixture
def kiosk(root: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """A kiosk installed into a fresh root, for tests that change it."""
    result = install(root, *KIOSK_ARGS)
    assert result.returncode == 0, result.stderr
    return root, result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One kiosk install shared by the tests that only look at it."""
    root = tmp_path_factory.mktemp("installed")
    result = install(root, *KIOSK_ARGS)
    assert result.returncode == 0, result.stderr
    return root, result


# --- the installed files ------------------------------------------------------------------------


def test_kiosk_install_writes_the_configuration(installed):
    root, _ = installed
    conf = root / "etc/playdesk/playdesk.conf"
    assert settings(conf) == {
        "PLAYDESK_ROLE": "kiosk", "PLAYDESK_SITE": "GC1", "PLAYDESK_DEVICE": "kiosk-1",
        "PLAYDESK_DB": "/var/lib/playdesk/playdesk.db",
        "PLAYDESK_BACKUP_DIR": "/var/lib/playdesk/backups", "PLAYDESK_BACKUP_KEEP": "14",
        "PLAYDESK_KEY_DIR": "/var/lib/playdesk/keys",
        "PLAYDESK_BROKER_HOST": "counter1.local", "PLAYDESK_BROKER_PORT": "1883",
        "PLAYDESK_BROKER_USER": "kiosk-1",
        "PLAYDESK_BROKER_PASSWORD_FILE": "/etc/playdesk/mqtt.password",
        "PLAYDESK_AUTHORITY": "",
        "PLAYDESK_PRINTER": "usb:04b8:0202", "PLAYDESK_PRINTER_PROFILE": "TM-T20II",
        "PLAYDESK_SCANNERS": "/dev/playdesk-scanner-*", "PLAYDESK_CAMERA": "", "PLAYDESK_SCANNER": "",
        "PLAYDESK_CLOCK_TOLERANCE": "120",
    }
    # What the sync engine's unit reads (systemd/playdesk-sync.service).
    assert settings(root / "etc/playdesk/sync.env") == {
        "PLAYDESK_BROKER": "counter1.local:1883", "PLAYDESK_DEVICE": "kiosk-1",
        "PLAYDESK_KIND": "kiosk", "PLAYDESK_SITE": "GC1", "PLAYDESK_AUTHORITY": ""}


def test_secrets_and_state_are_private(installed):
    root, _ = installed
    password = root / "etc/playdesk/mqtt.password"
    assert re.fullmatch(r"[A-Za-z0-9]{30,}\n", password.read_text())
    assert mode(password) == 0o640
    assert mode(root / "etc/playdesk/playdesk.conf") == 0o640
    assert mode(root / "etc/playdesk/sync.env") == 0o640
    assert mode(root / "etc/playdesk") == 0o750
    assert mode(root / "var/lib/playdesk") == 0o750
    assert mode(root / "var/lib/playdesk/keys") == 0o700
    assert mode(root / "var/lib/playdesk/backups") == 0o700
    plan = (root / PLAN).read_text().splitlines()
    # Readable by the playdesk group only: the ownership the real install sets.
    assert "chown root:playdesk /etc/playdesk/mqtt.password" in plan
    assert "chown root:playdesk /etc/playdesk/playdesk.conf" in plan
    assert "chown playdesk:playdesk /var/lib/playdesk/keys" in plan


def test_units_rules_and_journald_limits_are_installed_as_shipped(installed):
    root, _ = installed
    for unit in ["playdesk-sync.service", "playdesk-kiosk.service", "playdesk-backup.service",
                 "playdesk-backup.timer"]:
        installed = root / "etc/systemd/system" / unit
        assert installed.read_bytes() == (SYSTEMD / unit).read_bytes()
        assert mode(installed) == 0o644
    assert not (root / "etc/systemd/system/playdesk-counter.service").exists()
    assert (root / "etc/udev/rules.d/70-playdesk.rules").read_bytes() == (
        SYSTEMD / "udev/70-playdesk.rules").read_bytes()
    assert (root / "etc/systemd/journald.conf.d/playdesk.conf").read_bytes() == (
        SYSTEMD / "journald/playdesk.conf").read_bytes()
    local = (root / "etc/udev/rules.d/71-playdesk-local.rules").read_text()
    assert ('ATTR{idVendor}=="04b8", ATTR{idProduct}=="0202", GROUP="lp", MODE="0660"'
            in local)
    assert 'ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="e026", GROUP="playdesk-input"' in local


def test_the_user_gets_only_the_groups_it_needs_and_the_units_are_enabled(installed):
    root, _ = installed
    plan = (root / PLAN).read_text().splitlines()
    useradd = [line for line in plan if line.startswith("useradd")]
    assert useradd == ["useradd --system --user-group --home-dir /var/lib/playdesk "
                       "--no-create-home --shell /usr/sbin/nologin "
                       "--groups video,render,playdesk-input,lp,dialout playdesk"]
    assert "systemctl enable playdesk-kiosk.service" in plan
    assert "systemctl enable playdesk-backup.timer" in plan
    assert "runuser -u playdesk -- /opt/playdesk/current/bin/playdesk init --device kiosk-1" in plan
    apt = next(line for line in plan if line.startswith("apt-get install"))
    assert "python3-venv" in apt and "libsdl2-2.0-0" in apt and " mosquitto " not in f"{apt} "


def test_a_release_is_a_venv_behind_the_current_link(installed):
    root, _ = installed
    current = root / "opt/playdesk/current"
    release = os.readlink(current)
    assert re.fullmatch(r"/opt/playdesk/releases/\d+\.\d+\.\d+-\w+-\d{14}", release)
    plan = (root / PLAN).read_text().splitlines()
    assert f"python3 -m venv {release}" in plan
    # From the lock only, hash-checked, nothing resolved at install time (issue 13).
    pip = f"{release}/bin/pip install --no-cache-dir --quiet"
    assert (f"{pip} --require-hashes --no-deps --no-build-isolation -r {release}/requirements.txt"
            in plan)
    assert f"{pip} --no-deps --no-build-isolation {REPO}" in plan
    requirements = (root / release.lstrip("/") / "requirements.txt").read_text()
    assert "kivy==" in requirements and "--hash=sha256:" in requirements
    assert "pytest==" not in requirements
    assert (root / release.lstrip("/") / "share/doc/playdesk/kiosk.md").is_file()
    assert not (root / "opt/playdesk/.venv").is_symlink()  # every unit runs current/bin
    wrapper = root / "usr/local/bin/playdesk"
    assert mode(wrapper) == 0o755
    assert "/opt/playdesk/current/bin/playdesk" in wrapper.read_text()


def test_a_second_run_changes_nothing(kiosk):
    root, _ = kiosk
    before = snapshot(root)

    again = install(root, *KIOSK_ARGS)

    assert again.returncode == 0, again.stderr
    assert snapshot(root) == before
    assert "nothing changed: kiosk kiosk-1 of site GC1 is installed" in again.stdout
    assert not re.search(r"^install\.sh: (created|updated|linked|removed)", again.stdout, re.M)
    assert "unchanged /etc/playdesk/playdesk.conf" in again.stdout


def test_a_changed_setting_rewrites_only_the_configuration(kiosk):
    root, _ = kiosk
    before = snapshot(root)

    result = install(root, *[a if a != "usb:04B8:0202" else "network:192.168.1.50"
                             for a in KIOSK_ARGS])

    assert result.returncode == 0, result.stderr
    after = snapshot(root)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed == {"etc/playdesk/playdesk.conf", "etc/udev/rules.d/71-playdesk-local.rules"}
    assert settings(root / "etc/playdesk/playdesk.conf")["PLAYDESK_PRINTER_PROFILE"] == "default"
    assert "updated   /etc/playdesk/playdesk.conf" in result.stdout
    restart = " ".join(["systemctl restart playdesk-backup.timer", *SYNC_UNITS,
                        "playdesk-kiosk.service"])
    assert restart in (root / PLAN).read_text().splitlines()


def test_the_venv_link_of_older_installs_is_removed(kiosk):
    root, _ = kiosk
    (root / "opt/playdesk/.venv").symlink_to("current")

    result = install(root, *KIOSK_ARGS)

    assert result.returncode == 0, result.stderr
    assert not (root / "opt/playdesk/.venv").is_symlink()
    assert "removed   /opt/playdesk/.venv" in result.stdout


def test_counter_role_hosts_the_broker_and_replaces_the_kiosk_unit(kiosk):
    root, _ = kiosk
    result = install(root, "--role", "counter", "--site", "GC1", "--device", "counter-1",
                     "--broker", "localhost:1883", "--printer", "serial:/dev/ttyUSB0")
    assert result.returncode == 0, result.stderr
    plan = (root / PLAN).read_text().splitlines()
    assert not (root / "etc/systemd/system/playdesk-kiosk.service").exists()
    assert (root / "etc/systemd/system/playdesk-counter.service").read_bytes() == (
        SYSTEMD / "playdesk-counter.service").read_bytes()
    assert "systemctl disable --now playdesk-kiosk.service" in plan
    assert any(line.startswith("apt-get install") and line.endswith(" mosquitto")
               for line in plan)
    assert "systemctl enable mosquitto.service" in plan
    conf = settings(root / "etc/playdesk/playdesk.conf")
    assert (conf["PLAYDESK_AUTHORITY"], conf["PLAYDESK_PRINTER"]) == ("counter-1",
                                                                      "serial:/dev/ttyUSB0")
    # No USB devices named: no local rules left behind.
    assert not (root / "etc/udev/rules.d/71-playdesk-local.rules").exists()
    # The site's broker: the project's Mosquitto config, an ACL for this site and authority,
    # and this device's account.
    assert (root / "etc/mosquitto/conf.d/playdesk.conf").read_bytes() == (
        SYSTEMD / "mosquitto/playdesk.conf").read_bytes()
    acl = (root / "etc/mosquitto/playdesk.acl").read_text()
    assert "pattern write playdesk/GC1/journal/%u" in acl
    assert "user counter-1\ntopic write playdesk/GC1/authority/response/+" in acl
    assert ("/usr/local/sbin/playdesk-broker-user add counter-1 < "
            "/etc/playdesk/mqtt.password") in plan
    assert "systemctl restart mosquitto.service" in plan


def test_a_given_broker_password_is_used(root):
    result = install(root, *KIOSK_ARGS, "--broker-password-file", "-",
                     stdin="s3cret-from-the-counter-0123\n")
    assert result.returncode == 0, result.stderr
    assert (root / "etc/playdesk/mqtt.password").read_text() == "s3cret-from-the-counter-0123\n"


@pytest.mark.parametrize(("change", "message"), [
    (("--role", "till"), "--role must be kiosk or counter, not 'till'"),
    (("--site", "G C"), "--site must be a site code"),
    (("--device", ""), "--device must be a device name"),
    (("--broker", "mqtt://x"), "--broker must be HOST or HOST:PORT"),
    (("--printer", "lpt:1"), "--printer must be usb:VID:PID"),
    (("--scanner", "1a86"), "--scanner must be usb:VID:PID or camera, not '1a86'"),
])
def test_bad_arguments_exit_2_and_write_nothing(root, change, message):
    arguments = list(KIOSK_ARGS)
    arguments[arguments.index(change[0]) + 1] = change[1]
    result = install(root, *arguments)
    assert result.returncode == 2
    assert result.stderr.startswith("install.sh: error: ")
    assert message in result.stderr
    assert [p for p in root.rglob("*") if p.is_file() and str(p.relative_to(root)) != PLAN] == []


def test_without_root_privileges_or_a_root_folder_it_refuses():
    if os.geteuid() == 0:
        result = subprocess.run([str(INSTALL), *KIOSK_ARGS, "--root", "/nonexistent-folder"],
                                capture_output=True, text=True)
        assert result.returncode == 2
        assert "--root /nonexistent-folder is not a directory" in result.stderr
    else:
        result = subprocess.run([str(INSTALL), *KIOSK_ARGS], capture_output=True, text=True)
        assert result.returncode == 2
        assert "run as root" in result.stderr


# --- upgrade and rollback -----------------------------------------------------------------------


def test_upgrade_backs_up_migrates_and_switches_then_rollback_switches_back(kiosk):
    root, _ = kiosk
    links = root / "opt/playdesk"
    first = os.readlink(links / "current")
    # Release names carry a timestamp to the second: make the next one differ.
    (root / first.lstrip("/")).rename(root / (first + "0").lstrip("/"))
    first += "0"
    (links / "current").unlink()
    (links / "current").symlink_to(first)

    upgraded = install(root, "--upgrade")

    assert upgraded.returncode == 0, upgraded.stderr
    second = os.readlink(links / "current")
    assert second != first and os.readlink(links / "previous") == first
    state = links / "rollback.env"
    assert mode(state) == 0o600
    assert settings(state)["PREVIOUS_RELEASE"] == first
    plan = (root / PLAN).read_text().splitlines()
    order = [plan.index(line) for line in [
        "runuser -u playdesk -- /opt/playdesk/current/bin/playdesk backup",
        f"python3 -m venv {second}",
        " ".join(["systemctl stop", *SYNC_UNITS, "playdesk-kiosk.service"]),
        f"runuser -u playdesk -- {second}/bin/playdesk init --device kiosk-1",
    ]]
    assert order == sorted(order)
    assert settings(root / "etc/playdesk/playdesk.conf")["PLAYDESK_DEVICE"] == "kiosk-1"

    rolled = install(root, "--rollback")

    assert rolled.returncode == 0, rolled.stderr
    assert os.readlink(links / "current") == first
    assert not (links / "previous").exists() and not state.exists()
    plan = (root / PLAN).read_text().splitlines()
    assert plan[:2] == [" ".join(["systemctl stop", *SYNC_UNITS, "playdesk-kiosk.service"]),
                        "runuser -u playdesk -- /opt/playdesk/current/bin/playdesk restore "
                        "/var/lib/playdesk/backups/pre-upgrade.db"]
    again = install(root, "--rollback")
    assert again.returncode == 2
    assert "nothing to roll back" in again.stderr


def test_upgrade_needs_an_installed_device(root):
    result = install(root, "--upgrade")
    assert result.returncode == 2
    assert "no /etc/playdesk/playdesk.conf: install first" in result.stderr


# --- units, scripts, rules ----------------------------------------------------------------------


def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    """The shipped units, with ExecStart pointing at this checkout's venv scripts (the same
    console scripts a release venv has), verified by systemd itself."""
    units = OWN_UNITS + SYNC_UNITS
    for unit in units:
        text = (SYSTEMD / unit).read_text()
        (tmp_path / unit).write_text(text.replace("/opt/playdesk/current/bin/", f"{VENV_BIN}/"))
    result = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / u) for u in units)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == "", result.stderr


def test_every_service_runs_the_current_release():
    """The one venv the installer switches (/opt/playdesk/current), for every service."""
    for unit in sorted(SYSTEMD.glob("*.service")):
        commands = values(unit, "ExecStart")
        assert commands, unit.name
        for command in commands:
            assert command.startswith("/opt/playdesk/current/bin/"), (unit.name, command)


def test_shellcheck_passes_on_the_scripts():
    scripts = sorted(SYSTEMD.glob("**/*.sh"))
    assert INSTALL in scripts
    result = subprocess.run(["shellcheck", "--severity=style", *map(str, scripts)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


def test_app_units_run_full_screen_hardened_and_after_sync():
    kiosk, counter = SYSTEMD / "playdesk-kiosk.service", SYSTEMD / "playdesk-counter.service"
    for unit, script in [(kiosk, "playdesk-kiosk"), (counter, "playdesk-counter")]:
        entries = set(unit_entries(unit))
        assert ("Service", "ExecStart", f"/opt/playdesk/current/bin/{script}") in entries
        environment = set(values(unit, "Environment"))
        assert {"KIVY_WINDOW=sdl2", "SDL_VIDEODRIVER=kmsdrm", "KCFG_GRAPHICS_FULLSCREEN=auto",
                "KIVY_NO_ARGS=1", "KIVY_HOME=/var/lib/playdesk/kivy"} <= environment
        assert {("Service", "User", "playdesk"), ("Service", "Restart", "on-failure"),
                ("Service", "NoNewPrivileges", "yes"), ("Service", "ProtectSystem", "strict"),
                ("Service", "ProtectHome", "yes"), ("Service", "PrivateTmp", "yes"),
                ("Service", "ReadWritePaths", "/var/lib/playdesk"),
                ("Service", "EnvironmentFile", "/etc/playdesk/playdesk.conf"),
                ("Service", "DevicePolicy", "closed"),
                ("Unit", "Wants", "playdesk-sync.service")} <= entries
        assert "playdesk-sync.service" in " ".join(values(unit, "After"))
        assert int(values(unit, "StartLimitBurst")[0]) >= 3
        assert {"char-drm rw", "char-input rw", "char-usb_device rw"} <= set(
            values(unit, "DeviceAllow"))
        assert values(unit, "SupplementaryGroups") == ["video render playdesk-input lp dialout"]
    # The two differ only in what they are and what they run: no drift between them.
    differing = set(kiosk.read_text().splitlines()) ^ set(counter.read_text().splitlines())
    assert {line.split("=")[0].lstrip("# ").split(":")[0] for line in differing} == {
        "The member kiosk", "The counter terminal", "Description", "Documentation", "ExecStart"}


def test_backup_timer_runs_the_backup_nightly():
    timer = dict((k, v) for _, k, v in unit_entries(SYSTEMD / "playdesk-backup.timer"))
    assert timer["OnCalendar"] == "*-*-* 03:30:00" and timer["Persistent"] == "true"
    assert timer["Unit"] == "playdesk-backup.service"
    service = SYSTEMD / "playdesk-backup.service"
    assert values(service, "ExecStart") == ["/opt/playdesk/current/bin/playdesk backup"]
    assert values(service, "Type") == ["oneshot"] and values(service, "User") == ["playdesk"]


UDEV_TOKEN = re.compile(r'^(?P<key>[A-Z_]+)(\{(?P<attr>[A-Za-z0-9_]+)\})?'
                        r'(?P<op>==|!=|\+=|-=|:=|=)"(?P<value>[^"]*)"$')
UDEV_MATCH_KEYS = {"SUBSYSTEM", "KERNEL", "ENV", "ATTR", "ATTRS", "ACTION"}
UDEV_ASSIGN_KEYS = {"GROUP", "MODE", "SYMLINK", "ENV"}


def udev_rules(text: str) -> list[list[dict]]:
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        tokens = [UDEV_TOKEN.match(token) for token in line.split(", ")]
        assert all(tokens), f"not a udev rule: {line}"
        rules.append([token.groupdict() for token in tokens])
    return rules


@pytest.mark.parametrize("source", ["shipped", "local"])
def test_udev_rules_grant_only_scanners_touch_and_printers(installed, source):
    root, _ = installed
    path = (SYSTEMD / "udev/70-playdesk.rules" if source == "shipped"
            else root / "etc/udev/rules.d/71-playdesk-local.rules")
    rules = udev_rules(path.read_text())
    assert rules
    for rule in rules:
        matches = [t for t in rule if t["op"] in ("==", "!=")]
        assigns = [t for t in rule if t["op"] not in ("==", "!=")]
        assert {t["key"] for t in matches} <= UDEV_MATCH_KEYS
        assert {t["key"] for t in assigns} <= UDEV_ASSIGN_KEYS
        assert any(t["key"] == "SUBSYSTEM" for t in matches)
        groups = [t["value"] for t in assigns if t["key"] == "GROUP"]
        assert groups and set(groups) <= {"playdesk-input", "lp", "dialout", "video"}
        assert [t["value"] for t in assigns if t["key"] == "MODE"] == ["0660"]
    if source == "shipped":
        text = path.read_text()
        for vendor in ["0c2e", "05e0", "05f9", "1eab", "04b8", "0519"]:
            assert vendor in text
        assert 'SYMLINK+="playdesk-scanner-%n"' in text
        assert 'ENV{ID_USB_INTERFACES}=="*:0701??:*"' in text


def test_broker_accounts_are_added_checked_and_removed(tmp_path):
    if shutil.which("mosquitto_passwd") is None:
        pytest.fail("mosquitto_passwd is missing: `make test` installs the mosquitto package")
    tool = SYSTEMD / "broker-user.sh"
    environment = {**os.environ, "PLAYDESK_BROKER_PASSWD": str(tmp_path / "passwd")}

    def broker_user(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([str(tool), *args], input=stdin, capture_output=True, text=True,
                              env=environment, timeout=30)

    assert broker_user("add", "kiosk-1", stdin="correct-horse-battery\n").returncode == 0
    assert broker_user("check", "kiosk-1", stdin="correct-horse-battery\n").returncode == 0
    assert broker_user("check", "kiosk-1", stdin="wrong-horse-battery!!\n").returncode == 1
    made = broker_user("new", "kiosk-2")
    assert made.returncode == 0 and len(made.stdout.strip()) >= 30
    assert broker_user("check", "kiosk-2", stdin=made.stdout).returncode == 0
    assert "correct-horse" not in (tmp_path / "passwd").read_text()  # stored hashed
    assert mode(tmp_path / "passwd") == 0o640
    assert broker_user("remove", "kiosk-1").returncode == 0
    assert broker_user("list").stdout.split() == ["kiosk-2"]
    short = broker_user("add", "kiosk-3", stdin="short\n")
    assert short.returncode == 2 and "at least 16 characters" in short.stderr


def test_docs_name_only_real_printer_profiles_and_exist_for_each_role():
    from escpos.capabilities import CAPABILITIES

    docs = REPO / "docs"
    for page in ["kiosk.md", "counter.md", "troubleshooting.md", "install.md"]:
        assert (docs / page).is_file()
    table = (docs / "kiosk.md").read_text().split("### Printers", 1)[1].split("## Install")[0]
    named = set()
    for row in table.splitlines():
        if row.startswith("|") and "`" in row and "--printer-profile" not in row:
            named |= set(re.findall(r"`([^`]+)`", row.rsplit("|", 2)[1]))
    assert {"TM-T20II", "TM-T88V", "default"} <= named
    assert named <= set(CAPABILITIES["profiles"])


@pytest.mark.parametrize("camera_args, device", [(["--scanner", "camera"], "/dev/video0"),
                                                 (["--camera", "/dev/video2"], "/dev/video2")])
def test_a_usb_camera_scanner_is_allowed_to_the_app(root, camera_args, device):
    result = install(root, *KIOSK_ARGS, *camera_args)
    assert result.returncode == 0, result.stderr
    conf = settings(root / "etc/playdesk/playdesk.conf")
    assert conf["PLAYDESK_SCANNER"] == f"camera:{device}"  # what the app opens (uikit.launch)
    rules = (root / "etc/udev/rules.d/71-playdesk-local.rules").read_text()
    assert f'SUBSYSTEM=="video4linux", KERNEL=="{device[5:]}", GROUP="video"' in rules
    unit = (root / "etc/systemd/system/playdesk-kiosk.service").read_text()
    assert "DeviceAllow=char-video4linux rw" in unit and "DevicePolicy=closed" in unit
    assert install(root, *KIOSK_ARGS, "--camera", "/dev/sda").returncode == 2


def test_the_app_takes_its_scanner_from_the_installed_settings(monkeypatch):
    from uikit.launch import parse_args

    monkeypatch.setenv("PLAYDESK_SCANNER", "camera:/dev/video0")
    assert parse_args("playdesk-kiosk", "", None, "", []).scanner == "camera:/dev/video0"
    monkeypatch.setenv("PLAYDESK_SCANNER", "")
    assert parse_args("playdesk-kiosk", "", None, "", []).scanner == "none"


def test_the_app_takes_its_printer_from_the_installed_settings(root, monkeypatch):
    """The units start the apps without arguments: the printer install.sh configured reaches the
    app through playdesk.conf (before, the apps printed nowhere on an installed appliance)."""
    from uikit.launch import parse_args, printer_settings

    result = install(root, *KIOSK_ARGS, "--printer", "usb:04B8:0E28")
    assert result.returncode == 0, result.stderr
    conf = settings(root / "etc/playdesk/playdesk.conf")
    for key in ("PLAYDESK_PRINTER", "PLAYDESK_PRINTER_PROFILE"):
        monkeypatch.setenv(key, conf[key])
    args = parse_args("playdesk-kiosk", "", None, "", [])
    assert (args.printer, args.printer_profile) == ("usb:04b8:0e28", "TM-T20II")
    assert printer_settings(None, args.printer_profile) == {"escpos_profile": "TM-T20II"}
    site = {"paper": 58, "escpos_profile": "TM-T88V"}  # the site's own choice stays
    assert printer_settings(site, "TM-T20II") == site
    monkeypatch.delenv("PLAYDESK_PRINTER")
    monkeypatch.delenv("PLAYDESK_PRINTER_PROFILE")
    args = parse_args("playdesk-kiosk", "", None, "", [])
    assert (args.printer, args.printer_profile) == ("none", None)
