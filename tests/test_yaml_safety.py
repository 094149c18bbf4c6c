"""Site and receipt files that try to break the YAML reader get this project's own FILE:LINE errors.

Deep nesting, an alias inside itself, aliases of aliases ("billion laughs") and every tag beyond
the plain types are refused before PyYAML's own limits or constructors are reached, whichever
PyYAML is installed (libyaml stops at 1000 levels with its own words since 6.0.4); no assertion
here reads a third-party library's message. A seeded mutator fuzzes the demo site and receipts:
exit 0 or 2, never a traceback, and a rejected file changes nothing.
"""

from __future__ import annotations

import random
import shutil

import pytest
import yaml
from test_bad_input import DATA, GOOD_RECEIPT, changed_tables, cli, dump, template  # noqa: F401

from engine.errors import PlaydeskError
from engine.sitefile import yamlnodes

LAUGHS = "".join(f"{a}: &{a} [{', '.join([f'*{b}'] * 10) if b else ', '.join(['x'] * 10)}]\n"
                 for a, b in zip("abcdefg", ["", *"abcdef"], strict=True))
HOSTILE = [
    ("lines: " + "[" * 3000 + "]" * 3000, 1, f"nested more than {yamlnodes.MAX_DEPTH} levels"),
    ("lines:\n" + "".join(" " * (i + 1) + "- \n" for i in range(1200)), 65, "nested more than"),
    ("a: &a [*a]", 1, "nested inside its own anchor &a"),
    ("a: &a {b: [1, {c: *a}]}", 1, "nested inside its own anchor &a"),
    (LAUGHS, 7, "expands to more than"),
    ("x: &x [" + ", ".join(["y"] * 30) + "]\n" + "".join(
        f"l{i}: &l{i} [*{'x' if i == 0 else f'l{i - 1}'}]\n" for i in range(70)), 64,
     "nested more than"),
    ("a: *nope", 1, "no anchor &nope"),
    ("a: 1\n---\nb: 2", 2, "a second YAML document"),
]


@pytest.mark.parametrize("loader", ["libyaml", "python"])
@pytest.mark.parametrize(("text", "line", "fragment"), HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_yaml_is_refused_in_our_words_with_its_line(monkeypatch, loader, text, line,
                                                            fragment):
    if loader == "python":
        monkeypatch.setattr(yamlnodes, "_Loader", yaml.SafeLoader)
    with pytest.raises(PlaydeskError) as refused:
        yamlnodes.parse_yaml(text, "site.yaml")
    assert str(refused.value).startswith(f"site.yaml:{line}: "), str(refused.value)
    assert fragment in str(refused.value)


def test_nesting_within_the_limit_still_reads():
    depth = yamlnodes.MAX_DEPTH - 1
    parsed = yamlnodes.parse_yaml("a: " + "[" * depth + "1" + "]" * depth, "f.yaml")
    value = parsed.value["a"]
    for _ in range(depth):
        value = value[0]
    assert value == 1


TAGS = [
    ("site: !!float abc", "site.yaml:1: site: 'abc' is not a number (tagged !!float)"),
    ("site: !!int 1.5", "site.yaml:1: site: '1.5' is not an integer (tagged !!int)"),
    ("site: !!bool maybe", "site.yaml:1: site: 'maybe' is not yes or no (tagged !!bool)"),
    ("site: !!null x", "site.yaml:1: site: 'x' is not empty"),
    ("site:\n  code: !!timestamp X", "site.yaml:2: site.code: the tag !!timestamp is not allowed"),
    ("a: !!timestamp 2026-01-01", "site.yaml:1: a: the tag !!timestamp is not allowed"),
    ("a: [1, !!binary aGk=]", "site.yaml:1: a[1]: the tag !!binary is not allowed"),
    ("a: !!python/object/apply:os.system [true]",
     "site.yaml:1: a: the tag !!python/object/apply:os.system is not allowed"),
    ("a: !!python/name:os.system ''", "site.yaml:1: a: the tag !!python/name:os.system is not"),
    ("a: !!set {x, y}", "site.yaml:1: a: the tag !!set is not allowed"),
    ("a: !!omap [x: 1]", "site.yaml:1: a: the tag !!omap is not allowed"),
    ("a: !mine 1", "site.yaml:1: a: the tag !mine is not allowed"),
    ("a: !<tag:example.com,2026:x> 1", "site.yaml:1: a: the tag tag:example.com,2026:x is not"),
    ("a: !!map [1]", "site.yaml:1: a: the tag !!map does not fit this value"),
    ("a: !!str {b: 1}", "site.yaml:1: a: the tag !!str does not fit this value"),
    ("!!binary aGk=: 1", "site.yaml:1: the tag !!binary is not allowed"),
]


@pytest.mark.parametrize(("text", "expected"), TAGS, ids=[t for t, _ in TAGS])
def test_only_plain_tags_are_allowed(text, expected):
    with pytest.raises(PlaydeskError) as refused:
        yamlnodes.parse_yaml(text + "\n", "site.yaml")
    assert str(refused.value).startswith(expected), str(refused.value)


def test_every_bad_tag_is_listed_at_once():
    with pytest.raises(PlaydeskError) as refused:
        yamlnodes.parse_yaml("a: !!binary aGk=\nb: ok\nc: !!float x\n", "f.yaml")
    assert [line.split(": ")[0] for line in str(refused.value).splitlines()] == ["f.yaml:1",
                                                                                 "f.yaml:3"]


def test_the_plain_tags_keep_their_meaning():
    parsed = yamlnodes.parse_yaml("a: !!str 12\nb: !!int 5\nc: !!float 5\nd: !!float 12.5\n"
                                  "e: !!bool yes\nf: !!null ~\ng: !!seq [x]\nh: !!map {x: 1}\n"
                                  "i: &i [1]\nj: *i\n", "f.yaml")
    assert parsed.value == {"a": "12", "b": 5, "c": 5, "d": yamlnodes.Decimal("12.5"), "e": True,
                            "f": None, "g": ["x"], "h": {"x": 1}, "i": [1], "j": [1]}


@pytest.fixture
def site(template, tmp_path):  # noqa: F811
    path = tmp_path / "playdesk.db"
    shutil.copy(template, path)
    return path


@pytest.mark.parametrize(("command", "text", "fragment"), [
    ("load", "site: !!float abc", ":1: site: 'abc' is not a number"),
    ("load", "site: {code: !!timestamp X}", ":1: site.code: the tag !!timestamp"),
    ("load", "items: [{code: X, name: !!binary aGk=, price: 1}]", "items[0].name: the tag"),
    ("load", "campaigns: [{code: X, type: [x], name: N}]", ":1: campaigns[0].type: must be one"),
    ("load", "campaigns: [{code: X, type: {a: 1}, name: N}]", "campaigns[0].type: must be one"),
    ("load", "campaigns: [{code: X, type: !mine packages, name: N}]", "the tag !mine"),
    ("checkout", "location: COUNTER1\nlines: [{item: COLA, quantity: !!float x}]\n"
                 "payments: [{method: cash}]", ":2: lines[0].quantity: 'x' is not a number"),
    ("checkout", "location: !!python/object:os.system x\nlines: [{item: COLA}]",
     ":1: location: the tag !!python/object:os.system"),
    ("price", "at: !!timestamp 2026-07-03\nlocation: COUNTER1\nlines: [{item: COLA}]",
     ":1: at: the tag !!timestamp"),
])
def test_the_cli_refuses_tags_clearly_and_changes_nothing(site, command, text, fragment):
    path = site.parent / "tagged.yaml"
    path.write_text(text + "\n")
    before = dump(site)
    code, out, err = cli(site, command, str(path))
    assert "Traceback" not in err, err
    assert (code, out) == (2, ""), (code, err)
    assert err.startswith(f"playdesk: error: {path}") and fragment in err, err
    assert changed_tables(before, dump(site)) == []


# --- fuzz: a seeded mutator over the demo site and receipts ---------------------------------

TOKENS = ["!!float", "!!timestamp", "!!binary", "!!python/object:os.system", "!!set", "!x",
          "&a", "*a", "[", "]", "{", "}", "[x]", "{a: 1}", "~", "-1", "10e999", ".nan", "2026-02-30",
          "16:00", "0x1F", "yes", "'", '"', ":", "- ", "\t", "#", "<<: *a", "?", "|", ">", "\x00"]
RECEIPTS = [GOOD_RECEIPT, *(path.read_text() for path in sorted((DATA / "receipts").glob("*.yaml"))),
            "location: COUNTER1\nmember: M001\nlines: [{item: COLA, quantity: 2}, "
            "{package: SUMMER/BASIC}]\ncoupons: [GOOD-0000-0001]\n"
            "payments: [{method: cash, amount: 5000}]\n"]


def _mutate(text: str, rng: random.Random) -> str:
    """A few random edits at token boundaries: insert, replace or delete."""
    for _ in range(rng.randint(1, 3)):
        cuts = [i for i, ch in enumerate(text) if ch in " :,[]{}\n"] or [0]
        at = rng.choice(cuts)
        action = rng.random()
        if action < 0.6:
            text = text[:at + 1] + rng.choice(TOKENS) + " " + text[at + 1:]
        elif action < 0.85:
            end = min(len(text), at + rng.randint(1, 12))
            text = text[:at + 1] + rng.choice(TOKENS) + text[end:]
        else:
            text = text[:at] + text[at + rng.randint(1, 20):]
    return text


def test_fuzzed_site_and_receipt_files_exit_0_or_2_and_a_rejected_file_changes_nothing(site):
    rng = random.Random(20261203)
    demo = (DATA / "site.yaml").read_text()
    lines = demo.splitlines(keepends=True)
    path = site.parent / "fuzzed.yaml"
    verdicts = {0: 0, 2: 0}
    for round_ in range(60):
        if round_ % 2 == 0:  # a slice of the demo site, so each load stays quick
            start = rng.randrange(len(lines))
            text, command = "".join(lines[start:start + 40]), ("load",)
        else:
            text, command = rng.choice(RECEIPTS), (rng.choice(["price", "checkout"]),)
        mutated = _mutate(text, rng)
        path.write_text(mutated, encoding="utf-8", errors="surrogateescape")
        before = dump(site)
        code, _, err = cli(site, *command, str(path))
        assert "Traceback" not in err and code in (0, 2), (command, mutated, err)
        verdicts[code] += 1
        if code == 2:
            assert changed_tables(before, dump(site)) == [], (command, mutated, err)
    assert verdicts[2] > 10  # the mutator does produce bad files
