"""`make demo` end to end: broker, two sync processes, kiosk and counter on Xvfb, scans."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_runs_every_process_and_syncs_the_site_to_the_kiosk(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "DISPLAY"}  # exercise Xvfb
    environment["HOME"] = str(tmp_path)  # Kivy's ~/.kivy
    result = subprocess.run([sys.executable, "-m", "demo.run", "--var", str(tmp_path),
                             "--check", "60"], cwd=ROOT, capture_output=True, text=True,
                            timeout=180, env=environment)
    logs = {p.name: p.read_text(errors="replace") for p in tmp_path.glob("*.log")}
    assert result.returncode == 0, (result.stdout, result.stderr, logs)
    assert "stopped: none" in result.stdout
    assert "kiosk login by card: yes" in result.stdout  # a scan reached the running kiosk
    assert '"code": "SUMMER"' in result.stdout  # the campaigns of the demo site were printed
    for name in ("kiosk.log", "counter.log", "sync-COUNTER1.log", "sync-KIOSK1.log"):
        assert "Traceback" not in logs[name], logs[name]
