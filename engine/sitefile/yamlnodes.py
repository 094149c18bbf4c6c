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


# The deepest a site or receipt file nests (a campaign's trigger lines are 7 levels down). Far
# below the parser's own limits (libyaml stops at 1000 levels, pure Python at the recursion
# limit), so the file's problem is always reported in our words, whatever PyYAML is installed.
MAX_DEPTH = 64
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
# Tags a file may spell out: the plain types a site file holds. Anything else — !!binary,
# !!timestamp, !!set, !!python/..., custom !tags — is refused: no constructor beyond ours runs.
_SCALAR_TAGS = {_STR: "text", _INT: "an integer", _FLOAT: "a number", _BOOL: "yes or no",
                _NULL: "empty (~ or null)"}
_TAG_KIND = {_SEQ: yaml.SequenceNode, _MAP: yaml.MappingNode}


def _shown_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


class _Frame:
    """A collection being composed: its node, its expanded size and height so far."""

    __slots__ = ("node", "size", "height", "key", "anchor")

    def __init__(self, node: yaml.Node, anchor: str | None) -> None:
        self.node = node
        self.size = 1
        self.height = 1
        self.key: yaml.Node | None = None  # a mapping's key waiting for its value
        self.anchor = anchor


class _Composer:
    """The node tree from PyYAML's event stream, with this project's limits checked first.

    PyYAML's own composer follows aliases blindly (a cycle, or billions of values from a few
    lines) and newer versions stop deep nesting with their own message; composing here from the
    events checks depth, expansion and self-reference as each event arrives, before PyYAML's
    limits or any constructor are reached, and names the line.
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.resolver = yaml.resolver.Resolver()
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[yaml.Node, int, int]] = {}  # node, size, height
        self.open_anchors: set[str] = set()
        self.tag_problems: list[str] = []
        self.root: yaml.Node | None = None
        self.documents = 0

    def fail(self, mark: Any, message: str) -> PlaydeskError:
        return PlaydeskError(f"{self.filename}:{mark.line + 1}: {message}")

    def _path(self) -> Path:
        path: list[str | int] = []
        for frame in self.stack:
            if isinstance(frame.node, yaml.SequenceNode):
                path.append(len(frame.node.value))
            elif frame.key is not None and isinstance(frame.key, yaml.ScalarNode):
                path.append(frame.key.value)
        return tuple(path)

    def _tag_problem(self, mark: Any, message: str) -> None:
        where = format_path(self._path())
        self.tag_problems.append(f"{self.filename}:{mark.line + 1}: "
                                 + (f"{where}: " if where else "") + message)

    def _check_tag(self, tag: str, kind: type[yaml.Node], value: str | None, mark: Any) -> str:
        """The tag to give the node; a tag the file may not use is noted as a problem."""
        if tag in _SCALAR_TAGS and kind is yaml.ScalarNode:
            if tag == _STR:
                return tag
            implicit = self.resolver.resolve(yaml.ScalarNode, value, (True, False))
            if implicit == tag or (tag == _FLOAT and implicit == _INT):
                return tag
            self._tag_problem(mark, f"{value!r} is not {_SCALAR_TAGS[tag]} "
                                    f"(tagged {_shown_tag(tag)})")
        elif _TAG_KIND.get(tag) is kind:
            return tag
        elif tag in _SCALAR_TAGS or tag in _TAG_KIND:
            self._tag_problem(mark, f"the tag {_shown_tag(tag)} does not fit this value")
        else:
            self._tag_problem(mark, f"the tag {_shown_tag(tag)} is not allowed (a file holds "
                                    "only text, numbers, yes/no, dates, lists and mappings)")
        return _STR if kind is yaml.ScalarNode else self.resolver.resolve(kind, None, True)

    def _tag(self, event: Any, kind: type[yaml.Node], value: str | None = None) -> str:
        tag = event.tag
        if tag is None or tag == "!":
            return self.resolver.resolve(kind, value, event.implicit)
        return self._check_tag(tag, kind, value, event.start_mark)

    def _define(self, anchor: str | None, mark: Any) -> None:
        if anchor is None:
            return
        if anchor in self.anchors or anchor in self.open_anchors:
            raise self.fail(mark, f"the anchor &{anchor} is defined twice")

    def _done(self, node: yaml.Node, size: int, height: int, anchor: str | None,
              mark: Any) -> None:
        """A finished node (or an alias's target) joins its parent."""
        if size > MAX_VALUES:
            raise self.fail(mark, f"expands to more than {MAX_VALUES} values (aliases of "
                                  "aliases?)")
        if len(self.stack) + height > MAX_DEPTH:
            raise self.fail(mark, f"nested more than {MAX_DEPTH} levels deep (counting what "
                                  "aliases bring in)")
        if anchor is not None:
            self.open_anchors.discard(anchor)
            self.anchors[anchor] = (node, size, height)
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        parent.size += size
        parent.height = max(parent.height, height + 1)
        if isinstance(parent.node, yaml.SequenceNode):
            parent.node.value.append(node)
        elif parent.key is None:
            parent.key = node
        else:
            parent.node.value.append((parent.key, node))
            parent.key = None

    def compose(self, events: Any) -> yaml.Node | None:
        for event in events:
            if isinstance(event, yaml.ScalarEvent):
                self._define(event.anchor, event.start_mark)
                node = yaml.ScalarNode(self._tag(event, yaml.ScalarNode, event.value),
                                       event.value, event.start_mark, event.end_mark,
                                       style=event.style)
                self._done(node, 1, 0, event.anchor, event.start_mark)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                self._define(event.anchor, event.start_mark)
                if len(self.stack) + 1 > MAX_DEPTH:
                    raise self.fail(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
                kind = (yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent)
                        else yaml.MappingNode)
                node = kind(self._tag(event, kind), [], event.start_mark, None,
                            flow_style=event.flow_style)
                if event.anchor is not None:
                    self.open_anchors.add(event.anchor)
                self.stack.append(_Frame(node, event.anchor))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                frame = self.stack.pop()
                frame.node.end_mark = event.end_mark
                self._done(frame.node, frame.size, frame.height, frame.anchor,
                           frame.node.start_mark)
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor in self.open_anchors:
                    raise self.fail(event.start_mark, f"the alias *{event.anchor} is nested "
                                    f"inside its own anchor &{event.anchor} (an alias may not "
                                    "refer to itself)")
                if event.anchor not in self.anchors:
                    raise self.fail(event.start_mark, f"the alias *{event.anchor} has no anchor "
                                    f"&{event.anchor} before it")
                node, size, height = self.anchors[event.anchor]
                self._done(node, size, height, None, event.start_mark)
            elif isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    raise self.fail(event.start_mark, "a second YAML document (---): a file "
                                    "holds one")
        if self.tag_problems:
            raise PlaydeskError("\n".join(self.tag_problems))
        return self.root


def _compose(text: str, filename: str) -> yaml.Node | None:
    """The file's node tree, through libyaml when it is there.

    libyaml reads ahead of the events it has delivered, and newer versions stop a file nested
    1000 levels deep with their own error before the composer could say more than MAX_DEPTH:
    when libyaml refuses a file, the pure-Python parser (no such limit; only ever for a file
    that is wrong anyway) reads it again, so the owner gets this project's message, or the
    same syntax error.
    """
    try:
        return _Composer(filename).compose(yaml.parse(text, Loader=_Loader))
    except yaml.YAMLError:
        if _Loader is yaml.SafeLoader:
            raise
    return _Composer(filename).compose(yaml.parse(text, Loader=yaml.SafeLoader))


def parse_yaml(text: str, filename: str) -> Parsed:
    """Parse `text`; a YAML syntax error is a PlaydeskError naming the file and line."""
    parsed = Parsed(filename)
    try:
        node = _compose(text, filename)
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
        except RecursionError:  # not reached: the composer bounds depth and refuses cycles
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
