"""Stations and play sessions (spec/sessions.md).

Station groups and stations are definitions (the site file). A play session is a fact: the
session row (what it is played on and at which rate, fixed at its start), its events (start,
pause, resume, stop, warning) and one row per charged minute. All three are insert-only; a
session's state, running time and charges are computed from them (engine/sessions/timeline.py),
so every device that has the same facts shows the same session.
"""

from __future__ import annotations

from peewee import BooleanField, DateTimeField, ForeignKeyField, IntegerField, TextField

from engine.models.base import BaseModel, Definition
from engine.models.site import Resource


class StationGroup(Definition):
    name = TextField()
    device = TextField()  # pc | console: which lots a session may use
    rate_per_hour = IntegerField()  # minor units: wallet minutes and guest time
    minimum_minutes = IntegerField(default=0)  # the least a guest session is billed
    resource = ForeignKeyField(Resource, null=True, backref="station_groups",
                               on_delete="RESTRICT")
    tax = TextField(null=True)  # the rate wallet money spent on its time is taxed at (tax.md)


class Station(Definition):
    name = TextField()
    group = ForeignKeyField(StationGroup, backref="stations", on_delete="RESTRICT")
    agent = BooleanField(default=False)  # the PC runs playdesk-station
    active = BooleanField(default=True)
    hook_start = TextField(null=True)  # the agent runs these on start and stop
    hook_stop = TextField(null=True)


class PlaySession(BaseModel):
    """One member (or guest) on one station: the terms are copied from the group at start, so
    a rate changed later does not reprice a running session."""

    id = TextField(primary_key=True)  # <device>-S<n>
    station = TextField(index=True)
    group = TextField()
    station_device = TextField()  # pc | console
    rate_per_hour = IntegerField()
    minimum_minutes = IntegerField(default=0)
    resource = TextField(null=True)
    member = TextField(null=True, index=True)
    guest = BooleanField(default=False)
    started_at = DateTimeField()
    staff = TextField(null=True)
    device = TextField()  # the device that started it
    offline = BooleanField(default=False)  # a guest started without the authority
    hold = TextField(null=True, index=True)  # the authority's grant of a member's start


class SessionEvent(BaseModel):
    id = TextField(primary_key=True)  # <device>-SE<n>
    session = TextField()
    kind = TextField()  # start | pause | resume | stop | warning
    at = DateTimeField()
    actor = TextField()  # staff | agent | meter
    staff = TextField(null=True)
    reason = TextField(null=True)
    device = TextField()

    class Meta:
        indexes = ((("session", "kind"), False),)


class SessionMinute(BaseModel):
    """Minute `minute` of a member's session, charged: from a minutes lot (amount 1) or from
    the wallet (amount in minor units, the `wallet_minute`-th wallet minute of the session).
    UNIQUE (session, minute): a minute is never charged twice, whatever retries or restarts do.
    Its consumption records carry the reference `<session>:<minute>`."""

    id = TextField(primary_key=True)  # <device>-SM<n>
    session = TextField()
    minute = IntegerField()
    source = TextField()  # minutes | money
    amount = IntegerField()
    wallet_minute = IntegerField(null=True)
    at = DateTimeField()  # the minute's boundary
    device = TextField()

    class Meta:
        indexes = ((("session", "minute"), True),)


MODELS = [StationGroup, Station, PlaySession, SessionEvent, SessionMinute]
