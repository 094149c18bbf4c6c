"""Campaign administration outside a site file: list with state, activate, deactivate, delete.

Each change goes through `apply_document`, so it is validated by the same lock rules, appends
the same `definitions` event (carrying the campaign's new state) and stamps its version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine import db
from engine.campaigns.state import campaign_state
from engine.campaigns.types import ACTIONS
from engine.errors import NotFound, PlaydeskError
from engine.models import Campaign, Package


def list_campaigns(at: dt.datetime, include_deleted: bool = False) -> list[dict[str, Any]]:
    """Every campaign with its state at `at` (deleted ones only when asked)."""
    query = Campaign.select().order_by(Campaign.id)
    if not include_deleted:
        query = query.where(~Campaign.deleted)
    package_counts: dict[int, int] = {}
    for campaign_id, in Package.select(Package.campaign).tuples():
        package_counts[campaign_id] = package_counts.get(campaign_id, 0) + 1
    result = []
    for campaign in query:
        entry: dict[str, Any] = {
            "code": campaign.code, "type": campaign.type, "name": campaign.name,
            "state": campaign_state(campaign, at), "active": campaign.active,
            "deleted": campaign.deleted, "priority": campaign.priority,
            "category": campaign.category, "description": campaign.description,
        }
        if campaign.type == "packages":
            entry.update(starts_at=campaign.starts_at, expires_at=campaign.expires_at,
                         packages=package_counts.get(campaign.id, 0))
        elif campaign.type != "category":
            entry.update(automatic=campaign.automatic, from_date=campaign.from_date,
                         to_date=campaign.to_date)
        result.append(entry)
    return result


def change_campaign(code: str, action: str, at: dt.datetime) -> dict[str, Any]:
    """Activate, deactivate or (softly) delete a campaign; returns its listing entry."""
    # Here, not at the top: `playdesk campaigns` lists without the loader, schema and YAML.
    from engine.sitefile.apply import apply_document
    from engine.sitefile.store import CampaignStore

    if action not in ACTIONS:
        raise PlaydeskError(f"unknown action {action!r} (expected one of {', '.join(ACTIONS)})")
    with db.write():
        record = CampaignStore().read().get(code)
        if record is None:
            raise NotFound(f"unknown campaign {code!r}")
        if record["deleted"] and action != "delete":
            raise PlaydeskError(f"campaign {code} is deleted; it cannot be {action}d")
        changed = dict(record)
        if action == "delete":
            changed["deleted"] = True
        else:
            changed["active"] = action == "activate"
        summary = apply_document({"campaigns": [changed]}, at, source=action)
        campaign = Campaign.select().where(Campaign.code == code).first()
        return {"code": code, "type": campaign.type, "name": campaign.name,
                "state": campaign_state(campaign, at), "active": campaign.active,
                "deleted": campaign.deleted, "changed": summary["changed"],
                "event": summary["event"]}
