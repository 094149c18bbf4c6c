"""Home: wallet and play time (paid, bonus), what expires within 7 days, and the way to buy.

The screen every card scan lands on: its layout is home.kv, made once; a scan sets its properties
from one balance query (new texts on the labels that exist, no layout rebuilt).
"""

from __future__ import annotations

from kivy.properties import ListProperty, StringProperty

from engine.entitlements import balance, expiring_lots
from engine.entitlements.balances import Split
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit.screen import load_kv

MAX_EXPIRING = 3

load_kv(__file__)


def split_text(split: Split, fmt) -> str:
    """"Paid 50.00 €   Bonus 0.00 €" (and other credit, when there is some)."""
    parts = [f"{t('home_paid')} {fmt(split.paid)}", f"{t('home_bonus')} {fmt(split.bonus)}"]
    if split.other:
        parts.append(f"{t('home_other')} {fmt(split.other)}")
    return "   ".join(parts)


class HomeScreen(KioskScreen):
    screen_name = "home"
    wallet_total = StringProperty("")
    wallet_split = StringProperty("")
    minutes_total = StringProperty("")
    minutes_split = StringProperty("")
    expiring = ListProperty()  # the lines of what expires soon

    def fill(self) -> None:
        """The member's figures into the properties home.kv shows."""
        app = self.app
        at = app.now()
        totals = balance(app.member, at)
        self.wallet_total = app.money(totals.money.total)
        self.wallet_split = split_text(totals.money, app.money)
        self.minutes_total = app.minutes(totals.minutes.total)
        self.minutes_split = split_text(totals.minutes, app.minutes)
        # most members: the same "nothing expires" as before, and an equal list changes nothing
        self.expiring = [t("home_expiring_line", amount=app.money(lot["remaining"])
                           if lot["kind"] == "money" else app.minutes(lot["remaining"]),
                           date=app.date(lot["expires_at"]))
                         for lot in expiring_lots(totals.lots, at)[:MAX_EXPIRING]]

    def refresh(self) -> None:
        self.fill()
