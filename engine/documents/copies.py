"""A reprint is marked on paper: the same document (built again from the recorded facts, so it
says what the first print said) with "COPY" and when it was reprinted under the site's name, so
a second slip for one sale is never taken for a second sale (a refund claimed twice, a ticket
handed over twice). The mark is a header line, so every document kind carries it the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

COPY_MARK = "*** COPY ***"


def as_copy(document: Any, at: dt.datetime) -> Any:
    """The document marked as a reprint made at `at` (a copy of a copy is marked once)."""
    header = document.header
    lines = tuple(line for line in header.lines
                  if line != COPY_MARK and not line.startswith("Reprinted "))
    marked = replace(header, lines=(COPY_MARK, f"Reprinted {at:%d.%m.%Y %H:%M}", *lines))
    return replace(document, header=marked)


def is_copy(document: Any) -> bool:
    return COPY_MARK in document.header.lines
