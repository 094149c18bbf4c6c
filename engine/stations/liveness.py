"""When an agent station counts as alive (the decision of docs/station-protocol.md, "Charging an
agent station"), pure: no database, no broker.

A minute of an agent station's session is charged only once the agent has reported (a heartbeat
or a request) at or after that minute's boundary, so the meter never charges time nobody saw.
The agent reports every `heartbeat_every` seconds and right after each minute boundary, so the
charge still follows the boundary within a moment. When the agent is silent longer than
`agent_timeout_seconds`, the session is paused at the last report: the silent time is neither
charged nor counted; a report after that resumes it (only a pause the meter made for silence).

What the meter knows of a station's last report survives its own restart without being stored:
a report at or after the boundary of every charged minute, and one at the session's latest
event (start, resume: the agent or staff was there). After a restart the meter waits
`grace` seconds (long enough for a live agent's next heartbeat) before it pauses anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

LOST = "station lost"  # the reason of the meter's pause for silence (and of its stop)


@dataclass
class Liveness:
    timeout: dt.timedelta
    grace: dt.timedelta
    started: dt.datetime  # when this meter run began (meter clock)
    seen: dict[str, dt.datetime] = field(default_factory=dict)  # station -> last report

    def report(self, station: str, at: dt.datetime) -> None:
        if at > self.seen.get(station, dt.datetime.min):
            self.seen[station] = at

    def last_report(self, station: str, floor: dt.datetime) -> dt.datetime:
        """The latest moment the station is known alive: its last report this run, or `floor`
        (what the session's facts prove)."""
        return max(self.seen.get(station, floor), floor)

    def silent(self, station: str, floor: dt.datetime, at: dt.datetime) -> bool:
        """Whether the station has been silent for longer than the timeout at `at`."""
        if at - self.started < self.grace:
            return False
        return at - self.last_report(station, floor) > self.timeout

    def back_after(self, station: str, paused_at: dt.datetime) -> dt.datetime | None:
        """When the station reported after a pause at `paused_at` (None: not yet)."""
        seen = self.seen.get(station)
        return seen if seen is not None and seen > paused_at else None
