"""`playdesk push`: apply a site file here (one signed `definitions` event in this device's
journal) and see the outbox published (by the device's running sync process, else by one
connection of its own) before returning; `playdesk sync publish-list`:
the owner's signed device list, retained for every device; for the counter's Push screen, how
much waits (`unpublished_count`) and publishing it now to the broker the sync process last used
(`publish_now`). The MQTT client is imported only to publish: the screens read counts without
paho."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from typing import Any

from engine import localstate
from engine.db import database, write
from engine.errors import PlaydeskError
from engine.ids import device_id
from engine.sitefile import load_site_file
from engine.sync import devicelist
from engine.sync.client import SyncService, exclusive, make_client
from engine.sync.config import resolve_config, stored_config
from engine.sync.devicelist import members
from engine.sync.keys import key_path, load_or_create
from engine.sync.options import add_connection_arguments
from engine.sync.outbox import journal_seq, published_seq

PUBLISH_TIMEOUT_SECONDS = 10.0


def publish_outbox(config, timeout: float = PUBLISH_TIMEOUT_SECONDS) -> bool:
    """Publish this device's unpublished events; True when the broker acknowledged them all.

    While the device's sync process runs, it publishes them (it sees every commit to the
    journal) and this waits for the broker's acknowledgement it stores: a second connection as
    the device would replace the sync process's on the broker (client id = username). Else
    (the owner's laptop, a counter whose sync is stopped) one connection publishes them here,
    holding the sync lock so a sync process starting meanwhile waits."""
    with exclusive("sync", 0) as free:
        if not free:
            return _published_by_sync(timeout)
        service = SyncService(config, load_or_create(key_path(database.database)), one_shot=True)
        service.start()
        deadline = time.monotonic() + timeout
        try:
            service.run(until=lambda: (service.published >= service.journal_seq
                                       and service.connected) or time.monotonic() > deadline)
        finally:
            service.stop()
        return service.published >= service.journal_seq


def _published_by_sync(timeout: float) -> bool:
    """Wait until the running sync process has stored the broker's acknowledgement of this
    device's whole journal (it stores it at most every half second)."""
    deadline = time.monotonic() + timeout
    while unpublished_count() > 0:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def unpublished_count() -> int:
    """This device's journal events the broker has not acknowledged yet."""

    return max(journal_seq(device_id()) - published_seq(), 0)


def broker_known() -> bool:
    """Whether a broker is known here (the sync process stores the one it runs with)."""
    stored = stored_config()
    return bool(stored and stored.get("host"))


def publish_now(timeout: float = PUBLISH_TIMEOUT_SECONDS) -> bool:
    """Publish the outbox to the broker the sync process last used (its stored settings, as
    `playdesk push` without connection options); True when all was acknowledged. PlaydeskError
    when no broker is known."""

    parser = argparse.ArgumentParser(add_help=False)
    add_connection_arguments(parser)
    return publish_outbox(resolve_config(parser.parse_args([])), timeout=timeout)


def push(path: str | os.PathLike[str], at: dt.datetime, config) -> dict[str, Any]:

    role = members().get(device_id(), (None, None))[0]
    if role not in ("owner", "counter"):
        raise PlaydeskError(f"device {device_id()} is not an owner or counter in the device list: "
                            "other devices would refuse its definitions")
    summary = load_site_file(path, at=at)
    published = publish_outbox(config)
    return {**summary, "published": published}


def publish_device_list(config, document: dict[str, Any],
                        timeout: float = PUBLISH_TIMEOUT_SECONDS) -> bool:
    """Publish an owner-signed device list, retained on `devicelist`: every device installs it
    (if signed by the owner key it trusts and newer), now or when it next connects. True when
    the broker acknowledged it. While this device's sync process runs, it publishes the list
    (its connection is the device's, the only one the broker lets it have)."""

    problem = devicelist.check(document, devicelist.owner_key())
    if problem:
        raise PlaydeskError(problem)
    with exclusive("sync", 0) as free:
        if not free:
            return _published_by_sync_list(document, timeout)
        client = make_client(config, config.username or
                             f"playdesk-{config.site}-devicelist-{os.getpid()}")
        client.connect(config.host, config.port, keepalive=config.keepalive)
        client.loop_start()
        try:
            info = client.publish(f"{config.prefix()}devicelist", json.dumps(document), qos=1,
                                  retain=True)
            info.wait_for_publish(timeout)
            return info.is_published()
        finally:
            client.disconnect()
            client.loop_stop()


def _published_by_sync_list(document: dict[str, Any], timeout: float) -> bool:
    """The running sync process publishes the list (`localstate.OUTGOING_DEVICE_LIST`) and
    clears it once the broker acknowledged; True when that happened within `timeout`."""
    text = json.dumps(document)
    with write():
        localstate.put(localstate.OUTGOING_DEVICE_LIST, text)
    deadline = time.monotonic() + timeout
    while time.monotonic() <= deadline:
        handed = localstate.get(localstate.OUTGOING_DEVICE_LIST)
        if handed != text:
            return handed is None
        time.sleep(0.05)
    return False
