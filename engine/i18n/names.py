"""A record's name in the reader's language: the owner's `names: {de: ..., tr: ...}` where it
has one for that language, else the `name` as the owner wrote it (issue 20 item 5)."""

from __future__ import annotations

from collections.abc import Mapping


def local_name(name: str, names: Mapping[str, str] | None, language: str | None) -> str:
    if not names or not language:
        return name
    return names.get(language.split("_")[0]) or name
