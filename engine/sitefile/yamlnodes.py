"""YAML with line numbers: the composed node tree turned into plain values plus a path → line map.

Values follow YAML 1.1 as PyYAML reads it, with three fixes for site files: floats become exact
Decimals (percentages like 12.5), and `16:00`-style scalars stay text (YAML 1.1 would read them
as base-60 numbers), and duplicate keys are reported instead of silently overwritten.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from engine.errors import PlaydeskError

Path = tuple[str | int, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_BOOLS = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}


class Parsed:
    """A parsed file: its value, the line of every path, and structural problems found."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.value: Any = None
        self.lines: dict[Path, int] = {}
        self.problems: list[tuple[Path, str]] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that the file has."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        # The common tags directly (a large site file has ~10^5 scalars), the rest via PyYAML.
        tag, text = node.tag, node.value
        if tag == _STR:
            return text
        if tag == _INT and text.isdigit() and (text[0] != "0" or text == "0"):
            return int(text)
        if tag == _BOOL:
            return _BOOLS[text.lower()]
        if tag == _NULL:
            return None
        if tag in (_INT, _FLOAT) and ":" in text:
            return node.value  # sexagesimal: a time of day, not a number
        if node.tag == _FLOAT:
            try:
                value = Decimal(node.value.replace("_", ""))
            except InvalidOperation:
                return self._constructor.construct_object(node)
            if value.is_finite():
                return value
        try:
            return self._constructor.construct_object(node)
        except (ValueError, yaml.constructor.ConstructorError):
            return text  # e.g. 2026-02-30: the field's checker says what is wrong with it

    def _walk(self, node: yaml.Node, path: Path) -> Any:
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._walk(key_node, path + ("?",)) if not isinstance(
                    key_node, yaml.ScalarNode) else self._scalar(key_node)
                if not isinstance(key, str):
                    key = str(key)
                child = path + (key,)
                if key in result:
                    self.lines[child] = key_node.start_mark.line + 1
                    self.problems.append((child, "duplicate key"))
                    continue
                self.lines[child] = key_node.start_mark.line + 1
                result[key] = self._walk(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[path + (index,)] = item.start_mark.line + 1
                items.append(self._walk(item, path + (index,)))
            return items
        return self._scalar(node)


def parse_yaml(text: str, filename: str) -> Parsed:
    """Parse `text`; a YAML syntax error is a PlaydeskError naming the file and line."""
    parsed = Parsed(filename)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise PlaydeskError(f"{filename}:{line}: not valid YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise PlaydeskError(f"{filename}: not valid YAML: {error}") from None
    if node is not None:
        parsed.lines[()] = node.start_mark.line + 1
        parsed.value = parsed._walk(node, ())
    return parsed


def format_path(path: Path) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
