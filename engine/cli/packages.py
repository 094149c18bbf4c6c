"""CLI commands: packages (not built yet)."""

from __future__ import annotations


def register(commands) -> None:
    pass
