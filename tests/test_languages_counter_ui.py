"""The counter in German and Turkish (issue 20), at 1024x600 and 1280x800: it follows the
site's locale (de_DE), and a manager whose staff record says `language: tr` gets Turkish from
her login to her logout. Every screen visited is geometry-checked and photographed in
tests/artifacts/; the receipts print as German previews. Driven by taps and scans only."""

from __future__ import annotations

import pytest
import ui_harness
from languages_harness import AT, SIZES, checked, german_site, words
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    yield from german_site(tmp_path_factory)


# --- the counter ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def counter(display, site_db, tmp_path_factory):
    from counter import texts

    def make_app(printer):
        from counter.app import CounterApp

        return CounterApp(FixedClock(AT), location="COUNTER1", printer=printer)

    yield from ui_harness.drive_app(make_app, "1280x800", tmp_path_factory)
    texts.use(None)


def counter_text(language: str, key: str, **values) -> str:
    from counter.texts import TEXTS

    return words(language, key, TEXTS[key], **values)


def counter_log_in(ui, name: str, pin: str, language: str) -> None:
    ui.tap(ui.button(name))
    for key in pin:
        ui.tap(ui.button(key))
    ui.tap(ui.button(counter_text(ui.app.language, "login_submit")))
    assert ui.app.language == language
    if ui.app.screens.current == "shift_open":
        checked(ui, f"shift-open-{language}")
        ui.tap(ui.button("0"))
        ui.tap(ui.button(counter_text(language, "shift_open")))
    assert ui.app.screens.current == "receipt"


def counter_scan(ui, text: str) -> None:
    ui_harness.scan(ui, text, lambda: (ui.app.screens.current, ui.app.screen.message.text,
                                       len(ui.app.screen.lines_view.data)))


@pytest.mark.parametrize("size", SIZES)
def test_the_counter_speaks_the_site_language_and_a_cashiers_own(counter, request, size):
    ui = counter.begin(request.node.name, AT, size=size)
    assert ui.app.language == "de"
    assert counter_text("de", "login_title") in ui.texts()
    checked(ui, "login-de")

    counter_log_in(ui, "Sam", "1111", "de")  # no language of his own: the site's
    counter_scan(ui, "4006381333931")  # Cola
    counter_scan(ui, "4012345678901")  # Chips
    texts = " ".join(ui.texts())
    assert "2,50\u00a0€" in texts  # German money on screen
    checked(ui, "receipt-de")
    ui.tap(ui.button(counter_text("de", "pay", amount=ui.app.money(450))))
    checked(ui, "payment-de")
    ui.tap(ui.button(counter_text("de", "payment_exact")))
    ui.tap(ui.button(counter_text("de", "payment_complete")))
    checked(ui, "done-de")
    ui.tap(ui.button(counter_text("de", "log_out")))
    assert ui.app.screens.current == "login"

    counter_log_in(ui, "Elif", "3333", "tr")  # her staff record says Turkish
    assert counter_text("tr", "log_out") in [b.text for b in ui.widgets() if hasattr(b, "text")]
    counter_scan(ui, "4006381333931")
    checked(ui, "receipt-tr")
    ui.tap(ui.button(counter_text("tr", "pay", amount=ui.app.money(250))))
    checked(ui, "payment-tr")
    ui.tap(ui.button(counter_text("tr", "payment_exact")))
    ui.tap(ui.button(counter_text("tr", "payment_complete")))
    checked(ui, "done-tr")
    receipt = ui.app.printer.last[0]  # the receipt prints in the site's language, not hers
    assert receipt.currency.locale == "de_DE"
    ui.tap(ui.button(counter_text("tr", "stations")))
    checked(ui, "stations-tr")
    ui.tap(ui.button(counter_text("tr", "manager")))
    checked(ui, "manager-tr")
    ui.tap(ui.button(counter_text("tr", "sale")))
    counter_scan(ui, "4006381333931")
    ui.tap(ui.button(counter_text("tr", "log_out")))
    if ui.app.screens.current != "login":  # the open receipt: parked
        ui.tap(ui.button(counter_text("tr", "logout_park")))
    assert ui.app.screens.current == "login" and ui.app.language == "de"
