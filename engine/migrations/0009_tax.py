"""Tax (issue 19, spec/tax.md): the site's tax_mode, its tax_rate definitions, and the rate code
named by items, resources, station groups and packages (NULL: a site without rates, or a money
package, a voucher). A sale's tax is stored with it: receipt_line.tax and receipt_tax, one row
per rate of the receipt's table. Models copied here on purpose, like 0001."""

from peewee import BooleanField, IntegerField, Model, TextField


def up(migrator, db):
    class TaxRate(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        percent = TextField()  # exact decimal text, as the site file gives it

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "tax_rate"

    class ReceiptTax(Model):
        receipt = TextField(index=True)
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
            table_name = "receipt_tax"
            indexes = ((("receipt", "rate"), True),)

    db.create_tables([TaxRate, ReceiptTax])
    migrator.migrate(
        migrator.add_column("site", "tax_mode", TextField(default="inclusive")),
        migrator.add_column("item", "tax", TextField(null=True)),
        migrator.add_column("resource", "tax", TextField(null=True)),
        migrator.add_column("station_group", "tax", TextField(null=True)),
        migrator.add_column("package", "tax", TextField(null=True)),
        migrator.add_column("receipt_line", "tax", TextField(null=True)),
        migrator.add_column("receipt", "total_due", IntegerField(null=True)),
    )


def down(migrator, db):
    for table, column in (("site", "tax_mode"), ("item", "tax"), ("resource", "tax"),
                          ("station_group", "tax"), ("package", "tax"),
                          ("receipt_line", "tax"), ("receipt", "total_due")):
        migrator.migrate(migrator.drop_column(table, column))
    db.execute_sql("DROP TABLE IF EXISTS receipt_tax")
    db.execute_sql("DROP TABLE IF EXISTS tax_rate")
