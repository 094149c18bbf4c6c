"""Strict-operation holds (issue 14): facts name the authority's grant they use (`hold` on
consumption and coupon_redemption), a grant remembers the draws it reserved, and a requester
keeps its open holds (strict_hold, local) until their fact or release. Models copied here on
purpose, like 0001."""

from peewee import BooleanField, IntegerField, Model, TextField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("consumption", "hold", TextField(null=True)),
        migrator.add_index("consumption", ("hold",), False),
        migrator.add_column("coupon_redemption", "hold", TextField(null=True)),
        migrator.add_index("coupon_redemption", ("hold",), False),
        migrator.add_column("strict_grant", "draws", TextField(null=True)),
    )

    class StrictHold(Model):
        id = TextField(primary_key=True)
        op = TextField()
        pid = IntegerField()
        created = IntegerField()
        released = BooleanField(default=False)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "strict_hold"

    db.create_tables([StrictHold])
    # grants made before this version were settled by references or lapsed after ten minutes;
    # they cannot name their facts: none of them holds credit any more
    db.execute_sql("UPDATE strict_grant SET settled = 1")
