"""playdesk engine: domain, persistence, pricing, entitlements, coupons, sync and the CLI.

No Kivy and no device code lives here; the apps and `hardware/` build on top of it.
"""
