"""An agent station whose agent dies (SIGKILL: no goodbye) is paused at its last report once
it has been silent longer than agent_timeout_seconds, and resumed when the agent returns; the
silent time is neither charged nor counted (issue 17 proof). Real processes: Mosquitto,
`playdesk-meter` on a 60x clock (a minute is 1 s), `playdesk-station`."""

from __future__ import annotations

import datetime as dt
import time

from sync_helpers import using, wait_until
from test_station_harness import (
    T0,
    add_lot,
    clock_argument,
    make_counter,
    public_key,
    sql,
    start_agent,
    start_meter,
    station_broker,
)

from engine.stations.clock import parse_clock

SPEED = 60
TIMEOUT = 120  # meter seconds: 2 s here
HEARTBEAT = 30  # 0.5 s here
# What a busy machine adds to a report or a line of output, in meter seconds: the same real
# time (1/15 s, 1/3 s) at any speed
LAG = 2 * SPEED / 30
ECHO = 10 * SPEED / 30


def play(meter_seconds: float) -> None:
    time.sleep(meter_seconds / SPEED)


def session_events(db) -> list[tuple[str, str, str | None, dt.datetime]]:
    return [(kind, actor, reason, dt.datetime.fromisoformat(at)) for kind, actor, reason, at in
            sql(db, "SELECT kind, actor, reason, at FROM session_event WHERE kind != 'warning' "
                    "ORDER BY at, rowid")]


def test_a_silent_agent_is_paused_at_its_last_report_and_resumed_uncharged(tmp_path):
    db = make_counter(tmp_path, heartbeat=HEARTBEAT, timeout=TIMEOUT)
    add_lot(db, "M001", "minutes", 300, "pc")
    broker = station_broker(tmp_path)
    clock_text = clock_argument(T0, SPEED)
    clock = parse_clock(clock_text)
    meter = start_meter(db, broker, clock_text, tmp_path / "meter.log")
    agent = start_agent(tmp_path, "PC01", broker, public_key(db))
    try:
        agent.wait_for("ready")
        agent.send("card MEM0001")
        agent.wait_for("session C1-S1 started for M001")
        play(150)  # 2.5 minutes of play
        agent.kill()
        killed = clock.now()

        wait_until(lambda: any(e[0] == "pause" for e in session_events(db)), 20,
                   "the meter to pause the silent station")
        paused = clock.now()
        pause = next(e for e in session_events(db) if e[0] == "pause")
        assert pause[1:3] == ("meter", "station lost")
        # paused just after the agent's last heartbeat, decided only after the timeout
        assert killed - dt.timedelta(seconds=HEARTBEAT + LAG) <= pause[3] <= killed + \
            dt.timedelta(seconds=LAG)
        assert paused - pause[3] >= dt.timedelta(seconds=TIMEOUT)
        charged_at_pause = sql(db, "SELECT max(minute) FROM session_minute")[0][0]

        play(180)  # 3 more minutes of silence
        assert sql(db, "SELECT max(minute) FROM session_minute")[0][0] == charged_at_pause
        agent = start_agent(tmp_path, "PC01", broker, public_key(db))
        agent.wait_for("session C1-S1 resumed")  # the retained state said paused first
        back = clock.now()
        resume = next(e for e in session_events(db) if e[0] == "resume")
        assert resume[1] == "meter" and back - dt.timedelta(seconds=ECHO) <= resume[3] <= back
        play(90)
        agent.send("logout")
        agent.wait_for("session C1-S1 stopped: logout")
    finally:
        agent.kill()
        meter.kill()
        broker.kill()

    events = session_events(db)
    assert [e[0] for e in events] == ["start", "pause", "resume", "stop"]
    start, pause, resume, stop = (e[3] for e in events)
    running = (pause - start) + (stop - resume)
    minutes = [n for (n,) in sql(db, "SELECT minute FROM session_minute ORDER BY minute")]
    started_minutes = running // dt.timedelta(minutes=1) + 1
    assert minutes == list(range(1, started_minutes + 1))  # the started minutes, no more
    silent = resume - pause
    assert silent >= dt.timedelta(seconds=TIMEOUT + 150)  # the gap: minutes nobody pays
    assert len(minutes) < ((stop - start) // dt.timedelta(minutes=1))
    with using(db):
        from engine.sessions import facts

        session = facts.session("C1-S1")
        assert session.charged == session.timeline.due(stop, inclusive=False)
