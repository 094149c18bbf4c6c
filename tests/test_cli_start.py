"""`playdesk` starts fast because a command imports only what it runs (issue 16, item 3).

The real process is started with `python -X importtime`, which names every module it imports;
the tests check that set, not a time (speed is printed by bench/bench_cli.py). `playdesk
campaigns` reads the campaigns and their state: no site-file validation, YAML, loader or export,
no sync client or signing, no pricing, sales or printing, no device drivers. `playdesk --help`
only describes the commands: not even the database.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_SITE = Path(__file__).parent / "data" / "site.yaml"

# What `playdesk campaigns` must not load. engine.sync itself (a docstring) and
# engine.sync.options (the broker arguments, argparse only) are registration, not sync.
NOT_FOR_CAMPAIGNS = (
    # third-party: YAML, MQTT, signing, images, printers, translations, the apps
    "yaml", "paho", "nacl", "cryptography", "PIL", "escpos", "qrcode", "babel", "kivy", "cv2",
    "numpy", "pyzbar", "zxingcpp", "evdev", "usb", "serial",
    # the migration runner: only when a database's schema is behind
    "playhouse.migrations", "playhouse.migrate",
    # the site file's validation, loader, export and schema (campaign_admin lists without them)
    "engine.sitefile.validate", "engine.sitefile.yamlnodes", "engine.sitefile.references",
    "engine.sitefile.apply", "engine.sitefile.export", "engine.sitefile.store",
    "engine.sitefile.schema", "engine.sitefile.fields", "engine.sitefile.campaign_form",
    "engine.sync.client", "engine.sync.keys", "engine.sync.push", "engine.sync.apply",
    "engine.sync.config", "engine.sync.main", "engine.sync.transport",
    "engine.pricing", "engine.entitlements", "engine.sales", "engine.coupons",
    "engine.documents", "engine.ops", "engine.authority", "hardware",
)


def imported_modules(*argv: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `python -X importtime -m engine.cli ARGV` (the `playdesk` command) in a fresh process;
    its result and every module it imported."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "engine.cli", *argv],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    modules = {line.split("|")[2].strip() for line in done.stderr.splitlines()
               if line.startswith("import time:") and line.count("|") == 2}
    modules.discard("package")  # the header line: "import time: self [us] | cumulative | package"
    assert modules, done.stderr  # -X importtime did report
    return done, modules


def loaded_by(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli_start") / "playdesk.db"
    done = subprocess.run([sys.executable, "-m", "engine.cli", "--db", str(path), "load",
                           str(DEMO_SITE)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return path


def test_campaigns_imports_only_what_it_runs(demo_db: Path) -> None:
    done, modules = imported_modules("--db", str(demo_db), "--at", "2026-07-03T12:00",
                                     "campaigns")
    assert done.returncode == 0, done.stderr
    listed = {entry["code"]: entry["state"] for entry in json.loads(done.stdout)}
    assert listed  # it did list the demo site's campaigns
    assert "engine.sitefile.campaign_admin" in modules and "peewee" in modules
    assert loaded_by(modules, NOT_FOR_CAMPAIGNS) == []


def test_help_loads_no_database() -> None:
    done, modules = imported_modules("--help")
    assert done.returncode == 0, done.stderr
    assert "campaigns" in done.stdout
    assert loaded_by(modules, ("peewee", "playhouse", "sqlite3", "engine.db", "engine.models",
                               "engine.sitefile", *NOT_FOR_CAMPAIGNS)) == []
