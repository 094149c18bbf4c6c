"""The one exception type for bad input: the CLI turns it into exit 2, the apps into a message."""


class PlaydeskError(Exception):
    """Bad input or a rule that forbids the action. Nothing was written."""


class NotFound(PlaydeskError):
    """An unknown code or id."""
