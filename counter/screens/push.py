"""Pushing changes: every manager change is already a journal event; the sync process publishes
them. This screen shows what is not published yet and publishes it now when a broker is set."""

from __future__ import annotations

import threading

from kivy.clock import Clock
from kivy.properties import NumericProperty

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.sync.push import broker_known, publish_now, unpublished_count
from uikit.screen import load_kv

load_kv(__file__)


class PushScreen(CounterScreen):
    screen_name = "push"
    manager_screen = True

    waiting = NumericProperty(0)  # events not published yet (push.kv says how many)

    def fill(self, message: str = "") -> None:
        self.waiting = unpublished_count()
        self.say(message)

    def publish(self) -> None:
        if not broker_known():
            self.say(t("push_no_broker"))
            return
        threading.Thread(target=self._publish, daemon=True).start()

    def _publish(self) -> None:
        try:
            text = t("push_none") if publish_now(timeout=5) else t("push_not_acked")
        except Exception as error:  # a broker problem is shown, never a crash
            text = t("push_failed", reason=self.app.refusal(error))
        Clock.schedule_once(lambda _dt: self.show(message=text), 0)
