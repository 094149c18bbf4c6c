"""Conflicts of merged facts (issue 14): sync_conflict (rejected events and collision losers),
void_lot (lots of losing events) and lot_overdraw (derived overdraws). Models copied here on
purpose, like 0001."""

from peewee import DateTimeField, IntegerField, Model, TextField


def up(migrator, db):
    class SyncConflict(Model):
        kind = TextField()
        device = TextField()
        seq = IntegerField()
        hlc = TextField()
        type = TextField()
        reason = TextField()
        detail = TextField()
        key = TextField(null=True, index=True)
        noted_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sync_conflict"
            indexes = ((("device", "seq"), True),)

    class VoidLot(Model):
        lot = TextField(primary_key=True)
        device = TextField()
        seq = IntegerField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "void_lot"

    class LotOverdraw(Model):
        lot = TextField(primary_key=True)
        member = TextField()
        kind = TextField()
        amount = IntegerField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "lot_overdraw"
            indexes = ((("member", "kind"), False),)

    db.create_tables([SyncConflict, VoidLot, LotOverdraw])
