"""Try a receipt: a manager scans or types codes and sees how the campaigns price it, with the
entries they would write, the coupons they would issue and the refusals. Nothing is recorded."""

from __future__ import annotations

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.documents import reduction_labels
from engine.errors import PlaydeskError
from engine.people.members import member_name
from engine.sales.cart import Cart, apply_scan
from uikit import theme
from uikit.screen import load_kv

load_kv(__file__)


class TryReceiptScreen(CounterScreen):
    screen_name = "try"
    manager_screen = True

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.cart = Cart(app.location)
        self.ids.field.on_submit = self.on_scan
        self.lines_box, self.facts_box = self.ids.lines, self.ids.facts

    def fill(self) -> None:
        self.scan_field = self.ids.field
        self.update()

    def clear(self) -> None:
        self.cart = Cart(self.app.location)
        self.update()

    def on_scan(self, scanned: str) -> None:
        """The till's own scan rules (engine.sales.cart.apply_scan), so the price shown here is
        the price the till would ask; a package or a kiosk ticket is not for trying."""
        outcome = apply_scan(self.cart, scanned, self.app.now())
        if outcome.kind in ("packages", "order"):
            self.say(t("try_not_here", code=outcome.code))
        elif outcome.kind == "coupon" and not outcome.accepted:
            self.say(t("refused_coupon", code=outcome.code, reason=outcome.refusal))
        elif not outcome.accepted:
            self.say(outcome.refusal if outcome.kind == "unknown"
                     else t("refused", reason=outcome.refusal))
        else:
            self.say("")
        self.update()

    def update(self) -> None:
        money = self.app.money
        self.lines_box.clear_widgets()
        self.facts_box.clear_widgets()
        if not self.cart.lines:
            self.lines_box.add_widget(self.label(t("try_hint"), color=theme.MUTED))
            return
        try:
            priced = self.cart.price(self.app.now())
        except PlaydeskError as error:
            self.say(self.app.refusal(error))
            return
        labels = reduction_labels(priced)
        for line, entered in zip(priced.lines, self.cart.lines, strict=True):
            self.lines_box.add_widget(self.label(
                f"{entered.name}  {line.quantity} × {money(line.unit_price)}  = {money(line.gross)}"))
            for reduction in line.reductions:
                label = labels.get(reduction.campaign) or t("not_printed", code=reduction.campaign)
                self.lines_box.add_widget(self.label(
                    f"    − {label}  {money(-reduction.amount)}", color=theme.GOOD))
        self.lines_box.add_widget(self.label(
            f"{t('subtotal')} {money(priced.subtotal)} · {t('discount')} "
            f"{money(-priced.discount)} · {t('total')} {money(priced.total)}", bold=True))
        facts = self.facts_box
        facts.add_widget(self.label(t("try_facts"), bold=True))
        for entry in priced.entries:
            facts.add_widget(self.label(
                f"{entry.campaign} ({entry.campaign_type}, {entry.registration}) "
                f"{entry.process} {money(entry.reduce_amount)}", "small"))
        for offer in priced.coupons_to_issue:
            facts.add_widget(self.label(
                f"{t('report_coupons_issued')}: {offer.campaign} {money(offer.value)} "
                f"→ {offer.expires_on}", "small", color=theme.WARN))
        for rejection in priced.rejected:
            facts.add_widget(self.label(t("refused_coupon", code=rejection.code,
                                          reason=rejection.reason), "small", color=theme.BAD))
        if self.cart.member:
            member = self.cart.member
            facts.add_widget(self.label(t("member_line", name=member_name(member), code=member),
                                        "small"))
