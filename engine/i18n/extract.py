"""Babel's extractor for playdesk (engine/i18n/babel.cfg): every text a screen or slip shows.

The apps keep their words in dicts named TEXTS (or ending in _TEXTS): key → English. Each entry
becomes a message with the key as its context, so two screens may say "Cancel" differently in
another language. Everything else is Babel's own Python extraction: `N_("...")` marks an engine
refusal's template where it is written.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator
from typing import IO, Any

from babel.messages.extract import extract_python


def is_texts_name(name: str) -> bool:
    return name == "TEXTS" or name.endswith("_TEXTS")


def _texts_dicts(tree: ast.Module) -> Iterator[ast.Dict]:
    """The dict literals assigned to a TEXTS name, or passed to its .update()."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and is_texts_name(t.id) for t in targets):
                yield node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "update" and isinstance(node.func.value, ast.Name)
              and is_texts_name(node.func.value.id) and node.args
              and isinstance(node.args[0], ast.Dict)):
            yield node.args[0]


def texts_entries(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, key, English) of every TEXTS entry in a module's source."""
    for mapping in _texts_dicts(ast.parse(source)):
        for key, value in zip(mapping.keys, mapping.values, strict=True):
            if (isinstance(key, ast.Constant) and isinstance(key.value, str)
                    and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                yield value.lineno, key.value, value.value


def extract_playdesk(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                     options: dict[str, Any]) -> Iterator[tuple[int, str, Any, list[str]]]:
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for line, key, english in texts_entries(source.decode(options.get("encoding", "utf-8"))):
        yield line, "pgettext", (key, english), []
