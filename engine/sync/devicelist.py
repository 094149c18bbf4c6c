"""The site's device list: each device's public key and role, signed by the owner.

A device trusts one owner key, pinned at provisioning (`playdesk sync device-list import FILE
--trust`); later lists (by file or over MQTT) are accepted only when signed by that key and newer.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine import localstate
from engine.db import write
from engine.errors import PlaydeskError
from engine.models.sync import SyncDevice
from engine.sync import signing
from engine.sync.keys import public_hex

ROLES = ("owner", "counter", "kiosk")


def build(site: str, version: int, devices: list[dict[str, str]],
          owner_key: Ed25519PrivateKey) -> dict[str, Any]:
    """A signed list; `devices` are `{device, role, public_key}`; the signer must be an owner."""
    for entry in devices:
        if entry.get("role") not in ROLES:
            raise PlaydeskError(f"device {entry.get('device')}: role must be one of {', '.join(ROLES)}")
        if not entry.get("device") or len(entry.get("public_key") or "") != 64:
            raise PlaydeskError(f"device {entry.get('device')!r}: needs a name and a 64-hex public key")
    signer = public_hex(owner_key)
    if not any(e["role"] == "owner" and e["public_key"] == signer for e in devices):
        raise PlaydeskError("the device list must name the signing key as an owner")
    body = {"kind": "playdesk.devices", "site": site, "version": int(version),
            "devices": sorted(devices, key=lambda e: e["device"])}
    return signing.sign(body, owner_key)


def owner_key() -> str | None:
    return localstate.get(localstate.OWNER_KEY)


def current() -> dict[str, Any] | None:
    text = localstate.get(localstate.DEVICE_LIST)
    return json.loads(text) if text else None


def check(document: Any, trusted_owner: str | None) -> str:
    """Why `document` is not acceptable for a device trusting `trusted_owner` ('' when it is)."""
    if not isinstance(document, dict) or document.get("kind") != "playdesk.devices":
        return "not a device list"
    entries = document.get("devices")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return "malformed device list"
    owners = [e.get("public_key") for e in entries if e.get("role") == "owner"]
    candidates = [trusted_owner] if trusted_owner else owners
    if not any(isinstance(k, str) and signing.verify(document, k) for k in candidates):
        return "device list not signed by the trusted owner key"
    return ""


def install(document: dict[str, Any], trust: bool = False) -> bool:
    """Verify and store a device list; False when it is not newer than the one installed.

    `trust` pins the owner key of the list when none is pinned yet (first provisioning only).
    """
    trusted = owner_key()
    if trusted is None and not trust:
        raise PlaydeskError("no owner key trusted yet: import the first device list with --trust")
    problem = check(document, trusted)
    if problem:
        raise PlaydeskError(problem)
    installed = current()
    if installed is not None:
        if installed.get("site") != document.get("site"):
            raise PlaydeskError(f"device list is for site {document.get('site')}, "
                                f"this device belongs to {installed.get('site')}")
        if int(document["version"]) <= int(installed["version"]):
            return False
    with write():
        if trusted is None:
            signer = next(e["public_key"] for e in document["devices"]
                          if e.get("role") == "owner" and signing.verify(document, e["public_key"]))
            localstate.put(localstate.OWNER_KEY, signer)
        localstate.put_json(localstate.DEVICE_LIST, document)
        SyncDevice.update(role=None, public_key=None).execute()
        for entry in document["devices"]:
            SyncDevice.insert(device=entry["device"], role=entry["role"],
                              public_key=entry["public_key"]).on_conflict(
                conflict_target=[SyncDevice.device],
                update={SyncDevice.role: entry["role"],
                        SyncDevice.public_key: entry["public_key"]}).execute()
    return True


def members() -> dict[str, tuple[str, str]]:
    """{device: (role, public key hex)} of the installed list."""
    return {row.device: (row.role, row.public_key)
            for row in SyncDevice.select().where(SyncDevice.role.is_null(False))}
