"""Run a Kivy app of playdesk under Xvfb inside the test process, and drive it like a finger.

One Xvfb per test session (a free display number), one app per test module: Kivy has one window
per process, so `AppDriver` builds the app on that window (`App._run_prepare`) and advances the
event loop frame by frame (`pump`) instead of calling the blocking `App.run`. Touches go through
the window like real ones (kivy.tests.common.UnitTestTouch), so idle timers see them. Screenshots
land in tests/artifacts/<test>/NN-<name>.png.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def free_display() -> int:
    for number in range(90, 200):
        if not (Path(f"/tmp/.X{number}-lock").exists()
                or Path(f"/tmp/.X11-unix/X{number}").exists()):
            return number
    raise RuntimeError("no free X display number")


def start_xvfb(width: int = 1280, height: int = 800) -> tuple[subprocess.Popen, str]:
    """Start Xvfb on a free display; returns the process and the DISPLAY value."""
    xvfb = shutil.which("Xvfb") or "/usr/bin/Xvfb"
    for _attempt in range(5):
        number = free_display()
        process = subprocess.Popen([xvfb, f":{number}", "-screen", "0", f"{width}x{height}x24",
                                    "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None and not socket.exists():
            time.sleep(0.05)
        if process.poll() is None and socket.exists():
            return process, f":{number}"
        process.kill()
    raise RuntimeError("Xvfb did not start")


_XVFB: tuple[subprocess.Popen, str] | None = None


def _stop_xvfb() -> None:
    if _XVFB is not None and _XVFB[0].poll() is None:
        _XVFB[0].terminate()
        _XVFB[0].wait(timeout=10)


def xvfb_session() -> Iterator[str]:
    """Body of a display fixture: one Xvfb for the whole test process, DISPLAY set for Kivy.

    Kivy has one window per process, bound to the X server it first met: every UI test module
    (kiosk, counter) must share that server, so it lives until the process ends.
    """
    global _XVFB
    if _XVFB is None or _XVFB[0].poll() is not None:
        _XVFB = start_xvfb()
        atexit.register(_stop_xvfb)
        os.environ["DISPLAY"] = _XVFB[1]
        os.environ["KIVY_NO_ARGS"] = "1"
        # Mesa: do not wait for a (virtual) vertical blank per frame (lower case is its real name)
        os.environ["vblank_mode"] = "0"  # noqa: SIM112
        os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
        os.environ.setdefault("KIVY_NO_FILELOG", "1")
    yield _XVFB[1]


@pytest.fixture(scope="module", name="display")
def display_fixture() -> Iterator[str]:
    """The fixture `display`, the X display of UI tests: a UI test module imports it."""
    yield from xvfb_session()


def artifact_dir(test_name: str) -> Path:
    folder = ARTIFACTS / test_name.replace("/", "_").replace("[", "-").replace("]", "")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


class AppDriver:
    """Drives an App built on the (one) Kivy window."""

    def __init__(self, app) -> None:
        from kivy.base import EventLoop

        self.app = app
        self.loop = EventLoop
        EventLoop.ensure_window()
        app._run_prepare()
        self.pump()
        self.shots = 0
        self.folder: Path | None = None

    @property
    def window(self):
        return self.loop.window

    def pump(self, frames: int = 3) -> None:
        for _ in range(frames):
            self.loop.idle()

    def pump_until(self, condition: Callable[[], bool], seconds: float = 5.0) -> bool:
        """Run frames until `condition()` holds (scanner threads, clock intervals)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.loop.idle()
            if condition():
                return True
            time.sleep(0.01)
        return condition()

    def resize(self, width: int, height: int) -> None:
        self.window.size = (width, height)
        self.pump(5)

    def tap(self, widget) -> None:
        """A finger down and up on the widget's centre."""
        from kivy.tests.common import UnitTestTouch

        self.pump(2)  # a screen just rebuilt is laid out on the next frames
        x, y = widget.to_window(widget.center_x, widget.center_y)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.pump(1)
        touch.touch_up()
        self.pump(2)

    def widgets(self, root=None) -> Iterator:
        stack = [root or self.app.root]
        while stack:
            widget = stack.pop()
            yield widget
            stack.extend(widget.children)

    def buttons(self, text: str) -> list:
        from kivy.uix.button import Button

        return [w for w in self.widgets() if isinstance(w, Button) and w.text == text
                and w.get_root_window() is not None and not w.disabled]

    def button(self, text: str):
        found = self.buttons(text)
        assert len(found) == 1, f"{len(found)} visible buttons say {text!r}"
        return found[0]

    def texts(self) -> list[str]:
        from kivy.uix.label import Label

        return [w.text for w in self.widgets() if isinstance(w, Label) and w.text]

    def layout_problems(self, min_target: int = 48) -> list[str]:
        """Touch targets smaller than `min_target` px, widgets outside the window, clipped text."""
        from kivy.uix.button import Button
        from kivy.uix.label import Label
        from kivy.uix.scrollview import ScrollView

        width, height = self.window.size
        scrolled = {id(w) for view in self.widgets() if isinstance(view, ScrollView)
                    for w in self.widgets(view)}
        problems = []
        for widget in self.widgets():
            if widget.get_root_window() is None or widget.opacity == 0:
                continue
            name = f"{type(widget).__name__} {getattr(widget, 'text', '')!r}"
            if isinstance(widget, Button) and not widget.disabled and (
                    widget.height < min_target or widget.width < min_target):
                problems.append(f"{name} is {widget.width:.0f}×{widget.height:.0f} px")
            if id(widget) in scrolled:
                continue
            x, y = widget.to_window(widget.x, widget.y)
            if x < -1 or y < -1 or x + widget.width > width + 1 or y + widget.height > height + 1:
                problems.append(f"{name} at {x:.0f},{y:.0f} {widget.width:.0f}×"
                                f"{widget.height:.0f} is outside the {width}×{height} window")
            if isinstance(widget, Label) and widget.text and (
                    widget.texture_size[0] > widget.width + 2
                    or widget.texture_size[1] > widget.height + 2):
                problems.append(f"{name} text {widget.texture_size} does not fit "
                                f"{widget.width:.0f}×{widget.height:.0f}")
        return problems

    def begin(self, test_name: str, at, size: tuple[int, int] | None = None) -> AppDriver:
        """A test starts: the window at `size` (when given), the clock at `at`, nobody logged in,
        screenshots into the test's own folder."""
        if size is not None and tuple(self.window.size) != size:
            self.resize(*size)
        self.app.clock.at = at
        self.app.logout()
        self.pump()
        self.start_test(test_name)
        return self

    def start_test(self, test_name: str) -> None:
        self.folder = artifact_dir(test_name)
        self.shots = 0

    def shot(self, name: str) -> Path:
        from uikit.screenshot import save_screenshot

        assert self.folder is not None, "call start_test first"
        self.pump(3)
        self.shots += 1
        return save_screenshot(self.folder / f"{self.shots:02d}-{name}.png")

    def stop(self) -> None:
        self.app.dispatch("on_stop")
        if self.app.root is not None:
            self.window.remove_widget(self.app.root)
        self.pump(1)


# --- what the kiosk's and the counter's UI tests share -----------------------------------------

DEMO_SITE = Path(__file__).resolve().parent / "data" / "site.yaml"


def demo_database(tmp_path_factory, name: str, at) -> Iterator[Path]:
    """Body of a module database fixture: the demo site loaded into a fresh file, open while the
    module runs (callers add their own rows after `next()`)."""
    from engine.db import close_database, open_database
    from engine.sitefile import load_site_file

    path = tmp_path_factory.mktemp(name) / "playdesk.db"
    open_database(path)
    load_site_file(DEMO_SITE, at=at)
    yield path
    close_database()


def configure_test_kivy(size: str) -> None:
    """Kivy for tests and benches: a window of `size`, frames as fast as they are pumped."""
    from uikit.kivyconfig import configure_kivy

    configure_kivy(size)
    from kivy.config import Config

    Config.set("graphics", "maxfps", "0")
    Config.set("graphics", "vsync", "0")


def drive_app(make_app: Callable, size: str, tmp_path_factory) -> Iterator[AppDriver]:
    """Body of a module app fixture: `make_app(printer)` (it imports the app: Kivy is configured
    first) printing PNG previews into `driver.prints`; stopped when the module is done."""
    configure_test_kivy(size)
    from uikit.devices import Printer

    prints = tmp_path_factory.mktemp("prints")
    driver = AppDriver(make_app(Printer(f"png:{prints}")))
    driver.prints = prints
    yield driver
    driver.stop()


def scan(ui: AppDriver, text: str, state: Callable[[], object]) -> None:
    """A scan from the scanner thread, through the bridge, handled on the UI thread: frames run
    until `state()` (what the scan should change) changes."""
    from hardware.scanners.base import Scan

    before = state()
    ui.app.scans.push(Scan(text, "test", time.time()))
    ui.pump_until(lambda: state() != before)
