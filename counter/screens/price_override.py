"""A line's new price, approved by a manager on the spot (issue 18 item 5): the cashier types
the new unit price and taps why; a manager types their PIN on the same keypad. The engine
checks the PIN and the role and records who, why, the old and the new price; the receipt line
then sells at the new price."""

from __future__ import annotations

from counter.screens.amount import AmountEntry
from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.errors import PlaydeskError
from engine.sales.overrides import approver_by_pin, listed_price, override_line
from uikit import theme
from uikit.screen import load_kv

REASONS = ("reason_damaged", "reason_price_match", "reason_goodwill", "reason_other")

load_kv(__file__)


class PriceOverrideScreen(CounterScreen):
    screen_name = "price_override"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.entry = AmountEntry(self.app.money, self.next_step, self.fs(),
                                 hint=t("override_price_hint"))
        self.ids.right.add_widget(self.entry, index=len(self.ids.right.children))  # on top
        self.reason: str | None = None
        self.reason_buttons = {}
        for key in REASONS:
            button = self.button(t(key), lambda k=key: self.pick_reason(k), color=theme.PANEL,
                                 height=theme.MIN_TARGET, font_size=self.fs("small"))
            self.reason_buttons[key] = button
            self.ids.reasons.add_widget(button)

    def fill(self, index: int) -> None:
        self.receipt = self.app.screens.get_screen("receipt")
        self.index = index
        line = self.receipt.cart.lines[index]
        money = self.app.money
        listed = listed_price(line.kind, line.code)
        current = line.unit_price if line.unit_price is not None else listed
        self.title = t("override_title", name=line.name)
        self.ids.line_info.text = t("override_line", listed=money(listed),
                                    current=money(current))
        self.new_price: int | None = None
        self.pick_reason(None)
        self._phase("price")

    def _phase(self, phase: str) -> None:
        """`price`: the cashier types the new price; `pin`: the manager their PIN."""
        self.phase = phase
        pin = phase == "pin"
        self.entry.set(None)
        self.entry.field.password = pin
        self.entry.field.hint_text = t("override_pin_hint" if pin else "override_price_hint")
        self.entry.shown.opacity = 0 if pin else 1  # a PIN is never shown as an amount
        self.ids.step_button.text = t("override_approve" if pin else "override_next")
        self.ids.reasons.disabled = pin
        self.scan_field = self.entry.field
        if pin:
            self.say(t("override_ask_pin", price=self.app.money(self.new_price or 0)),
                     theme.TEXT)

    def pick_reason(self, key: str | None) -> None:
        self.reason = key
        for name, button in self.reason_buttons.items():
            button.background_color = theme.ACCENT if name == key else theme.PANEL

    def next_step(self) -> None:
        if self.phase == "price":
            if self.entry.amount is None:
                self.say(t("override_need_price"))
                return
            if self.reason is None:
                self.say(t("till_need_reason"))
                return
            self.new_price = self.entry.amount
            self._phase("pin")
            return
        self.approve()

    def approve(self) -> None:
        pin = self.entry.field.text.strip()
        self.entry.set(None)
        line = self.receipt.cart.lines[self.index]
        try:
            manager = approver_by_pin(pin, self.app.now(), self.app.location)
            override_line(self.receipt.cart, self.index, self.new_price, t(self.reason),
                          self.app.staff.code, manager.code, self.app.now(), self.app.shift)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.app.go("receipt", message=t("override_done", name=line.name,
                                         price=self.app.money(self.new_price),
                                         manager=manager.name), good=True)

    def on_scan(self, scanned: str) -> None:
        """Digits from a keyboard wedge go into the field; nothing is added to the receipt."""
        if scanned.strip().isdigit():
            self.entry.field.text = scanned.strip()
