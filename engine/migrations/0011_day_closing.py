"""Day closings (issue 19 item 4, spec/tax.md "Day closing"): the day_closing table, one row per
closed device day, its Z number unique per device and a day closed once. Models copied here on
purpose, like 0001."""

from peewee import DateTimeField, IntegerField, Model, TextField


def up(migrator, db):
    class DayClosing(Model):
        id = TextField(primary_key=True)
        device = TextField()
        day = TextField()
        z = IntegerField()
        report = TextField()
        staff = TextField()
        at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "day_closing"
            indexes = ((("device", "z"), True), (("device", "day"), True))

    db.create_tables([DayClosing])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS day_closing")
