"""`make bench`: every benchmark module in bench/, each in a fresh process, printing its figures.

A fresh process each, so that one benchmark's imports, caches and memory (a Kivy window, a
million coupons) do not show up in the next one's figures.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path


def main() -> int:
    folder = Path(__file__).parent
    failed = []
    for module in sorted(m.name for m in pkgutil.iter_modules([str(folder)])):
        if module.startswith("bench_"):
            print(f"== {module}", flush=True)
            if subprocess.run([sys.executable, "-m", f"bench.{module}"]).returncode:
                failed.append(module)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
