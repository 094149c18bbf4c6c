"""CLI commands: operations — backup, restore, clock check (not built yet)."""

from __future__ import annotations


def register(commands) -> None:
    pass
