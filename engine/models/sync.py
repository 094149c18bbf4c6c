"""Sync state: known devices and their keys, what was applied from each origin (not built yet)."""

from __future__ import annotations

MODELS: list = []
