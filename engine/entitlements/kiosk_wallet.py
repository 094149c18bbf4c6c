"""Paying a package from the wallet at the kiosk: whether the wallet covers it, and whether the
member must type the PIN again first.

Both are rules, so the kiosk only shows them: the Pay-from-wallet button is disabled with the
reason when `wallet_cover` says the wallet falls short, and a member who logged in by card (a
found or lent card is enough for that) types the PIN before a wallet purchase when the site
setting `kiosk_wallet_pin` is on. The PIN is checked by the member login itself
(`engine.people.logins.login_by_pin`), so a wrong PIN here counts towards the same lockout as a
wrong PIN at the login screen: re-confirming is no way around the guess limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.entitlements.sellable import find_package
from engine.errors import N_, PlaydeskError
from engine.lots.draws import usable_lots
from engine.people.logins import Login, login_by_pin
from engine.people.members import existing_member
from engine.settings import setting

WALLET_PIN_SETTING = "kiosk_wallet_pin"
LOGIN_METHODS = ("card", "pin")


@dataclass(frozen=True)
class WalletCover:
    """What the member's wallet can spend on `package` now against its price."""

    member: str
    package: str
    price: int
    spendable: int  # the unrestricted (device `any`) money lots, as a wallet purchase draws

    @property
    def covers(self) -> bool:
        return self.spendable >= self.price

    @property
    def missing(self) -> int:
        return max(0, self.price - self.spendable)

    def as_dict(self) -> dict:
        return {"member": self.member, "package": self.package, "price": self.price,
                "spendable": self.spendable, "covers": self.covers, "missing": self.missing}


def wallet_cover(member: str, package: str, at: dt.datetime) -> WalletCover:
    """Whether a wallet purchase of `package` would be paid in full (the same lots the purchase
    draws from: money lots of device `any`, unexpired at `at`)."""
    existing_member(member)
    price = find_package(package).price
    spendable = sum(lot.remaining for lot in usable_lots(member, "money", "any", at))
    return WalletCover(member, package, price, spendable)


def wallet_pin_needed(login_method: str) -> bool:
    """A wallet purchase asks for the PIN again when the member logged in by card and the site
    wants it (`kiosk_wallet_pin`, default on); a PIN login has just typed it."""
    if login_method not in LOGIN_METHODS:
        raise PlaydeskError(N_("login method {login_method!r}: use card or pin"),
                            login_method=login_method)
    return login_method == "card" and bool(setting(WALLET_PIN_SETTING, True))


def confirm_wallet_pin(member: str, pin: str, at: dt.datetime,
                       location: str | None = None) -> Login:
    """Check the member's PIN before a wallet purchase; raises `LoginRefused` (wrong PIN with
    the tries left, locked with the time) exactly as a PIN login does, and is counted as one."""
    return login_by_pin(existing_member(member).code, pin, at, location=location)
