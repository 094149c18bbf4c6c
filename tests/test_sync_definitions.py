"""Definitions across devices, applied as the sync process applies them (engine.sync.apply):
last writer wins by (hlc, device) whatever the arrival order, and an active campaign's rules
change only together with the deactivation that preceded the change in its origin's journal.

The HLC's wall clock is the test's own (`wall`): it moves a millisecond before each edit and
nowhere else, so which edit is later never depends on how fast the machine is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import ROOT, using

from engine import hlc
from engine.db import write
from engine.journal import dumps  # the canonical text a receiver requires
from engine.models import Event

AT = dt.datetime(2026, 7, 3, 12, 0)
SITE_FILE = ROOT / "tests" / "data" / "site.yaml"
START_MS = int(AT.replace(tzinfo=dt.UTC).timestamp() * 1000)


class WallClock:
    """Milliseconds that move only when the test says so."""

    def __init__(self, now_ms: int) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms

    def advance(self, ms: int = 1) -> None:
        self.now_ms += ms


@pytest.fixture(autouse=True)
def wall(monkeypatch) -> WallClock:
    clock = WallClock(START_MS)
    monkeypatch.setattr(hlc, "wall_ms", clock)
    return clock


def later() -> None:
    """The next wall millisecond: what happens after this is later than what happened before."""
    assert isinstance(hlc.wall_ms, WallClock), "the wall fixture is not in place"
    hlc.wall_ms.advance()


def device_db(tmp_path: Path, name: str) -> Path:
    from engine.ids import set_device_id

    path = tmp_path / f"{name}.db"
    with using(path), write():
        set_device_id(name)
    return path


def own_events(path: Path) -> list[dict[str, Any]]:
    """The device's own journal as events on the wire (the signature does not matter here)."""
    from engine.ids import device_id

    with using(path):
        return [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                 "payload": e.payload, "sig": None}
                for e in Event.select().where(Event.device == device_id()).order_by(Event.seq)]


def apply_on(path: Path, events: list[dict[str, Any]]):
    from engine.sync.apply import apply_batch

    with using(path):
        return apply_batch(events)


def edit(path: Path, section: str, code: str, **changes) -> None:
    """A manager's edit of one record on that device (a `definitions` event of its own)."""
    from engine.sitefile.apply import apply_document
    from engine.sitefile.export import export_document

    later()  # the hlc orders edits as they were made
    with using(path):
        record = export_document({section: {code}}, include_site=False)[section][0]
        apply_document({section: [{**record, **changes}]}, AT, source="edit")


def record(path: Path, section: str, code: str) -> dict[str, Any]:
    from engine.sitefile.export import export_document

    with using(path):
        return export_document({section: {code}}, include_site=False)[section][0]


def two_devices(tmp_path: Path) -> tuple[Path, Path]:
    """C1 loaded the site; C2 applied it."""
    from engine.sitefile import load_site_file

    c1, c2 = device_db(tmp_path, "C1"), device_db(tmp_path, "C2")
    with using(c1):
        load_site_file(SITE_FILE, at=AT)
    apply_on(c2, own_events(c1))
    return c1, c2


def test_concurrent_edits_converge_on_the_later_one(tmp_path):
    c1, c2 = two_devices(tmp_path)
    edit(c1, "members", "M001", name="Ada on C1")
    edit(c2, "members", "M001", name="Ada on C2")  # later
    edit(c1, "members", "M002", name="Bob on C1")  # later still, another record
    apply_on(c1, own_events(c2))
    apply_on(c2, own_events(c1)[1:])
    for path in (c1, c2):
        assert record(path, "members", "M001")["name"] == "Ada on C2"
        assert record(path, "members", "M002")["name"] == "Bob on C1"


def test_equal_clocks_are_ordered_by_device(tmp_path):
    c1, c2 = two_devices(tmp_path)
    edit(c1, "members", "M001", name="Ada on C1")
    edit(c2, "members", "M001", name="Ada on C2")
    first, second = own_events(c1)[-1], own_events(c2)[-1]
    second = {**second, "hlc": first["hlc"]}  # the very same hlc on both devices
    base = own_events(c1)[:1]
    for order, name in (([first, second], "a"), ([second, first], "b")):
        replica = device_db(tmp_path, f"K{name}")
        apply_on(replica, base)
        for event in order:
            apply_on(replica, [event])
        assert record(replica, "members", "M001")["name"] == "Ada on C2", order


def test_a_rules_change_reaches_an_active_campaign_with_its_deactivation(tmp_path):
    from engine.sitefile.campaign_admin import change_campaign

    c1, c2 = two_devices(tmp_path)
    with using(c1):  # C1: deactivate, change the rules, and later activate again
        change_campaign("HAPPY", "deactivate", AT)
    edit(c1, "campaigns", "HAPPY", value="30")
    later()
    with using(c2):  # meanwhile C2 deactivated and activated it again: active here, newer
        change_campaign("HAPPY", "deactivate", AT)
        change_campaign("HAPPY", "activate", AT)
    later()
    with using(c1):
        change_campaign("HAPPY", "activate", AT)

    # C2 skips C1's older deactivation and change (its own versions are newer); C1's
    # activation with the new rules then reaches an active campaign: deactivated first, applied
    touched = apply_on(c2, own_events(c1)[1:])
    assert touched.rejected == []
    apply_on(c1, own_events(c2))
    for path in (c1, c2):
        happy = record(path, "campaigns", "HAPPY")
        assert (happy["active"], happy["value"]) == (True, "30"), path.name
    assert record(c1, "campaigns", "HAPPY") == record(c2, "campaigns", "HAPPY")


def test_a_rules_change_without_a_deactivation_is_refused(tmp_path):
    c1, c2 = two_devices(tmp_path)
    happy = record(c1, "campaigns", "HAPPY")
    assert happy["active"] is True
    # another origin's event changing the active campaign's value without deactivating it
    stamp = own_events(c1)[-1]["hlc"]
    forged_order = {"device": "C9", "seq": 1, "hlc": f"{int(stamp[:15]) + 1000:015d}.00000",
                    "type": "definitions", "sig": None,
                    "payload": dumps({"document": {"campaigns": [{**happy, "value": "45"}]},
                                           "source": "edit", "at": AT.isoformat()})}
    touched = apply_on(c2, [forged_order])
    assert [(origin, seq) for origin, seq, *_ in touched.rejected] == [("C9", 1)]
    assert "HAPPY is active here" in touched.rejected[0][3]
    assert record(c2, "campaigns", "HAPPY") == happy
    with using(c2):  # stored and counted as applied: the origin goes on
        assert Event.select().where(Event.device == "C9").count() == 1
