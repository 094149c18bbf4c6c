"""The meter service (`playdesk-meter`, systemd/playdesk-meter.service) on the authority: one
loop that owns the database, charges every running session's minutes when they fall due
(engine.sessions.meter), and speaks for the agent stations over the broker: their retained
`state`, signed `command`s, their `request`s and heartbeats (docs/station-protocol.md).

Charging never waits for the broker: a meter that cannot reach it keeps charging the stations
without an agent, and pauses the agent stations once they have been silent too long (their
reports cannot reach it). A minute is charged in its own transaction with its unique
`SESSION-ID:N`, so a meter killed at any point charges each minute exactly once when it comes
back, the missed ones included.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import shlex
import time
from typing import Any

from peewee import OperationalError

from engine.db import database
from engine.errors import PlaydeskError
from engine.sessions import facts, lifecycle
from engine.sessions.charging import session_cover
from engine.sessions.facts import Session
from engine.sessions.meter import charge_session
from engine.sessions.terms import agent_heartbeat_seconds, agent_timeout_seconds, all_stations
from engine.sessions.timeline import ENDED, PAUSED, RUNNING
from engine.stations import messages, requests, topics
from engine.stations.liveness import LOST, Liveness
from engine.stations.mqtt import Broker, Connection
from engine.stations.view import View, commands, seconds_to_next_minute, view_of

log = logging.getLogger("playdesk.meter")

POLL_SECONDS = 0.05
# A turn at least this often (real seconds) whatever else happens: settings and stations changed
# by a site load, a clock that jumped.
IDLE_TURN_SECONDS = 2.0
SECOND = dt.timedelta(seconds=1)


class MeterService:
    def __init__(self, site: str, key, clock, broker: Broker | None,
                 client_id: str = "playdesk-meter") -> None:
        self.site = site
        self.key = key
        self.clock = clock
        self.speed = float(getattr(clock, "speed", 1.0)) or 1.0
        subscriptions = [(topics.topic(site, "+", topics.REQUEST), 1),
                         (topics.topic(site, "+", topics.HEARTBEAT), 0)]
        self.connection = Connection(broker, client_id, subscriptions) if broker else None
        self.inbox: queue.Queue[tuple] = (self.connection.inbox if self.connection
                                          else queue.Queue())
        self.stopping = False
        self.read_settings()
        self.liveness = Liveness(self.timeout, self.grace, clock.now())
        self.shown: dict[str, View] = {}  # station -> the view its commands have told
        self.published: dict[str, tuple[View, str]] = {}  # station -> state last published
        self.logins: dict[str, tuple[str, str]] = {}  # station -> (session, request id)
        self.dirty = True  # a full turn is due
        self.reported: set[str] = set()  # stations that reported: a turn of their own
        self.next_turn: dt.datetime | None = None
        self.last_turn = 0.0
        self.data_version = -1
        self.turns = 0

    def read_settings(self) -> None:
        stations = [terms for terms in all_stations() if terms.agent]
        self.agents = {terms.code for terms in stations}
        # the site file's hooks of each agent station, as argv lists (never a shell line)
        self.hooks = {terms.code: json.dumps(_hooks(terms), sort_keys=True) for terms in stations}
        self.timeout = dt.timedelta(seconds=agent_timeout_seconds())
        self.heartbeat = dt.timedelta(seconds=agent_heartbeat_seconds())
        # after its own start the meter lets a live agent report before it judges silence
        self.grace = min(self.timeout, 2 * self.heartbeat)

    # -- the loop -------------------------------------------------------------------------------

    def start(self) -> None:
        if self.connection:
            self.connection.start()

    def run(self, until=None) -> None:
        while not self.stopping and not (until and until()):
            self.step(POLL_SECONDS)

    def step(self, wait: float) -> None:
        items = []
        try:
            items.append(self.inbox.get(timeout=wait) if wait else self.inbox.get_nowait())
            while True:
                items.append(self.inbox.get_nowait())
        except queue.Empty:
            pass
        at = self.clock.now()
        for item in items:
            try:
                self.handle(item, at)
            except Exception:  # noqa: BLE001 - one bad message never stops the meter
                log.exception("meter: error handling %s", item[0])
        version = database.execute_sql("PRAGMA data_version").fetchone()[0]
        due = self.next_turn is not None and at >= self.next_turn
        idle = time.monotonic() - self.last_turn >= IDLE_TURN_SECONDS
        full = self.dirty or due or idle or version != self.data_version
        if full or self.reported:
            self.data_version = version
            only, self.reported = (None if full else self.reported), set()
            try:
                self.turn(at, only)
            except (OperationalError, PlaydeskError) as error:  # busy, or a race: next turn
                log.warning("meter: turn at %s not finished: %s", at, error)
                self.dirty = True
            except Exception:  # noqa: BLE001 - the meter must keep charging
                log.exception("meter: turn at %s failed", at)
                self.dirty = True

    def stop(self) -> None:
        self.stopping = True
        if self.connection:
            self.connection.stop()

    # -- what arrives ---------------------------------------------------------------------------

    def handle(self, item: tuple, at: dt.datetime) -> None:
        kind = item[0]
        if kind == "connected":
            log.info("meter: connected to the broker")
            self.published.clear()  # the broker may have lost the retained states
            self.dirty = True
        elif kind == "disconnected":
            log.warning("meter: disconnected from the broker (%s)", item[1])
        elif kind == "refused":
            log.error("meter: the broker refused the connection: %s", item[1])
        elif kind == "message":
            parsed = topics.parse(self.site, item[1])
            data = messages.parse(item[2])
            if parsed is None or data is None:
                return
            station, what = parsed
            if station not in self.agents:
                if what == topics.REQUEST and isinstance(data.get("id"), str):
                    self.command(station, {
                        "action": "message", "request": data["id"][:64], "refused": True,
                        "reason": "not_agent_station",
                        "text": f"station {station} is not set up for the station agent "
                                "(agent: true in the site file); please ask at the counter"},
                        at)
                return
            self.liveness.report(station, at)  # any message from the station: it is there
            self.reported.add(station)
            if what == topics.REQUEST:
                self.request(station, data, at)

    def request(self, station: str, data: dict[str, Any], at: dt.datetime) -> None:
        answer = requests.handle(station, data, at)
        if answer is None:
            log.warning("meter: malformed request from %s dropped", station)
        elif answer.started:
            self.logins[station] = (answer.started, answer.request)
        elif answer.reason:
            self.command(station, answer.command(), at)
        else:  # a logout done: the stop command comes with the turn, for this request
            session = self.shown.get(station, View()).session
            if session:
                self.logins[station] = (session, answer.request)

    # -- one turn: charge, pause, resume, tell ----------------------------------------------------

    def turn(self, at: dt.datetime, only: set[str] | None = None) -> None:
        """Charge, pause and resume what is due at `at`, then tell the agents. `only`: just
        these stations (those that reported), the rest as the last full turn left them."""
        if only is None:
            self.dirty = False
            self.last_turn = time.monotonic()
            self.read_settings()
            self.liveness.timeout, self.liveness.grace = self.timeout, self.grace
            open_sessions = facts.open_sessions()
        else:
            open_sessions = [s for s in map(facts.open_on_station, sorted(only)) if s]
        self.turns += 1
        sessions: dict[str, Session] = {}
        wake = at + dt.timedelta(minutes=1)
        for session in open_sessions:
            if session.station in self.agents:
                session = self.meter_agent_station(session, at)
            elif session.member is not None and session.state == RUNNING:
                session = charge_session(session, at)
            if session.state == ENDED:
                continue
            sessions[session.station] = session
            wake = min(wake, self.next_event(session, at))
        if only is None or self.next_turn is None:
            self.next_turn = wake
        else:
            self.next_turn = min(self.next_turn, wake)
        self.tell(sessions, at, self.agents if only is None else self.agents & only)

    def floor(self, session: Session) -> dt.datetime:
        """What the facts prove of the agent's last report: the session's latest event, and
        the boundary of its last charged minute (charged only after a report at it)."""
        charged = max((m.at for m in session.minutes), default=session.started_at)
        return max(session.timeline.last_at, charged)

    def meter_agent_station(self, session: Session, at: dt.datetime) -> Session:
        station = session.station
        floor = self.floor(session)
        if session.state == RUNNING:
            if self.liveness.silent(station, floor, at):
                # Just after the last report: the minute that report saw start is charged
                # (running at that instant), none after it.
                last = self.liveness.last_report(station, floor)
                log.warning("meter: %s silent since %s: pausing session %s", station, last,
                            session.id)
                return lifecycle.pause(min(at, last + SECOND), session_id=session.id,
                                       actor="meter", reason=LOST)
            if session.member is not None:
                return charge_session(session, min(at, self.liveness.last_report(station, floor)))
        elif session.state == PAUSED and self._paused_for_silence(session):
            back = self.liveness.back_after(station, session.timeline.last_at)
            if back is not None:
                log.info("meter: %s reports again: resuming session %s", station, session.id)
                return lifecycle.resume(back, session_id=session.id, actor="meter")
        return session

    @staticmethod
    def _paused_for_silence(session: Session) -> bool:
        for event in reversed(session.events):
            if event.kind == "pause":
                return event.actor == "meter" and event.reason == LOST
        return False

    def next_event(self, session: Session, at: dt.datetime) -> dt.datetime:
        """When this session needs a full turn next: its next minute (a station without an
        agent), or its agent's timeout (an agent's report brings a turn of its own)."""
        if session.state != RUNNING:
            return at + dt.timedelta(minutes=1)
        if session.station in self.agents:
            last = self.liveness.last_report(session.station, self.floor(session))
            return max(last + self.timeout, self.liveness.started + self.grace) + SECOND
        boundary = session.timeline.boundary(session.charged + 1) or at
        return max(boundary, at + SECOND) if boundary <= at else boundary

    # -- the agents' view -------------------------------------------------------------------------

    def tell(self, sessions: dict[str, Session], at: dt.datetime, stations: set[str]) -> None:
        for station in sorted(stations):
            session = sessions.get(station)
            before = self.shown.get(station, View())
            left = before.left_minutes
            if session is not None and session.member is not None and (
                    before.session, before.charged_minutes, before.state) != (
                    session.id, session.charged, session.state):
                cover = session_cover(session, at)
                left = cover.total if cover is not None else None
            view = view_of(session, left if session is not None else None)
            if view != before:
                reason = None
                if before.session and before.session != view.session:
                    reason = facts.session(before.session).timeline.stop_reason
                for body in commands(before, view, reason):
                    login = self.logins.get(station)
                    if login and login[0] == body.get("session") and body["action"] in (
                            "start", "stop"):
                        body["request"] = login[1]
                        del self.logins[station]
                    self.command(station, body, at)
                self.shown[station] = view
            shown = (view, self.hooks.get(station, "{}"))
            if self.published.get(station) != shown and self.publish_state(station, view,
                                                                            session, at):
                self.published[station] = shown

    def publish_state(self, station: str, view: View, session: Session | None,
                      at: dt.datetime) -> bool:
        body = view.body()
        seconds = seconds_to_next_minute(session, at) if session is not None else None
        body["next_minute_in"] = None if seconds is None else round(seconds / self.speed, 3)
        body["heartbeat_every"] = round(self.heartbeat.total_seconds() / self.speed, 3)
        body["silent_after"] = round(self.timeout.total_seconds() / self.speed, 3)
        body["hooks"] = json.loads(self.hooks.get(station, "{}"))
        payload = messages.signed(topics.STATE, self.site, station, body, self.key,
                                  at.isoformat("T", "seconds"))
        return self._publish(station, topics.STATE, payload, retain=True)

    def command(self, station: str, body: dict[str, Any], at: dt.datetime) -> bool:
        payload = messages.signed(topics.COMMAND, self.site, station, body, self.key,
                                  at.isoformat("T", "seconds"))
        log.info("meter: %s -> %s %s", station, body["action"], body.get("session") or "")
        return self._publish(station, topics.COMMAND, payload)

    def _publish(self, station: str, kind: str, payload: bytes, retain: bool = False) -> bool:
        if self.connection is None:
            return False
        return self.connection.publish(topics.topic(self.site, station, kind), payload, qos=1,
                                       retain=retain)


def _hooks(terms) -> dict[str, list[str]]:
    """A station's site-file hooks (`hooks: {start: CMD, stop: CMD}`) split into argv lists."""
    found = {}
    for event, command in (("start", terms.hook_start), ("stop", terms.hook_stop)):
        try:
            argv = shlex.split(command or "")
        except ValueError:
            log.error("meter: station %s: its %s hook %r is not a command line", terms.code,
                      event, command)
            continue
        if argv:
            found[event] = argv
    return found
