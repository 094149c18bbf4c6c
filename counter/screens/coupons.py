"""The coupon wizard of a couponing campaign: generate coupons, then print them."""

from __future__ import annotations

from kivy.properties import ListProperty, StringProperty
from kivy.uix.widget import Widget

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.coupons.wizard import generate
from engine.documents import coupon_document
from engine.errors import PlaydeskError
from uikit import theme
from uikit.screen import load_kv
from uikit.textfield import TextField

# (argument, default, hint) of engine.coupons.wizard.generate
FIELDS = (("quantity", "10", "how many (per customer for debtor/contact/segment)"),
          ("validity", "one_time", "one_time | multiple"),
          ("max_redemptions", "", "for multiple: 0 = unlimited"),
          ("sales_type", "all", "all | debtor | contact | segment"),
          ("sales_filter", "", "the debtor, member or segment code"),
          ("expires", "+3M", "a date formula (+3M, CM) or YYYY-MM-DD"),
          ("discount_type", "reduce", "discount (percent) | reduce (amount)"),
          ("value", "", "percent, or minor units"),
          ("text", "", "printed on the coupon"))

NUMERIC = ("quantity", "max_redemptions", "value")  # typed on the number keys

load_kv(__file__)


class CouponsScreen(CounterScreen):
    screen_name = "coupons"
    manager_screen = True

    code = StringProperty("")
    shown_codes = ListProperty()  # "code  · expiry" of the coupons just generated

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.inputs: dict[str, TextField] = {}
        fs = self.fs("small")
        for name, _default, hint in FIELDS:  # the form is the same for every campaign: made once
            field = TextField(font_size=fs, hint_text=hint,
                              keyboard_layout="numeric" if name in NUMERIC else "text")
            self.inputs[name] = field
            self.ids.fields.add_widget(self.row(
                self.label(name, "small", bold=True, size_hint_y=1, size_hint_x=0.4), field,
                height=max(theme.MIN_TARGET, round(fs * 2.2))))
        self.ids.fields.add_widget(Widget())  # what is left of a tall view goes under the rows

    def fill(self, code: str) -> None:
        self.code = code
        self.generated: list[str] = []
        self.shown_codes = []
        for name, default, _hint in FIELDS:
            self.inputs[name].text = default

    def generate(self) -> None:
        values = {name: field.text.strip() for name, field in self.inputs.items()}
        try:
            quantity = int(values["quantity"])
            maximum = int(values["max_redemptions"]) if values["max_redemptions"] else None
            coupons = generate(self.code, quantity, self.app.now(),
                               created_by=self.app.staff.code, validity=values["validity"],
                               max_redemptions=maximum, sales_type=values["sales_type"],
                               sales_filter=values["sales_filter"] or None,
                               expires=values["expires"] or None,
                               discount_type=values["discount_type"] or None,
                               value=values["value"] or None, text=values["text"] or None)
        except ValueError:
            self.say(t("refused", reason="quantity and max_redemptions are whole numbers"))
            return
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.generated = [coupon.code for coupon in coupons]
        self.shown_codes = [f"{coupon.code}  · {coupon.expires_on or ''}" for coupon in coupons[:200]]
        self.good(t("wizard_done", count=len(coupons)))

    def print_all(self) -> None:
        printed = 0
        for code in self.generated:
            if self.app.print_document(coupon_document(code, self.app.now())) is not None:
                printed += 1
        if printed:
            self.good(t("wizard_printed", count=printed))

    def focus_scan(self) -> None:
        """A form: the manager chooses the field."""
