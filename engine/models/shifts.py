"""Models: shifts (not built yet)."""

from __future__ import annotations

MODELS: list = []
