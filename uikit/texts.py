"""A catalogue of an app's texts: English defaults, a translation on top, formatting by key."""

from __future__ import annotations


class Texts:
    """`text(key, **values)` formats one text; `use(translations)` switches language (keys
    missing from the translation stay English)."""

    def __init__(self, defaults: dict[str, str]) -> None:
        self.defaults = defaults
        self.active = dict(defaults)

    def use(self, translations: dict[str, str]) -> None:
        self.active = {**self.defaults, **translations}

    def text(self, key: str, **values: object) -> str:
        return self.active[key].format(**values)
