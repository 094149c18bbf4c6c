"""Reprints as facts (issue 18 item 7). Model copied here on purpose, like 0001."""

from peewee import DateTimeField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Reprint(Base):
        id = TextField(primary_key=True)
        kind = TextField()
        document = TextField(index=True)
        staff = TextField(null=True)
        at = DateTimeField()
        device = TextField()

    db.create_tables([Reprint])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS reprint")
