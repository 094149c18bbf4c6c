"""Every example receipt in tests/data/receipts priced against the demo site matches its
expected JSON: every key given must be equal, lists compared element by element in order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.cli.common import _default
from engine.pricing import price_receipt
from engine.pricing.definitions import load_definitions
from engine.sales.receiptfile import read_receipt_file

RECEIPTS = Path(__file__).parent / "data" / "receipts"

EXAMPLES = sorted(RECEIPTS.glob("*.yaml"))


def subset_mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` differs from `expected` (a dict's missing keys are not compared)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += subset_mismatches(value, actual[key], f"{path}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} elements, got {actual!r}"]
        return [p for i, (e, a) in enumerate(zip(expected, actual, strict=True))
                for p in subset_mismatches(e, a, f"{path}[{i}]")]
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def test_there_are_examples():
    assert len(EXAMPLES) >= 4


def test_subset_comparison_catches_differences():
    assert subset_mismatches({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2, "c": 3}], "d": 4}) == []
    assert subset_mismatches({"a": [1]}, {"a": [1, 2]})
    assert subset_mismatches({"a": {"b": 2}}, {"a": {"b": 3}})


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_receipt_prices_as_expected(demo_site, path: Path):
    receipt_file = read_receipt_file(path)
    definitions = load_definitions(receipt_file.receipt.coupons)
    document = price_receipt(receipt_file.receipt, definitions, receipt_file.at).as_dict()
    printed = json.loads(json.dumps(document, default=_default))  # what `playdesk price` prints
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
    assert subset_mismatches(expected, printed) == []
