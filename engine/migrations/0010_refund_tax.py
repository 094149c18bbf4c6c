"""A receipt refund's own tax table (issue 19 item 3, spec/tax.md "Per receipt"): refund_tax,
one row per rate over the amounts the refund gives back, at the rates stored with the receipt.
Model copied here on purpose, like 0001."""

from peewee import IntegerField, Model, TextField


def up(migrator, db):
    class RefundTax(Model):
        refund = TextField(index=True)
        position = IntegerField()
        rate = TextField()
        name = TextField()
        percent = TextField()
        net = IntegerField()
        tax = IntegerField()
        gross = IntegerField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "refund_tax"
            indexes = ((("refund", "rate"), True),)

    db.create_tables([RefundTax])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS refund_tax")
