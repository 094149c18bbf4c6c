"""The site file: validation, loading (atomic, idempotent, partial) and export (site-file.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peewee import fn

from engine import db, localstate
from engine.errors import PlaydeskError
from engine.models import Event

if TYPE_CHECKING:
    from engine.sitefile.apply import apply_document
    from engine.sitefile.export import export_document, export_site
    from engine.sitefile.validate import validate_text

# The loader, export and validation (YAML, the schema) are imported on first use, here and in
# the functions below: importing any engine.sitefile module runs this file, and `playdesk
# campaigns` (engine.sitefile.campaign_admin) must not pay for them (issue 16, item 3).
_ON_FIRST_USE = {"apply_document": "engine.sitefile.apply",
                 "export_document": "engine.sitefile.export",
                 "export_site": "engine.sitefile.export",
                 "validate_text": "engine.sitefile.validate"}


def __getattr__(name: str) -> Any:
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_ON_FIRST_USE[name]), name)


def _read_text(path: str | os.PathLike[str]) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlaydeskError(f"cannot read site file {os.fspath(path)}: {error}") from None


def read_site_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The normalized document of the file at `path`, or PlaydeskError listing every problem."""
    from engine.sitefile.validate import validate_text

    return validate_text(_read_text(path), os.fspath(path))


def _fingerprint(text: str) -> list[Any]:
    """The file's content with the database's journal position and definitions generation.

    A site file identical to the last one loaded, with no journal event (local or from another
    device) and no definitions change since, cannot change anything: reloading it is a no-op.
    """
    from engine.sitefile.apply import definitions_generation

    return [hashlib.sha256(text.encode()).hexdigest(), Event.select(fn.MAX(Event.id)).scalar(),
            definitions_generation()]


def _all_unchanged(sections: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {name: {"created": 0, "updated": 0, "deleted": 0,
                   "unchanged": counts["created"] + counts["updated"] + counts["unchanged"]}
            for name, counts in sections.items()}


def load_site_file(path: str | os.PathLike[str], at: dt.datetime,
                   dry_run: bool = False) -> dict[str, Any]:
    """Validate and apply a site file atomically; returns what changed per section."""
    from engine.sitefile.apply import apply_document
    from engine.sitefile.validate import validate_text

    text = _read_text(path)
    with db.write():  # references are checked against the state the load applies to
        fingerprint = _fingerprint(text)
        last = localstate.get_json(localstate.LAST_SITE_LOAD)
        if last is not None and last["fingerprint"] == fingerprint:
            sections = last["sections"]
            return {"file": os.fspath(path), "changed": False, "dry_run": dry_run,
                    "sections": sections, "event": None}
        summary = apply_document(validate_text(text, os.fspath(path)), at, dry_run=dry_run)
        if not dry_run:
            record = {"fingerprint": _fingerprint(text),
                      "sections": _all_unchanged(summary["sections"])}
            localstate.put_json(localstate.LAST_SITE_LOAD, record)
    return {"file": os.fspath(path), **summary}


__all__ = ["apply_document", "export_document", "export_site", "load_site_file",
           "read_site_file", "validate_text"]
