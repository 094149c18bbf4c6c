"""`playdesk-station`: the station agent on a PC (spec/sessions.md, "The station agent";
docs/station-protocol.md).

    playdesk-station [--config /etc/playdesk/station.toml] [--stdin] [options over the file]

A member logs in at the PC by card or by member code + PIN: the agent sends a `request` and the
authority's meter answers with a signed `command` (start, or a message saying why not). The
agent shows the time left and the warning (stdout, the log and a small JSON status file), runs
the configured hooks on start/stop/pause/resume/warning, sends a heartbeat every
`heartbeat_every` seconds and right after each minute boundary of its running session (the
meter charges a minute only once the station has reported after its start), and verifies every
`command` and `state`: a forged one, or one for another station, is dropped with a log line.
Input lines (stdin with --stdin, or the control socket, e.g. for a lock screen):
`card NUMBER`, `pin CODE PIN`, `logout`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import queue
import signal
import socket
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from engine.errors import PlaydeskError
from engine.stations import messages, topics
from engine.stations.agentconfig import AgentConfig, add_arguments, resolve
from engine.stations.hooks import Hooks
from engine.stations.mqtt import Connection

log = logging.getLogger("playdesk.station")

TURN_SECONDS = 0.05
# After a minute boundary the agent reports again every RETRY seconds until the meter's state
# shows the minute charged (a heartbeat that reached the meter a moment early does not count).
BOUNDARY_MARGIN_SECONDS = 0.2
BOUNDARY_RETRY_SECONDS = 1.0


class Agent:
    def __init__(self, config: AgentConfig, hooks: Hooks | None = None) -> None:
        self.config = config
        self.hooks = hooks or Hooks(config.hooks, config.site_hooks)
        own = [(topics.topic(config.site, config.station, kind), 1)
               for kind in (topics.STATE, topics.COMMAND)]
        client_id = config.broker.username or f"playdesk-station-{config.site}-{config.station}"
        self.connection = Connection(config.broker, client_id, own)
        self.inbox = self.connection.inbox
        self.stopping = False
        self.last_seq = 0
        self.last_state_seq = 0  # the state acted on: the broker gives it again on reconnect
        self.session: str | None = None
        self.member: str | None = None
        self.phase = "free"  # free | running | paused
        self.left_minutes: int | None = None
        self.warning = False
        self.message = ""
        self.heartbeat_every = config.heartbeat_seconds
        self.next_heartbeat = 0.0
        self.boundary_due: float | None = None
        self.pending: dict[str, float] = {}  # request id -> monotonic deadline
        self.dropped: dict[str, int] = {}
        self.ready = False  # the meter's state has arrived: logins can be answered
        # Cut off from the broker longer than the meter waits for a silent station, the PC
        # locks (the meter has paused the session by then: that time is not paid).
        self.silent_after: float | None = None
        self.disconnected_at: float | None = None

    # -- output ---------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        print(f"{self.config.station}: {text}", flush=True)
        log.info("station: %s", text)
        self.message = text
        self.write_status()

    def write_status(self) -> None:
        path = self.config.status_file
        if path is None:
            return
        status = {"station": self.config.station, "connected": self.connection.connected,
                  "session": self.session, "member": self.member, "state": self.phase,
                  "left_minutes": self.left_minutes, "warning": self.warning,
                  "message": self.message, "updated": dt.datetime.now().isoformat("T", "seconds")}
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(status, indent=1) + "\n")
        os.replace(temporary, path)

    # -- the loop -------------------------------------------------------------------------------

    def run(self) -> None:
        self.connection.start()
        self.write_status()
        while not self.stopping:
            try:
                item = self.inbox.get(timeout=TURN_SECONDS)
            except queue.Empty:
                item = None
            if item is not None:
                try:
                    self.handle(item)
                except Exception:  # noqa: BLE001 - one bad message never stops the agent
                    log.exception("station: error handling %s", item[0])
            self.tick(time.monotonic())
        self.connection.stop()
        self.hooks.close()

    def handle(self, item: tuple) -> None:
        kind = item[0]
        if kind == "connected":
            self.disconnected_at = None
            self.say("connected")
            self.next_heartbeat = 0.0  # report at once: the meter may be waiting for us
            # Replays are refused within a connection; a new one starts from the retained
            # state, so a meter whose host clock went back is heard again after a reconnect.
            self.last_seq = 0
        elif kind == "disconnected":
            if self.disconnected_at is None:
                self.disconnected_at = time.monotonic()
            self.say(f"disconnected ({item[1]}); reconnecting")
        elif kind == "refused":
            self.say(f"the broker refused the connection: {item[1]}")
        elif kind == "message":
            self.on_message(item[1], item[2])
        elif kind == "input":
            self.on_input(item[1])

    def tick(self, now: float) -> None:
        if self.connection.connected and now >= self.next_heartbeat:
            self.heartbeat(now)
        elif (self.connection.connected and self.boundary_due is not None
              and now >= self.boundary_due):
            self.heartbeat(now)
            self.boundary_due = now + BOUNDARY_RETRY_SECONDS
        if (self.phase == "running" and self.disconnected_at is not None
                and self.silent_after is not None
                and now - self.disconnected_at > self.silent_after):
            self.become(self.session, "paused", self.member, "no connection to the counter")
        for request, deadline in list(self.pending.items()):
            if now >= deadline:
                del self.pending[request]
                self.say("no answer from the counter; please try again or ask at the counter")

    def heartbeat(self, now: float) -> None:
        body = {"at": dt.datetime.now().isoformat("T", "seconds"), "session": self.session}
        self.connection.publish(self.topic(topics.HEARTBEAT), messages.encode(body), qos=0)
        self.next_heartbeat = now + self.heartbeat_every

    def topic(self, kind: str) -> str:
        return topics.topic(self.config.site, self.config.station, kind)

    # -- what the meter says --------------------------------------------------------------------

    def on_message(self, name: str, payload: bytes) -> None:
        parsed = topics.parse(self.config.site, name)
        if parsed is None or parsed[0] != self.config.station or not payload:
            return
        kind = parsed[1]
        data = messages.parse(payload)
        reason = messages.verified(kind, self.config.site, self.config.station, data,
                                   self.config.authority_key)
        if reason is None and kind == topics.STATE and data["seq"] == self.last_state_seq:
            return  # the retained state again (a reconnect): nothing new, and not the news
        if reason is None and data["seq"] <= self.last_seq:
            reason = "replayed"
        if reason is not None:
            self.dropped[reason] = self.dropped.get(reason, 0) + 1
            log.warning("station: dropped a %s message (%s)", kind, reason)
            print(f"{self.config.station}: ignored a {kind} ({reason})", flush=True)
            return
        self.last_seq = data["seq"]
        if kind == topics.STATE:
            self.last_state_seq = data["seq"]
            self.on_state(data)
        else:
            self.on_command(data)

    def on_state(self, data: dict[str, Any]) -> None:
        self.hooks.set_site(data.get("hooks"))
        if isinstance(data.get("heartbeat_every"), (int, float)) and data["heartbeat_every"] > 0:
            self.heartbeat_every = float(data["heartbeat_every"])
        if isinstance(data.get("silent_after"), (int, float)) and data["silent_after"] > 0:
            self.silent_after = float(data["silent_after"])
        phase = data.get("state") if data.get("session") else "free"
        self.become(data.get("session"), phase if phase in ("running", "paused") else "free",
                    data.get("member"), data.get("reason"))
        self.left_minutes = data.get("left_minutes")
        self.boundary_due = None
        next_minute = data.get("next_minute_in")
        if self.phase == "running" and isinstance(next_minute, (int, float)):
            self.boundary_due = time.monotonic() + next_minute + BOUNDARY_MARGIN_SECONDS
        if data.get("warning") and not self.warning and self.phase != "free":
            self.warning = True
            self.say(f"WARNING: {self.left_minutes} minutes left")
            self.hooks.run("warning", session=self.session, member=self.member,
                           left_minutes=self.left_minutes)
        elif self.phase == "running":
            self.say(f"session {self.session} running, {self.left_minutes} minutes left")
        if not self.ready:
            self.ready = True
            if self.phase == "free":
                self.say("ready: log in with your card, or your member code and PIN")
        self.write_status()

    def on_command(self, data: dict[str, Any]) -> None:
        action = data["action"]
        request = data.get("request")
        if request:
            self.pending.pop(str(request), None)
        if action == "start":
            self.become(data.get("session"), "running", data.get("member"), None)
        elif action == "stop":
            if data.get("session") in (None, self.session):
                self.become(None, "free", None, data.get("reason"))
        elif action in ("pause", "resume") and data.get("session") == self.session:
            self.become(self.session, "paused" if action == "pause" else "running", self.member,
                        data.get("reason"))
        elif action == "message":
            self.say(str(data.get("text", ""))[:500])

    def become(self, session: str | None, phase: str, member: str | None,
               reason: str | None) -> None:
        """Move to (session, phase), running each hook once per transition."""
        if session == self.session and phase == self.phase:
            return
        old_session, old_phase = self.session, self.phase
        if old_session is not None and session != old_session:
            self.session, self.phase, self.member, self.warning = None, "free", None, False
            self.left_minutes, self.boundary_due = None, None
            self.say(f"session {old_session} stopped" + (f": {reason}" if reason else ""))
            self.hooks.run("stop", session=old_session, reason=reason)
        if session is None:
            return
        self.session, self.member, self.phase = session, member, phase
        if old_session != session and phase == "running":
            self.say(f"session {session} started for {member}")
            self.hooks.run("start", session=session, member=member)
        elif old_phase == "running" and phase == "paused":
            self.say(f"session {session} paused" + (f": {reason}" if reason else ""))
            self.hooks.run("pause", session=session, member=member, reason=reason)
        elif old_phase == "paused" and phase == "running":
            self.say(f"session {session} resumed")
            self.hooks.run("resume", session=session, member=member)
        self.write_status()

    # -- what the member types --------------------------------------------------------------------

    def on_input(self, line: str) -> None:
        words = line.split()
        if not words:
            return
        if words[0] == "card" and len(words) == 2:
            self.request({"action": "login", "card": words[1]})
        elif words[0] == "pin" and len(words) == 3:
            self.request({"action": "login", "member": words[1], "pin": words[2]})
        elif words[0] == "logout" and len(words) == 1:
            self.request({"action": "logout", "session": self.session})
        else:
            self.say("type: card NUMBER | pin CODE PIN | logout")

    def request(self, body: dict[str, Any]) -> None:
        if not self.connection.connected:
            self.say("not connected to the counter; please ask at the counter")
            return
        request = uuid.uuid4().hex
        self.pending[request] = time.monotonic() + self.config.answer_seconds
        self.connection.publish(self.topic(topics.REQUEST),
                                messages.encode({"id": request, **body}), qos=1)


def read_lines(stream, inbox: queue.Queue) -> None:
    for line in stream:
        inbox.put(("input", line.strip()))


def serve_control_socket(path: Path, inbox: queue.Queue) -> None:
    """Lines from local clients (a lock screen): one connection at a time, owner-only socket."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    os.chmod(path, 0o660)
    server.listen(4)
    while True:
        connection, _ = server.accept()
        with connection, connection.makefile("r") as stream:
            read_lines(stream, inbox)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="playdesk-station", description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--stdin", action="store_true", help="read input lines from stdin")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    try:
        config = resolve(args)
    except (PlaydeskError, OSError) as error:
        print(f"playdesk-station: error: {error}", file=sys.stderr)
        return 2
    agent = Agent(config)

    def request_stop(signum, frame) -> None:
        agent.stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    if args.stdin:
        threading.Thread(target=read_lines, args=(sys.stdin, agent.inbox), daemon=True).start()
    if config.control_socket is not None:
        threading.Thread(target=serve_control_socket, args=(config.control_socket, agent.inbox),
                         daemon=True).start()
    agent.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
