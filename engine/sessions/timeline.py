"""A session's running time and started minutes: engine/playtime.py (in the kernel, so the fact
checks of engine.sync judge minutes by the same arithmetic); named here for the sessions' code."""

from engine.playtime import (
    CARRIED,
    ENDED,
    MINUTE,
    MOVED,
    PAUSED,
    RUNNING,
    SessionEventFact,
    Timeline,
    build,
    event_order,
)

__all__ = ["CARRIED", "ENDED", "MINUTE", "MOVED", "PAUSED", "RUNNING", "SessionEventFact", "Timeline", "build",
           "event_order"]
