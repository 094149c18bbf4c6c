"""The entries (applications and coupon issues) a discount campaign wrote."""

from __future__ import annotations

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.sales.queries import entries
from uikit import theme
from uikit.screen import load_kv

LIMIT = 200

load_kv(__file__)


class EntriesScreen(CounterScreen):
    screen_name = "entries"
    manager_screen = True

    def fill(self, code: str) -> None:
        box = self.new_listing(t("entries_title", code=code))
        rows = entries(campaign=code)
        if not rows:
            box.add_widget(self.label(t("report_none"), color=theme.MUTED))
        for entry in rows[-LIMIT:]:
            lines = ", ".join(f"{a['line']}: {self.app.money(a['amount'])}"
                              for a in entry["allocations"])
            box.add_widget(self.label(
                f"#{entry['entry_no']} {entry['device']}  {self.app.datetime_text(entry['timestamp'])}  "
                f"{entry['origin_code']}  {entry['registration']}"
                f"{' ' + entry['registration_code'] if entry['registration_code'] else ''}  "
                f"{entry['process']}  {self.app.money(entry['reduce_amount'])}  [{lines}]",
                "small"))
