"""Last writer wins for definitions: before another device's `definitions` document is applied,
records this device already holds in a newer version (by `hlc/device`, which sorts as text) are
taken out of it, so replicas agree whatever order concurrent edits arrive in."""

from __future__ import annotations

from typing import Any

from engine.models import Coupon, Setting, Site


def _model(section: str):
    from engine.sitefile import store

    return Coupon if section == "coupons" else store.STORES[section].model


def newer_only(document: dict[str, Any], version: str) -> dict[str, Any]:
    """`document` without the records stored here with a version later than `version`."""
    from engine.sitefile.schema import SECTIONS

    result: dict[str, Any] = {}
    for section, value in document.items():
        if section in SECTIONS and isinstance(value, list):
            model = _model(section)
            codes = [r.get("code") for r in value if isinstance(r, dict)]
            stored = {row.code: row.version for row in
                      model.select(model.code, model.version).where(model.code.in_(codes))}
            kept = [r for r in value if (stored.get(r.get("code")) or "") < version]
            if kept:
                result[section] = kept
        elif section == "settings" and isinstance(value, dict):
            stored = {row.key: row.version for row in Setting.select().where(
                Setting.key.in_(list(value)))}
            kept = {k: v for k, v in value.items() if (stored.get(k) or "") < version}
            if kept:
                result[section] = kept
        elif section == "site":
            site = Site.select().first()
            if site is None or (site.version or "") < version:
                result[section] = value
        else:
            result[section] = value
    return result
