"""The receipt screen: scan (or type) items, resources, member cards, coupons, campaign codes and
kiosk tickets; change quantities; every change is priced by the engine and shown line by line
with each reduction labelled per its campaign's `print_type`.

The lines are a RecycleView (only the rows in sight are widgets), so a receipt of fifty lines
re-prices and redraws within a frame or two of a scan.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview import RecycleView

from counter.screens.base import CounterScreen
from counter.texts import coupon_reason
from counter.texts import text as t
from engine.documents.shown import shown_receipt
from engine.errors import PlaydeskError
from engine.pricing import PricedReceipt
from engine.sales.cart import Cart, Outcome, apply_scan, rejection_of
from engine.sales.overrides import listed_price
from engine.sales.park import park_receipt
from engine.sales.queries import CounterMember, campaign_names, counter_member
from engine.sales.quick_keys import QuickPage, add_quick_key, quick_pages
from engine.sales.shifts import record_void
from engine.sales.station_time import StationTimeLine
from uikit import theme
from uikit.confirm import ask
from uikit.feedback import scan_feedback
from uikit.screen import load_kv

load_kv(__file__)  # the LineRow rule


class LineRow(ButtonBehavior, BoxLayout):
    """One receipt line, or one reduction under it (`reduction`)."""

    name = StringProperty("")
    detail = StringProperty("")
    amount = StringProperty("")
    index = NumericProperty(-1)
    selected = BooleanProperty(False)
    reduction = BooleanProperty(False)
    font_size = NumericProperty(18)
    screen = ObjectProperty(None, allownone=True)  # the receipt screen, with the row's data

    def on_release(self) -> None:
        if self.screen is not None and self.index >= 0:
            self.screen.select(int(self.index))


class LinesView(RecycleView):
    row_height = NumericProperty(36)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bar_width = 10
        self.scroll_type = ["bars", "content"]
        from kivy.uix.recycleboxlayout import RecycleBoxLayout

        layout = RecycleBoxLayout(orientation="vertical", size_hint_y=None,
                                  default_size=(None, self.row_height),
                                  default_size_hint=(1, None), spacing=2)
        layout.bind(minimum_height=layout.setter("height"))
        self.bind(row_height=lambda _v, height: setattr(layout, "default_size", (None, height)))
        self.add_widget(layout)
        self.viewclass = "LineRow"  # after the layout: RecycleView forwards it to its layout



class ReceiptScreen(CounterScreen):
    screen_name = "receipt"

    subtotal = StringProperty("")
    discount = StringProperty("")
    total = StringProperty("")
    total_word = StringProperty("")
    key_height = NumericProperty(theme.MIN_TARGET)  # the till keys' (receipt.kv sets it)
    tile_height = NumericProperty(theme.MIN_TARGET)  # the quick keys' (receipt.kv sets it)

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.cart = Cart(app.location)
        self.priced: PricedReceipt | None = None
        self.member_info: CounterMember | None = None
        self.lines_view: LinesView = self.ids.lines_view
        self.member_card, self.codes_card = self.ids.member_card, self.ids.codes_card
        self.total_label = self.ids.total_row.ids.amount
        self.pay_button = self.ids.pay_button
        self.ids.field.on_submit = self.on_scan
        self.quick: list[QuickPage] = []
        self.quick_page = 0
        # laid out later: only then is it known whether the lines fit the view
        self.lines_view.bind(height=lambda *_a: self._scroll_to_selected(self.lines_view.data))

    def reset(self) -> None:
        self.cart = Cart(self.app.location)
        self.priced = None
        self.member_info = None

    def fill(self, message: str = "", good: bool = False) -> None:
        """Layout in receipt.kv, made once: a show prices the cart and fills it in."""
        self.scan_field = self.ids.field
        self._show_quick_keys()
        self.update(reprice=True)
        if message:
            self.say(message, theme.GOOD if good else theme.BAD)

    # --- showing -------------------------------------------------------------------------------

    def update(self, reprice: bool = True) -> None:
        """Price the cart and show it (lines, reductions, totals, member, codes)."""
        if reprice:
            try:
                self.priced = self.cart.price(self.app.now()) if self.cart.has_codes else None
            except PlaydeskError as error:
                self.priced = None
                self.say(self.app.refusal(error))
        self._show_lines()
        self._show_member()
        self._show_codes()

    def _show_lines(self) -> None:
        money = self.app.money
        priced = self.priced
        rows: list[dict[str, Any]] = []
        fs = self.fs()
        # the lines as the paper will print them, each receipt-wide reduction once under them;
        # unpriced (a pricing refusal): names only
        shown = shown_receipt(priced, [line.name for line in self.cart.lines]) if priced \
            else None
        printed = shown.lines if shown else ()
        for index, line in enumerate(self.cart.lines):
            one = printed[index] if index < len(printed) else None
            unit = one.unit_price if one else (line.unit_price or 0)
            rows.append({"name": line.name, "detail": f"{line.quantity} × {money(unit)}",
                         "amount": money(one.amount if one else 0), "index": index,
                         "selected": index == self.cart.selected, "reduction": False,
                         "font_size": fs, "screen": self})
            for reduction in one.reductions if one else ():
                rows.append(self._reduction_row(reduction.label, reduction.amount, index, fs))
        rows += self._receipt_wide_rows(shown.receipt_reductions if shown else (), fs)
        if not rows:
            rows.append({"name": t("receipt_empty"), "detail": "", "amount": "", "index": -1,
                         "selected": False, "reduction": True, "font_size": fs, "screen": self})
        self.lines_view.data = rows
        self._scroll_to_selected(rows)
        self.subtotal = money(priced.subtotal if priced else 0)
        self.discount = money(-(priced.discount if priced else 0))
        # what the payments must cover (the Pay button says it too): in exclusive mode the
        # tax comes on top of the lines (tax.md), and the total's word says how much
        self.total = money(priced.total_due if priced else 0)
        added = priced.total_due - priced.total if priced else 0
        self.total_word = t("total_plus_tax", tax=money(added)) if added else t("total")

    def _receipt_wide_rows(self, reductions, fs: int) -> list[dict[str, Any]]:
        """The receipt-wide reductions, each once, as rows after the lines (they scroll with
        them: a crowded receipt takes no room from the totals or the keys)."""
        if not reductions:
            return []
        rows = [{"name": t("receipt_reductions"), "detail": "", "amount": "", "index": -1,
                 "selected": False, "reduction": False, "font_size": fs, "screen": self}]
        return rows + [{"name": t("receipt_reduction", label=r.label), "detail": "",
                        "amount": self.app.money(-r.amount), "index": -1, "selected": False,
                        "reduction": True, "font_size": fs, "screen": self}
                       for r in reductions]

    # --- quick keys ----------------------------------------------------------------------------

    def _show_quick_keys(self) -> None:
        """The site's quick-key pages as tabs, the chosen page's tiles under them (made again
        only when the pages changed)."""
        pages = quick_pages()
        if pages == self.quick and self.ids.quick_tiles.children:
            return
        self.quick = pages
        self.quick_page = min(self.quick_page, max(len(pages) - 1, 0))
        self._show_quick_page()

    def _show_quick_page(self) -> None:
        tabs, tiles = self.ids.quick_tabs, self.ids.quick_tiles
        tabs.clear_widgets()
        tiles.clear_widgets()
        small = self.fs("small")
        for number, page in enumerate(self.quick):
            chosen = number == self.quick_page
            tabs.add_widget(self.button(page.name, lambda n=number: self.pick_quick_page(n),
                                        color=theme.ACCENT if chosen else theme.PANEL,
                                        height=theme.MIN_TARGET, font_size=small))
        if not self.quick:
            return
        for tile in self.quick[self.quick_page].tiles:
            # the label and, smaller, the price on one line, cut rather than spilled
            button = self.button(f"{tile.label} [size={round(small * 0.85)}]"
                                 f"{self.app.money(tile.price)}[/size]",
                                 lambda k=tile.kind, c=tile.code: self.tap_quick_key(k, c),
                                 color=theme.PANEL, height=self.tile_height, font_size=small,
                                 markup=True, shorten=True)
            button.quick_key = tile.code  # which tile it is (tests find it by this)
            tiles.add_widget(button)
        self.ids.quick_scroll.scroll_y = 1

    def pick_quick_page(self, number: int) -> None:
        self.quick_page = number
        self._show_quick_page()

    def tap_quick_key(self, kind: str, code: str) -> None:
        try:
            line = add_quick_key(self.cart, kind, code)
        except PlaydeskError as error:
            self.say(self.app.refusal(error))
            return
        self.update()
        self.good(t("added_item", name=line.name, code=code))

    def _reduction_row(self, label: str, amount: int, index: int, fs: int) -> dict[str, Any]:
        return {"name": t("line_reduction", label=label), "detail": "",
                "amount": self.app.money(-amount), "index": index, "selected": False,
                "reduction": True, "font_size": fs, "screen": self}

    def _scroll_to_selected(self, rows: list[dict[str, Any]]) -> None:
        """Keep the selected (usually the last scanned) line in sight; a short receipt sits at
        the top."""
        view = self.lines_view
        row_height = view.children[0].default_size[1] + 2 if view.children else 1
        if len(rows) * row_height <= view.height or len(rows) <= 1 or self.cart.selected is None:
            view.scroll_y = 1
            return
        last = max((i for i, row in enumerate(rows) if row["index"] == self.cart.selected),
                   default=0)
        view.scroll_y = max(0.0, min(1.0, 1 - last / (len(rows) - 1)))

    def _show_member(self) -> None:
        info = self.member_info
        key = (repr(info), tuple(self.cart.coupons), self.fs())
        if key == getattr(self.member_card, "shown_key", None):
            return  # unchanged: no new widgets (and textures) on every scan
        self.member_card.shown_key = key
        card = self.member_card
        card.clear_widgets()
        if info is None:
            card.add_widget(self.label(t("member_none"), color=theme.MUTED))
            return
        card.add_widget(self.label(t("member_line", name=info.name, code=info.code), bold=True))
        card.add_widget(self.label(t("member_balance", money=self.app.money(info.money),
                                     minutes=self.app.minutes(info.minutes)),
                                   color=theme.MUTED))
        offers = [o for o in info.coupons if o["code"] not in self.cart.coupons]
        if offers:
            card.add_widget(self.label(t("member_coupons"), bold=True))
            for offer in offers[:4]:
                card.add_widget(self.row(
                    self.label(f"{offer['campaign_name']} · {offer['code']}", size_hint_y=1),
                    self.button(t("coupon_use"), lambda c=offer["code"]: self.on_scan(c),
                                size_hint_x=None, width=120, height=theme.MIN_TARGET),
                    height=theme.MIN_TARGET))

    def _show_codes(self) -> None:
        refusals = tuple(rejection_of(self.priced, c) for c in self.cart.coupons)
        key = (tuple(self.cart.coupons), tuple(self.cart.campaigns), refusals, self.fs())
        if key == getattr(self.codes_card, "shown_key", None):
            return
        self.codes_card.shown_key = key
        card = self.codes_card
        card.clear_widgets()
        if not (self.cart.coupons or self.cart.campaigns):
            card.opacity = 0
            return
        card.opacity = 1
        for code, rejection in zip(self.cart.coupons, refusals, strict=True):
            text = (t("coupon_refused", code=code,
                      reason=coupon_reason(rejection.reason_code, rejection.reason))
                    if rejection else t("coupon_ok", code=code))
            card.add_widget(self._code_row(text, lambda c=code: self.remove_coupon(c),
                                           theme.BAD if rejection else theme.TEXT))
        names = campaign_names(list(self.cart.campaigns))  # one query for all, not one each
        for code in self.cart.campaigns:
            text = t("campaign_registered", name=names.get(code, code), code=code)
            card.add_widget(self._code_row(text, lambda c=code: self.remove_campaign(c),
                                           theme.TEXT))

    def _code_row(self, text: str, remove, color) -> BoxLayout:
        return self.row(self.label(text, size_hint_y=1, color=color),
                        self.button(t("remove"), remove, color=theme.BAD, size_hint_x=None,
                                    width=120, height=theme.MIN_TARGET),
                        height=max(theme.MIN_TARGET, self.fs() * 2 + 8))

    # --- actions -------------------------------------------------------------------------------

    def on_scan(self, scanned: str) -> None:
        """A scan, or what was typed and entered: a code, `N*code` (N of it), `+` or `-` (the
        selected line's quantity)."""
        if self.app.screens.current != self.screen_name:
            self.app.go(self.screen_name)
        if scanned.strip() in ("+", "-"):
            self.change_quantity(1 if scanned.strip() == "+" else -1)
            return
        outcome = apply_scan(self.cart, scanned, self.app.now())
        GOES_ON.get(outcome.kind, ReceiptScreen.show_outcome)(self, outcome)
        scan_feedback(outcome.accepted)  # a beep and a flash (uikit.feedback)

    def show_outcome(self, outcome: Outcome) -> None:
        if outcome.kind == "member" and outcome.accepted:
            self.load_member()
        if outcome.priced is not None:  # the scan priced the cart already: show that pricing
            self.priced = outcome.priced
            self.update(reprice=False)
        else:
            self.update()
        if outcome.accepted:
            self.good(t(ADDED[outcome.kind], name=outcome.name, code=outcome.code))
        elif outcome.kind == "coupon":
            self.say(t("refused_coupon", code=outcome.code,
                       reason=coupon_reason(outcome.reason_code, outcome.refusal)))
        elif outcome.kind == "unknown":
            self.say(outcome.refusal)
        else:
            self.say(t("refused", reason=outcome.refusal))

    def pick_package(self, outcome: Outcome) -> None:
        self.app.go("packages", campaign=outcome.code)

    def take_order(self, outcome: Outcome) -> None:
        self.app.go("order", code=outcome.code)

    def load_member(self) -> None:
        code = self.cart.member
        if code is None:
            self.member_info = None
            return
        self.member_info = counter_member(code, self.app.now())

    def select(self, index: int) -> None:
        self.cart.selected = index
        self.update(reprice=False)
        self.focus_scan()

    def change_quantity(self, delta: int) -> None:
        index = self.cart.selected
        if index is not None and index < len(self.cart.lines) and \
                isinstance(self.cart.lines[index], StationTimeLine):
            self.say(t("station_time_one_line"))  # a guest's play is one line of its bill
            return
        try:
            self.cart.change_selected(delta)
        except PlaydeskError as error:
            self.say(self.app.refusal(error))
            return
        self.update()

    def remove_selected(self) -> None:
        if self.cart.selected is not None and self.cart.selected < len(self.cart.lines):
            self.cart.remove_line(self.cart.selected)
            self.update()

    def remove_member(self) -> None:
        try:
            self.cart.attach_member(None)
        except PlaydeskError as error:
            self.say(self.app.refusal(error))
            return
        self.member_info = None
        self.update()

    def remove_coupon(self, code: str) -> None:
        self.cart.remove_coupon(code)
        self.update()

    def remove_campaign(self, code: str) -> None:
        self.cart.remove_campaign(code)
        self.update()

    def add_package(self, package: str) -> None:
        try:
            self.cart.add_package(package)
        except PlaydeskError as error:
            self.app.go("receipt", message=self.app.refusal(error))
            return
        self.app.go("receipt")

    def ask_void(self) -> None:
        """Void asks first: the cashier sees what goes."""
        if self.cart.empty:
            self.say(t("receipt_empty"))
            return
        ask(self, t("void_confirm", lines=len(self.cart.lines), total=self.total),
            [(t("void_yes"), self.void, theme.BAD)], t("confirm_keep"), font_size=self.fs())

    def park(self, reason: str = "park") -> bool:
        """Put the receipt aside (resumed from the Till screen); False when it could not be."""
        try:
            parked = park_receipt(self.cart, self.app.staff.code, self.app.now(),
                                  shift=self.app.shift,
                                  total=self.priced.total if self.priced else 0, reason=reason)
        except PlaydeskError as error:
            self.say(self.app.refusal(error))
            return False
        self.reset()
        self.update()
        self.good(t("parked_done", id=parked.id))
        return True

    def resume(self, cart: Cart) -> None:
        """A parked receipt's cart is the receipt being built again."""
        self.reset()
        self.cart = cart
        self.load_member()

    def change_price(self) -> None:
        index = self.cart.selected
        if index is None or index >= len(self.cart.lines):
            self.say(t("override_pick"))
            return
        line = self.cart.lines[index]
        try:  # only an item's or a resource's price changes: refused before a PIN is asked
            if isinstance(line, StationTimeLine):
                raise PlaydeskError(t("override_station_time"))
            listed_price(line.kind, line.code)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.app.go("price_override", index=index)

    def void(self) -> None:
        if self.cart.lines:
            record_void(self.app.staff.code, len(self.cart.lines),
                        self.priced.total if self.priced else 0, self.app.now(),
                        shift=self.app.shift, location=self.app.location)
        self.reset()
        self.update()
        self.good(t("voided"))

    def pay(self) -> None:
        if self.priced is None or not self.cart.lines:
            self.say(t("receipt_empty"))
            return
        self.app.go("payment")

    def refresh(self) -> None:
        if self.cart.member:
            self.load_member()
        self._show_quick_keys()
        self.update()


# Outcomes that take the cashier to another screen; every other one is shown here.
GOES_ON = {"packages": ReceiptScreen.pick_package, "order": ReceiptScreen.take_order}
ADDED = {"item": "added_item", "resource": "added_item", "member": "added_member",
         "coupon": "added_coupon", "campaign": "added_campaign"}
