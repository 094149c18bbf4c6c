"""The plumbing under both touch apps (kiosk and counter): the engine clock, the site's name and
money, the scanner thread handed over to the UI thread, the printer, and the watch on commits of
the sync process. Screens, session and header stay with each app; the frame gives both the same
notice banner (the kiosk's logout countdown) and status bar (printer, scanner, sync).
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.uix.widget import Widget

from engine.clock import Clock as EngineClock
from engine.db import database
from engine.i18n.catalogs import LANGUAGES, SOURCE_LANGUAGE
from engine.i18n.formats import Formats, display_locale, formats, language_of
from engine.ops.clockcheck import device_clock_warning
from engine.settings import site_identity, sync_online
from hardware.scanners.base import ScanStream
from uikit import theme, words
from uikit.devices import Printer, open_scanner, scanner_state
from uikit.scanbridge import ScanBridge
from uikit.statusbar import StatusBar, printer_badge, scanner_badge, sync_badge
from uikit.texts import Texts
from uikit.watcher import DataVersionWatcher
from uikit.widgets import Panel, TextLabel


class LazyScreens(ScreenManager):
    """The app's screens, each made the first time it is asked for: starting the app, and a
    language switch (which makes them all again), build the one screen shown, not twenty."""

    def __init__(self, makers: dict[str, Callable[[], Widget]], **kwargs) -> None:
        self.makers = dict(makers)
        super().__init__(**kwargs)

    def get_screen(self, name: str):
        maker = self.makers.pop(name, None)
        if maker is not None:
            self.add_widget(maker())
        return super().get_screen(name)

    def has_screen(self, name: str) -> bool:
        return name in self.makers or super().has_screen(name)


class DeviceApp(App):
    """A playdesk touch app. Subclasses set `text` (their texts catalogue) and implement
    `handle_scan(text)` (a scan, on the UI thread) and `external_change()` (another process
    committed); they call `start_devices()` when their first screen is up."""

    text: Callable[..., str]
    catalogue: Texts  # the app's own texts; the status bar's follow the same language

    def __init__(self, clock: EngineClock, location: str | None, printer: Printer | None,
                 scanner: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.location = location
        self.printer = printer or Printer("none")
        self.scanner_spec = scanner
        self.scanner = None
        self.watcher: DataVersionWatcher | None = None
        self.scans = ScanStream()
        self.stop_scans = threading.Event()
        site = site_identity()
        self.site_name = site.name
        self.site_locale, self.site_currency = site.locale, site.currency
        self.site_digits = site.minor_digits  # what the stored amounts mean
        self.site_language = language_of(site.locale)
        self.language = ""
        self.formats: Formats = formats(site.locale, site.currency, site.minor_digits)
        self.use_language(None)
        self.sync_state = sync_online()  # re-read only when another process commits
        self.offline = self.sync_state is False
        self.clock_banner: TextLabel | None = None
        self.notice_banner: TextLabel | None = None
        self.status_bar: StatusBar | None = None
        self.printer_seen = (self.printer.state, self.printer.waiting)

    def now(self) -> dt.datetime:
        return self.clock.now()

    def money(self, amount: int) -> str:
        return self.formats.money(amount)

    def minutes(self, amount: int) -> str:
        return self.formats.minutes(amount, self.text("hours"), self.text("minutes"))

    def date(self, value: dt.date) -> str:
        return self.formats.date(value)

    def time_text(self, value: dt.datetime | dt.time) -> str:
        return self.formats.time(value)

    def datetime_text(self, value: dt.datetime) -> str:
        return self.formats.datetime(value)

    def refusal(self, error: BaseException) -> str:
        """An engine refusal in the language shown."""
        return self.catalogue.refusal(error)

    # --- language ------------------------------------------------------------------------

    @property
    def display_locale(self) -> str:
        """The locale money and dates are written in: the site's, or the language in use in
        the site's country (a Turkish member at a Berlin kiosk reads 12,50 € in Turkish)."""
        return display_locale(self.site_locale, self.language)

    def use_language(self, language: str | None) -> bool:
        """Speak `language` from now on (None: the site's): every text, money and date. The
        screens are built again so that no word stays in the old language; the caller shows
        the screen it wants next. False when it is the language already."""
        language = (language or self.site_language).split("_")[0]
        if language not in LANGUAGES:  # a site in a locale without words: English words
            language = SOURCE_LANGUAGE
        if language == self.language:
            return False
        self.language = language
        self.catalogue.use(language)
        words.use(language)
        self.formats = formats(self.display_locale, self.site_currency, self.site_digits)
        if self.root is not None:
            self._rebuild()
        return True

    def _rebuild(self) -> None:
        # the collector paused while hundreds of widgets are made: a full collection over the
        # old and new trees in the middle would double the wait; it runs once, after
        gc.disable()
        try:
            shown = self.screens.current_screen if self.root is not None else None
            if shown is not None:
                shown.dispatch("on_leave")  # its timers stop, as when another screen shows
            old = self.root
            Window.remove_widget(old)
            self.root = self.build()
            Window.add_widget(self.root)
        finally:
            gc.enable()

    def frame(self, header: list[Widget], screen_classes: list[type]) -> BoxLayout:
        """The window: a header bar of `header` widgets over one screen at a time (a screen per
        class, made with this app)."""
        Window.clearcolor = theme.BACKGROUND
        root = BoxLayout(orientation="vertical")
        self.header = Panel(orientation="horizontal", size_hint_y=None, height=theme.HEADER_HEIGHT,
                            padding=(12, 4), spacing=10)
        for widget in header:
            self.header.add_widget(widget)
        root.add_widget(self.header)
        # empty (no height) unless this device's clock is far from the other devices'
        self.clock_banner = TextLabel("", font_size=20, color=theme.BAD, halign="center",
                                      bold=True)
        root.add_widget(self.clock_banner)
        self.show_clock_warning()
        # empty (no height) unless the app has something to say over every screen
        self.notice_banner = TextLabel("", font_size=22, color=theme.BACKGROUND, halign="center",
                                       bold=True)
        notice = Panel(orientation="vertical", size_hint_y=None, height=0,
                       background=list(theme.WARN))
        notice.add_widget(self.notice_banner)
        self.notice_banner.bind(height=notice.setter("height"))
        root.add_widget(notice)
        self.screens = LazyScreens({cls.screen_name: (lambda cls=cls: cls(self))
                                    for cls in screen_classes}, transition=NoTransition())
        root.add_widget(self.screens)
        self.status_bar = StatusBar()
        root.add_widget(self.status_bar)
        self.show_device_status()
        return root

    def start_devices(self) -> None:
        self.watcher = DataVersionWatcher(database, self._committed_elsewhere)
        bridge = ScanBridge(self.handle_scan)
        self.scans.consume(lambda scan: bridge.push(scan.text), self.stop_scans)
        self.scanner = open_scanner(self.scanner_spec, self.scans)
        # the printer's worker says what it sees on its own thread: handed to the UI thread
        self.printer.on_change = lambda: Clock.schedule_once(lambda _dt: self.show_device_status())
        self.printer.start()
        self._status_event = Clock.schedule_interval(lambda _dt: self.show_device_status(), 1.0)
        Window.bind(on_resize=self._resized)  # the bar's room depends on the window's height
        self.show_device_status()

    def _resized(self, *_args) -> None:
        self.show_device_status()

    def say_notice(self, text: str) -> None:
        """A line over every screen (empty: none)."""
        if self.notice_banner is not None and self.notice_banner.text != text:
            self.notice_banner.text = text

    def show_device_status(self) -> None:
        """The status bar from the devices and the sync state; `printer_changed()` when the
        printer's state or its waiting jobs changed since last time."""
        if self.status_bar is None:
            return
        printer = self.printer
        self.status_bar.show(printer_badge(printer.state, printer.waiting),
                             scanner_badge(scanner_state(self.scanner_spec, self.scanner)),
                             sync_badge(self.sync_state), window_height=Window.height)
        seen = (printer.state, printer.waiting)
        if seen != self.printer_seen:
            self.printer_seen = seen
            self.printer_changed()

    def printer_changed(self) -> None:
        """The printer's state changed: the screen shown redraws what depends on it (the
        kiosk's "your slip is printing", the counter's waiting slips)."""
        changed = getattr(self.screens.current_screen, "printer_changed", None)
        if changed is not None:
            changed()

    def on_stop(self) -> None:
        if getattr(self, "_status_event", None) is not None:
            self._status_event.cancel()
        self.printer.on_change = None
        Window.unbind(on_resize=self._resized)
        self.stop_scans.set()
        if self.scanner is not None:
            self.scanner.stop()
        self.printer.stop()
        if self.watcher is not None:
            self.watcher.stop()

    def show_clock_warning(self) -> None:
        """The engine decides whether the clock is off (engine.ops.clockcheck); shown here."""
        warning = device_clock_warning(self.now())
        if self.clock_banner is not None:
            self.clock_banner.text = self.text("clock_warning", warning=warning) if warning else ""

    def _committed_elsewhere(self) -> None:
        self.sync_state = sync_online()
        self.offline = self.sync_state is False
        self.show_device_status()
        self.show_clock_warning()  # the sync process noted other devices' clocks
        self.external_change()

    def handle_scan(self, scanned: str) -> None:
        raise NotImplementedError

    def external_change(self) -> None:
        raise NotImplementedError
