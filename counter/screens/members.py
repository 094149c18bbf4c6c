"""Members at the counter (issue 18 item 3): find a member by scanning the card, register a new
one (name typed, card scanned), the member's PIN on the keypad (typed twice), a manager's reset,
unlock and deactivation, the member card slip, and a walk-in guest's ticket. Every rule is an
engine operation (engine/sitefile/member_admin.py, engine/entitlements/guest_tickets.py); this
screen only shows and calls."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput

from counter.screens.base import Card, CounterScreen
from counter.texts import text as t
from engine.documents.guest_ticket import guest_ticket_slip
from engine.documents.member_card import member_card_slip
from engine.entitlements.guest_tickets import sell_ticket, ticket_packages
from engine.errors import PlaydeskError
from engine.people.members import find_member
from engine.sitefile import member_admin
from uikit import theme
from uikit.keypad import DIGIT_KEYS, Keypad
from uikit.screen import load_kv

load_kv(__file__)

FIND, MEMBER, REGISTER, PIN, TICKET, SOLD = "find", "member", "register", "pin", "ticket", "sold"


class MembersScreen(CounterScreen):
    """Laid out in members.kv; the middle (`content`) is made per step."""

    screen_name = "members"
    manager_screen = True
    step = StringProperty(FIND)

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.member: str | None = None
        self.card: str | None = None  # the card scanned for a new member
        self.name_field: TextInput | None = None
        self.pins: list[str] = []  # the PIN step's entries: (current,) new, repeat
        self.pin_steps: list[str] = []
        self.keypad: Keypad | None = None
        self.payment = "cash"
        self.ticket = None

    # --- steps -----------------------------------------------------------------------------------

    def fill(self, step: str = FIND, member: str | None = None, message: str = "",
             good: bool = True) -> None:
        if self.app.staff is None:
            return
        self.step = step
        if member is not None:
            self.member = member
        self.title = t("members_title")
        self.ids.content.clear_widgets()
        getattr(self, f"fill_{step}")()
        if message:
            self.say(message, theme.GOOD if good else theme.BAD)

    def go_back(self) -> None:
        if self.step in (FIND, SOLD):
            self.app.go("manager" if self.app.is_manager() else "receipt")
        elif self.step == PIN and self.member:
            self.show(step=MEMBER)
        else:
            self.show(step=FIND)

    def fill_find(self) -> None:
        box = self.ids.content
        box.add_widget(self.label(t("members_scan_hint"), color=theme.MUTED))
        box.add_widget(self.row(
            self.button(t("members_new"), lambda: self.show(step=REGISTER), color=theme.ACCENT),
            self.button(t("members_ticket"), lambda: self.show(step=TICKET), color=theme.GOOD)))

    def fill_member(self) -> None:
        try:
            info = member_admin.member_summary(self.member or "", self.app.now())
        except PlaydeskError as error:
            self.show(step=FIND, message=t("refused", reason=self.app.refusal(error)), good=False)
            return
        card = Card(size_hint_y=None)
        card.bind(minimum_height=card.setter("height"))
        state = t("members_active") if info["active"] else t("members_inactive")
        lines = [f"[b]{info['name']}[/b]  ({info['code']})",
                 t("members_card_line", card=info["card"] or "-", state=state),
                 t("members_pin_set") if info["has_pin"] else t("members_pin_none")]
        if info["ticket"]:
            lines.append(t("members_is_ticket"))
        if info["segments"] or info["debtor"]:
            lines.append(t("members_groups", segments=", ".join(info["segments"]) or "-",
                           debtor=info["debtor"] or "-"))
        if info["locked_until"]:
            lines.append(t("members_locked", until=info["locked_until"][11:16]))
        for line in lines:
            card.add_widget(self.label(line))
        box = self.ids.content
        box.add_widget(card)
        actions = [self.button(t("members_set_pin"), self.start_pin, color=theme.ACCENT),
                   self.button(t("members_print_card"), self.print_card, color=theme.PANEL)]
        box.add_widget(self.row(*actions))
        if self.app.is_manager():
            active = info["active"]
            box.add_widget(self.row(
                self.button(t("members_reset_pin"), self.reset_pin, color=theme.WARN),
                self.button(t("members_unlock"), self.unlock, color=theme.WARN),
                self.button(t("members_deactivate") if active else t("members_reactivate"),
                            lambda: self.set_active(not active),
                            color=theme.BAD if active else theme.GOOD)))

    def fill_register(self) -> None:
        box = self.ids.content
        self.name_field = TextInput(hint_text=t("members_name_hint"), multiline=False,
                                    font_size=self.fs(), size_hint_y=None,
                                    height=max(theme.MIN_TARGET, int(self.fs() * 2.1)))
        box.add_widget(self.name_field)
        self.card = None
        self.card_label = self.label(t("members_card_scan"), color=theme.MUTED)
        box.add_widget(self.card_label)
        box.add_widget(self.row(
            self.button(t("members_cancel"), lambda: self.show(step=FIND), color=theme.PANEL),
            self.button(t("members_register"), self.register, color=theme.GOOD)))

    def fill_pin(self) -> None:
        box = self.ids.content
        self.pin_label = self.label(t(self.pin_steps[len(self.pins)]), "large", halign="center")
        # a fixed height: the dots appear without moving the keypad
        self.pin_display = Label(text="", font_size=self.fs_large, font_name="DejaVuSans",
                                 size_hint_y=None, height=int(self.fs_large * 1.6))
        box.add_widget(self.pin_label)
        box.add_widget(self.pin_display)
        key = max(theme.BUTTON_HEIGHT, int(self.fs_large * 2.2))
        self.keypad = Keypad(DIGIT_KEYS, cols=3, max_length=8, font_size=self.fs_large,
                             on_change=self._typed, size_hint=(None, None),
                             width=3 * int(key * 2) + 12, height=4 * key + 18)
        holder = AnchorLayout(anchor_x="center", size_hint_y=None, height=self.keypad.height)
        holder.add_widget(self.keypad)
        box.add_widget(holder)
        box.add_widget(self.row(
            self.button(t("members_cancel"), lambda: self.show(step=MEMBER), color=theme.PANEL),
            self.button(t("members_pin_next"), self.pin_next, color=theme.GOOD)))

    def fill_ticket(self) -> None:
        box = self.ids.content
        box.add_widget(self.label(t("members_ticket_hint"), color=theme.MUTED))
        box.add_widget(self.row(*[
            self.button(t(f"members_pay_{method}"), lambda m=method: self.choose_payment(m),
                        color=theme.ACCENT if method == self.payment else theme.PANEL)
            for method in ("cash", "card")]))
        offers = ticket_packages(self.app.now())
        if not offers:
            box.add_widget(self.label(t("members_ticket_none"), color=theme.MUTED))
        for offer in offers:
            code = f"{offer['campaign']}/{offer['package']}"
            box.add_widget(self.button(
                t("members_ticket_package", name=offer["name"], minutes=offer["base"]
                  + (offer["bonus"] or 0 if offer["bonus_type"] == "minutes" else 0),
                  price=self.app.money(offer["price"])),
                lambda c=code: self.sell(c), color=theme.PANEL))

    def fill_sold(self) -> None:
        ticket = self.ticket
        box = self.ids.content
        card = Card(size_hint_y=None)
        card.bind(minimum_height=card.setter("height"))
        card.add_widget(self.label(t("members_sold_code", code=ticket.code), "large"))
        card.add_widget(self.label(t("members_sold_pin", pin=ticket.pin), "large"))
        box.add_widget(card)
        box.add_widget(self.row(
            self.button(t("members_ticket_again"), lambda: self.show(step=TICKET),
                        color=theme.GOOD),
            self.button(t("members_done"), lambda: self.show(step=FIND), color=theme.PANEL)))

    # --- actions ---------------------------------------------------------------------------------

    def _call(self, action, done: str, **values):
        """Run an engine operation; a refusal is said on screen (nothing was written)."""
        try:
            result = action()
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return None
        self.show(step=MEMBER, member=self.member, message=t(done, **values))
        return result

    def register(self) -> None:
        name = self.name_field.text if self.name_field else ""
        try:
            answer = member_admin.register_member(name, self.card or "", self.app.now(),
                                                  self.app.staff.code)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.member = answer["code"]
        self.show(step=MEMBER, message=t("members_registered", name=answer["name"],
                                         code=answer["code"]))

    def start_pin(self) -> None:
        info = member_admin.member_summary(self.member or "", self.app.now())
        self.pins = []
        self.pin_steps = (["members_pin_current"] if info["has_pin"] else []) + [
            "members_pin_new", "members_pin_repeat"]
        self.show(step=PIN)

    def _typed(self, value: str) -> None:
        self.pin_display.text = "●" * len(value)
        self.say("")

    def pin_next(self) -> None:
        assert self.keypad is not None
        self.pins.append(self.keypad.value)
        self.keypad.clear()
        self._typed("")
        if len(self.pins) < len(self.pin_steps):
            self.pin_label.text = t(self.pin_steps[len(self.pins)])
            return
        current = self.pins[0] if len(self.pins) == 3 else None
        new, repeat = self.pins[-2], self.pins[-1]
        self.pins = []
        try:
            member_admin.set_member_pin(self.member or "", new, repeat, self.app.now(),
                                        self.app.staff.code, current=current)
        except PlaydeskError as error:
            self.pin_label.text = t(self.pin_steps[0])
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.show(step=MEMBER, message=t("members_pin_saved"))

    def reset_pin(self) -> None:
        self._call(lambda: member_admin.reset_member_pin(self.member or "", self.app.now(),
                                                         self.app.staff.code),
                   "members_pin_cleared")

    def unlock(self) -> None:
        self._call(lambda: member_admin.unlock_member_pin(self.member or "", self.app.now(),
                                                          self.app.staff.code),
                   "members_unlocked")

    def set_active(self, active: bool) -> None:
        self._call(lambda: member_admin.set_member_active(self.member or "", active,
                                                          self.app.now(), self.app.staff.code),
                   "members_reactivated" if active else "members_deactivated")

    def print_card(self) -> None:
        try:
            slip = member_card_slip(self.member or "", self.app.now(), self.app.location)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        if self.app.print_document(slip) is not None:
            self.good(t("members_card_printed"))

    def choose_payment(self, method: str) -> None:
        self.payment = method
        self.show(step=TICKET)

    def sell(self, package: str) -> None:
        try:
            self.ticket = sell_ticket(package, self.payment, self.app.now(), self.app.staff.code,
                                      location=self.app.location)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.member = self.ticket.code
        self.show(step=SOLD, message=t("members_ticket_sold", code=self.ticket.code))
        if self.app.print_document(guest_ticket_slip(self.ticket, self.app.location)) is None:
            self.say(t("members_ticket_not_printed"))

    def on_scan(self, scanned: str) -> None:
        """A card: a new member's card while registering, else the member it names."""
        text = scanned.strip()
        if self.step == REGISTER:
            self.card = text
            self.card_label.text = t("members_card_scanned", card=text)
            self.card_label.color = theme.TEXT
            return
        member = find_member(text)
        if member is None:
            self.show(step=FIND, message=t("members_unknown_card", card=text), good=False)
            return
        self.show(step=MEMBER, member=member.code)
