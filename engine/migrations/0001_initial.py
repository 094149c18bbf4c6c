"""The first schema.

Until the first release this creates the tables from the live models; at release it is frozen
(generated with `python -m playhouse.migrations initial`), and every later change is a new
numbered script. tests/test_db.py checks that migrating gives exactly the models' schema.
"""


def up(migrator, db):
    from engine.models import ALL_MODELS

    db.create_tables(ALL_MODELS)
