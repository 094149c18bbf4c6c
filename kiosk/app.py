"""The kiosk app: a header (site, member, offline mark, log out) over one screen at a time.

It holds the session (who is logged in, and how: a card login types the PIN again before a
wallet purchase), turns scans into logins, logs out after `kiosk_idle_seconds` without a touch
(the last `kiosk_idle_warning_seconds` counted down over the screen: a touch stays), logs out
`kiosk_done_seconds` after a purchase's done screen, and redraws when the sync process commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from engine.clock import Clock as EngineClock
from engine.documents.types import in_locale
from engine.errors import PlaydeskError
from engine.i18n.catalogs import LANGUAGE_NAMES, LANGUAGES
from engine.people.languages import member_language, remember_member_language
from engine.people.logins import Login, LoginRefused, login_by_card, login_by_pin
from engine.settings import setting
from kiosk.refusals import refusal_text
from kiosk.screens.attract import AttractScreen
from kiosk.screens.confirm import ConfirmScreen
from kiosk.screens.done import KioskDoneScreen
from kiosk.screens.history import KioskHistoryScreen
from kiosk.screens.home import HomeScreen
from kiosk.screens.login import KioskLoginScreen
from kiosk.screens.packages import KioskPackagesScreen
from kiosk.screens.wallet_pin import WalletPinScreen
from kiosk.texts import catalogue as texts_catalogue
from kiosk.texts import text as t
from uikit import theme
from uikit.app import DeviceApp
from uikit.confirm import ask
from uikit.devices import Printer, PrintFailed
from uikit.feedback import scan_feedback
from uikit.idle import IdleTimer
from uikit.widgets import BigButton, TextLabel

log = logging.getLogger("kiosk")

DEFAULT_IDLE_SECONDS = 60
DEFAULT_IDLE_WARNING_SECONDS = 10
DEFAULT_DONE_SECONDS = 8
# screens shown again as they were after a language change (the others hold a purchase)
REBUILT_SCREENS = ("attract", "login", "home", "packages", "history")
SCREENS = (AttractScreen, KioskLoginScreen, HomeScreen, KioskPackagesScreen, ConfirmScreen,
           WalletPinScreen, KioskDoneScreen, KioskHistoryScreen)


class KioskApp(DeviceApp):
    title = "playdesk kiosk"
    text = staticmethod(t)
    catalogue = texts_catalogue

    def __init__(self, clock: EngineClock, location: str | None = None,
                 printer: Printer | None = None, scanner: str = "none",
                 idle_now: Callable[[], float] | None = None, **kwargs) -> None:
        super().__init__(clock, location, printer, scanner, **kwargs)
        self.idle_now = idle_now
        self.member: str | None = None
        self.member_name = ""
        self.login_method = ""  # card | pin: how the member logged in
        self.printed: dict[str, tuple[bool, str | None]] = {}  # key → (sent, spool job)
        self.chosen_language: str | None = None  # tapped before logging in, this visit

    # --- building ---------------------------------------------------------------------------

    def build(self):
        self.header_title = TextLabel(self.site_name, font_size=22, bold=True, size_hint_y=1)
        self.offline_mark = TextLabel("", font_size=20, color=theme.WARN, halign="right",
                                      size_hint_y=1, size_hint_x=None, width=130)
        self.logout_button = BigButton(t("log_out"), color_rgba=theme.BAD, height=48,
                                       font_size=20, size_hint_x=None, width=150)
        self.logout_button.bind(on_release=lambda _b: self.logout())
        # the language button names the language in use in its own words (a visitor who does
        # not read the site's language still finds theirs)
        self.language_button = BigButton(LANGUAGE_NAMES[self.language], color_rgba=theme.ACCENT,
                                         height=48, font_size=20, size_hint_x=None, width=150)
        self.language_button.bind(on_release=lambda _b: self.ask_language())
        return self.frame([self.header_title, self.offline_mark, self.language_button,
                           self.logout_button], SCREENS)

    def on_start(self) -> None:
        timing = {"now": self.idle_now} if self.idle_now else {}
        self.idle = IdleTimer(setting("kiosk_idle_seconds", DEFAULT_IDLE_SECONDS),
                              self.idle_logout, on_countdown=self.show_countdown, **timing)
        self.read_idle_settings()
        self.start_devices()
        self.go("attract")

    def on_stop(self) -> None:
        super().on_stop()
        self.idle.stop()

    # --- navigation and session ----------------------------------------------------------------

    def go(self, name: str, **kwargs) -> None:
        if name not in ("attract", "login") and self.member is None:
            name, kwargs = "attract", {}
        screen = self.screens.get_screen(name)
        screen.show(**kwargs)
        self.screens.current = name
        self.update_header()

    @property
    def screen(self):
        return self.screens.current_screen

    def update_header(self) -> None:
        self.header_title.text = (t("hello", name=self.member_name) if self.member
                                  else self.site_name)
        self.offline_mark.text = t("offline") if self.offline else ""
        self.logout_button.opacity = 1 if self.member else 0
        self.logout_button.disabled = self.member is None

    def start_pin_login(self) -> None:
        self.idle.arm()  # a half-typed code is cleared too
        self.go("login")

    def logged_in(self, login: Login) -> None:
        self.member, self.member_name = login.member, login.name
        self.login_method = login.method
        self.idle.arm()
        remembered = member_language(login.member)
        chosen, self.chosen_language = self.chosen_language, None
        if remembered is None and chosen is not None:
            self.remember_language(chosen)  # tapped before logging in, this visit: theirs now
        # a member who follows another at the kiosk gets their own (or the site's), never the
        # language the one before them chose
        self.use_language(remembered or chosen)
        self.go("home")

    def logout(self, message: str = "") -> None:
        self.member, self.member_name, self.login_method = None, "", ""
        self.chosen_language = None
        self.idle.disarm()
        self.use_language(None)  # the next visitor is greeted in the site's language
        self.go("attract", message=message)

    # --- language ----------------------------------------------------------------------------

    def ask_language(self) -> None:
        """The language button: the languages, each in its own words."""
        self.idle.poke()
        choices = [(LANGUAGE_NAMES[code], lambda code=code: self.choose_language(code),
                    theme.ACCENT if code == self.language else theme.PANEL)
                   for code in LANGUAGES]
        ask(self.screen, t("language_question"), choices, t("back"),
            font_size=self.screen.fs_large)

    def choose_language(self, language: str) -> None:
        """Speak `language` from now on; a logged-in member's choice is remembered for their
        next visit, on every kiosk."""
        if self.member is not None:
            self.remember_language(language)
        else:
            # a visitor's choice: theirs at the login that follows; a passer-by's lapses with
            # the idle logout, so the next visitor is greeted in the site's language
            self.chosen_language = language
            self.idle.arm()
        current = self.screens.current
        if self.use_language(language):
            if current not in REBUILT_SCREENS:
                self.stay()  # the done screen's quick logout does not follow to home
            # a screen in the middle of a purchase starts again from home, in the new words
            self.go(current if current in REBUILT_SCREENS else "home")

    def remember_language(self, language: str) -> None:
        try:
            remember_member_language(self.member, language, self.now())
        except PlaydeskError as error:  # the choice still applies to this visit
            log.warning("language choice not remembered: %s", error)

    def read_idle_settings(self) -> None:
        self.idle.seconds = setting("kiosk_idle_seconds", DEFAULT_IDLE_SECONDS)
        self.idle.warning_seconds = setting("kiosk_idle_warning_seconds",
                                            DEFAULT_IDLE_WARNING_SECONDS)
        self.done_seconds = setting("kiosk_done_seconds", DEFAULT_DONE_SECONDS)

    def purchase_done(self) -> None:
        """A done screen is up: log out after `kiosk_done_seconds` unless touched."""
        self.idle.hurry(self.done_seconds)

    def stay(self) -> None:
        """Buy more: the normal idle time again."""
        self.idle.calm()

    def show_countdown(self, left: int | None) -> None:
        if left is None:
            self.say_notice("")
        elif self.idle.hurried is not None:
            self.say_notice(t("done_logout_countdown", seconds=left))
        else:
            self.say_notice(t("idle_countdown", seconds=left))

    def idle_logout(self) -> None:
        log.info("idle for %s s: logging out", self.idle.seconds)
        self.logout()

    def handle_scan(self, scanned: str) -> None:
        """A card scan logs in (or switches to) that member, from any screen."""
        self.idle.poke()
        try:
            login = login_by_card(scanned, self.now(), location=self.location)
        except LoginRefused as error:
            scan_feedback(False)
            self.refused(error)
            return
        scan_feedback(True)
        if login.member != self.member:
            self.logged_in(login)
        else:
            self.login_method = "card"  # the card in hand now: no typed PIN vouches for it

    def login_with_pin(self, identifier: str, pin: str) -> None:
        try:
            login = login_by_pin(identifier, pin, self.now(), location=self.location)
        except LoginRefused as error:
            self.refused(error)
            return
        self.logged_in(login)

    def refused(self, error: LoginRefused) -> None:
        message = refusal_text(error, self.formats)
        if self.screens.current == "login":
            self.screen.refused(message)
        elif self.member is None:
            self.go("attract", message=message)
        else:
            self.screen.say(message)

    # --- other processes and devices -------------------------------------------------------------

    def external_change(self) -> None:
        """The sync process committed: new settings, balances or campaigns may show."""
        self.read_idle_settings()
        self.update_header()
        if self.screens.current in ("home", "attract"):
            self.screen.refresh()

    def print_once(self, key: str, make_document: Callable[[], Any]) -> bool:
        """Print a document once per key (a redraw never prints twice); True when it is coming
        out, as far as the printer says: a printer offline, out of paper or missing keeps the
        job in its spool (it prints when the printer is back, or the counter reprints it)."""
        if key not in self.printed:
            try:
                # in the member's language (and their locale's formats), not the site's
                document = in_locale(make_document(), self.display_locale)
                went = self.printer.print(document) is not None
                self.printed[key] = (went, self.printer.last_job)
            except PrintFailed:
                self.printed[key] = (False, None)
        went, job = self.printed[key]
        return went and self.printer.coming_out(job)
