"""The one lock (uv.lock): current with pyproject, hashed, installable on the Raspberry Pi, and
what this venv was installed from (issue 13)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
LOCK = tomllib.loads((ROOT / "uv.lock").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PACKAGES = {p["name"]: p for p in LOCK["package"] if "editable" not in p["source"]}
# Locked as source only: what building it needs, installed by the Makefile and the installer.
SOURCE_BUILDS = {"evdev": ("build-essential", "python3-dev", "linux-libc-dev")}
# Raspberry Pi OS bookworm: glibc 2.36, aarch64.
PI_PLATFORMS = [f"manylinux_2_{minor}_aarch64" for minor in range(36, 16, -1)] + [
    "manylinux2014_aarch64", "linux_aarch64"]
PI_TAGS = set(cpython_tags((3, 11), platforms=PI_PLATFORMS)) | set(
    compatible_tags((3, 11), interpreter="cp311", platforms=PI_PLATFORMS))


def _locked_requirements(*args: str) -> str:
    return subprocess.run([sys.executable, str(ROOT / "systemd/locked_requirements.py"),
                           str(ROOT / "uv.lock"), *args],
                          check=True, capture_output=True, text=True).stdout


def _normalized(requirements: list[str]) -> set[tuple[str, str]]:
    return {(canonicalize_name(r.name), str(r.specifier)) for r in map(Requirement, requirements)}


def test_the_lock_is_current_with_pyproject():
    project = next(p for p in LOCK["package"] if "editable" in p["source"])
    locked = {(canonicalize_name(r["name"]), str(Requirement(r["name"] + r.get("specifier", ""))
                                                 .specifier))
              for r in project["metadata"]["requires-dist"]}
    wanted = _normalized(PYPROJECT["project"]["dependencies"])
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        wanted |= _normalized(extra)
    assert locked == wanted, "pyproject.toml changed: run `make lock` and commit uv.lock"


def test_every_locked_package_installs_on_a_raspberry_pi():
    missing = []
    for name, package in PACKAGES.items():
        wheels = [w["url"].rsplit("/", 1)[1] for w in package.get("wheels", [])]
        if any(set(parse_wheel_filename(w)[3]) & PI_TAGS for w in wheels):
            continue
        if name in SOURCE_BUILDS and "sdist" in package:
            continue
        missing.append(f"{name}=={package['version']}")
    assert missing == [], f"no CPython 3.11 aarch64 wheel and no known source build: {missing}"


def test_source_builds_have_their_build_needs_installed():
    makefile = (ROOT / "Makefile").read_text()
    installer = (ROOT / "systemd/install.sh").read_text()
    for name, needs in SOURCE_BUILDS.items():
        assert name in PACKAGES
        for package in needs:
            assert package in makefile and package in installer, (name, package)


def test_every_locked_file_is_hashed_and_the_appliance_gets_no_test_tools():
    app = _locked_requirements("--extra", "zxing")
    names = {line.split("==")[0] for line in app.splitlines() if "==" in line}
    assert {"kivy", "evdev", "peewee", "zxing-cpp"} <= names
    assert not names & {"pytest", "hypothesis", "ruff"}  # python-barcode comes with escpos
    for block in app.split("\n")[1:]:
        if "==" in block:
            assert block.endswith("\\"), block  # each pin is followed by its hashes
    assert app.count("--hash=sha256:") >= len(names)


def test_this_venv_holds_exactly_the_locked_versions():
    dev = _locked_requirements("--extra", "test", "--extra", "zxing")
    for line in dev.splitlines():
        if "==" not in line:
            continue
        name, version = line.split(" ;")[0].rstrip(" \\").split("==")
        assert metadata.version(name) == version, name


def test_a_wheelhouse_installs_into_an_empty_venv_without_an_index(tmp_path):
    """`make wheelhouse` then pip with --no-index: what a site without internet does."""
    house = tmp_path / "wheelhouse"
    venv = tmp_path / "venv"
    # the empty venv is made while the wheelhouse downloads (neither needs the other)
    making_venv = subprocess.Popen([sys.executable, "-m", "venv", str(venv)])
    try:
        subprocess.run(["make", "-s", "-C", str(ROOT), "wheelhouse", f"WHEELHOUSE={house}",
                        "ARCHES=x86_64 aarch64"], check=True, capture_output=True)
    finally:
        assert making_venv.wait(120) == 0
    assert any(p.name.startswith("evdev-") for p in (house / "aarch64").iterdir())
    assert any(p.name.lower().startswith("kivy-") and "aarch64" in p.name
               for p in (house / "aarch64").iterdir())
    # --no-compile: byte-compiling kivy, numpy, cv2 (half the install's time) proves nothing
    # about installing without an index (a file that does not compile is a warning to pip)
    pip = [str(venv / "bin/pip"), "install", "-q", "--no-compile", "--no-index", "--no-deps"]
    hashed = [*pip, "--find-links", str(house / "x86_64"), "--require-hashes"]
    env = {"PATH": "/usr/bin:/bin", "PIP_CONFIG_FILE": "/dev/null", "HOME": str(tmp_path)}
    subprocess.run([*hashed, "-r", str(house / "build-requirements.txt")], check=True, env=env)
    subprocess.run([*hashed, "--no-build-isolation", "-r", str(house / "requirements.txt")],
                   check=True, env=env)
    subprocess.run([*pip, "--no-build-isolation", str(ROOT)], check=True, env=env)
    probe = "import kivy, peewee, evdev, escpos, cv2, engine.money; print('ok')"
    result = subprocess.run([str(venv / "bin/python"), "-c", probe], capture_output=True,
                            text=True, env={**env, "KIVY_NO_ARGS": "1", "KIVY_HOME": str(tmp_path)})
    assert result.stdout.strip().endswith("ok"), result.stderr
