"""The one exception type for bad input: the CLI turns it into exit 2, the apps into a message."""


class PlaydeskError(Exception):
    """Bad input or a rule that forbids the action. Nothing was written."""


class NotFound(PlaydeskError):
    """An unknown code or id."""


class InsufficientBalance(PlaydeskError):
    """A member's usable credit does not cover a spend (on this device, or as the authority or
    the offline policy sees it). Apps catch this type; the message stays the engine's words."""

    def __init__(self, message: str, *, member: str | None = None, kind: str | None = None,
                 needed: int | None = None, available: int | None = None) -> None:
        super().__init__(message)
        self.member = member
        self.kind = kind
        self.needed = needed
        self.available = available


class StorageFull(PlaydeskError):
    """The disk holding the database has no room left: the change was not saved (SQLite rolled
    it back whole); free space and try again. Apps show it like any PlaydeskError."""


class RestorePending(PlaydeskError):
    """This device was restored from a backup and has not yet learned from the other devices
    how far its journal and its ids went: a new fact could reuse an id the site already has.
    Apps show it like any PlaydeskError; it clears itself once sync has caught up."""
