"""The counter app: a header (site, staff, shift, mode) over one screen at a time.

It holds the session (who is logged in, the open shift), hands every scan to the screen shown
(the receipt screen when that screen does not take scans), prints through `uikit.devices`, and
redraws when the sync process commits. Every decision is an engine call.
"""

from __future__ import annotations

import logging
from typing import Any

from counter.texts import catalogue as texts_catalogue
from counter.texts import text as t
from engine.clock import Clock as EngineClock
from engine.people.languages import staff_language
from engine.people.staff import StaffLogin
from engine.sales.shifts import open_shift_of
from uikit import theme
from uikit.app import DeviceApp
from uikit.confirm import ask
from uikit.devices import Printer, PrintFailed
from uikit.widgets import BigButton, TextLabel

log = logging.getLogger("counter")

SALE_SCREENS = ("receipt", "payment", "done", "search", "packages", "order", "history",
                "shift_close", "till", "price_override")


class CounterApp(DeviceApp):
    title = "playdesk counter"
    text = staticmethod(t)
    catalogue = texts_catalogue

    def __init__(self, clock: EngineClock, location: str = "COUNTER1",
                 printer: Printer | None = None, scanner: str = "none", **kwargs) -> None:
        super().__init__(clock, location, printer, scanner, **kwargs)
        self.staff: StaffLogin | None = None
        self.shift: str | None = None
        self.navigations = 0

    # --- building ---------------------------------------------------------------------------

    def build(self):
        from counter.screens import ALL_SCREENS

        self.header_title = TextLabel(self.site_name, font_size=22, bold=True, size_hint_y=1)
        self.header_staff = TextLabel("", font_size=18, color=theme.MUTED, halign="right",
                                      size_hint_y=1)
        self.offline_mark = TextLabel("", font_size=18, color=theme.WARN, halign="right",
                                      size_hint_y=1, size_hint_x=None, width=90)
        self.mode_button = BigButton(t("manager"), color_rgba=theme.ACCENT, height=48,
                                     font_size=18, size_hint_x=None, width=140)
        self.mode_button.bind(on_release=lambda _b: self.toggle_mode())
        self.stations_button = BigButton(t("stations"), color_rgba=theme.GOOD, height=48,
                                         font_size=18, size_hint_x=None, width=130)
        self.stations_button.bind(on_release=lambda _b: self.go("stations"))
        self.logout_button = BigButton(t("log_out"), color_rgba=theme.BAD, height=48,
                                       font_size=18, size_hint_x=None, width=130)
        self.logout_button.bind(on_release=lambda _b: self.ask_logout())
        return self.frame([self.header_title, self.header_staff, self.offline_mark,
                           self.stations_button, self.mode_button, self.logout_button],
                          ALL_SCREENS)

    def on_start(self) -> None:
        self.start_devices()
        self.go("login")

    # --- navigation and session ----------------------------------------------------------------

    @property
    def screen(self):
        return self.screens.current_screen

    def go(self, name: str, **kwargs) -> None:
        if self.staff is None:
            name, kwargs = "login", {}
        elif self.shift is None and name in SALE_SCREENS:
            name, kwargs = "shift_open", {}
        screen = self.screens.get_screen(name)
        self.navigations += 1
        started = self.navigations
        screen.show(**kwargs)
        if self.navigations != started:
            return  # the screen sent us elsewhere while building (a refused order...)
        self.screens.current = name
        self.update_header()
        screen.focus_scan()

    def is_manager(self) -> bool:
        return self.staff is not None and self.staff.may("manager")

    def update_header(self) -> None:
        name = self.screens.current
        if self.staff is None:
            self.header_staff.text = ""
        else:
            shift = t("shift_badge", shift=self.shift) if self.shift else t("no_shift")
            self.header_staff.text = (t("staff_badge", name=self.staff.name, role=t(f"role_{self.staff.role}"))
                                      + "  ·  " + shift)
        self.offline_mark.text = t("offline") if self.offline else ""
        manager_side = getattr(self.screen, "manager_screen", False)
        self.mode_button.text = t("sale") if manager_side else t("manager")
        show_mode = self.is_manager() and name != "login"
        self.mode_button.opacity = 1 if show_mode else 0
        self.mode_button.disabled = not show_mode
        show_stations = self.staff is not None and name != "stations"
        self.stations_button.opacity = 1 if show_stations else 0
        self.stations_button.disabled = not show_stations
        self.logout_button.opacity = 1 if self.staff else 0
        self.logout_button.disabled = self.staff is None

    def toggle_mode(self) -> None:
        if getattr(self.screen, "manager_screen", False):
            self.go("receipt")
        else:
            self.go("manager")

    def logged_in(self, staff: StaffLogin) -> None:
        self.staff = staff
        self.use_language(staff_language(staff.code))  # their own, else the site's
        current = open_shift_of()
        self.shift = current.id if current else None
        self.go("receipt")

    def shift_opened(self, shift_id: str) -> None:
        self.shift = shift_id
        self.go("receipt")

    def shift_closed(self) -> None:
        self.shift = None

    def ask_logout(self) -> None:
        """The header's Log out: with a receipt open, park it or void it (asked first)."""
        receipt = self.screens.get_screen("receipt")
        if self.staff is None or receipt.cart.empty:
            self.logout()
            return
        ask(self.screen, t("logout_open", lines=len(receipt.cart.lines), total=receipt.total),
            [(t("logout_park"), lambda: self.logout("park"), theme.ACCENT),
             (t("logout_void"), lambda: self.logout("void"), theme.BAD)],
            t("confirm_keep"), font_size=self.screen.fs())

    def logout(self, open_receipt: str = "park") -> None:
        """Log out. A receipt still open is never dropped: it is parked for its cashier
        (`open_receipt="park"`, also what an unasked logout does) or voided, the void noted;
        a park that is refused (the shift closed meanwhile) voids it."""
        receipt = self.screens.get_screen("receipt")
        if self.staff is not None and not receipt.cart.empty and (
                open_receipt != "park" or not receipt.park(reason="logout")):
            receipt.void()
        self.staff = None
        receipt.reset()
        self.use_language(None)  # the login screen speaks the site's language
        self.go("login")

    def handle_scan(self, scanned: str) -> None:
        """A scan from the scanner thread (on the UI thread now): the screen shown takes it."""
        self.screen.on_scan(scanned)

    # --- other processes and devices -------------------------------------------------------------

    def external_change(self) -> None:
        """The sync process committed: new definitions, balances or campaigns may show."""
        self.update_header()
        self.screen.refresh()

    def print_document(self, document: Any, drawer: bool = False) -> str | None:
        """Print; a failure is said on screen (the sale is recorded already)."""
        try:
            return self.printer.print(document, drawer=drawer)
        except PrintFailed:
            self.screen.say(t("print_failed", printer=self.printer.spec))
            return None
