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
# Values a file may expand to. A large site file has ~10^5; aliases of aliases ("billion laughs")
# would expand a few lines into billions, so the walk stops well before memory runs out.
MAX_VALUES = 5_000_000


class Parsed:
    """A parsed file: its value, the composed nodes (for line numbers), structural problems."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.value: Any = None
        self.root: yaml.Node | None = None
        self.problems: list[tuple[Path, str]] = []
        self._constructor = yaml.constructor.SafeConstructor()
        self._duplicates = False
        self.pinned: dict[Path, int] = {}  # lines that the node walk would not find (duplicates)
        self._budget = MAX_VALUES

    def line_of(self, path: Path) -> int:
        """The line of `path` (a key's line for a field), or of its nearest existing ancestor.

        Found by walking the nodes only when a problem is reported, so a valid file of 10^5
        values never pays for a map of every line.
        """
        if path in self.pinned:
            return self.pinned[path]
        node = self.root
        if node is None:
            return 1
        line = node.start_mark.line + 1
        for part in path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                        line, node = key_node.start_mark.line + 1, value_node
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                    and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line

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

    def _key(self, key_node: yaml.Node) -> str:
        key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else key_node
        return key if isinstance(key, str) else str(key)

    def _walk(self, node: yaml.Node) -> Any:
        self._budget -= 1
        if self._budget < 0:
            raise _TooLarge
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self._key(key_node)
                if key in result:
                    self._duplicates = True
                    continue
                result[key] = self._walk(value_node)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self._walk(item) for item in node.value]
        return self._scalar(node)

    def _find_duplicates(self, node: yaml.Node, path: Path) -> None:
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, value_node in node.value:
                key = self._key(key_node)
                if key in seen:
                    self.pinned[path + (key,)] = key_node.start_mark.line + 1
                    self.problems.append((path + (key,), "duplicate key"))
                    continue
                seen.add(key)
                self._find_duplicates(value_node, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._find_duplicates(item, path + (index,))


class _TooLarge(Exception):
    """The file expands to more than MAX_VALUES values."""


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
        parsed.root = node
        try:
            parsed.value = parsed._walk(node)
            if parsed._duplicates:
                parsed._find_duplicates(node, ())
        except RecursionError:  # lists in lists thousands deep, or an alias inside itself
            raise PlaydeskError(f"{filename}: nested too deeply (or an alias refers to "
                                "itself)") from None
        except _TooLarge:
            raise PlaydeskError(f"{filename}: expands to more than {MAX_VALUES} values "
                                "(aliases of aliases?)") from None
    return parsed


def format_path(path: Path) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
