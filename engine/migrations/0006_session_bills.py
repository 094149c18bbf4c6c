"""A guest's station time billed on a receipt (issue 17 item 4): session_bill, keyed by the
session so a guest session bills once. Model copied here on purpose, like 0001."""

from peewee import DateTimeField, IntegerField, Model, TextField


def up(migrator, db):
    class SessionBill(Model):
        session = TextField(primary_key=True)
        bill = TextField(index=True)
        receipt = TextField(index=True)
        line_no = IntegerField()
        minutes = IntegerField()
        amount = IntegerField()
        at = DateTimeField()
        device = TextField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "session_bill"

    db.create_tables([SessionBill])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS session_bill")
