"""The station topics (spec/sessions.md, "The station agent"): `playdesk/<site>/stations/
<station>/{state,command,request,heartbeat}`."""

from __future__ import annotations

STATE = "state"  # retained, from the meter
COMMAND = "command"  # from the meter, signed
REQUEST = "request"  # from the agent
HEARTBEAT = "heartbeat"  # from the agent
KINDS = (STATE, COMMAND, REQUEST, HEARTBEAT)


def topic(site: str, station: str, kind: str) -> str:
    return f"playdesk/{site}/stations/{station}/{kind}"


def parse(site: str, name: str) -> tuple[str, str] | None:
    """(station, kind) of a station topic of `site`; None for anything else."""
    parts = name.split("/")
    if len(parts) != 5 or parts[:3] != ["playdesk", site, "stations"] or parts[4] not in KINDS:
        return None
    return parts[3], parts[4]
