"""engine.settings: the one reader of site settings and of the sync process's online mark."""

from __future__ import annotations

from engine.models import Setting
from engine.settings import set_sync_online, setting, sync_online
from engine.sync.authority import offline_policy


def test_setting_values(db):
    assert setting("kiosk_idle_seconds", 60) == 60
    assert setting("receipt_footer") is None
    Setting.create(key="kiosk_idle_seconds", value="90")
    Setting.create(key="receipt_footer", value="Thank you!")  # not JSON: the raw text
    Setting.create(key="offline_policy", value='{"balance.spend": "deny"}')
    assert setting("kiosk_idle_seconds", 60) == 90
    assert setting("receipt_footer") == "Thank you!"
    assert (offline_policy("balance.spend"), offline_policy("coupon.redeem")) == ("deny", "allow")


def test_sync_online(db):
    assert sync_online() is None  # no sync process has spoken
    set_sync_online(False)  # what the sync process writes
    assert sync_online() is False
    set_sync_online(True)
    assert sync_online() is True
