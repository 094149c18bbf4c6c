"""Pushing changes: every manager change is already a journal event; the sync process publishes
them. This screen shows what is not published yet and publishes it now when a broker is set."""

from __future__ import annotations

import threading

from kivy.clock import Clock
from peewee import fn

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.ids import device_id
from engine.models import Event, LocalState
from uikit import theme


def unpublished() -> int:
    from engine.sync.outbox import PUBLISHED

    last = Event.select(fn.MAX(Event.seq)).where(Event.device == device_id()).scalar() or 0
    row = LocalState.get_or_none(LocalState.key == PUBLISHED)
    return max(last - (int(row.value) if row else 0), 0)


class PushScreen(CounterScreen):
    screen_name = "push"
    manager_screen = True

    def build(self, message: str = "") -> None:
        self.body.add_widget(self.title_row(t("push"), back=lambda: self.app.go("manager")))
        waiting = unpublished()
        self.body.add_widget(self.label(t("push_done", events=waiting) if waiting
                                        else t("push_none"), "large"))
        self.body.add_widget(self.message)
        self.body.add_widget(self.button(t("push"), self.publish, color=theme.GOOD))
        if message:
            self.say(message)

    def publish(self) -> None:
        from engine.sync.main import stored_config

        stored = stored_config()
        if not stored or not stored.get("host"):
            self.say(t("push_no_broker"))
            return
        threading.Thread(target=self._publish, daemon=True).start()

    def _publish(self) -> None:
        import argparse

        from engine.sync.main import resolve_config
        from engine.sync.push import publish_outbox

        try:
            empty = argparse.Namespace(site=None, kind=None, username=None, password=None,
                                       password_file=None, tls_ca=None, tls_cert=None,
                                       tls_key=None, authority=None, broker=None)
            done = publish_outbox(resolve_config(empty), timeout=5)
            text = t("push_none") if done else t("push_not_acked")
        except Exception as error:  # a broker problem is shown, never a crash
            text = t("push_failed", reason=error)
        Clock.schedule_once(lambda _dt: self.show(message=text), 0)
