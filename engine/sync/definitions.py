"""Last writer wins for definitions: before another device's `definitions` document is applied,
records this device already holds in a newer version (by `hlc/device`, which sorts as text) are
taken out of it, so replicas agree whatever order concurrent edits arrive in."""

from __future__ import annotations

import json
from typing import Any

from engine.errors import PlaydeskError
from engine.models import Coupon, Event, Setting, Site
from engine.sitefile import store
from engine.sitefile.apply import _locked, _merge
from engine.sitefile.schema import SECTIONS
from engine.sitefile.store import STORES


def _model(section: str):
    return Coupon if section == "coupons" else store.STORES[section].model


def newer_only(document: dict[str, Any], version: str) -> dict[str, Any]:
    """`document` without the records stored here with a version later than `version`."""
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


def deactivations_first(event: dict[str, Any], document: dict[str, Any]) -> dict[str, Any] | None:
    """The deactivations to apply before `document` (another device's definitions).

    An active discount campaign's rules are locked (site-file.md). A rules change that reaches
    this device while the campaign is active here is applied only with the deactivation that
    precedes it in its origin's journal: the campaign is deactivated here first, as it was there,
    so the lock holds and the replicas converge. A change without such a deactivation is refused
    (PlaydeskError: the event is stored, skipped and counted).
    """

    records = [r for r in document.get("campaigns") or [] if isinstance(r, dict)]
    if not records:
        return None
    stored = STORES["campaigns"].read()
    deactivations = []
    for record in records:
        old = stored.get(record.get("code"))
        if old is None or not _locked(old, _merge("campaigns", record, old)):
            continue
        if not _deactivated_before(event, record["code"]):
            raise PlaydeskError(f"campaign {record['code']} is active here and {event['device']} "
                                f"seq {event['seq']} changes its rules without deactivating it "
                                "first")
        deactivations.append({**old, "active": False})
    return {"campaigns": deactivations} if deactivations else None


def _deactivated_before(event: dict[str, Any], code: str) -> bool:
    """Whether the origin's journal, before `event`, last recorded campaign `code` inactive."""
    earlier = (Event.select(Event.payload)
               .where((Event.device == event["device"]) & (Event.seq < event["seq"])
                      & (Event.type == "definitions") & Event.payload.contains(code))
               .order_by(Event.seq.desc()))
    for row in earlier:
        document = json.loads(row.payload).get("document") or {}
        for record in document.get("campaigns") or []:
            if isinstance(record, dict) and record.get("code") == code:
                return not record.get("active", True) or bool(record.get("deleted"))
    return False
