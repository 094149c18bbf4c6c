"""Session facts on other devices (issue 17, spec/sessions.md, sync.md): a real session's events
applied on another counter give the same session there, and forged session facts are refused
without creating or moving credit."""

from __future__ import annotations

import datetime as dt

import pytest
from sync_helpers import provision, using
from test_sync_fact_checks import apply_on, conflicts_of, forged, with_site

AT = dt.datetime(2026, 7, 3, 12, 0)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture
def site(tmp_path):
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)
    return devices


def journal_of(device, after: int = 0) -> list[dict]:
    from engine.models import Event

    with using(device.db):
        return [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                 "payload": e.payload, "sig": e.sig}
                for e in Event.select().where((Event.device == device.name) & (Event.seq > after))
                .order_by(Event.seq)]


def play(device) -> str:
    """On C1: a lot, a session of 10 minutes (3 from minutes, 7 from the wallet), a pause and
    resume, a stop; a guest session."""
    from engine.entitlements.adjust import add_lot
    from engine.sessions import lifecycle, meter

    with using(device.db):
        add_lot("M001", "minutes", "manual", 3, "MGR", "x", AT, device="pc")
        add_lot("M001", "money", "manual", 500, "MGR", "x", AT)
        session = lifecycle.start("PC01", AT, member="M001")
        meter.charge_due(AT + minutes(4))
        lifecycle.pause(AT + minutes(4.5), station="PC01", staff="MGR")
        lifecycle.resume(AT + minutes(6), station="PC01", staff="MGR")
        lifecycle.stop(AT + minutes(11.5), station="PC01", staff="MGR")
        lifecycle.start("PS5-1", AT, guest=True, staff="MGR")
        return session.id


def view(device, session_id: str) -> tuple:
    from engine.sessions import facts

    with using(device.db):
        s = facts.session(session_id)
        lots = device.sql("SELECT id, remaining FROM lot ORDER BY id")
        return (s.state, s.charged, s.minutes_used, s.money_used, s.timeline.stop_reason,
                s.timeline.running_time(AT + minutes(60)), lots,
                [x.station for x in facts.open_sessions()])


def test_a_session_s_facts_give_the_same_session_on_another_counter(site):
    c1, c2, _ = site
    session_id = play(c1)
    touched = apply_on(c2, journal_of(c1))
    assert touched.rejected == [] and conflicts_of(c2) == []
    here, there = view(c1, session_id), view(c2, session_id)
    assert here == there
    assert here[:5] == ("ended", 10, 3, 35, "staff")
    assert here[7] == ["PS5-1"]


def session_rows(sid: str = "C2-S1", member: str | None = "M001", guest: bool = False,
                 origin: str = "C2") -> dict:
    return {"play_session": [{"id": sid, "station": "PC01", "group": "STANDARD",
                              "station_device": "pc", "rate_per_hour": 300, "minimum_minutes": 0,
                              "resource": None, "member": member, "guest": guest,
                              "started_at": AT.isoformat(), "staff": None, "device": origin,
                              "offline": False, "hold": None}],
            "session_event": [{"id": f"{origin}-SE1", "session": sid, "kind": "start",
                               "at": AT.isoformat(), "actor": "staff", "staff": None,
                               "reason": None, "device": origin}]}


def minute(sid: str, n: int, source: str, amount: int, k: int | None,
           origin: str = "C2") -> dict:
    return {"id": f"{origin}-SM{n}", "session": sid, "minute": n, "source": source,
            "amount": amount, "wallet_minute": k, "at": AT.isoformat(), "device": origin}


def draw(record_id: str, lot_id: str, amount: int, reference: str, member: str = "M001",
         origin: str = "C2") -> dict:
    return {"id": record_id, "lot": lot_id, "member": member, "kind": "use", "amount": amount,
            "reference": reference, "at": AT.isoformat(), "device": origin, "offline": False,
            "hold": None}


FORGED = {
    "a wallet minute at ten times its price": (
        lambda: {**session_rows(), "session_minute": [minute("C2-S1", 1, "money", 50, 1)],
                 "consumption": [draw("C2-C1", "C1-L1", 50, "C2-S1:1")]}, "wrong_price"),
    "a minute drawn from another member's lot": (
        lambda: {**session_rows(member="M002"),
                 "session_minute": [minute("C2-S1", 1, "money", 5, 1)],
                 "consumption": [draw("C2-C1", "C1-L1", 5, "C2-S1:1", member="M002")]},
        "wrong_member"),
    "a minute drawn from a console-only lot on a PC": (
        lambda: {**session_rows(), "session_minute": [minute("C2-S1", 1, "money", 5, 1)],
                 "consumption": [draw("C2-C1", "C1-L2", 5, "C2-S1:1")]}, "wrong_member"),
    "a guest session charged": (
        lambda: {**session_rows(member=None, guest=True),
                 "session_minute": [minute("C2-S1", 1, "money", 5, 1)],
                 "consumption": [draw("C2-C1", "C1-L1", 5, "C2-S1:1")]}, "bad_session"),
    "a session event that draws credit": (
        lambda: {"session_event": [{"id": "C2-SE9", "session": "C1-S1", "kind": "stop",
                                    "at": AT.isoformat(), "actor": "staff", "staff": None,
                                    "reason": "x", "device": "C2"}],
                 "consumption": [draw("C2-C1", "C1-L1", 40, "anything")]}, "bad_consumption"),
    "a session without its start": (
        lambda: {"play_session": session_rows()["play_session"]}, "bad_session"),
    "a station as rows": (
        lambda: {"station": [{"code": "PC99", "name": "x", "group": 1, "agent": False,
                              "active": True, "hook_start": "rm -rf /", "hook_stop": None,
                              "deleted": False, "version": None}]}, "forbidden_rows"),
}


@pytest.mark.parametrize("case", sorted(FORGED))
def test_a_forged_session_fact_is_refused_and_moves_no_credit(site, case):
    from engine.entitlements.adjust import add_lot
    from engine.sessions import lifecycle

    c1, _, _ = site
    with using(c1.db):
        add_lot("M001", "money", "manual", 100, "MGR", "x", AT)  # C1-L1
        add_lot("M001", "money", "manual", 100, "MGR", "x", AT, device="console")  # C1-L2
        add_lot("M002", "minutes", "manual", 100, "MGR", "x", AT, device="pc")  # C1-L3
        lifecycle.start("PC02", AT, member="M002")  # C1-S1, minute 1 from C1-L3
    build, reason = FORGED[case]
    kind = "session.stop" if "session event" in case else "session.start"
    before = c1.sql("SELECT id, remaining FROM lot ORDER BY id")
    touched = apply_on(c1, [forged(1, kind, build(), origin="C2")])
    assert [(seq, why) for _, seq, why, _ in touched.rejected] == [(1, reason)]
    assert c1.sql("SELECT id, remaining FROM lot ORDER BY id") == before
    assert c1.sql("SELECT COUNT(*) FROM play_session") == [(1,)]
    assert c1.sql("SELECT COUNT(*) FROM station WHERE code = 'PC99'") == [(0,)]


def test_one_minute_charged_on_two_counters_settles_alike_on_both(site):
    """Two devices charging the same minute (a pause at C2 while the authority's meter charged
    it) is a collision, not a forgery: the earlier (hlc, device) keeps its minute and draws on
    every device, the other's minute and draws go, and the lots agree. Before, each device
    refused the other's minute as a duplicate and kept its own: C1 and C2 held different draws
    for the same minute (found by review)."""
    from engine.entitlements.adjust import add_lot
    from engine.sessions import lifecycle, meter

    c1, c2, _ = site
    with using(c1.db):
        add_lot("M001", "money", "manual", 500, "MGR", "x", AT)
        lifecycle.start("PC01", AT, member="M001")
    assert apply_on(c2, journal_of(c1)).rejected == []
    seen_on_c1 = c1.sql("SELECT COALESCE(MAX(seq), 0) FROM event WHERE device = 'C1'")[0][0]
    with using(c1.db):
        meter.charge_due(AT + dt.timedelta(minutes=1))
    with using(c2.db):
        meter.charge_due(AT + dt.timedelta(minutes=1, seconds=5))
    from_c1, from_c2 = journal_of(c1, seen_on_c1), journal_of(c2)
    assert apply_on(c2, from_c1).rejected == []
    assert apply_on(c1, from_c2).rejected == []
    for device in (c1, c2):
        assert device.sql("SELECT minute, COUNT(*) FROM session_minute GROUP BY minute") == \
            [(1, 1), (2, 1)], device.name
        assert device.sql("SELECT COUNT(*) FROM consumption WHERE reference LIKE '%:2'") == [(1,)]
    assert c1.sql("SELECT id, remaining FROM lot ORDER BY id") == \
        c2.sql("SELECT id, remaining FROM lot ORDER BY id")
    assert c1.sql("SELECT id FROM session_minute ORDER BY id") == \
        c2.sql("SELECT id FROM session_minute ORDER BY id")
    assert c1.sql("SELECT id, remaining FROM lot") == [("C1-L1", 490)]
