"""Notice commits of other processes (the sync process) to the shared SQLite database.

`PRAGMA data_version` changes when another connection committed; our own commits do not change
it, so the UI reloads only for what it did not do itself.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from peewee import SqliteDatabase


def data_version(database: SqliteDatabase) -> int:
    return database.execute_sql("PRAGMA data_version").fetchone()[0]


class DataVersionWatcher:
    """Polls every `interval` seconds; `on_change()` runs on the UI thread after a foreign commit."""

    def __init__(self, database: SqliteDatabase, on_change: Callable[[], None],
                 interval: float = 1.0) -> None:
        self.database = database
        self.on_change = on_change
        self.version = data_version(database)
        self._event = Clock.schedule_interval(self._tick, interval)

    def _tick(self, _dt: float) -> None:
        self.check()  # not returned: an interval callback returning False is unscheduled

    def check(self) -> bool:
        current = data_version(self.database)
        if current == self.version:
            return False
        self.version = current
        self.on_change()
        return True

    def stop(self) -> None:
        self._event.cancel()
