"""Shared model base and field types."""

from __future__ import annotations

import json
from decimal import Decimal

from peewee import BooleanField, Model, TextField

from engine.db import database


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Definition(BaseModel):
    """A record authored by the owner, matched by `code`, soft-deleted, versioned for sync."""

    code = TextField(unique=True)
    deleted = BooleanField(default=False)
    # (hlc, device) of the last write: sync's last-writer-wins compares these.
    version = TextField(null=True)


class PercentField(TextField):
    """A Decimal percentage stored as text, so 12.5 stays exactly 12.5."""

    def db_value(self, value):
        return None if value is None else str(Decimal(str(value)))

    def python_value(self, value):
        return None if value is None else Decimal(value)


class NamesField(TextField):
    """A record's names in other languages, {"de": "Wasser", "tr": "Su"}, stored as sorted JSON;
    None when the owner gave none."""

    def db_value(self, value):
        return json.dumps(dict(sorted(value.items())), ensure_ascii=False) if value else None

    def python_value(self, value):
        return json.loads(value) if value else None


class WeekdaysField(TextField):
    """A list of weekday names ('mon'..'sun') stored as 'mon,tue'; None means every day."""

    def db_value(self, value):
        return None if value is None else ",".join(value)

    def python_value(self, value):
        return None if value is None else [day for day in value.split(",") if day]


