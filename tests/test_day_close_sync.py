"""A day closing reaches the other devices, which check it against the origin's receipts they
hold (engine/sync/validate_days.py): a Z out of turn, a report that is not the day's receipts or
a closing by someone who is not a manager is refused, and nothing is written."""

from __future__ import annotations

import json

import pytest
from test_sale_tax import CHIPS, COLA, sell

from engine.models import Event


def _closed_on_c1(tmp_path):
    from sync_helpers import provision, using
    from test_sync_fact_checks import with_site

    c1, c2 = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    for device in (c1, c2):
        with_site(device)
    with using(c1.db):
        from conftest import DEMO_AT

        from engine.closing.day import close_day

        class Clock:
            @staticmethod
            def now():
                return DEMO_AT

        sell([COLA, CHIPS], [("cash", None)], Clock)
        sell([CHIPS], [("card", None)], Clock)
        close_day("C1", DEMO_AT.date(), "MGR", DEMO_AT.replace(hour=23))
        events = [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                   "payload": e.payload, "sig": e.sig}
                  for e in Event.select().where((Event.device == "C1")
                                                & (Event.type != "definitions"))
                  .order_by(Event.seq)]
    return c2, [dict(e, seq=n) for n, e in enumerate(events, 1)]


def _edit_closing(events, edit):
    from engine.journal import dumps

    closing = next(e for e in events if "day_closing" in json.loads(e["payload"])["rows"])
    payload = json.loads(closing["payload"])
    edit(payload["rows"]["day_closing"][0])
    closing["payload"] = dumps(payload)
    return events


def test_a_true_closing_is_applied_elsewhere(tmp_path):
    from test_sync_fact_checks import apply_on, conflicts_of

    c2, events = _closed_on_c1(tmp_path)
    assert apply_on(c2, events).rejected == [] and conflicts_of(c2) == []
    assert c2.sql("SELECT id, z, day, staff FROM day_closing") == [
        ("C1-Z1", 1, "2026-07-03", "MGR")]


def _report(edit):
    def change(row):
        report = json.loads(row["report"])
        edit(report)
        row["report"] = json.dumps(report)
    return change


FALSE = {
    "a Z out of turn": lambda row: row.update(id="C1-Z2", z=2),
    "a Z that is not its id's": lambda row: row.update(z=7),
    "closed by a cashier or nobody": lambda row: row.update(staff="NOBODY"),
    "a receipt left out": _report(lambda r: r.update(receipts=r["receipts"] - 1)),
    "less tax than the receipts'": _report(lambda r: r["taxes"][0].update(tax=0)),
    "another day's report": _report(lambda r: r.update(day="2026-07-04")),
    "less paid than the receipts'": _report(lambda r: r.update(total_due=r["total_due"] - 100)),
}


@pytest.mark.parametrize("case", sorted(FALSE))
def test_a_false_closing_is_refused(tmp_path, case):
    from test_sync_fact_checks import apply_on, conflicts_of

    c2, events = _closed_on_c1(tmp_path)
    apply_on(c2, _edit_closing(events, FALSE[case]))
    conflicts = conflicts_of(c2)
    assert [(kind, seq) for kind, _, seq, _ in conflicts] == [("rejected", len(events))]
    assert conflicts[0][3].startswith("false_closing")
    assert c2.sql("SELECT COUNT(*) FROM day_closing") == [(0,)]
    assert c2.sql("SELECT COUNT(*) FROM receipt") == [(2,)]  # the sales before it stand
