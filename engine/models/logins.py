"""Models: PIN login attempts and the lockouts they caused — members at a kiosk, staff at a
counter.

All are local to the device (never journaled): they protect this device's PIN keypad, and they
are rows so a lockout survives a restart of the app.
"""

from __future__ import annotations

from peewee import BooleanField, DateTimeField, TextField

from engine.models.base import BaseModel


class LoginAttempt(BaseModel):
    member = TextField(index=True)
    method = TextField()  # card | pin
    ok = BooleanField()
    reason = TextField(null=True)  # why it was refused (see engine.people.logins.REASONS)
    location = TextField(null=True)
    at = DateTimeField(index=True)


class LoginLockout(BaseModel):
    """Too many wrong PINs: the member may not log in on this kiosk until `until`."""

    member = TextField(index=True)
    at = DateTimeField()
    until = DateTimeField()


class StaffLoginAttempt(BaseModel):
    staff = TextField(null=True, index=True)  # None: a PIN that matched nobody
    location = TextField(null=True, index=True)
    ok = BooleanField()
    at = DateTimeField(index=True)


class StaffLockout(BaseModel):
    """Too many wrong PINs: PIN login at this location (for `staff`, or anyone) waits."""

    staff = TextField(null=True)
    location = TextField(null=True)
    at = DateTimeField()
    until = DateTimeField()


MODELS = [LoginAttempt, LoginLockout, StaffLoginAttempt, StaffLockout]
