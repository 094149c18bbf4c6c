"""The site file: validation, loading (atomic, idempotent, partial) and export (site-file.md)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from engine.errors import PlaydeskError
from engine.sitefile.apply import apply_document
from engine.sitefile.export import export_document, export_site
from engine.sitefile.validate import validate_text


def read_site_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The normalized document of the file at `path`, or PlaydeskError listing every problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlaydeskError(f"cannot read site file {os.fspath(path)}: {error}") from None
    return validate_text(text, os.fspath(path))


def load_site_file(path: str | os.PathLike[str], at: dt.datetime,
                   dry_run: bool = False) -> dict[str, Any]:
    """Validate and apply a site file atomically; returns what changed per section."""
    from engine import db

    with db.write():  # references are checked against the state the load applies to
        document = read_site_file(path)
        summary = apply_document(document, at, dry_run=dry_run)
    return {"file": os.fspath(path), **summary}


__all__ = ["apply_document", "export_document", "export_site", "load_site_file",
           "read_site_file", "validate_text"]
