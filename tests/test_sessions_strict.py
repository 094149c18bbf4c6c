"""A member's session start is strict (sessions.md, sync.md): the authority judges one open
session per member and per station on its view and its open grants; unreachable, the offline
policy for `session_start` decides (deny by default) while guests still start; every minute's
draw is the authority's grant, settled by its consumption."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import localstate
from engine.db import write
from engine.entitlements import add_lot
from engine.errors import PlaydeskError
from engine.models import Consumption, PlaySession, Setting, Staff
from engine.models.sync import StrictGrant
from engine.sessions import facts, lifecycle, meter
from engine.sync.authority import judge, open_grants

AT = dt.datetime(2026, 7, 3, 12, 0)


@pytest.fixture
def site(demo_site):
    with write():
        Staff.create(code="MGR", name="Mia", role="manager")
    add_lot("M001", "money", "manual", 1000, "MGR", "x", AT)
    add_lot("M002", "money", "manual", 1000, "MGR", "x", AT)
    return demo_site


def configure(authority: str) -> None:
    from engine.ids import device_id

    with write():
        localstate.put_json(localstate.SYNC_CONFIG, {
            "host": "127.0.0.1", "port": 1, "site": "DEMO",
            "authority": device_id() if authority == "self" else authority})


def request(request_id: str, member: str, station: str) -> dict:
    return {"op": "session.start", "request_id": request_id, "requester": "C2",
            "at": AT.isoformat(), "member": member, "station": station}


def test_on_the_authority_every_start_and_minute_is_a_grant_settled_by_its_fact(site):
    configure("self")
    session = lifecycle.start("PC01", AT, member="M001")
    meter.charge_due(AT + dt.timedelta(minutes=3))
    grants = list(StrictGrant.select().order_by(StrictGrant.at))
    assert sorted(g.op for g in grants) == ["balance.spend", "session.start"]
    start = StrictGrant.get(StrictGrant.op == "session.start")
    assert (start.subject, start.reference) == ("session/M001", "PC01")
    assert PlaySession.get_by_id(session.id).hold == start.id
    # minute 1 was asked before the start's transaction and names its grant; the meter's
    # minutes are judged inside their own transaction, their grants settled with them
    holds = [c.hold for c in Consumption.select().order_by(Consumption.at)]
    assert holds == [StrictGrant.get(StrictGrant.op == "balance.spend").id, None, None, None]
    assert open_grants("session/M001") == [] and open_grants("M001/money") == []
    assert all(g.settled for g in StrictGrant.select())


def test_the_authority_refuses_a_second_session_of_a_member_or_a_station(site):
    configure("self")
    lifecycle.start("PC01", AT, member="M001")
    assert judge(request("r1", "M001", "PC02")).reason.startswith("M001 is playing")
    assert judge(request("r2", "M002", "PC01")).reason.startswith("PC01 is in use")
    first = judge(request("r3", "M002", "PC02"))  # granted, its session not here yet
    assert first.allowed
    assert not judge(request("r4", "M002", "PC03")).allowed  # the member's start is held
    held = judge(request("r5", "M003", "PC02"))
    assert (held.allowed, held.reason) == (False, "PC02 is being started on C2")
    assert judge(request("r6", "M003", "PC03")).allowed


def test_unreachable_authority_denies_member_starts_but_guests_start(site):
    configure("C9")  # nobody answers on port 1
    with pytest.raises(PlaydeskError, match="refused by the offline policy"):
        lifecycle.start("PC01", AT, member="M001")
    assert PlaySession.select().count() == 0
    guest = lifecycle.start("PS5-1", AT, guest=True, staff="MGR")
    assert guest.state == "running"


def test_the_offline_policy_may_allow_member_starts_marked_offline(site):
    configure("C9")
    with write():
        Setting.create(key="offline_policy", value='{"session_start": "allow"}')
    session = lifecycle.start("PC01", AT, member="M001")
    row = PlaySession.get_by_id(session.id)
    assert (row.offline, row.hold) == (True, None)
    assert [c.offline for c in Consumption.select()] == [True]


def test_the_meter_on_the_authority_leaves_other_devices_grants_reserved(site):
    """C2 holds a grant for 990 of M001's 1,000: the meter, judging inside its transaction,
    draws only the 10 left (two minutes at 300/h), then stops the session for no credit."""
    from engine.models import Lot

    configure("self")
    wallet = Lot.get(Lot.member == "M001").id
    with write():
        StrictGrant.create(id="c2-grant", op="balance.spend", subject="M001/money",
                           reference=None, amount=990, device="C2", at=AT,
                           draws=f'[["{wallet}", 990]]')
    session = lifecycle.start("PC01", AT, member="M001")
    meter.charge_due(AT + dt.timedelta(minutes=5))
    from engine.sessions import facts

    session = facts.session(session.id)
    assert (session.charged, session.money_used, session.timeline.stop_reason) == \
        (2, 10, "no credit")
    assert not StrictGrant.get_by_id("c2-grant").settled



def test_a_stop_whose_due_minutes_cannot_be_charged_is_refused_and_the_session_runs_on(
        site, monkeypatch):
    """A member's charges are final at the stop and the meter charges open sessions only: a
    stop recorded while the authority refused the minutes due before it (for a reason other
    than credit) left them unpaid for good (found by review: 30.5 minutes played, 1 charged).
    The refusal is injected where the authority's answer comes in."""
    from engine.sessions import charging

    session = lifecycle.start("PC02", AT, member="M001")
    answer = charging.spend

    def refused(*args, **kwargs):
        raise PlaydeskError("the authority refused: busy")
    monkeypatch.setattr(charging, "spend", refused)
    with pytest.raises(PlaydeskError, match="30 minute.*cannot be charged now"):
        lifecycle.stop(AT + dt.timedelta(minutes=30, seconds=30), station="PC02", staff="MGR")
    assert facts.session(session.id).state == "running"
    monkeypatch.setattr(charging, "spend", answer)
    stopped = lifecycle.stop(AT + dt.timedelta(minutes=30, seconds=30), station="PC02",
                             staff="MGR")
    assert (stopped.state, stopped.charged) == ("ended", 31)
