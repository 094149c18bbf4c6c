"""Manager mode: the campaign list with states and types, and the way to every manager tool."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from counter.names import campaign_state_name, campaign_type_name
from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.campaigns.types import CAMPAIGN_TYPES
from engine.errors import PlaydeskError
from engine.sales.scan import strip_campaign_barcode
from engine.sitefile.campaign_admin import list_campaigns
from engine.sitefile.campaign_form import set_campaign_state
from uikit import theme
from uikit.confirm import ask
from uikit.screen import load_kv

STATE_COLORS = {"active": theme.GOOD, "inactive": theme.MUTED, "expired": theme.WARN,
                "scheduled": theme.ACCENT, "deleted": theme.BAD}

load_kv(__file__)


class ManagerScreen(CounterScreen):
    screen_name = "manager"
    manager_screen = True

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        for kind in CAMPAIGN_TYPES:  # the types do not change while the app runs: buttons made once
            button = self.button(t("new_campaign", type=campaign_type_name(kind)),
                                 lambda k=kind: self.app.go("campaign_form", campaign_type=k),
                                 color=theme.ACCENT, height=theme.MIN_TARGET,
                                 font_size=self.fs("small"))
            self.bind(fs_small=button.setter("font_size"))
            self.ids.new_campaign.add_widget(button)

    def fill(self, message: str = "", good: bool = True, code: str | None = None) -> None:
        if not self.app.is_manager():
            self.app.go("receipt", message=t("needs_manager"))
            return
        view, box = self.ids.scroller, self.ids.listing
        box.clear_widgets()
        view.scroll_y = 1
        shown = None
        for campaign in list_campaigns(self.app.now()):
            row = self.campaign_row(campaign)
            if campaign["code"] == code:
                shown = row
            box.add_widget(row)
        if shown is not None:  # the campaign just changed stays in sight
            Clock.schedule_once(lambda _dt: view.scroll_to(shown, animate=False), 0)
        if message:
            self.say(message, theme.GOOD if good else theme.BAD)

    def campaign_row(self, campaign: dict) -> BoxLayout:
        code, state = campaign["code"], campaign["state"]
        text = f"[b]{campaign['name']}[/b]\n{t('campaign_row', code=code, type=campaign_type_name(campaign['type']), state=campaign_state_name(state))}"
        label = self.label(text, size_hint_y=1)
        label.color = STATE_COLORS.get(state, theme.TEXT) if state != "active" else theme.TEXT
        widgets = [label]
        small = {"size_hint_x": None, "width": 136, "height": theme.MIN_TARGET,
                 "font_size": self.fs("small")}
        widgets.append(self.button(t("edit"), lambda: self.app.go("campaign_form", code=code),
                                   color=theme.PANEL, **small))
        if campaign["active"]:
            widgets.append(self.button(t("deactivate"), lambda: self.change(code, "deactivate"),
                                       color=theme.WARN, **small))
        else:
            widgets.append(self.button(t("activate"), lambda: self.change(code, "activate"),
                                       color=theme.GOOD, **small))
        extra = []
        if campaign["type"] == "couponing":
            extra.append(("coupons", lambda: self.app.go("coupons", code=code)))
        if campaign["type"] == "packages":
            extra.append(("purchases", lambda: self.app.go("purchases", code=code)))
        elif campaign["type"] != "category":
            extra.append(("entries", lambda: self.app.go("entries", code=code)))
        for key, action in extra:
            widgets.append(self.button(t(key), action, color=theme.PANEL, **small))
        widgets.append(self.button(t("delete"), lambda: self.ask_delete(code),
                                   color=theme.BAD, **small))
        for widget in widgets[1:]:
            widget.campaign_code = code  # which row a button acts on (tests find it by this)
        return self.row(*widgets, height=max(theme.MIN_TARGET, self.fs() * 3))

    def ask_delete(self, code: str) -> None:
        ask(self, t("delete_confirm", code=code),
            [(t("delete_yes"), lambda: self.change(code, "delete"), theme.BAD)],
            t("confirm_keep"), font_size=self.fs())

    def change(self, code: str, action: str) -> None:
        try:
            result = set_campaign_state(code, action, self.app.now(), self.app.staff.code)
        except PlaydeskError as error:
            self.show(message=t("refused", reason=self.app.refusal(error)), good=False, code=code)
            return
        self.show(message=t("state_changed", code=code, state=campaign_state_name(result["state"])),
                  code=code)

    def on_scan(self, scanned: str) -> None:
        """A campaign's code or barcode brings its row into sight; anything else is a sale."""
        code = strip_campaign_barcode(scanned)
        if code is not None:
            self.show(code=code)
        else:
            super().on_scan(scanned)
