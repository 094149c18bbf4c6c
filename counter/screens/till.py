"""The till beyond the receipt (issue 18 item 5): the parked receipts to resume, cash in and
cash out with a reason, and "no sale" (the drawer opened, recorded). Every action is an engine
call; the drawer opens through the printer (a short slip with the drawer kick)."""

from __future__ import annotations

from counter.screens.amount import AmountEntry
from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.documents.drawer import drawer_slip
from engine.errors import PlaydeskError
from engine.sales.cash_moves import cash_moves_of, move_cash
from engine.sales.no_sale import record_no_sale
from engine.sales.park import parked_dict, parked_receipts, resume_receipt
from uikit import theme
from uikit.screen import load_kv

REASONS = ("reason_change", "reason_safe_drop", "reason_supplier", "reason_other")

load_kv(__file__)


class TillScreen(CounterScreen):
    screen_name = "till"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.entry = AmountEntry(self.app.money, lambda: None, self.fs(), hint=t("till_amount"))
        self.ids.right.add_widget(self.entry, index=len(self.ids.right.children))  # on top
        self.reason: str | None = None
        self.reason_buttons = {}
        for key in REASONS:
            button = self.button(t(key), lambda k=key: self.pick_reason(k), color=theme.PANEL,
                                 height=theme.MIN_TARGET, font_size=self.fs("small"))
            self.reason_buttons[key] = button
            self.ids.reasons.add_widget(button)

    def fill(self, message: str = "") -> None:
        self.title = t("till_title", shift=self.app.shift or "")
        self.entry.set(None)
        self.scan_field = self.entry.field
        self.pick_reason(None)
        listing = self.new_listing(self.title)
        listing.add_widget(self.label(t("till_parked"), bold=True))
        money = self.app.money
        parked = parked_receipts(self.app.staff.code)
        if not parked:
            listing.add_widget(self.label(t("till_parked_none"), color=theme.MUTED))
        for row in parked:
            shown = parked_dict(row)
            text = t("till_parked_row", time=self.app.time_text(row.at), staff=row.staff, lines=row.lines,
                     total=money(row.total), names=", ".join(shown["names"]))
            button = self.button(t("resume"), lambda p=row.id: self.resume(p), color=theme.GOOD,
                                 size_hint_x=None, width=130, height=theme.MIN_TARGET)
            button.parked = row.id  # which park it resumes (tests find it by this)
            listing.add_widget(self.row(self.label(text, size_hint_y=1, shorten=True), button,
                                        height=max(theme.MIN_TARGET, self.fs() * 3)))
        listing.add_widget(self.label(t("till_moves"), bold=True))
        moves = cash_moves_of(self.app.shift) if self.app.shift else []
        if not moves:
            listing.add_widget(self.label(t("till_moves_none"), color=theme.MUTED))
        for move in moves:
            listing.add_widget(self.label(t(f"till_move_{move.direction}",
                                            amount=money(move.amount), reason=move.reason)))
        if message:
            self.good(message)

    def pick_reason(self, key: str | None) -> None:
        self.reason = key
        for name, button in self.reason_buttons.items():
            button.background_color = theme.ACCENT if name == key else theme.PANEL

    # --- actions -------------------------------------------------------------------------------

    def resume(self, parked: str) -> None:
        receipt = self.app.screens.get_screen("receipt")
        if not receipt.cart.empty:
            self.say(t("resume_busy"))
            return
        try:
            cart = resume_receipt(parked, self.app.staff.code, self.app.now())
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        receipt.resume(cart)
        self.app.go("receipt", message=t("resumed", id=parked), good=True)

    def move(self, direction: str) -> None:
        amount = self.entry.amount
        if not amount:
            self.say(t("till_need_amount"))
            return
        if self.reason is None:
            self.say(t("till_need_reason"))
            return
        try:
            row = move_cash(direction, amount, t(self.reason), self.app.staff.code,
                            self.app.now(), self.app.shift)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.show(message=t(f"cash_moved_{direction}", amount=self.app.money(amount),
                            reason=row.reason))
        self.app.print_document(drawer_slip(row, self.app.now()), drawer=True)

    def no_sale(self) -> None:
        try:
            row = record_no_sale(self.app.staff.code, self.app.now(), self.app.shift,
                                 t(self.reason) if self.reason else None)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.show(message=t("no_sale_done"))
        self.app.print_document(drawer_slip(row, self.app.now()), drawer=True)

    def on_scan(self, scanned: str) -> None:
        """Digits from a keyboard wedge are the amount; anything else goes to the receipt."""
        if scanned.strip().isdigit():
            self.entry.set(int(scanned.strip()))
        else:
            super().on_scan(scanned)
