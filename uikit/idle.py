"""The idle timer: no touch for `seconds` → `on_idle()` (the kiosk logs out), with a countdown
for the last `warning_seconds` (`on_countdown(seconds_left)`, None when it is over) so a member
sees the logout coming and can touch to stay."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window

Countdown = Callable[[int | None], None]


class IdleTimer:
    """Counts from the last touch (or `poke()`); checks once a second on the Kivy clock.

    `now` is injectable so tests move time instead of waiting. The timer only fires while
    `armed` (the kiosk arms it when a member logs in or leaves the attract screen). `hurry(s)`
    makes the limit `s` seconds, every one of them counted down (the kiosk's done screen), until
    `calm()`.
    """

    def __init__(self, seconds: float, on_idle: Callable[[], None],
                 now: Callable[[], float] = time.monotonic, warning_seconds: float = 0,
                 on_countdown: Countdown | None = None) -> None:
        self.seconds = seconds
        self.warning_seconds = warning_seconds
        self.on_idle = on_idle
        self.on_countdown = on_countdown
        self.now = now
        self.armed = False
        self.hurried: float | None = None
        self.shown: int | None = None  # the countdown on screen now
        self.last_activity = now()
        Window.bind(on_touch_down=self._touched, on_key_down=self._touched)
        self._event = Clock.schedule_interval(self._tick, 1.0)

    def _tick(self, _dt: float) -> None:
        self.check()  # not returned: an interval callback returning False is unscheduled

    def _touched(self, *_args) -> None:
        self.poke()

    @property
    def limit(self) -> float:
        return self.seconds if self.hurried is None else self.hurried

    def poke(self) -> None:
        self.last_activity = self.now()
        self._show_countdown()  # a touch takes the warning away at once

    def arm(self) -> None:
        self.armed = True
        self.poke()

    def disarm(self) -> None:
        self.armed = False
        self.hurried = None
        self._show(None)

    def hurry(self, seconds: float) -> None:
        self.hurried = seconds
        self.poke()

    def calm(self) -> None:
        self.hurried = None
        self._show_countdown()

    def idle_for(self) -> float:
        return self.now() - self.last_activity

    def seconds_left(self) -> int | None:
        """The countdown to show (whole seconds, rounded up), None outside the warning."""
        if not self.armed or self.limit <= 0:
            return None
        left = self.limit - self.idle_for()
        warning = self.limit if self.hurried is not None else self.warning_seconds
        return max(0, math.ceil(left)) if left <= warning else None

    def check(self) -> bool:
        """Fire `on_idle` (once) when armed and idle long enough; True when it fired."""
        if self.armed and self.limit > 0 and self.idle_for() >= self.limit:
            self.armed = False
            self.hurried = None
            self._show(None)
            self.on_idle()
            return True
        self._show_countdown()
        return False

    def _show_countdown(self) -> None:
        self._show(self.seconds_left())

    def _show(self, left: int | None) -> None:
        if left != self.shown:
            self.shown = left
            if self.on_countdown is not None:
                self.on_countdown(left)

    def stop(self) -> None:
        self._event.cancel()
        Window.unbind(on_touch_down=self._touched, on_key_down=self._touched)
