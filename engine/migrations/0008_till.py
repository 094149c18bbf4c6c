"""The till's facts (issue 18 item 5: parked receipts, cash in/out, no sale, price overrides)
and the quick-key pages (a definition). Models copied here on purpose, like 0001."""

from peewee import BooleanField, DateTimeField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class ParkedReceipt(Base):
        id = TextField(primary_key=True)
        shift = TextField(null=True, index=True)
        staff = TextField()
        location = TextField(null=True)
        cart = TextField()
        lines = IntegerField()
        total = IntegerField()
        reason = TextField()
        at = DateTimeField()
        device = TextField()

    class ParkedResume(Base):
        parked = TextField(primary_key=True)
        staff = TextField()
        at = DateTimeField()
        device = TextField()

    class CashMove(Base):
        id = TextField(primary_key=True)
        shift = TextField(index=True)
        direction = TextField()
        amount = IntegerField()
        reason = TextField()
        staff = TextField()
        at = DateTimeField()
        device = TextField()

    class NoSale(Base):
        id = TextField(primary_key=True)
        shift = TextField(null=True, index=True)
        staff = TextField()
        reason = TextField(null=True)
        at = DateTimeField()
        device = TextField()

    class PriceOverride(Base):
        id = TextField(primary_key=True)
        shift = TextField(null=True, index=True)
        kind = TextField()
        code = TextField()
        old_price = IntegerField()
        new_price = IntegerField()
        reason = TextField()
        staff = TextField()
        approved_by = TextField()
        at = DateTimeField()
        device = TextField()

    class QuickKeyPage(Base):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        position = IntegerField(default=0)
        tiles = TextField(default="[]")

    db.create_tables([ParkedReceipt, ParkedResume, CashMove, NoSale, PriceOverride,
                      QuickKeyPage])


def down(migrator, db):
    for table in ("parked_receipt", "parked_resume", "cash_move", "no_sale", "price_override",
                  "quick_key_page"):
        db.execute_sql(f"DROP TABLE IF EXISTS {table}")
