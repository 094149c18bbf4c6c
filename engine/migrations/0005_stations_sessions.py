"""Stations and play sessions (issue 17, spec/sessions.md): station_group and station
(definitions), play_session, session_event and session_minute (facts; UNIQUE (session, minute)
so a minute is charged once). Models copied here on purpose, like 0001."""

from peewee import BooleanField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Resource(Model):
        class Meta:
            database = db
            legacy_table_names = False
            table_name = "resource"

    class StationGroup(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        device = TextField()
        rate_per_hour = IntegerField()
        minimum_minutes = IntegerField(default=0)
        resource = ForeignKeyField(Resource, null=True, on_delete="RESTRICT")

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "station_group"

    class Station(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        group = ForeignKeyField(StationGroup, on_delete="RESTRICT")
        agent = BooleanField(default=False)
        active = BooleanField(default=True)
        hook_start = TextField(null=True)
        hook_stop = TextField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "station"

    class PlaySession(Model):
        id = TextField(primary_key=True)
        station = TextField(index=True)
        group = TextField()
        station_device = TextField()
        rate_per_hour = IntegerField()
        minimum_minutes = IntegerField(default=0)
        resource = TextField(null=True)
        member = TextField(null=True, index=True)
        guest = BooleanField(default=False)
        started_at = DateTimeField()
        staff = TextField(null=True)
        device = TextField()
        offline = BooleanField(default=False)
        hold = TextField(null=True, index=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "play_session"

    class SessionEvent(Model):
        id = TextField(primary_key=True)
        session = TextField()
        kind = TextField()
        at = DateTimeField()
        actor = TextField()
        staff = TextField(null=True)
        reason = TextField(null=True)
        device = TextField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "session_event"
            indexes = ((("session", "kind"), False),)

    class SessionMinute(Model):
        id = TextField(primary_key=True)
        session = TextField()
        minute = IntegerField()
        source = TextField()
        amount = IntegerField()
        wallet_minute = IntegerField(null=True)
        at = DateTimeField()
        device = TextField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "session_minute"
            indexes = ((("session", "minute"), True),)

    db.create_tables([StationGroup, Station, PlaySession, SessionEvent, SessionMinute])
