"""`make demo`: a demo site in var/playdesk.db, loaded from demo/site.yaml.

Later stages start the broker, the sync process, a kiosk and a counter on simulated hardware.
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.cli import main as playdesk

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "playdesk.db"
SITE = ROOT / "demo" / "site.yaml"


def main() -> int:
    for command in (["init", "--device", "COUNTER1"], ["load", str(SITE)], ["campaigns"]):
        code = playdesk(["--db", str(DATABASE), *command])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
