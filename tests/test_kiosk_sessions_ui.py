"""The kiosk's home screen and play sessions under Xvfb (issue 17 item 5): a member with a running
session sees a banner with the station and the time left, which runs down while the member
stays on the screen, turns to a warning near the end, says paused, and is gone once the session
stops; the balance says how many minutes of play the member has per station group (minutes lots
+ wallet at the rate), as engine.sessions.queries.play_minutes counts them. The layout holds at
800x480, 1024x600 and 1280x800 with the banner, the play line and three expiring lots.
Screenshots go to tests/artifacts/<test>/; look at them after a change.
"""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.entitlements import add_lot
from engine.models import Staff
from engine.sessions import facts, lifecycle, meter
from engine.sessions.queries import play_minutes
from uikit import theme

AT = dt.datetime(2026, 7, 3, 12, 0)  # a Friday at noon
BEFORE = AT - dt.timedelta(hours=1)

pytestmark = pytest.mark.ui


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture(scope="module")
def kiosk_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "kiosk_sessions", AT)
    path = next(database)
    Staff.create(code="S02", name="Maria", role="manager")
    # Ada: 60 minutes for any device and €10.00 (200 PC minutes at €3.00/h, 100 console
    # minutes at €6.00/h); Linus: 8 PC minutes, three lots expiring this week (the tallest home)
    add_lot("M001", "minutes", "manual", 60, "S02", "test", BEFORE)
    add_lot("M001", "money", "manual", 1000, "S02", "test", BEFORE)
    add_lot("M002", "minutes", "manual", 8, "S02", "test", BEFORE, device="pc")
    for days in (2, 3, 4):
        add_lot("M002", "money", "manual", 100 * days, "S02", "test", BEFORE, device="console",
                expires_at=AT + dt.timedelta(days=days))
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def kiosk(display, kiosk_db, tmp_path_factory):
    def make_app(printer):
        from kiosk.app import KioskApp

        # the idle logout's clock stands still: these tests stay on home for a while
        return KioskApp(FixedClock(AT), location="KIOSK1", printer=printer, idle_now=lambda: 0.0)

    yield from ui_harness.drive_app(make_app, "1024x600", tmp_path_factory)


@pytest.fixture
def fast_banner(monkeypatch):
    """The banner redrawn every 0.1 s instead of 15 s (set before home is entered)."""
    from kiosk.screens import home

    monkeypatch.setattr(home, "REDRAW_SECONDS", 0.1)


def scan(ui, card: str) -> None:
    ui_harness.scan(ui, card, lambda: (ui.app.screens.current, ui.app.member))
    assert ui.app.screens.current == "home"


def banner(ui) -> str:
    return ui.app.screen.ids.session_banner.text


def outside_the_screen(ui) -> list[str]:
    """The home screen's widgets not inside the screen's own box (under the header, below the
    window): layout_problems sees the window only, and an overfull screen pushes its top
    under the header."""
    manager = ui.app.screens
    left, bottom = manager.to_window(manager.x, manager.y)
    right, top = left + manager.width, bottom + manager.height
    problems = []
    for widget in ui.widgets(ui.app.screen):
        if widget.opacity == 0 or widget.height == 0:
            continue
        x, y = widget.to_window(widget.x, widget.y)
        if x < left - 1 or y < bottom - 1 or x + widget.width > right + 1 \
                or y + widget.height > top + 1:
            problems.append(f"{type(widget).__name__} {getattr(widget, 'text', '')!r} at "
                            f"{x:.0f},{y:.0f} {widget.width:.0f}x{widget.height:.0f}")
    return problems


def play_shown(ui) -> list[str]:
    return [label.text for label in reversed(ui.app.screen.ids.play_minutes.children)]


def later(ui, by: dt.timedelta) -> None:
    ui.app.clock.at += by


def test_running_session_banner_runs_down_and_goes_at_stop(kiosk, fast_banner, request):
    ui = kiosk.begin(request.node.name, AT, size=(1024, 600))
    figures = {g["device"]: g["minutes"] for g in play_minutes("M001", AT)}
    assert figures == {"pc": 260, "console": 160}  # 60 + 200, 60 + 100: the engine's own count
    lifecycle.start("PC01", AT, member="M001")
    later(ui, minutes(10.5))
    meter.charge_due(ui.app.clock.at)  # the meter (another device) charged minutes 2..11
    scan(ui, "MEM0001")
    assert banner(ui) == "You are playing on PC 1 · 4 h 9 min left"  # 260 − 10.5, rounded down
    assert ui.app.screen.session_color == list(theme.GOOD)
    ui.shot("running")

    # nothing is committed while the member looks: the banner runs down by itself
    later(ui, minutes(5))
    assert ui.pump_until(lambda: banner(ui) == "You are playing on PC 1 · 4 h 4 min left",
                         seconds=3), banner(ui)

    lifecycle.pause(ui.app.clock.at, station="PC01")
    later(ui, minutes(30))  # paused time costs nothing and leaves the time left as it was
    assert ui.pump_until(
        lambda: banner(ui) == "Your session on PC 1 is paused · 4 h 4 min left", seconds=3)
    ui.shot("paused")
    lifecycle.resume(ui.app.clock.at, station="PC01")

    lifecycle.stop(ui.app.clock.at, station="PC01")
    assert ui.pump_until(lambda: banner(ui) == "", seconds=3)
    assert ui.app.screen.ids.session_banner.height == 0
    pc = next(g["minutes"] for g in play_minutes("M001", ui.app.clock.at) if g["device"] == "pc")
    assert pc == 260 - 16  # 16 started minutes charged (10.5 + 5 running)
    assert play_shown(ui)[0] == "Standard PCs: 4 h 4 min"  # the figures were filled again too
    ui.shot("stopped")
    home = ui.app.screen
    ui.tap(ui.button("History"))
    assert home._redraw_event is None  # no redraws behind another screen


def test_warning_near_the_end(kiosk, fast_banner, request):
    ui = kiosk.begin(request.node.name, AT + minutes(60), size=(1024, 600))
    start = ui.app.clock.at
    lifecycle.start("PC02", start, member="M002")  # 8 PC minutes, no PC wallet
    later(ui, minutes(1))
    scan(ui, "MEM0002")
    assert banner(ui) == "You are playing on PC 2 · 7 min left"
    assert ui.app.screen.session_color == list(theme.GOOD)
    later(ui, minutes(1.5))  # within session_warning_minutes (5) of the end
    assert ui.pump_until(lambda: banner(ui) == "You are playing on PC 2 · only 5 min left",
                         seconds=3), banner(ui)  # 8 − 2.5, rounded down
    assert ui.app.screen.session_color == list(theme.WARN)
    ui.shot("warning")
    lifecycle.stop(ui.app.clock.at, station="PC02")
    assert facts.open_for_member("M002") is None


@pytest.mark.parametrize("size", [(1024, 600), (1280, 800), (800, 480)])
def test_play_minutes_and_banner_fit(kiosk, request, size):
    """The tallest home (banner, play line, three expiring lots) keeps its buttons on screen."""
    offset = {(1024, 600): 0, (1280, 800): 10, (800, 480): 20}[size]  # one session each
    ui = kiosk.begin(request.node.name, AT + minutes(120 + offset), size=size)
    at = ui.app.clock.at
    lifecycle.start("PS5-1", at, member="M002")  # console: the wallet at €6.00/h
    try:
        ui.app.go("attract")  # home entered anew at this size (a resize's first frame is black)
        scan(ui, "MEM0002")
        groups = {g["name"]: g["minutes"] for g in play_minutes("M002", at)}
        assert play_shown(ui) == [f"Standard PCs: {ui.app.minutes(groups['Standard PCs'])}",
                         f"Consoles: {ui.app.minutes(groups['Consoles'])}"]
        assert groups["Consoles"] == 89 - offset // 10  # €8.90 at €6.00/h, then minute by minute
        assert banner(ui).startswith("You are playing on PS5 lounge 1 · ")
        ui.pump(3)
        assert ui.layout_problems() == []
        assert outside_the_screen(ui) == []
        buy = ui.button("Buy packages")
        assert buy.to_window(buy.x, buy.y)[1] >= 0 and buy.height >= theme.MIN_TARGET
        ui.shot(f"home-{size[0]}x{size[1]}")
    finally:
        lifecycle.stop(at + minutes(1), station="PS5-1")
