"""`python -m engine.i18n.compile`: every locales/<lang>/LC_MESSAGES/playdesk.po → its .mo.

What `make venv` (and so `make demo` and `make test`) runs after installing; written with the
same code that compiles a catalogue in memory, so both read the same words.
"""

from __future__ import annotations

import os
import sys

from engine.i18n.catalogs import LOCALES, compiled


def compile_all() -> list[str]:
    written = []
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if not mo.exists() or mo.read_bytes() != data:
            temporary = mo.with_suffix(".mo.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, mo)  # a reader never sees half a catalogue
            written.append(str(mo))
    return written


def main() -> int:
    for path in compile_all():
        print(f"compiled {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
