"""Languages (issue 20): the site's locale, names in other languages on the records the owner
writes, a staff member's language, and the member's language choice (a fact). Models copied
here on purpose, like 0001."""

from peewee import DateTimeField, Model, TextField

NAMED_TABLES = ("item", "category", "resource", "campaign", "package")


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class MemberLanguage(Base):
        id = TextField(primary_key=True)
        member = TextField(index=True)
        language = TextField()
        at = DateTimeField()
        device = TextField()

    db.create_tables([MemberLanguage])
    migrator.migrate(
        migrator.add_column("site", "locale", TextField(default="en_US")),
        migrator.add_column("staff", "language", TextField(null=True)),
        *(migrator.add_column(table, "names", TextField(null=True)) for table in NAMED_TABLES),
    )


def down(migrator, db):
    for table, column in (("site", "locale"), ("staff", "language"),
                          *((table, "names") for table in NAMED_TABLES)):
        migrator.migrate(migrator.drop_column(table, column))
    db.execute_sql("DROP TABLE IF EXISTS member_language")
