"""Members at the counter (issue 18 item 3): pin_unlock (a manager's PIN unlock or reset, which
must reach the kiosk that counted the wrong PINs) and guest_ticket (a member that is a walk-in
guest's ticket). Models copied here on purpose, like 0001."""

from peewee import DateTimeField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class PinUnlock(Base):
        id = TextField(primary_key=True)
        member = TextField(index=True)
        kind = TextField()
        staff = TextField()
        at = DateTimeField()
        device = TextField()

    class GuestTicket(Base):
        id = TextField(primary_key=True)
        member = TextField(unique=True)
        staff = TextField()
        at = DateTimeField()
        device = TextField()

    db.create_tables([PinUnlock, GuestTicket])


def down(migrator, db):
    for table in ("pin_unlock", "guest_ticket"):
        db.execute_sql(f"DROP TABLE IF EXISTS {table}")
