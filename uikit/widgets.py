"""Big touch widgets: buttons at least 48 px high, labels that wrap instead of clipping."""

from __future__ import annotations

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.properties import ColorProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label

from uikit import theme


class BigButton(Button):
    """A touch button: never lower than MIN_TARGET, wrapped if long, and its font made smaller
    (to 60 % at least) when its longest word would not fit the width or its lines the height: a
    German or Turkish word is never broken in the middle ("Eingab|e") nor cut off."""

    def __init__(self, text: str = "", color_rgba=theme.ACCENT, height: int = theme.BUTTON_HEIGHT,
                 font_size: int | float = 24, **kwargs) -> None:
        kwargs.setdefault("size_hint_y", None)
        self._fitting = False
        self._wanted = font_size
        super().__init__(text=text, height=max(height, theme.MIN_TARGET), font_size=font_size,
                         background_normal="", background_color=color_rgba, halign="center",
                         valign="middle", **kwargs)
        self._wanted = self.font_size
        self.bind(size=self._wrap, text=self._wrap, font_size=self._font_set)

    def _font_set(self, *_args) -> None:
        if not self._fitting:  # set by the screen: the size wanted from now on
            self._wanted = self.font_size
            self._wrap()

    def _wrap(self, *_args) -> None:
        width = max(self.width - 16, 1)
        self.text_size = (width, None)
        size = self._wanted
        # words as Kivy wraps them: at spaces and line ends, never at a no-break space
        longest = max(self.text.replace("\n", " ").split(" "), key=len, default="")
        if longest and not self.markup:
            measured = CoreLabel(font_size=size, font_name=self.font_name,
                                 bold=self.bold).get_extents(longest)[0]
            if measured > width:
                size = max(size * width / measured * 0.9, size * 0.6)
            while size > self._wanted * 0.6 and self._lines_height(size, width) > self.height - 4:
                size = max(size * 0.9, self._wanted * 0.6)
        if size != self.font_size:
            self._fitting = True
            self.font_size = size
            self._fitting = False

    def _lines_height(self, size: float, width: float) -> float:
        label = CoreLabel(text=self.text, font_size=size, font_name=self.font_name,
                          bold=self.bold, text_size=(width, None), halign="center")
        label.refresh()
        return label.texture.size[1] if label.texture else 0


class TextLabel(Label):
    """A label that wraps to its width and grows in height to its text (for BoxLayouts)."""

    def __init__(self, text: str = "", font_size: int | float = 22, color=theme.TEXT,
                 halign: str = "left", bold: bool = False, **kwargs) -> None:
        kwargs.setdefault("size_hint_y", None)
        super().__init__(text=text, font_size=font_size, color=color, halign=halign,
                         valign="middle", bold=bold, markup=True, **kwargs)
        self.bind(width=self._wrap, texture_size=self._grow)
        self._grow()  # not Kivy's default 100 px while the text is still empty

    def _wrap(self, *_args) -> None:
        self.text_size = (max(self.width, 1), None)

    def _grow(self, *_args) -> None:
        self.height = self.texture_size[1] if self.text else 0


class Panel(BoxLayout):
    """A box with a background colour (cards, headers)."""

    background = ListProperty(list(theme.PANEL))

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            self._color = Color(*self.background)
            self._rect = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._redraw, size=self._redraw, background=self._recolor)

    def _redraw(self, *_args) -> None:
        self._rect.pos, self._rect.size = self.pos, self.size

    def _recolor(self, *_args) -> None:
        self._color.rgba = self.background


class TextLines(BoxLayout):
    """Wrapped lines of text one under the other, as high as they are: the labels are made again
    only when `lines` (texts, or (text, colour) pairs) or the font size change; `empty` is
    shown when there are no lines."""

    lines = ListProperty()
    font_size = NumericProperty(20)
    color = ColorProperty(theme.TEXT)
    halign = StringProperty("left")
    empty = StringProperty("")
    empty_font_size = NumericProperty(0)  # 0: font_size
    empty_color = ColorProperty(theme.MUTED)
    empty_halign = StringProperty("")  # "": halign

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("size_hint_y", None)
        super().__init__(**kwargs)
        self.bind(minimum_height=self.setter("height"), lines=self._remake,
                  font_size=self._remake, empty=self._remake)
        self._remake()

    def _remake(self, *_args) -> None:
        self.clear_widgets()
        for line in self.lines:
            text, color = (line, self.color) if isinstance(line, str) else line
            self.add_widget(TextLabel(text, font_size=self.font_size, color=color,
                                      halign=self.halign))
        if not self.lines and self.empty:
            self.add_widget(TextLabel(self.empty, font_size=self.empty_font_size or self.font_size,
                                      color=self.empty_color,
                                      halign=self.empty_halign or self.halign))


def fit_height(box: BoxLayout) -> None:
    """Make a vertical BoxLayout (size_hint_y None) as high as its children, for ScrollViews."""
    box.bind(minimum_height=box.setter("height"))
