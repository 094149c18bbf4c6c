"""A site file is read and applied with the cycle collector paused (engine/sitefile/gcpause.py:
a large site is ~10^6 live objects the collector would walk again and again), and the collector
is on again afterwards, whatever happened inside."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

from engine.sitefile import apply, validate
from engine.sitefile.apply import apply_document
from engine.sitefile.gcpause import collector_paused

AT = dt.datetime(2026, 7, 3, 12, 0)


def _items_file(count: int) -> str:
    lines = ["categories:", "  - {code: CAT, name: Category}", "items:"]
    lines += [f"  - {{code: I{i}, name: Item {i}, price: {100 + i}, category: CAT, "
              f"barcodes: ['{400000 + i}']}}" for i in range(count)]
    return "\n".join(lines) + "\n"


def test_reading_and_applying_a_site_file_runs_with_the_collector_off(db, monkeypatch):
    """Each step of a load notes whether the collector could run meanwhile."""
    steps: dict[str, bool] = {}

    def noting(module, name: str) -> None:
        original = getattr(module, name)

        def step(*args, **kwargs):
            steps[name] = gc.isenabled()
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, step)

    for module, name in ((validate, "parse_yaml"), (validate, "check_references"),
                         (apply, "make_plan"), (apply, "_execute"),
                         (apply, "changed_document")):
        noting(module, name)
    assert gc.isenabled()
    summary = load_site_file_text(_items_file(300))
    assert summary["sections"]["items"]["created"] == 300
    assert steps == dict.fromkeys(("parse_yaml", "check_references", "make_plan", "_execute",
                                   "changed_document"), False)
    assert gc.isenabled()


def load_site_file_text(text: str) -> dict:
    return apply_document(validate.validate_text(text, "site.yaml"), AT)


def test_the_collector_is_on_again_after_an_error_and_stays_off_when_it_was_off():
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failed load")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            with collector_paused():
                pass
            assert not gc.isenabled()
        assert not gc.isenabled()  # the caller had it off: it stays off
    finally:
        gc.enable()
