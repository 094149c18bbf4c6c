"""CLI commands: hardware — scan, resolve, print (not built yet)."""

from __future__ import annotations


def register(commands) -> None:
    pass
