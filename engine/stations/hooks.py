"""The agent's hooks: the commands a station runs on start, stop, pause, resume and warning
(e.g. unlock and lock the desktop). Each is an argv list run without a shell, one at a time in
the order the events happened, on a worker thread so a slow hook never stops the heartbeat.
What the session is about goes in the environment (PLAYDESK_*), never into the command line:
nothing a member or a message says can become part of a command."""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import threading

log = logging.getLogger("playdesk.station")

HOOK_TIMEOUT_SECONDS = 30


class Hooks:
    """`commands`: the agent's own (its configuration); `site`: the station's hooks from the
    site file, as the meter's signed state brings them, used for an event the agent's own
    configuration does not name (unless `use_site` is off)."""

    def __init__(self, commands: dict[str, list[str]], use_site: bool = True) -> None:
        self.commands = commands
        self.use_site = use_site
        self.site: dict[str, list[str]] = {}
        self.queue: queue.Queue[tuple[list[str], dict[str, str]] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._work, name="hooks", daemon=True)
        self.thread.start()

    def argv(self, event: str) -> list[str] | None:
        if event in self.commands:
            return self.commands[event]
        return self.site.get(event) if self.use_site else None

    def set_site(self, hooks) -> None:
        """The site's hooks from a verified state: only lists of words are kept."""
        if not isinstance(hooks, dict):
            hooks = {}
        self.site = {event: list(argv) for event, argv in hooks.items()
                     if isinstance(argv, list) and argv
                     and all(isinstance(word, str) and word for word in argv)}

    def run(self, event: str, **details: str | int | None) -> None:
        argv = self.argv(event)
        if argv is not None:
            environment = {f"PLAYDESK_{key.upper()}": "" if value is None else str(value)
                           for key, value in details.items()}
            self.queue.put((argv, {**environment, "PLAYDESK_EVENT": event}))

    def _work(self) -> None:
        while (item := self.queue.get()) is not None:
            argv, environment = item
            event = environment["PLAYDESK_EVENT"]
            try:
                done = subprocess.run(argv, env={**os.environ, **environment},
                                      stdin=subprocess.DEVNULL, timeout=HOOK_TIMEOUT_SECONDS,
                                      check=False)
                if done.returncode:
                    log.warning("station: %s hook %s exited %d", event, argv[0], done.returncode)
            except (OSError, subprocess.TimeoutExpired) as error:
                log.error("station: %s hook %s failed: %s", event, argv[0], error)

    def close(self, wait: float = 5.0) -> None:
        self.queue.put(None)
        self.thread.join(wait)
