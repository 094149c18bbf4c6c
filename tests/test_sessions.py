"""Play sessions in the engine (issue 17, spec/sessions.md), with an injected clock: started
minutes, minutes lots before the wallet, the wallet's cumulative rounding, device compatibility,
expiry inside a session, the warning, `no credit` at the boundary, guests, one open session per
station and member, and a minute never charged twice."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import IntegrityError

from engine.db import database, write
from engine.entitlements import add_lot
from engine.errors import PlaydeskError
from engine.models import Consumption, Lot, SessionEvent, SessionMinute, Staff
from engine.sessions import facts, lifecycle, meter
from engine.sessions.charging import guest_bill, session_cover, wallet_cost, wallet_total
from engine.sessions.timeline import SessionEventFact, build
from engine.sitefile import load_site_file

T0 = dt.datetime(2026, 7, 3, 12, 0)
SITE = """
site: {code: TEST, name: Test, currency: EUR}
resources:
  - {code: PS5-HOUR, name: PS5 hour, price: 600, device: console}
  - {code: PC-HOUR, name: PC hour, price: 300, device: pc}
station_groups:
  - {code: STANDARD, name: PCs, device: pc, rate_per_hour: 300, resource: PC-HOUR}
  - {code: ODD, name: Odd PCs, device: pc, rate_per_hour: 250, resource: PC-HOUR}
  - {code: FAST, name: Fast PCs, device: pc, rate_per_hour: 600, resource: PC-HOUR}
  - {code: CONSOLE, name: Consoles, device: console, rate_per_hour: 600, minimum_minutes: 30,
     resource: PS5-HOUR}
stations:
  - {code: PC01, name: PC 1, group: STANDARD, agent: true}
  - {code: PC02, name: PC 2, group: STANDARD}
  - {code: ODD1, name: Odd 1, group: ODD}
  - {code: FAST1, name: Fast 1, group: FAST}
  - {code: PS5-1, name: PS5 1, group: CONSOLE}
  - {code: OFF1, name: Closed PC, group: STANDARD, active: false}
members:
  - {code: M001, name: Ada}
  - {code: M002, name: Linus}
  - {code: M003, name: Grace, active: false}
settings: {session_warning_minutes: 5}
"""


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture
def site(db, tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(SITE)
    load_site_file(path, at=T0)
    with write():
        Staff.create(code="MGR", name="Mia", role="manager")
        Staff.create(code="CASH", name="Carl", role="cashier")
    return db


def give(member: str, kind: str, amount: int, device: str = "any",
         expires_at: dt.datetime | None = None) -> str:
    return add_lot(member, kind, "manual", amount, "MGR", "test credit", T0 - minutes(60),
                   device=device, expires_at=expires_at)["id"]


def draws_of(session_id: str) -> list[tuple[str, int, str]]:
    return [(c.lot, c.amount, c.reference) for c in Consumption.select()
            .where(Consumption.reference.startswith(f"{session_id}:")).order_by(Consumption.id)]


def assert_lots_consistent() -> None:
    for lot in Lot.select():
        used = sum(c.amount for c in Consumption.select().where(Consumption.lot == lot.id))
        assert lot.total - lot.remaining == used, lot.id


# -- started minutes ----------------------------------------------------------------------------

def test_started_minutes_count_running_time_only():
    started = T0
    running = build(started, [])
    assert [running.due(started + d) for d in (minutes(0), minutes(0.5), minutes(1),
                                              minutes(47) + dt.timedelta(seconds=10))] == \
        [1, 1, 2, 48]
    stopped = build(started, [SessionEventFact("stop", started + minutes(47) +
                                               dt.timedelta(seconds=10))])
    assert stopped.due(started + minutes(90), inclusive=False) == 48
    for early in (minutes(0), minutes(0.2)):  # within its first minute: minute 1
        assert build(started, [SessionEventFact("stop", started + early)]).due(
            started + minutes(5), inclusive=False) == 1
    exactly = build(started, [SessionEventFact("stop", started + minutes(47))])
    assert exactly.due(started + minutes(60), inclusive=False) == 47
    paused = build(started, [SessionEventFact("pause", started + minutes(2.5)),
                             SessionEventFact("resume", started + minutes(10))])
    assert paused.running_time(started + minutes(11)) == minutes(3.5)
    assert paused.boundary(3) == started + minutes(2)
    assert paused.boundary(4) == started + minutes(10.5)  # 2.5 before the pause, 0.5 after


def test_a_member_session_charges_each_started_minute_once(site):
    give("M001", "minutes", 100, device="pc")
    session = lifecycle.start("PC01", T0, member="M001")
    assert (session.state, session.charged) == ("running", 1)  # minute 1 at once
    meter.charge_due(T0 + minutes(9) + dt.timedelta(seconds=59))
    assert facts.session(session.id).charged == 10
    meter.charge_due(T0 + minutes(10))  # minute 11 starts at 10:00 of running time
    assert facts.session(session.id).charged == 11
    done = lifecycle.stop(T0 + minutes(47) + dt.timedelta(seconds=10), station="PC01",
                          staff="CASH")
    assert (done.state, done.charged, done.minutes_used) == ("ended", 48, 48)
    assert [m.minute for m in done.minutes] == list(range(1, 49))
    assert len({r for _, _, r in draws_of(session.id)}) == 48
    assert_lots_consistent()


def test_paused_time_is_never_charged(site):
    give("M001", "minutes", 100, device="pc")
    lifecycle.start("PC01", T0, member="M001")
    lifecycle.pause(T0 + minutes(2.5), station="PC01", staff="CASH")
    assert meter.charge_due(T0 + minutes(30)).charged == 0
    session = lifecycle.resume(T0 + minutes(30), station="PC01", staff="CASH")
    assert session.charged == 3
    meter.charge_due(T0 + minutes(30.6))  # 3.1 minutes of running time: minute 4
    assert facts.session(session.id).charged == 4


# -- what a minute costs ------------------------------------------------------------------------

def test_minutes_lots_first_then_the_wallet_inside_one_session(site):
    time_lot = give("M001", "minutes", 3, device="pc")
    wallet = give("M001", "money", 1000)
    session = lifecycle.start("PC01", T0, member="M001")
    meter.charge_due(T0 + minutes(5))
    session = facts.session(session.id)
    assert [(m.source, m.amount) for m in session.minutes] == \
        [("minutes", 1)] * 3 + [("money", 5)] * 3
    assert [lot for lot, _, _ in draws_of(session.id)] == [time_lot] * 3 + [wallet] * 3
    assert (session.minutes_used, session.money_used) == (3, 15)
    assert_lots_consistent()


def test_wallet_minutes_cost_exactly_the_rounding_of_their_price(site):
    assert [wallet_total(600, k) for k in (1, 7)] == [10, 70]
    assert [wallet_cost(250, k) for k in (1, 2, 3, 4)] == [4, 4, 5, 4]  # 4.17, 8.33, 12.5, 16.67
    assert wallet_total(250, 4) == 17
    give("M001", "money", 1000)
    fast = lifecycle.start("FAST1", T0, member="M001")
    lifecycle.stop(T0 + minutes(6.5), session_id=fast.id, staff="CASH")
    assert facts.session(fast.id).money_used == 70  # 7 wallet minutes at 600/h
    give("M002", "money", 1000)
    odd = lifecycle.start("ODD1", T0, member="M002")
    assert facts.session(odd.id).money_used == 4
    lifecycle.stop(T0 + minutes(3.5), session_id=odd.id, staff="CASH")
    assert [m.amount for m in facts.session(odd.id).minutes] == [4, 4, 5, 4]
    assert facts.session(odd.id).money_used == 17
    assert_lots_consistent()


def test_only_device_compatible_lots_pay(site):
    console_minutes = give("M001", "minutes", 50, device="console")
    console_money = give("M001", "money", 500, device="console")
    with pytest.raises(PlaydeskError, match="no credit"):
        lifecycle.start("PC01", T0, member="M001")
    assert SessionMinute.select().count() == 0
    pc_money = give("M001", "money", 10, device="pc")
    any_money = give("M001", "money", 10)
    session = lifecycle.start("PC01", T0, member="M001")
    meter.charge_due(T0 + minutes(10))
    session = facts.session(session.id)
    lots = {lot for lot, _, _ in draws_of(session.id)}
    assert lots == {pc_money, any_money}
    assert console_minutes not in lots and console_money not in lots
    assert (session.state, session.timeline.stop_reason, session.charged) == \
        ("ended", "no credit", 4)
    console = lifecycle.start("PS5-1", T0 + minutes(10), member="M001")
    assert draws_of(console.id)[0][0] == console_minutes


def test_a_lot_expiring_mid_session_stops_being_used_at_its_expiry(site):
    expiring = give("M001", "minutes", 60, device="pc", expires_at=T0 + minutes(4.5))
    wallet = give("M001", "money", 1000)
    session = lifecycle.start("PC01", T0, member="M001")
    meter.charge_due(T0 + minutes(8))  # one pass after the expiry: minutes 2..9 at their times
    session = facts.session(session.id)
    assert [m.source for m in session.minutes] == ["minutes"] * 5 + ["money"] * 4
    assert Lot.get_by_id(expiring).remaining == 55
    assert [lot for lot, _, _ in draws_of(session.id)][5:] == [wallet] * 4


def test_no_credit_stops_the_session_at_the_minute_s_boundary(site):
    give("M001", "minutes", 2, device="pc")
    give("M001", "money", 10)  # two wallet minutes at 300/h
    session = lifecycle.start("PC01", T0, member="M001")
    run = meter.charge_due(T0 + minutes(30))
    assert run.stopped == [session.id]
    session = facts.session(session.id)
    assert (session.state, session.timeline.stop_reason, session.timeline.ended_at) == \
        ("ended", "no credit", T0 + minutes(4))
    assert (session.charged, session.minutes_used, session.money_used) == (4, 2, 10)
    assert session.timeline.due(T0 + minutes(30), inclusive=False) == 4
    stop = SessionEvent.get((SessionEvent.session == session.id) & (SessionEvent.kind == "stop"))
    assert (stop.actor, stop.at) == ("meter", T0 + minutes(4))
    assert facts.open_on_station("PC01") is None
    assert_lots_consistent()


def test_the_warning_comes_once_when_the_cover_falls_to_the_setting(site):
    give("M001", "minutes", 8, device="pc")
    session = lifecycle.start("PC01", T0, member="M001")
    assert not session.timeline.warned
    meter.charge_due(T0 + minutes(2))  # 3 charged, 5 left
    warnings = SessionEvent.select().where(SessionEvent.kind == "warning")
    assert [(w.session, w.at) for w in warnings] == [(session.id, T0 + minutes(2))]
    meter.charge_due(T0 + minutes(6))
    assert SessionEvent.select().where(SessionEvent.kind == "warning").count() == 1
    assert facts.session(session.id).timeline.warned


# -- guests ---------------------------------------------------------------------------------------

def test_a_guest_session_charges_nothing_and_bills_at_least_the_minimum(site):
    with pytest.raises(PlaydeskError, match="staff"):
        lifecycle.start("PS5-1", T0, guest=True)
    lifecycle.start("PS5-1", T0, guest=True, staff="CASH")
    meter.charge_due(T0 + minutes(20))
    assert SessionMinute.select().count() == 0 and Consumption.select().count() == 0
    done = lifecycle.stop(T0 + minutes(10) + dt.timedelta(seconds=5), station="PS5-1",
                          staff="CASH")
    billed = done.timeline.due(done.timeline.ended_at, inclusive=False)
    assert billed == 11
    assert guest_bill(done, billed) == {"resource": "PS5-HOUR", "quantity": 1,
                                        "unit_price": 300, "minutes": 11, "session": done.id}
    long = lifecycle.start("PS5-1", T0 + minutes(20), guest=True, staff="CASH")
    long = lifecycle.stop(T0 + minutes(67) + dt.timedelta(seconds=10), session_id=long.id,
                          staff="CASH")
    assert guest_bill(long, 48)["unit_price"] == 480


# -- one open session per station and member; starting rules ------------------------------------

def test_one_open_session_per_station_and_per_member(site):
    give("M001", "minutes", 100, device="pc")
    give("M002", "minutes", 100, device="pc")
    first = lifecycle.start("PC01", T0, member="M001")
    with pytest.raises(PlaydeskError, match="in use"):
        lifecycle.start("PC01", T0 + minutes(1), member="M002")
    with pytest.raises(PlaydeskError, match="already plays on PC01"):
        lifecycle.start("PC02", T0 + minutes(1), member="M001")
    with pytest.raises(PlaydeskError, match="in use"):
        lifecycle.start("PC01", T0 + minutes(1), guest=True, staff="CASH")
    lifecycle.stop(T0 + minutes(2), session_id=first.id, staff="CASH")
    assert lifecycle.start("PC02", T0 + minutes(3), member="M001").station == "PC02"
    assert lifecycle.start("PC01", T0 + minutes(3), member="M002").station == "PC01"


def test_unusable_stations_and_members_cannot_start(site):
    give("M003", "minutes", 100)
    with pytest.raises(PlaydeskError, match="inactive"):
        lifecycle.start("OFF1", T0, guest=True, staff="CASH")
    with pytest.raises(PlaydeskError, match="unknown station"):
        lifecycle.start("NOPE", T0, guest=True, staff="CASH")
    with pytest.raises(PlaydeskError, match="inactive"):
        lifecycle.start("PC01", T0, member="M003")
    with pytest.raises(PlaydeskError, match="no credit"):
        lifecycle.start("PC01", T0, member="M001")
    assert database.execute_sql("SELECT COUNT(*) FROM play_session").fetchone()[0] == 0


# -- never twice ----------------------------------------------------------------------------------

def test_a_second_meter_pass_at_the_same_time_charges_nothing_more(site):
    give("M001", "money", 1000)
    session = lifecycle.start("PC01", T0, member="M001")
    first = meter.charge_due(T0 + minutes(12))
    events = database.execute_sql("SELECT COUNT(*) FROM event").fetchone()[0]
    second = meter.charge_due(T0 + minutes(12))
    assert (first.charged, second.charged) == (12, 0)
    assert database.execute_sql("SELECT COUNT(*) FROM event").fetchone()[0] == events
    assert facts.session(session.id).money_used == 65
    assert_lots_consistent()


def test_a_stale_view_cannot_charge_a_minute_again(site):
    """Two meters that read the session before either charged: the second finds the minute."""
    give("M001", "money", 1000)
    session = lifecycle.start("PC01", T0, member="M001")
    stale = facts.session(session.id)
    meter.charge_session(facts.session(session.id), T0 + minutes(3))
    meter.charge_session(stale, T0 + minutes(3))
    assert facts.session(session.id).charged == 4
    assert len(draws_of(session.id)) == 4
    with pytest.raises(IntegrityError), write():  # the database itself refuses a second row
        database.execute_sql("INSERT INTO session_minute (id, session, minute, source, amount, "
                             "at, device) VALUES ('X-SM1', ?, 2, 'money', 5, ?, 'X')",
                             (session.id, T0))


def test_cover_counts_minutes_and_wallet_at_the_rate(site):
    give("M001", "minutes", 10, device="pc")
    give("M001", "money", 70)
    give("M001", "money", 500, device="console")
    session = lifecycle.start("FAST1", T0, member="M001")
    cover = session_cover(session, T0)
    assert (cover.minutes, cover.money, cover.wallet_minutes, cover.total) == (9, 70, 7, 16)


def test_station_states_and_play_minutes_for_the_apps(site):
    from engine.sessions import queries

    give("M001", "minutes", 10, device="pc")
    give("M001", "money", 60)
    assert [(g["group"], g["minutes"]) for g in queries.play_minutes("M001", T0)] == [
        ("CONSOLE", 6), ("FAST", 16), ("ODD", 24), ("STANDARD", 22)]
    lifecycle.start("PC01", T0, member="M001")
    lifecycle.start("PS5-1", T0, guest=True, staff="CASH")
    board = {s["station"]: s for s in queries.station_board(T0 + minutes(1.5))}
    assert "OFF1" in board and board["OFF1"]["active"] is False
    assert (board["PC01"]["state"], board["PC01"]["member"], board["PC01"]["left_minutes"]) == \
        ("running", "M001", 21)
    assert (board["PS5-1"]["guest"], board["PS5-1"]["charged_minutes"]) == (True, 2)
    assert board["PC02"]["state"] == "free"


def test_nothing_is_recorded_before_what_a_session_holds(site):
    give("M001", "minutes", 100, device="pc")
    session = lifecycle.start("PC01", T0, member="M001")
    meter.charge_due(T0 + minutes(10))  # minute 11 charged at 12:10
    with pytest.raises(PlaydeskError, match="changed later, at 2026-07-03 12:10:00"):
        lifecycle.pause(T0 + minutes(9), station="PC01", staff="CASH")
    lifecycle.pause(T0 + minutes(10.5), station="PC01", staff="CASH")
    with pytest.raises(PlaydeskError, match="changed later"):
        lifecycle.stop(T0 + minutes(10.2), session_id=session.id, staff="CASH")
    with pytest.raises(PlaydeskError, match="is paused, it cannot pause"):
        lifecycle.pause(T0 + minutes(11), station="PC01", staff="CASH")
    done = lifecycle.stop(T0 + minutes(20), session_id=session.id, staff="CASH")
    assert (done.state, done.charged) == ("ended", 11)
    with pytest.raises(PlaydeskError, match="ended already"):
        lifecycle.stop(T0 + minutes(21), session_id=session.id, staff="CASH")


def test_a_silent_agent_s_session_pauses_at_its_last_heartbeat_and_resumes(site):
    """PC01 runs the agent (timeout 120 s by default): beats until 12:03, silent until 12:20,
    back at 12:20; the gap is never charged. PC02 has no agent: never paused."""
    give("M001", "minutes", 100, device="pc")
    give("M002", "minutes", 100, device="pc")
    agent = lifecycle.start("PC01", T0, member="M001", actor="agent")
    counter = lifecycle.start("PC02", T0, member="M002", staff="CASH")
    beats = {"PC01": T0 + minutes(3)}
    assert meter.watch_agents(T0 + minutes(4), beats) == {"paused": [], "resumed": []}
    meter.charge_due(T0 + minutes(4))
    assert meter.watch_agents(T0 + minutes(10), beats)["paused"] == [agent.id]
    meter.charge_due(T0 + minutes(10))
    paused = facts.session(agent.id)
    assert (paused.state, paused.charged) == ("paused", 5)  # minute 5 began 12:04, charged
    assert paused.timeline.running_time(T0 + minutes(10)) == minutes(4)  # paused at 12:04
    beats["PC01"] = T0 + minutes(20)
    assert meter.watch_agents(T0 + minutes(20.1), beats)["resumed"] == [agent.id]
    meter.charge_due(T0 + minutes(30))
    assert facts.session(agent.id).charged == 15  # 4 + 10 minutes running, minute 15 started
    assert facts.session(counter.id).charged == 31


def test_open_sessions_are_found_past_the_ended_ones_whatever_arrives_later(site):
    """The meter reads only sessions newer than those it saw ended (facts' floor): a session
    that arrives later, even one started earlier elsewhere, is still found."""
    from engine.models import PlaySession

    give("M001", "minutes", 100, device="pc")
    first = lifecycle.start("PC01", T0, member="M001")
    lifecycle.stop(T0 + minutes(5), session_id=first.id, staff="CASH")
    second = lifecycle.start("PC02", T0 + minutes(6), guest=True, staff="CASH")
    assert [s.id for s in facts.open_sessions()] == [second.id]
    with write():  # another device's session, started before these, applied only now
        PlaySession.create(id="C9-S1", station="PC03", group="STANDARD", station_device="pc",
                           rate_per_hour=300, member=None, guest=True, started_at=T0 - minutes(60),
                           device="C9")
        SessionEvent.create(id="C9-SE1", session="C9-S1", kind="start", at=T0 - minutes(60),
                            actor="staff", device="C9")
    assert [s.id for s in facts.open_sessions()] == ["C9-S1", second.id]
    assert facts.open_on_station("PC03").id == "C9-S1"
    lifecycle.stop(T0 + minutes(7), session_id=second.id, staff="CASH")
    assert [s.id for s in facts.open_sessions()] == ["C9-S1"]
