"""Create or edit a campaign of any type: the form's fields are the site file's, saved through
the site engine (its validation and its lock on active discount campaigns)."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from counter.screens.base import CounterScreen
from counter.texts import has
from counter.texts import text as t
from engine.errors import PlaydeskError
from engine.sitefile.campaign_form import FormField, form_fields, form_values, save_campaign
from uikit import theme
from uikit.screen import load_kv
from uikit.textfield import TextField

MULTILINE = ("lines", "triggers")
NUMERIC = ("int", "number", "date", "time")  # typed on the number keys (a datetime has a T)

load_kv(__file__)


class ChoiceRow(BoxLayout):
    """One big toggle button per choice (a bool's yes/no too); `text` is the chosen value, as
    the form's text fields hold theirs."""

    text = StringProperty("")

    def __init__(self, screen: CounterScreen, spec: FormField, value: str, **kwargs) -> None:
        super().__init__(orientation="horizontal", spacing=6, **kwargs)
        self.buttons = {}
        for choice in spec.choices:
            button = screen.button(choice_label(spec, choice),
                                   lambda c=choice: setattr(self, "text", c),
                                   font_size=screen.fs("small"), height=theme.MIN_TARGET)
            button.choice = choice
            self.buttons[choice] = button
            self.add_widget(button)
        self.bind(text=self._highlight)
        self.text = value
        self._highlight()

    def _highlight(self, *_args) -> None:
        for choice, button in self.buttons.items():
            button.background_color = theme.ACCENT if choice == self.text else theme.PANEL
            button.bold = choice == self.text


def field_label(spec: FormField) -> str:
    key = f"field_{spec.path}"
    return t(key) if has(key) else spec.path


def choice_label(spec: FormField, choice: str) -> str:
    for key in (f"choice_{spec.path}_{choice}", f"choice_{choice}"):
        if has(key):
            return t(key)
    return choice.replace("_", " ")


class CampaignFormScreen(CounterScreen):
    screen_name = "campaign_form"
    manager_screen = True

    def fill(self, campaign_type: str | None = None, code: str | None = None,
              values: dict[str, str] | None = None, message: str = "") -> None:
        if not self.app.is_manager():
            self.app.go("receipt", message=t("needs_manager"))
            return
        self.code = code
        stored: dict[str, str] = {}
        if code is not None:
            campaign_type, stored = form_values(code)
        self.campaign_type = campaign_type
        values = values if values is not None else stored
        box = self.new_listing(t("form_title_edit", code=code, type=campaign_type) if code
                               else t("form_title_new", type=campaign_type))
        self.view = self.ids.scroller
        self.inputs: dict[str, TextField | ChoiceRow] = {}
        for spec in form_fields(campaign_type):
            field, height = self.field(spec, values.get(spec.path, ""))
            if spec.path == "code" and code is not None:
                field.readonly = True  # a campaign's code never changes
                field.background_color = (0.7, 0.7, 0.7, 1)
            name = BoxLayout(orientation="vertical", size_hint_x=0.38)
            name.add_widget(self.label(field_label(spec), "small", bold=True, size_hint_y=1))
            if spec.hint:
                name.add_widget(self.label(spec.hint, "small", color=theme.MUTED, size_hint_y=1,
                                           shorten=True, shorten_from="right"))
            self.inputs[spec.path] = field
            row = BoxLayout(orientation="horizontal", spacing=8, size_hint_y=None,
                            height=max(height, theme.MIN_TARGET))
            row.add_widget(name)
            row.add_widget(field)
            box.add_widget(row)
        if message:
            self.say(message)

    def cancel(self) -> None:
        self.app.go("manager", code=self.code)

    def field(self, spec: FormField, value: str) -> tuple[Widget, int]:
        """The widget editing one field and the row's height."""
        fs = self.fs("small")
        if spec.choices:
            # a new campaign shows the site file's default chosen
            return (ChoiceRow(self, spec, value or spec.default, size_hint_x=0.62),
                    max(round(fs * 3), theme.BUTTON_HEIGHT))
        tall = spec.kind in MULTILINE
        field = TextField(text=value, multiline=tall, font_size=fs, size_hint_x=0.62,
                          hint_text=spec.hint,
                          keyboard_layout="numeric" if spec.kind in NUMERIC else "text")
        return field, round(fs * (5.5 if tall else 3))

    def choose(self, path: str, choice: str):
        """The button choosing `choice` for the field `path` (brought into sight)."""
        button = self.inputs[path].buttons[choice]
        self.view.scroll_to(button, animate=False)
        return button

    def values(self) -> dict[str, str]:
        return {path: field.text for path, field in self.inputs.items()}

    def save(self) -> None:
        values = self.values()
        try:
            result = save_campaign(self.campaign_type, values, self.app.now(),
                                   self.app.staff.code, code=self.code)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.app.go("manager", message=t("saved", code=result["code"]), code=result["code"])

    def focus_scan(self) -> None:
        """A form: the manager chooses the field (a scan is typed into it)."""

    def on_scan(self, scanned: str) -> None:
        """A scanned code goes into the field being edited (an item's code for a filter...)."""
        focused = next((f for f in self.inputs.values() if getattr(f, "focus", False)), None)
        if focused is not None:
            focused.insert_text(scanned)
