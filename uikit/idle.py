"""The idle timer: no touch for `seconds` → `on_idle()` (the kiosk logs out)."""

from __future__ import annotations

import time
from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window


class IdleTimer:
    """Counts from the last touch (or `poke()`); checks once a second on the Kivy clock.

    `now` is injectable so tests move time instead of waiting. The timer only fires while
    `armed` (the kiosk arms it when a member logs in or leaves the attract screen).
    """

    def __init__(self, seconds: float, on_idle: Callable[[], None],
                 now: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.on_idle = on_idle
        self.now = now
        self.armed = False
        self.last_activity = now()
        Window.bind(on_touch_down=self._touched, on_key_down=self._touched)
        self._event = Clock.schedule_interval(self._tick, 1.0)

    def _tick(self, _dt: float) -> None:
        self.check()  # not returned: an interval callback returning False is unscheduled

    def _touched(self, *_args) -> None:
        self.poke()

    def poke(self) -> None:
        self.last_activity = self.now()

    def arm(self) -> None:
        self.armed = True
        self.poke()

    def disarm(self) -> None:
        self.armed = False

    def idle_for(self) -> float:
        return self.now() - self.last_activity

    def check(self) -> bool:
        """Fire `on_idle` (once) when armed and idle long enough; True when it fired."""
        if self.armed and self.seconds > 0 and self.idle_for() >= self.seconds:
            self.armed = False
            self.on_idle()
            return True
        return False

    def stop(self) -> None:
        self._event.cancel()
        Window.unbind(on_touch_down=self._touched, on_key_down=self._touched)
