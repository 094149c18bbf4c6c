"""The kiosk in German and Turkish (issue 20), at 1024x600 and 1280x800: a German site (de_DE)
greets in German; the language button switches to Turkish and the member's choice is remembered
on their record (the kiosk speaks Turkish at their next login). Every screen visited is
geometry-checked (no text clipped or outside the window) and photographed in tests/artifacts/.
Driven by taps and scans only. The shared setup is in languages_harness.py."""

from __future__ import annotations

import pytest
import ui_harness
from languages_harness import AT, SIZES, checked, german_site, words
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.people.languages import member_language

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    yield from german_site(tmp_path_factory)


# --- the kiosk --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kiosk(display, site_db, tmp_path_factory):
    from kiosk import texts

    def make_app(printer):
        from kiosk.app import KioskApp

        return KioskApp(FixedClock(AT), location="KIOSK1", printer=printer)

    yield from ui_harness.drive_app(make_app, "1280x800", tmp_path_factory)
    texts.use(None)


def kiosk_text(language: str, key: str, **values) -> str:
    from kiosk.texts import TEXTS

    return words(language, key, TEXTS[key], **values)


def kiosk_scan(ui, text: str) -> None:
    ui_harness.scan(ui, text, lambda: (ui.app.screens.current, ui.app.member))


@pytest.mark.parametrize("size", SIZES)
def test_the_kiosk_in_german_then_turkish_remembered_for_the_member(kiosk, request, size):
    ui = kiosk.begin(request.node.name, AT, size=size)
    member = "M001" if size == SIZES[0] else "M002"
    assert ui.app.language == "de"
    assert kiosk_text("de", "attract_scan") in ui.texts()
    checked(ui, "attract-de")

    ui.tap(ui.button("Deutsch"))  # the language button names the language in use
    checked(ui, "language-choice")
    ui.tap(ui.button("Türkçe"))
    assert ui.app.language == "tr"
    assert kiosk_text("tr", "attract_scan") in ui.texts()
    assert ui.buttons("Türkçe")
    checked(ui, "attract-tr")

    kiosk_scan(ui, "MEM0001" if member == "M001" else "MEM0002")
    assert ui.app.screens.current == "home" and ui.app.language == "tr"
    assert member_language(member) == "tr"  # chosen before logging in: remembered now
    assert kiosk_text("tr", "home_buy") in [b.text for b in ui.widgets() if hasattr(b, "text")]
    checked(ui, "home-tr")
    ui.tap(ui.button(kiosk_text("tr", "home_buy")))
    assert ui.app.screens.current == "packages"
    checked(ui, "packages-tr")
    ui.tap(ui.buttons(kiosk_text("tr", "packages_choose"))[0])
    assert ui.app.screens.current == "confirm"
    checked(ui, "confirm-tr")
    ui.tap(ui.button(kiosk_text("tr", "confirm_pay_counter")))
    assert ui.app.screens.current == "done"
    checked(ui, "ticket-tr")
    ticket = ui.app.printer.last[0]  # the slip printed here: in the member's language
    assert ticket.currency.locale == "tr" and ticket.currency.code == "EUR"
    ui.tap(ui.button(kiosk_text("tr", "done_buy_more")))
    ui.tap(ui.button(kiosk_text("tr", "back")))
    ui.tap(ui.button(kiosk_text("tr", "home_history")))
    checked(ui, "history-tr")

    # logged out: the site's language again; the member's next login speaks Turkish
    ui.tap(ui.button(kiosk_text("tr", "log_out")))
    assert ui.app.language == "de" and kiosk_text("de", "attract_scan") in ui.texts()
    kiosk_scan(ui, "MEM0001" if member == "M001" else "MEM0002")
    assert ui.app.language == "tr"

    # a logged-in member switching back to German is remembered too
    ui.tap(ui.button("Türkçe"))
    ui.tap(ui.button("Deutsch"))
    assert ui.app.language == "de" and member_language(member) == "de"
    checked(ui, "home-de")
    ui.tap(ui.button(kiosk_text("de", "home_buy")))
    checked(ui, "packages-de")

    # the next member at the kiosk (scanning in while another is logged in) gets their own
    # language, not the one the member before them chose; nothing is remembered for them
    ui.tap(ui.button("Deutsch"))
    ui.tap(ui.button("Türkçe"))
    kiosk_scan(ui, "MEM0003")
    assert ui.app.member == "M003" and ui.app.language == "de"
    assert member_language("M003") is None
    # a passer-by's tap lapses with the idle logout: the next visitor's login adopts nothing
    ui.tap(ui.button(kiosk_text("de", "log_out")))
    ui.tap(ui.button("Deutsch"))
    ui.tap(ui.button("Türkçe"))
    assert ui.app.idle.armed
    ui.app.idle_logout()
    assert ui.app.language == "de"
    kiosk_scan(ui, "MEM0003")
    assert ui.app.language == "de" and member_language("M003") is None


