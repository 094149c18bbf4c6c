"""Home: wallet and play time (paid, bonus), the minutes of play those give per station group,
a running session (station, time left), what expires within 7 days, and the way to buy.

The screen every card scan lands on: its layout is home.kv, made once; a scan sets its properties
from one balance query and the session queries (new texts on the labels that exist, no layout
rebuilt). While it is shown it is filled again every REDRAW_SECONDS: a session's time left runs
down without anything committed here (the meter's charges arrive by sync, as commits, which
redraw it too), and a session stopped at a station leaves the banner at once.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import ColorProperty, ListProperty, StringProperty
from kivy.utils import escape_markup

from engine.entitlements import balance, expiring_lots
from engine.entitlements.balances import Split
from engine.sessions.member_session import MemberSession, member_session
from engine.sessions.queries import play_minutes
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.screen import load_kv

MAX_EXPIRING = 3
REDRAW_SECONDS = 15.0  # how often the time left is redrawn (the idle logout comes after 60 s)

load_kv(__file__)


def split_text(split: Split, fmt) -> str:
    """"Paid 50.00 €   Bonus 0.00 €" (and other credit, when there is some)."""
    parts = [f"{t('home_paid')} {fmt(split.paid)}", f"{t('home_bonus')} {fmt(split.bonus)}"]
    if split.other:
        parts.append(f"{t('home_other')} {fmt(split.other)}")
    return "   ".join(parts)


def play_lines(groups: list[dict], fmt) -> list[str]:
    """"Standard PCs: 1 h 35 min", one line per station group, PCs first (none on a site without
    stations)."""
    ordered = sorted(groups, key=lambda group: (group["device"] != "pc", group["name"]))
    return [t("home_play_group", name=escape_markup(group["name"]), minutes=fmt(group["minutes"]))
            for group in ordered]


def banner_text(banner: MemberSession, fmt) -> str:
    key = ("home_session_paused" if banner.paused
           else "home_session_warning" if banner.warning else "home_session_running")
    return t(key, station=escape_markup(banner.station_name), left=fmt(banner.left_minutes))


def banner_colors(banner: MemberSession | None) -> tuple[tuple, tuple]:
    """(background, text): green while it runs, orange with dark text (white on orange is hard
    to read) near the end, a plain panel while paused."""
    if banner is None or banner.paused:
        return theme.PANEL, theme.TEXT
    return (theme.WARN, theme.BACKGROUND) if banner.warning else (theme.GOOD, theme.TEXT)


class HomeScreen(KioskScreen):
    screen_name = "home"
    wallet_total = StringProperty("")
    wallet_split = StringProperty("")
    minutes_total = StringProperty("")
    minutes_split = StringProperty("")
    play = ListProperty()  # the lines of the minutes of play per station group
    session = StringProperty("")  # the running session's banner ("" when none)
    session_color = ColorProperty(theme.PANEL)
    session_text_color = ColorProperty(theme.TEXT)
    expiring = ListProperty()  # the lines of what expires soon

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self._redraw_event = None

    def fill(self) -> None:
        """The member's figures into the properties home.kv shows."""
        app = self.app
        at = app.now()
        totals = balance(app.member, at)
        self.wallet_total = app.money(totals.money.total)
        self.wallet_split = split_text(totals.money, app.money)
        self.minutes_total = app.minutes(totals.minutes.total)
        self.minutes_split = split_text(totals.minutes, app.minutes)
        self.play = play_lines(play_minutes(app.member, at), app.minutes)
        # most members: the same "nothing expires" as before, and an equal list changes nothing
        self.expiring = [t("home_expiring_line", amount=app.money(lot["remaining"])
                           if lot["kind"] == "money" else app.minutes(lot["remaining"]),
                           date=app.date(lot["expires_at"]))
                         for lot in expiring_lots(totals.lots, at)[:MAX_EXPIRING]]
        self.fill_session(at)

    def fill_session(self, at) -> None:
        """The banner of the member's open session at `at` (none for nobody logged in)."""
        app = self.app
        banner = member_session(app.member, at) if app.member else None
        self.session = "" if banner is None else banner_text(banner, app.minutes)
        self.session_color, self.session_text_color = banner_colors(banner)

    def refresh(self) -> None:
        self.fill()

    def on_enter(self, *_args) -> None:
        if self._redraw_event is None:
            self._redraw_event = Clock.schedule_interval(self._tick, REDRAW_SECONDS)

    def on_leave(self, *_args) -> None:
        if self._redraw_event is not None:
            self._redraw_event.cancel()
            self._redraw_event = None

    def _tick(self, _dt: float) -> None:
        if self.manager is None or self.manager.current != self.name or not self.app.member:
            self.on_leave()  # left without on_leave (a logout between frames): stop here
            return
        self.fill()  # a few ms; equal texts and lists change no widget
