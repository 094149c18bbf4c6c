"""A real `playdesk-station` against a real `playdesk-meter` and Mosquitto (issue 17 proof):
a member logs in by card, is shown the warning and is stopped for no credit; a forged command is
ignored; code + PIN logins go by the kiosk's lockout rules; a logout stops the session; the
agent keeps working through a broker restart. The meter runs on a scaled clock (30x: a minute
is 2 s), the site's settings short (heartbeat 30 s, timeout 120 s of that clock)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sync_helpers import using, wait_until
from test_station_harness import (
    INTRUDER,
    T0,
    add_lot,
    clock_argument,
    hook_recorder,
    hooks_seen,
    make_counter,
    public_key,
    sql,
    start_agent,
    start_meter,
    station_broker,
    status,
)
from test_sync_acl import Session

from engine.stations import messages, topics

SPEED = 30
HOOKS = ("start", "stop", "pause", "resume", "warning")


@pytest.fixture
def site(tmp_path):
    """The authority's database, broker and meter; agents are started by the tests."""
    db = make_counter(tmp_path)
    broker = station_broker(tmp_path, persistence=True)
    meter = start_meter(db, broker, clock_argument(T0, SPEED), tmp_path / "meter.log")
    started = []

    def agent(station: str = "PC01", **options):
        fresh = options.get("fresh", True)
        process = start_agent(tmp_path, station, broker, public_key(db),
                              hooks={e: hook_recorder(tmp_path, e) for e in HOOKS})
        started.append(process)
        process.wait_for("ready" if fresh else "connected")
        return process

    yield db, broker, meter, agent
    for process in [*started, meter]:
        process.kill()
    broker.kill()


def events(db, session: str) -> list[tuple]:
    return sql(db, "SELECT kind, actor, reason FROM session_event WHERE session = ? "
                   "ORDER BY at, rowid", session)


def minutes(db, session: str) -> list[int]:
    return [n for (n,) in sql(db, "SELECT minute FROM session_minute WHERE session = ? "
                                  "ORDER BY minute", session)]


def test_a_member_logs_in_by_card_is_warned_and_stopped_for_no_credit(site, tmp_path):
    db, _broker, _meter, agent = site
    add_lot(db, "M001", "minutes", 3, "pc")
    pc = agent()

    pc.send("card MEM0001")

    pc.wait_for("session C1-S1 started for M001")
    warned = pc.wait_for("WARNING: 2 minutes left")
    stopped = pc.wait_for("session C1-S1 stopped: no credit", timeout=30)
    assert warned < stopped
    assert minutes(db, "C1-S1") == [1, 2, 3]
    assert events(db, "C1-S1") == [("start", "agent", None), ("warning", "meter", "2 minutes left"),
                                   ("stop", "meter", "no credit")]
    wait_until(lambda: len(hooks_seen(tmp_path)) == 3, 10, "the stop hook")
    assert hooks_seen(tmp_path) == ["start C1-S1 ", "warning C1-S1 ", "stop C1-S1 no credit"]
    wait_until(lambda: status(tmp_path, "PC01").get("state") == "free", 10, "the status file")
    assert status(tmp_path, "PC01")["session"] is None


def test_a_forged_command_is_ignored(site, tmp_path):
    db, broker, _meter, agent = site
    add_lot(db, "M001", "minutes", 120, "pc")
    pc = agent()
    pc.send("card MEM0001")
    pc.wait_for("session C1-S1 started for M001")
    # Someone who may write the station's commands on the broker (a stolen account, a broker
    # without the ACL) but has not the authority's key; and a genuine command for another
    # station replayed on this one's topic.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from engine.sync.keys import key_path, load_or_create

    forger = Session(broker, *INTRUDER)
    assert forger.connected() == "Success"
    topic = "stations/PC01/command"
    wrong_key = messages.signed("command", "DEMO", "PC01", {"action": "stop", "session": "C1-S1"},
                                Ed25519PrivateKey.generate(), "2026-07-03T12:01:00")
    other = messages.signed("command", "DEMO", "PC02", {"action": "stop", "session": "C1-S1"},
                            load_or_create(key_path(db)), "2026-07-03T12:01:00")
    unsigned = messages.encode({"kind": "command", "site": "DEMO", "station": "PC01",
                                "action": "stop", "session": "C1-S1", "seq": time.time_ns()})
    before = len(pc.output())
    try:
        for payload in (wrong_key, other, unsigned, b"not json"):
            assert forger.publish(topic, payload) == "Success"
        pc.wait_for("ignored a command (malformed)", after=before)  # the last one
        ignored = [line.split("(")[1] for line in pc.output()[before:] if "ignored" in line]
        assert ignored == ["bad_signature)", "other_station)", "bad_signature)", "malformed)"]
    finally:
        forger.close()
    assert not any("stopped" in line for line in pc.output())
    wait_until(lambda: hooks_seen(tmp_path), 10, "the start hook")
    assert hooks_seen(tmp_path) == ["start C1-S1 "]
    assert status(tmp_path, "PC01")["state"] == "running"
    assert sql(db, "SELECT count(*) FROM session_event WHERE kind = 'stop'") == [(0,)]
    # the genuine path still works: the member logs out, the meter's signed stop is obeyed
    pc.send("logout")
    pc.wait_for("session C1-S1 stopped: logout")
    assert events(db, "C1-S1")[-1] == ("stop", "agent", "logout")


def test_a_pin_login_goes_by_the_kiosks_lockout(site, tmp_path):
    db, _broker, _meter, agent = site
    add_lot(db, "M002", "minutes", 60, "any")
    from sync_helpers import using

    from engine.models import Member
    from engine.people.pins import hash_pin

    with using(db):
        Member.update(pin_hash=hash_pin("4321")).where(Member.code == "M002").execute()
    pc = agent()
    pc.send("pin M002 1111")
    pc.wait_for("wrong PIN; 4 tries left")
    pc.send("card NOSUCHCARD")
    pc.wait_for("this card is not known here")
    pc.send("pin M002 4321")
    pc.wait_for("session C1-S1 started for M002")
    assert sql(db, "SELECT method, ok, location FROM login_attempt ORDER BY id") == [
        ("pin", 0, "PC01"), ("pin", 1, "PC01")]
    # one open session per member: the same member on a second PC is refused
    pc2 = agent("PC02")
    pc2.send("pin M002 4321")
    pc2.wait_for("already plays on PC01")


def test_the_agent_keeps_working_through_a_broker_restart(site, tmp_path):
    db, broker, _meter, agent = site
    add_lot(db, "M001", "minutes", 120, "pc")
    pc = agent()
    pc.send("card MEM0001")
    pc.wait_for("session C1-S1 started for M001")
    broker.stop()
    pc.wait_for("disconnected")
    time.sleep(1)
    broker.start()  # same port, persistence: the retained states survive
    mark = len(pc.output())
    pc.wait_for("connected", after=mark)
    pc.wait_for("minutes left", after=mark, timeout=20)  # the meter's state reaches it again
    pc.send("logout")
    pc.wait_for("session C1-S1 stopped: logout")
    charged = minutes(db, "C1-S1")
    assert charged == list(range(1, len(charged) + 1))


def test_cut_off_from_the_broker_the_pc_locks_and_the_time_is_not_charged(site, tmp_path):
    """The broker down longer than agent_timeout_seconds (4 s here): the meter pauses the
    session at the agent's last heartbeat, the agent locks by itself (pause hook); when the
    broker is back, the heartbeats resume the session and the agent unlocks."""
    db, broker, _meter, agent = site
    add_lot(db, "M001", "minutes", 120, "pc")
    pc = agent()
    pc.send("card MEM0001")
    pc.wait_for("session C1-S1 started for M001")
    broker.stop()
    mark = len(pc.output())
    pc.wait_for("session C1-S1 paused: no connection to the counter", after=mark, timeout=15)
    wait_until(lambda: ("pause", "meter", "station lost") in events(db, "C1-S1"), 15,
               "the meter's pause")
    time.sleep(2)
    broker.start()
    pc.wait_for("session C1-S1 resumed", after=mark, timeout=20)
    wait_until(lambda: ("resume", "meter", None) in events(db, "C1-S1"), 10, "the resume")
    pc.send("logout")
    pc.wait_for("session C1-S1 stopped: logout")
    wait_until(lambda: len(hooks_seen(tmp_path)) == 4, 10, "the hooks")
    assert [line.split()[0] for line in hooks_seen(tmp_path)] == ["start", "pause", "resume",
                                                                   "stop"]
    with using(db):
        from engine.sessions import facts

        session = facts.session("C1-S1")
        stopped = session.timeline.ended_at
        assert session.charged == session.timeline.due(stopped, inclusive=False)
        paused = [e.at for e in session.events if e.kind == "pause"][0]
        resumed = [e.at for e in session.events if e.kind == "resume"][0]
        assert resumed - paused > dt.timedelta(seconds=120)  # the outage: not counted


def test_a_session_the_counter_starts_on_an_agent_station_reaches_the_agent(site, tmp_path):
    """Staff start and stop at the counter (another process): the meter tells the agent."""
    db, _broker, _meter, agent = site
    add_lot(db, "M003", "minutes", 60, "any")
    pc = agent("PC02")
    from sync_helpers import using

    from engine.sessions import lifecycle
    from engine.stations.clock import parse_clock

    clock = parse_clock(_meter_clock(_meter))
    with using(db):
        lifecycle.start("PC02", clock.now(), member="M003", staff="S01")
    pc.wait_for("session C1-S1 started for M003")
    with using(db):
        lifecycle.stop(clock.now(), station="PC02", staff="S01")
    pc.wait_for("session C1-S1 stopped: staff")
    wait_until(lambda: len(hooks_seen(tmp_path)) == 2, 10, "the stop hook")
    assert hooks_seen(tmp_path) == ["start C1-S1 ", "stop C1-S1 staff"]


def test_the_site_files_hooks_run_where_the_agent_names_none(tmp_path):
    """PC02's hooks in the site file reach the agent in the signed state and run as argv (the
    agent's own stop hook wins for stop)."""
    import json
    import shlex

    recorder = shlex.join(hook_recorder(tmp_path, "start"))
    line = "  - {code: PC02, name: PC 2, group: STANDARD, agent: true}"
    db = make_counter(tmp_path, edit=lambda text: text.replace(
        line, line[:-1] + f", hooks: {{start: {json.dumps(recorder)}, stop: 'false'}}}}"))
    add_lot(db, "M001", "minutes", 60, "pc")
    broker = station_broker(tmp_path)
    meter = start_meter(db, broker, clock_argument(T0, SPEED), tmp_path / "meter.log")
    pc = start_agent(tmp_path, "PC02", broker, public_key(db),
                     hooks={"stop": hook_recorder(tmp_path, "stop")})
    try:
        pc.wait_for("ready")
        pc.send("card MEM0001")
        pc.wait_for("session C1-S1 started for M001")
        pc.send("logout")
        pc.wait_for("session C1-S1 stopped: logout")
        wait_until(lambda: len(hooks_seen(tmp_path)) == 2, 10, "both hooks")
    finally:
        pc.kill()
        meter.kill()
        broker.kill()
    assert hooks_seen(tmp_path) == ["start C1-S1 ", "stop C1-S1 logout"]


def _meter_clock(meter) -> str:
    argv = meter.process.args
    return argv[argv.index("--clock") + 1]


assert dt and topics  # imported for the readers of the payloads above


def test_a_station_that_is_not_an_agent_station_is_told_so(tmp_path):
    line = "  - {code: PC02, name: PC 2, group: STANDARD, agent: true}"
    db = make_counter(tmp_path, edit=lambda text: text.replace(line, line.replace("true",
                                                                                  "false")))
    broker = station_broker(tmp_path)
    meter = start_meter(db, broker, clock_argument(T0, SPEED), tmp_path / "meter.log")
    pc = start_agent(tmp_path, "PC02", broker, public_key(db))
    try:
        pc.wait_for("connected")
        deadline = time.monotonic() + 20
        while not any("not set up for the station agent" in x for x in pc.output()):
            assert time.monotonic() < deadline, pc.output()
            pc.send("card MEM0001")  # again until the meter listens
            time.sleep(1)
    finally:
        pc.kill()
        meter.kill()
        broker.kill()
    assert sql(db, "SELECT count(*) FROM play_session") == [(0,)]
