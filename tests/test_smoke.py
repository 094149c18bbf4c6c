"""`playdesk-kiosk --smoke` and `playdesk-counter --smoke`: the first thing to run on a new Pi
(docs/install.md). Real apps as subprocesses on Xvfb: open full screen, draw one frame, log the
window provider and GL driver, exit 0 (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ui_harness import start_xvfb

ROOT = Path(__file__).resolve().parent.parent
DEMO_SITE = ROOT / "tests/data/site.yaml"


@pytest.fixture(scope="module")
def display():
    process, value = start_xvfb(1024, 600)
    yield value
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.parametrize("app", ["playdesk-kiosk", "playdesk-counter"])
def test_smoke_draws_one_frame_full_screen_and_exits_0(tmp_path, display, app):
    db = tmp_path / "playdesk.db"
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "playdesk", "--db", db, "load", DEMO_SITE], check=True,
                   capture_output=True)
    env = {**os.environ, "DISPLAY": display, "KIVY_HOME": str(tmp_path / "kivy"),
           "KIVY_NO_ARGS": "1"}
    result = subprocess.run([bin_dir / app, "--db", db, "--smoke"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("smoke ok:"))
    assert "window provider kivy.core.window" in line
    assert "size 1024x600 fullscreen" in line  # full screen: the whole display
    assert "GL vendor" in line and "renderer" in line
    assert "Traceback" not in result.stderr


def _fake_drm(root: Path, statuses: dict[str, str]) -> Path:
    for connector, status in statuses.items():
        (root / connector).mkdir(parents=True)
        (root / connector / "status").write_text(status + "\n")
    return root


def test_the_connected_drm_card_is_chosen_not_card_0(tmp_path, monkeypatch):
    from uikit.kivyconfig import choose_kmsdrm_card, connected_drm_card

    # A Pi 4/5: card0 is v3d (no connectors), card1 has the HDMI ports, HDMI-A-2 connected.
    drm = _fake_drm(tmp_path, {"card1-HDMI-A-1": "disconnected", "card1-HDMI-A-2": "connected",
                               "card2-DSI-1": "disconnected"})
    assert connected_drm_card(drm) == 1
    assert connected_drm_card(_fake_drm(tmp_path / "none", {"card0-HDMI-A-1": "unknown"})) is None
    monkeypatch.setenv("SDL_VIDEODRIVER", "kmsdrm")
    monkeypatch.delenv("SDL_KMSDRM_DEVICE_INDEX", raising=False)
    choose_kmsdrm_card(drm)
    assert os.environ["SDL_KMSDRM_DEVICE_INDEX"] == "1"
    monkeypatch.setenv("SDL_KMSDRM_DEVICE_INDEX", "3")  # the unit's or the operator's choice wins
    choose_kmsdrm_card(drm)
    assert os.environ["SDL_KMSDRM_DEVICE_INDEX"] == "3"
