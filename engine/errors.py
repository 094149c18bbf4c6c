"""The one exception type for bad input: the CLI turns it into exit 2, the apps into a message."""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "translate later", as Babel finds it
    """Marks an English template for the catalogues (Babel extracts it); returns it unchanged."""
    return message


class PlaydeskError(Exception):
    """Bad input or a rule that forbids the action. Nothing was written.

    Raised as `PlaydeskError(N_("no item {code}"), code=code)`: the message is an English
    template and its values, so an app can show it in the reader's language (`translated`);
    `str()` is always the English text, for logs, the CLI and other devices. A plain message
    without values is its own template."""

    def __init__(self, message: str = "", /, **values: object) -> None:
        self.template = message
        self.values = values
        super().__init__(message.format(**values) if values else message)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in another language: `gettext` maps the English template to its
        translation (a template it does not know comes back unchanged, so English shows)."""
        if not self.template or self.template != str(self) and not self.values:
            return str(self)  # a subclass that built its own text
        translated = gettext(self.template)
        try:
            return translated.format(**self.values) if self.values else translated
        except Exception:  # noqa: BLE001 - a broken translation must not hide the refusal
            return str(self)


class NotFound(PlaydeskError):
    """An unknown code or id."""


class InsufficientBalance(PlaydeskError):
    """A member's usable credit does not cover a spend (on this device, or as the authority or
    the offline policy sees it). Apps catch this type; the message stays the engine's words."""

    def __init__(self, message: str, *, member: str | None = None, kind: str | None = None,
                 needed: int | None = None, available: int | None = None,
                 **values: object) -> None:
        super().__init__(message, **values)
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
