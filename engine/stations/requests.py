"""An agent's `request`s, answered by the meter on the authority (spec/sessions.md): a member's
login at the station (by card, or member code + PIN, with the kiosk's lockout rules:
engine.people.logins) starts their session; a logout stops it. Every refusal is a plain-words
`message` command for the request; a granted login is the `start` command the meter sends next.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from engine.errors import PlaydeskError
from engine.people.logins import LoginRefused, login_by_card, login_by_pin
from engine.sessions import facts, lifecycle

log = logging.getLogger("playdesk.meter")

MAX_FIELD = 64  # request ids, cards, codes and PINs are short words


@dataclass(frozen=True)
class Answer:
    """A refusal to send back (`reason`, `text`), or None fields when the request was done."""

    request: str
    reason: str | None = None
    text: str | None = None
    started: str | None = None  # the session a login started

    def command(self) -> dict[str, Any]:
        return {"action": "message", "request": self.request, "refused": True,
                "reason": self.reason, "text": self.text}


def _word(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and 0 < len(value) <= MAX_FIELD else None


def handle(station: str, data: dict[str, Any], at: dt.datetime) -> Answer | None:
    """Do what the request asks; None when it is malformed (dropped: nobody to answer)."""
    request = _word(data, "id")
    action = data.get("action")
    if request is None or action not in ("login", "logout"):
        return None
    try:
        if action == "logout":
            session = facts.open_on_station(station)
            if session is None:
                return Answer(request, "no_session", "no session runs on this station")
            lifecycle.stop(at, session_id=session.id, actor="agent")
            return Answer(request)
        card, member, pin = _word(data, "card"), _word(data, "member"), _word(data, "pin")
        if card is not None:
            login = login_by_card(card, at, location=station)
        elif member is not None and pin is not None:
            login = login_by_pin(member, pin, at, location=station)
        else:
            return Answer(request, "malformed", "give a card, or a member code and PIN")
        session = lifecycle.start(station, at, member=login.member, actor="agent")
        log.info("meter: %s logged in on %s (session %s)", login.member, station, session.id)
        return Answer(request, started=session.id)
    except LoginRefused as refused:
        return Answer(request, refused.reason, str(refused))
    except PlaydeskError as error:
        return Answer(request, "refused", str(error))
