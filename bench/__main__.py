"""`make bench`: run every benchmark module in bench/ and print its figures."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    folder = Path(__file__).parent
    for module in sorted(m.name for m in pkgutil.iter_modules([str(folder)])):
        if module.startswith("bench_"):
            print(f"== {module}", flush=True)
            importlib.import_module(f"bench.{module}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
