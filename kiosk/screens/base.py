"""The kiosk's screens: uikit's DeviceScreen as it is (large text for a touch screen a meter
away); what differs per screen is in its .kv rule."""

from __future__ import annotations

from uikit.screen import DeviceScreen


class KioskScreen(DeviceScreen):
    pass
