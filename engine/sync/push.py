"""`playdesk push`: apply a site file here (one signed `definitions` event in this device's
journal) and publish the outbox to the broker before returning."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from engine.db import database
from engine.errors import PlaydeskError
from engine.sync.client import SyncService
from engine.sync.keys import key_path, load_or_create

PUBLISH_TIMEOUT_SECONDS = 10.0


def publish_outbox(config, timeout: float = PUBLISH_TIMEOUT_SECONDS) -> bool:
    """Publish this device's unpublished events; True when the broker acknowledged them all."""
    service = SyncService(config, load_or_create(key_path(database.database)), one_shot=True)
    service.start()
    deadline = time.monotonic() + timeout
    try:
        service.run(until=lambda: (service.published >= service.journal_seq and service.connected)
                    or time.monotonic() > deadline)
    finally:
        service.stop()
    return service.published >= service.journal_seq


def push(path: str | os.PathLike[str], at: dt.datetime, config) -> dict[str, Any]:
    from engine.ids import device_id
    from engine.sitefile import load_site_file
    from engine.sync.devicelist import members

    role = members().get(device_id(), (None, None))[0]
    if role not in ("owner", "counter"):
        raise PlaydeskError(f"device {device_id()} is not an owner or counter in the device list: "
                            "other devices would refuse its definitions")
    summary = load_site_file(path, at=at)
    published = publish_outbox(config)
    return {**summary, "published": published}
