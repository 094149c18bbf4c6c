"""Feedback you can feel on every scan (issue 18 item 6): a short sound and a colour flash
around the window, green when the scan was accepted, red when it was refused.

The apps call `scan_feedback(accepted)` where a scan's outcome is known. The flash (~200 ms)
always shows; the sound plays unless the site's setting `scan_sounds` is false. A device without
audio (no sound card, no SDL audio driver) logs that once and goes on silently: a scan never
fails for a sound. `feedback().played` and `.flashes` say what was requested (tests read them).
"""

from __future__ import annotations

import logging

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics import Color, Line, Rectangle
from kivy.uix.widget import Widget

from engine.settings import setting
from uikit import sounds, theme

log = logging.getLogger(__name__)

ACCEPTED, REFUSED = "accepted", "refused"
FLASH_SECONDS = 0.2
BORDER = 10  # px of colour round the window
FILES = {ACCEPTED: sounds.ACCEPTED, REFUSED: sounds.REFUSED}
COLORS = {ACCEPTED: theme.GOOD, REFUSED: theme.BAD}


class Flash(Widget):
    """A frame of colour over the whole window (touches pass through it)."""

    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        self.kind = ""
        with self.canvas:
            self.tint = Color(0, 0, 0, 0)
            self.fill = Rectangle()
            self.color = Color(0, 0, 0, 0)
            self.frame = Line(width=BORDER / 2)
        Window.bind(size=self._fit)
        self._fit()

    def _fit(self, *_args) -> None:
        self.pos, self.size = (0, 0), Window.size
        half = BORDER / 2
        self.fill.pos, self.fill.size = (0, 0), Window.size
        self.frame.rectangle = (half, half, Window.width - BORDER, Window.height - BORDER)

    def show(self, kind: str) -> None:
        self.kind = kind
        self.color.rgba = COLORS[kind]
        self.tint.rgba = (*COLORS[kind][:3], 0.12)

    def on_touch_down(self, touch) -> bool:
        return False

    def on_touch_move(self, touch) -> bool:
        return False

    def on_touch_up(self, touch) -> bool:
        return False


class ScanFeedback:
    """The process's sounds (loaded once) and flash (one widget, reused)."""

    def __init__(self) -> None:
        self.played: list[str] = []  # sounds requested, in order
        self.flashes: list[str] = []  # flashes shown, in order
        self.flash_widget: Flash | None = None
        self._sounds: dict[str, object] = {}
        self._hide = None
        self._audio_failed = False

    def scan(self, accepted: bool) -> None:
        kind = ACCEPTED if accepted else REFUSED
        self.flash(kind)
        if setting("scan_sounds", True) is not False:
            self.play(kind)

    # --- flash --------------------------------------------------------------------------------

    def flash(self, kind: str) -> None:
        if self.flash_widget is None:
            self.flash_widget = Flash()
        widget = self.flash_widget
        widget.show(kind)
        if widget.parent is not None:
            widget.parent.remove_widget(widget)
        Window.add_widget(widget)  # on top of everything, the on-screen keyboard too
        self.flashes.append(kind)
        if self._hide is not None:
            self._hide.cancel()
        self._hide = Clock.schedule_once(lambda _dt: self.unflash(), FLASH_SECONDS)

    def unflash(self) -> None:
        widget = self.flash_widget
        if widget is not None and widget.parent is not None:
            widget.parent.remove_widget(widget)

    @property
    def flashing(self) -> str:
        """The colour shown now ("" when none)."""
        widget = self.flash_widget
        return widget.kind if widget is not None and widget.parent is not None else ""

    # --- sound --------------------------------------------------------------------------------

    def play(self, kind: str) -> None:
        self.played.append(kind)
        sound = self._sound(kind)
        if sound is None:
            return
        try:
            sound.stop()  # a scan right after another starts its sound again
            sound.play()
        except Exception as error:  # noqa: BLE001  (any audio back end's failure: stay silent)
            self._no_audio(error)

    def _sound(self, kind: str):
        if self._audio_failed:
            return None
        if kind not in self._sounds:
            try:
                from kivy.core.audio import SoundLoader

                self._sounds[kind] = SoundLoader.load(str(FILES[kind]))
            except Exception as error:  # noqa: BLE001
                self._no_audio(error)
                return None
            if self._sounds[kind] is None:
                self._no_audio("no audio provider could load it")
        return self._sounds.get(kind)

    def _no_audio(self, error) -> None:
        if not self._audio_failed:
            log.warning("scan sounds off: no audio on this device (%s)", error)
        self._audio_failed = True


_FEEDBACK: ScanFeedback | None = None


def feedback() -> ScanFeedback:
    global _FEEDBACK
    if _FEEDBACK is None:
        _FEEDBACK = ScanFeedback()
    return _FEEDBACK


def scan_feedback(accepted: bool) -> None:
    """A scan was accepted (a high beep, green) or refused (two low beeps, red)."""
    feedback().scan(accepted)
