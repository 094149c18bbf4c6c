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



def start_on_c1_known_to_c2(c1, c2) -> int:
    """M001 (500 wallet money) starts on PC01 at C1 and C2 applies all of it: C1's last seq."""
    from engine.entitlements.adjust import add_lot
    from engine.sessions import lifecycle

    with using(c1.db):
        add_lot("M001", "money", "manual", 500, "MGR", "x", AT)  # C1-L1
        lifecycle.start("PC01", AT, member="M001")
    assert apply_on(c2, journal_of(c1)).rejected == []
    return c1.sql("SELECT MAX(seq) FROM event WHERE device = 'C1'")[0][0]

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
                              "resource": "PC-HOUR", "member": member, "guest": guest,
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
    from engine.sessions import meter

    c1, c2, _ = site
    seen_on_c1 = start_on_c1_known_to_c2(c1, c2)
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


def with_terms(rows: dict, **terms) -> dict:
    rows["play_session"][0].update(terms)
    return rows


CONSOLE_TERMS = {"group": "CONSOLE", "station_device": "console", "rate_per_hour": 600,
                 "minimum_minutes": 30, "resource": "PS5-HOUR"}
# Sessions with terms the site never gave their station (a stolen counter key): none is applied
# and no credit moves. They wait rather than being refused (validate_sessions.py: the terms
# could be a definitions change of a third device not here yet), so their origin stops there.
FORGED_TERMS = {
    "a PC session at 1 per hour (its wallet minutes cost 0)": lambda: {
        **with_terms(session_rows(), rate_per_hour=1),
        "session_minute": [minute("C2-S1", 1, "money", 0, 1)]},
    "a pc session on a console, spending pc-only lots": lambda: {
        **with_terms(session_rows(), **{**CONSOLE_TERMS, "station_device": "pc"},
                     station="PS5-1"),
        "session_minute": [minute("C2-S1", 1, "money", 10, 1)],
        "consumption": [draw("C2-C1", "C1-L3", 10, "C2-S1:1")]},
    "a PC station in the console group, spending console lots": lambda: {
        **with_terms(session_rows(), **CONSOLE_TERMS),
        "session_minute": [minute("C2-S1", 1, "money", 10, 1)],
        "consumption": [draw("C2-C1", "C1-L2", 10, "C2-S1:1")]},
    "a guest on a console without its minimum": lambda: with_terms(
        session_rows(member=None, guest=True), **{**CONSOLE_TERMS, "minimum_minutes": 0},
        station="PS5-1"),
    "a station the site has not": lambda: with_terms(session_rows(), station="PC99"),
}


@pytest.mark.parametrize("case", sorted(FORGED_TERMS))
def test_a_session_on_terms_its_station_never_had_is_not_applied(site, case):
    """Before the terms were checked, each was applied: the session (and its minute and draws)
    went in at the forged rate, device or group (review of issue 17)."""
    from engine.entitlements.adjust import add_lot

    c1, _, _ = site
    with using(c1.db):
        add_lot("M001", "money", "manual", 100, "MGR", "x", AT)  # C1-L1
        add_lot("M001", "money", "manual", 100, "MGR", "x", AT, device="console")  # C1-L2
        add_lot("M001", "money", "manual", 100, "MGR", "x", AT, device="pc")  # C1-L3
    before = c1.sql("SELECT id, remaining FROM lot ORDER BY id")
    touched = apply_on(c1, [forged(1, "session.start", FORGED_TERMS[case](), origin="C2")])
    assert [(origin, seq) for origin, seq, _ in touched.waiting] == [("C2", 1)], touched.rejected
    assert c1.sql("SELECT COUNT(*) FROM play_session") == [(0,)]
    assert c1.sql("SELECT id, remaining FROM lot ORDER BY id") == before


def test_a_session_started_before_a_rate_change_keeps_its_rate_on_a_device_that_has_the_new_one(
        site, tmp_path):
    """C2 raised the PC rate to 400 (it holds only the new rate now); C1 had not heard of it and
    started a session at 300: C2 applies it, as it was started, from the version its journal
    keeps. A rate the site never had (250) still waits."""
    from conftest import DEMO_SITE

    from engine.entitlements.adjust import add_lot
    from engine.sessions import lifecycle
    from engine.sitefile import load_site_file

    c1, c2, _ = site
    raised = tmp_path / "raised.yaml"
    raised.write_text(DEMO_SITE.read_text().replace("rate_per_hour: 300", "rate_per_hour: 400"))
    with using(c2.db):
        load_site_file(raised, at=AT)
    assert c2.sql("SELECT rate_per_hour FROM station_group WHERE code = 'STANDARD'") == [(400,)]
    with using(c1.db):
        add_lot("M001", "money", "manual", 500, "MGR", "x", AT)
        session = lifecycle.start("PC01", AT, member="M001")
    touched = apply_on(c2, journal_of(c1))
    assert touched.rejected == [] and touched.waiting == []
    assert c2.sql("SELECT rate_per_hour FROM play_session") == [(300,)]
    assert c2.sql("SELECT amount FROM session_minute") == [(5,)]
    assert session.rate_per_hour == 300
    cheap = with_terms(session_rows("C2-S1"), rate_per_hour=250)
    touched = apply_on(c1, [forged(1, "session.start", cheap, origin="C2")])
    assert [seq for _, seq, _ in touched.waiting] == [1]


def c2_plays(c1, c2, stop_after: float | None) -> int:
    """On C2: a 500 wallet lot and a session on PC01 from AT (stopped after `stop_after`
    minutes), applied on C1; returns C2's last seq."""
    from engine.entitlements.adjust import add_lot
    from engine.sessions import lifecycle

    with using(c2.db):
        add_lot("M001", "money", "manual", 500, "MGR", "x", AT)  # C2-L1
        lifecycle.start("PC01", AT, member="M001")  # C2-S1
        if stop_after is not None:
            lifecycle.stop(AT + minutes(stop_after), station="PC01", staff="MGR")
    events = journal_of(c2)
    touched = apply_on(c1, events)
    assert touched.rejected == [] and touched.waiting == []
    return events[-1]["seq"]


def charge(seq: int, n: int, at: dt.datetime, k: int) -> dict:
    row = {**minute("C2-S1", n, "money", 5, k), "id": f"C2-SM{90 + n}", "at": at.isoformat()}
    return forged(seq, "session.charge", {
        "session_minute": [row],
        "consumption": [{**draw(f"C2-C{90 + n}", "C2-L1", 5, f"C2-S1:{n}"), "at": at.isoformat()}]},
        origin="C2")


NOT_DUE = {
    # (minutes C2 played before its own stop, or None: still running; the minute; its `at`)
    "a minute after the session's stop": (2.5, 4, AT + minutes(3)),
    "a minute at the stop itself": (3, 4, AT + minutes(3)),
    "a minute charged before it started": (None, 5, AT + minutes(1)),
    "minute 2 at the start": (None, 2, AT),
}


@pytest.mark.parametrize("case", sorted(NOT_DUE))
def test_a_minute_the_session_s_timeline_never_reached_is_refused(site, case):
    """Every number, price and lot of these minutes is right (the k-th wallet minute at 5 from
    the member's own lot): only the timeline says no. Before the check each was applied and
    drew 5 more from the lot."""
    c1, c2, _ = site
    stop_after, n, at = NOT_DUE[case]
    seq = c2_plays(c1, c2, stop_after)
    k = c1.sql("SELECT COUNT(*) FROM session_minute")[0][0] + 1
    before = c1.sql("SELECT id, remaining FROM lot ORDER BY id")
    touched = apply_on(c1, [charge(seq + 1, n, at, k)])
    assert [(s, why) for _, s, why, _ in touched.rejected] == [(seq + 1, "not_due")]
    assert c1.sql("SELECT id, remaining FROM lot ORDER BY id") == before


def test_a_minute_due_by_the_timeline_is_applied(site):
    """The same forged-looking event for a minute that was due (minute 3 at its boundary) goes
    in: the check refuses only what the timeline never reached."""
    c1, c2, _ = site
    seq = c2_plays(c1, c2, None)
    touched = apply_on(c1, [charge(seq + 1, 2, AT + minutes(1), 2)])
    assert touched.rejected == [] and touched.waiting == []
    assert c1.sql("SELECT remaining FROM lot WHERE id = 'C2-L1'") == [(490,)]


def test_a_meter_s_minute_after_another_counter_s_offline_stop_is_kept_everywhere(site):
    """C2 stopped C1's session at 0:30 while C1's meter, not knowing, charged minute 2 at 1:00: a
    race, not a forgery. C2 must keep C1's minute as C1 does (judging it against C2's stop would
    refuse it on C2 only, and the lots would differ between the two)."""
    from engine.sessions import lifecycle, meter

    c1, c2, _ = site
    seen = start_on_c1_known_to_c2(c1, c2)
    with using(c2.db):
        lifecycle.stop(AT + minutes(0.5), station="PC01", staff="MGR")
    with using(c1.db):
        meter.charge_due(AT + minutes(1))
    assert apply_on(c2, journal_of(c1, seen)).rejected == []
    assert apply_on(c1, journal_of(c2)).rejected == []
    for device in (c1, c2):
        assert device.sql("SELECT minute FROM session_minute ORDER BY minute") == [(1,), (2,)]
    assert c1.sql("SELECT id, remaining FROM lot") == c2.sql("SELECT id, remaining FROM lot") \
        == [("C1-L1", 490)]


def test_a_member_moved_mid_minute_is_the_same_on_another_counter(site):
    """The carried minute (engine/sessions/move.py) passes the fact checks elsewhere: C2 holds
    the same two sessions, minutes and lots as C1 (before the carried source was known there,
    the new session's minute 1 was refused as 'paid from carried')."""
    from engine.entitlements.adjust import add_lot
    from engine.sessions import lifecycle
    from engine.sessions.move import move

    c1, c2, _ = site
    with using(c1.db):
        add_lot("M001", "money", "manual", 500, "MGR", "x", AT)
        lifecycle.start("PC01", AT, member="M001")
        moved = move(AT + minutes(3.5), "PC02", station="PC01", staff="MGR")
        lifecycle.stop(AT + minutes(6.2), session_id=moved.id, staff="MGR")
    touched = apply_on(c2, journal_of(c1))
    assert touched.rejected == [] and touched.waiting == []
    query = "SELECT session, minute, source, amount, wallet_minute FROM session_minute ORDER BY id"
    assert c1.sql(query) == c2.sql(query)
    # 6:12 of play: 7 started minutes at 5 (4 on PC01, then minute 1 carried and 2..4 on PC02)
    assert c2.sql("SELECT id, remaining FROM lot") == [("C1-L1", 465)]


def test_a_carried_minute_without_a_move_is_refused(site):
    """A first minute 'carried' from nowhere would be a free minute: refused."""
    c1, _, _ = site
    rows = {**session_rows(), "session_minute": [minute("C2-S1", 1, "carried", 0, None)]}
    touched = apply_on(c1, [forged(1, "session.start", rows, origin="C2")])
    assert [(s, why) for _, s, why, _ in touched.rejected] == [(1, "bad_session")]
    assert c1.sql("SELECT COUNT(*) FROM play_session") == [(0,)]


def at_250_per_hour(devices, tmp_path) -> None:
    """The PC rate at 250/h on every device: wallet minutes cost 4, 4, 5, 4, 4, 4, ... (the total
    after k is round_half_up(250 k / 60): 4, 8, 13, 17, 21, 25)."""
    from conftest import DEMO_SITE

    from engine.sitefile import load_site_file

    path = tmp_path / "250.yaml"
    path.write_text(DEMO_SITE.read_text().replace("rate_per_hour: 300", "rate_per_hour: 250"))
    for device in devices:
        with using(device.db):
            load_site_file(path, at=AT)


WALLET = "SELECT minute, wallet_minute, amount FROM session_minute ORDER BY minute"


def test_after_a_lost_charge_the_next_wallet_minutes_keep_the_exact_rounding(site, tmp_path):
    """C1's meter and C2 both charge minute 2 (C1's is earlier and wins); C2 has also charged
    minute 3 before it hears of it. Journals swapped, then C1 charges minutes 4 and 5: on both,
    minutes 1..5 are wallet minutes 1..5 at 4, 4, 5, 4, 4 (21 = round_half_up(250 x 5 / 60)),
    C2's lost minute 2 drew nothing, and the lots agree."""
    from engine.sessions import meter

    c1, c2, _ = site
    at_250_per_hour((c1, c2), tmp_path)
    seen = start_on_c1_known_to_c2(c1, c2)
    with using(c1.db):
        meter.charge_due(AT + minutes(1))
    with using(c2.db):
        meter.charge_due(AT + minutes(2))
    assert c2.sql(WALLET) == [(1, 1, 4), (2, 2, 4), (3, 3, 5)]
    from_c1, from_c2 = journal_of(c1, seen), journal_of(c2)
    assert apply_on(c2, from_c1).rejected == []
    assert apply_on(c1, from_c2).rejected == []
    seen = c1.sql("SELECT MAX(seq) FROM event WHERE device = 'C1'")[0][0]
    with using(c1.db):
        meter.charge_due(AT + minutes(4))
    assert apply_on(c2, journal_of(c1, seen)).rejected == []
    for device in (c1, c2):
        assert device.sql(WALLET) == [(1, 1, 4), (2, 2, 4), (3, 3, 5), (4, 4, 4), (5, 5, 4)]
        assert device.sql("SELECT id, remaining FROM lot") == [("C1-L1", 479)], device.name
        assert device.sql("SELECT COUNT(*) FROM consumption WHERE reference LIKE 'C1-S1:%'") \
            == [(5,)]
    assert c1.sql("SELECT session, minute, device FROM session_minute ORDER BY minute") == \
        c2.sql("SELECT session, minute, device FROM session_minute ORDER BY minute")


def test_a_loser_s_next_wallet_minute_numbered_after_its_lost_one_is_kept_everywhere(
        site, tmp_path):
    """C1 charged minute 2 from a minutes lot C2 had not heard of; C2 charged its minute 2 from
    the wallet (wallet minute 2) and minute 3 as wallet minute 3, then lost minute 2. Its minute
    3 is numbered after a wallet minute that is gone: every device must still keep it (C1
    refused it as 'wallet minute 3, not 2' while C2 kept it, so the lots differed)."""
    from engine.entitlements.adjust import add_lot
    from engine.sessions import meter

    c1, c2, _ = site
    at_250_per_hour((c1, c2), tmp_path)
    seen = start_on_c1_known_to_c2(c1, c2)
    with using(c1.db):
        add_lot("M001", "minutes", "manual", 1, "MGR", "x", AT, device="pc")  # C1-L2
        meter.charge_due(AT + minutes(1))
    with using(c2.db):
        meter.charge_due(AT + minutes(2))
    from_c1, from_c2 = journal_of(c1, seen), journal_of(c2)
    assert apply_on(c2, from_c1).rejected == []
    assert apply_on(c1, from_c2).rejected == []
    query = "SELECT minute, source, wallet_minute, amount FROM session_minute ORDER BY minute"
    assert c1.sql(query) == c2.sql(query) == [(1, "money", 1, 4), (2, "minutes", None, 1),
                                              (3, "money", 3, 5)]
    assert c1.sql("SELECT id, remaining FROM lot ORDER BY id") == \
        c2.sql("SELECT id, remaining FROM lot ORDER BY id") == [("C1-L1", 491), ("C1-L2", 0)]


def test_two_counters_offline_each_start_a_guest_on_one_station(site):
    """C1 and C2, apart, each start a guest on PS5-1 (a guest start asks no one). Once synced,
    both sessions stand on both devices: real play, each billed by its own counter. Each board
    shows its own guest on the tile and the other under `others`; a third start is refused;
    'stop PS5-1' at a counter stops its own guest (before: the oldest, C1's, also at C2, which
    could not bill it), and the station is free only when both have ended."""
    from engine.errors import PlaydeskError
    from engine.sales.station_time import billable_sessions
    from engine.sessions import facts, lifecycle
    from engine.sessions.queries import station_board

    c1, c2, _ = site
    with using(c1.db):
        lifecycle.start("PS5-1", AT, guest=True, staff="MGR")  # C1-S1
    with using(c2.db):
        lifecycle.start("PS5-1", AT + minutes(1), guest=True, staff="MGR")  # C2-S1
    assert apply_on(c2, journal_of(c1)).rejected == []
    assert apply_on(c1, journal_of(c2)).rejected == []

    def tile(device) -> tuple:
        with using(device.db):
            (found,) = [t for t in station_board(AT + minutes(5)) if t["station"] == "PS5-1"]
            return found["session"], [o["session"] for o in found["others"]], found["state"]

    assert tile(c1) == ("C1-S1", ["C2-S1"], "running")
    assert tile(c2) == ("C2-S1", ["C1-S1"], "running")
    with using(c1.db):  # the counter's tile says so
        from counter.station_tiles import tile_look, tile_text

        (row,) = [t for t in station_board(AT + minutes(5)) if t["station"] == "PS5-1"]
        assert tile_text(row, tile_look(row), AT + minutes(5)).splitlines()[1:] == \
            ["guest", "0:05 played", "+1 more from C2"]
    for device in (c1, c2):
        with using(device.db):
            assert [s.id for s in facts.all_open_on_station("PS5-1")] == \
                [f"{device.name}-S1", *({"C1-S1", "C2-S1"} - {f"{device.name}-S1"})]
            with pytest.raises(PlaydeskError, match="station PS5-1 is in use"):
                lifecycle.start("PS5-1", AT + minutes(5), guest=True, staff="MGR")
    with using(c2.db):
        stopped = lifecycle.stop(AT + minutes(41), station="PS5-1", staff="MGR")
        assert stopped.id == "C2-S1"
        assert [b.session for b in billable_sessions()] == ["C2-S1"]
        assert billable_sessions()[0].minutes == 40
    assert apply_on(c1, journal_of(c2)).rejected == []
    assert tile(c1) == ("C1-S1", [], "running")
    with using(c1.db):
        assert lifecycle.stop(AT + minutes(30), station="PS5-1", staff="MGR").id == "C1-S1"
        assert [(b.session, b.minutes) for b in billable_sessions()] == [("C1-S1", 30)]
        assert facts.open_on_station("PS5-1") is None
    assert tile(c1) == (None, [], "free")
