"""The receipt screen holds its layout at every size (issue 18 item 2): with a crowded receipt
(a member with redeemable coupons, scanned coupons, a registered campaign, many lines, the
quick keys) the scan field, the totals and the Pay button stay inside the window and nothing
else is drawn over them, at 1024x600, 1280x800 and 1920x1080. The shift report's title keeps a
row of its own. Driven by taps and scans only; screenshots in tests/artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.coupons.wizard import generate
from engine.models import Staff
from engine.people.pins import hash_pin
from engine.sitefile.campaign_form import save_campaign, set_campaign_state

AT = dt.datetime(2026, 7, 3, 17, 0)
SIZES = ((1024, 600), (1280, 800), (1920, 1080))
CODES: dict[str, list[str]] = {}

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def counter_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "layout", AT)
    path = next(database)
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    save_campaign("couponing", {"code": "LOYAL", "name": "Loyalty voucher for regulars",
                                "notification_type": "always"}, AT, "S02")
    set_campaign_state("LOYAL", "activate", AT, "S02")
    CODES["member"] = [c.code for c in generate(
        "LOYAL", 4, AT, sales_type="contact", sales_filter="M001", discount_type="reduce",
        value=100)]
    CODES["scanned"] = [c.code for c in generate("WELCOME", 3, AT, created_by="S02",
                                                 discount_type="reduce", value=50)]
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def counter(display, counter_db, tmp_path_factory):
    def make_app(printer):
        from counter.app import CounterApp

        return CounterApp(FixedClock(AT), location="COUNTER1", printer=printer)

    yield from ui_harness.drive_app(make_app, "1280x800", tmp_path_factory)


def scan(ui, text: str) -> None:
    ui_harness.scan(ui, text, lambda: (ui.app.screens.current, ui.app.screen.message.text,
                                       len(ui.app.screen.lines_view.data)))


def log_in(ui) -> None:
    ui.tap(ui.button("Sam"))
    for key in "1111":
        ui.tap(ui.button(key))
    ui.tap(ui.button("Log in"))
    if ui.app.screens.current == "shift_open":
        ui.tap(ui.button("0"))
        ui.tap(ui.button("Open shift"))
    assert ui.app.screens.current == "receipt"


def window_rect(widget) -> tuple[float, float, float, float]:
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def visible_rect(widget):
    """Where the widget is drawn: its rectangle, clipped by the scroll views it is in."""
    from kivy.uix.scrollview import ScrollView

    left, bottom, right, top = window_rect(widget)
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, ScrollView):
            pl, pb, pr, pt = window_rect(parent)
            left, bottom, right, top = max(left, pl), max(bottom, pb), min(right, pr), min(top, pt)
        parent = parent.parent
    return (left, bottom, right, top) if left < right and bottom < top else None


def ancestors(widget) -> set[int]:
    found = set()
    while widget is not None and widget.parent is not widget:
        found.add(id(widget))
        widget = widget.parent
    return found


def drawn_over(ui, key) -> list[str]:
    """Leaf widgets (labels, buttons, fields...) drawn on the key widget's rectangle, other than
    the key widget's own parts."""
    from kivy.uix.scrollview import ScrollView

    mine = {id(w) for w in ui.widgets(key)}
    above = ancestors(key)
    kl, kb, kr, kt = window_rect(key)
    problems = []
    for widget in ui.widgets():
        if id(widget) in mine or id(widget) in above or widget.opacity == 0 \
                or widget.get_root_window() is None or isinstance(widget, ScrollView):
            continue
        if widget.children:  # a layout: what it holds is checked, not its box
            continue
        rect = visible_rect(widget)
        if rect is None or widget.width <= 1 or widget.height <= 1:
            continue
        left, bottom, right, top = rect
        if left < kr - 1 and kl < right - 1 and bottom < kt - 1 and kb < top - 1:
            problems.append(f"{type(widget).__name__} {getattr(widget, 'text', '')!r} at "
                            f"{rect} over {type(key).__name__} {getattr(key, 'text', '')!r} "
                            f"at {(kl, kb, kr, kt)}")
    return problems


def real(proxy):
    """The widget a kv id's weak proxy stands for (ids hold proxies)."""
    return next(child for child in proxy.parent.children
                if child is proxy or child.proxy_ref is proxy)


def key_widgets(screen) -> dict:
    return {"scan field": real(screen.ids.field), "totals": real(screen.ids.totals),
            "Pay": real(screen.ids.pay_button)}


def check_geometry(ui, size) -> None:
    width, height = size
    for name, widget in key_widgets(ui.app.screen).items():
        left, bottom, right, top = window_rect(widget)
        assert left >= -1 and bottom >= -1 and right <= width + 1 and top <= height + 1, \
            f"{size}: {name} at {(left, bottom, right, top)} is outside the window"
        assert widget.height >= 40, f"{size}: {name} is {widget.height} px high"
        assert not drawn_over(ui, widget), (size, name, drawn_over(ui, widget))
    header_bottom = window_rect(ui.app.header)[1]
    assert window_rect(ui.app.screen.ids.field)[3] <= header_bottom + 1, \
        f"{size}: the scan field is under the header"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_crowded_receipt_keeps_scan_field_totals_and_pay_in_place(counter, request, size):
    ui = counter.begin(request.node.name, AT, size=size)
    log_in(ui)
    screen = ui.app.screen
    ui.shot("empty")
    check_geometry(ui, size)
    scan(ui, "MEM0001")  # Ada, with four redeemable coupons offered
    for code in CODES["scanned"]:
        scan(ui, code)
    scan(ui, "STAFF10")  # a registered campaign
    for code in ("4006381333931", "CHIPS", "HEADSET", "BAR", "4006381333948", "WATER",
                 "ENERGY", "PS5-HOUR", "PC-HOUR") * 3:
        scan(ui, code)
    ui.tap(ui.button("Fridge"))
    ui.tap(next(b for b in ui.widgets() if getattr(b, "quick_key", None) == "WATER"))
    assert len(screen.cart.lines) == 28 and len(screen.cart.coupons) == 3
    assert [c for c in CODES["member"] if any(c in text for text in ui.texts())]
    assert screen.ids.quick_tiles.children, "the quick keys are shown"
    ui.shot("crowded")
    check_geometry(ui, size)
    assert not ui.layout_problems(), (size, ui.layout_problems())
    ui.tap(ui.button("Play time"))  # the other quick-key page
    ui.shot("crowded-play-time")
    check_geometry(ui, size)
    ui.tap(ui.button("Void receipt"))
    ui.tap(ui.button("Yes, void it"))
    assert screen.cart.empty


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_shift_reports_title_has_its_own_row(counter, request, size):
    ui = counter.begin(request.node.name, AT, size=size)
    log_in(ui)
    scan(ui, "CHIPS")
    ui.tap(ui.button(f"Pay {ui.app.screen.total}"))
    ui.tap(ui.button("Cash"))
    ui.tap(ui.button("Complete sale"))
    ui.tap(ui.button("Next customer"))
    ui.tap(ui.button("Close shift"))
    for key in "200":
        ui.tap(ui.button(key))
    ui.tap(ui.button("Close shift and print report"))
    ui.shot("close-asked")
    ui.tap(ui.button("Yes, close the shift"))
    assert ui.app.screens.current == "shift_report"
    ui.shot("shift-report")
    title = real(ui.app.screen.ids.title_label)
    assert not drawn_over(ui, title), drawn_over(ui, title)
    assert "Cash" in ui.texts() and "cash" not in ui.texts()
    assert not ui.layout_problems(), ui.layout_problems()
    ui.tap(ui.button("Done"))
