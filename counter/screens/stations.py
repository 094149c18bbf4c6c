"""The Stations screen: one tile per station (free / running with the member and time left /
warning / paused / guest with its running time), and what the cashier does with the one tapped:
start it for a scanned member card or a guest, pause, resume, stop, move it to another station
(stop and move asked again), and put a stopped guest's time on the receipt.

Every rule is an engine call (engine.sessions.lifecycle, engine.sessions.move,
engine.sales.station_time); the tiles are `engine.sessions.queries.station_board`, redrawn when
another process commits (the app's watcher calls `refresh`) and every few seconds while shown
(the times move on).
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from counter.screens.base import CounterScreen
from counter.station_tiles import tile_look, tile_text
from counter.texts import text as t
from engine.errors import PlaydeskError
from engine.people.members import find_member, member_name
from engine.sales.station_time import StationBill, add_station_time, billable_sessions
from engine.sessions import lifecycle
from engine.sessions.move import move, refusal
from engine.sessions.queries import station_board
from uikit import theme
from uikit.screen import load_kv
from uikit.widgets import BigButton

SECONDARY = (0.3, 0.34, 0.43, 1)  # an action that is not the main one, on a panel
TICK_SECONDS = 5  # how often the shown times move on
STATE_COLORS = {"free": (0.16, 0.42, 0.26, 1), "running": theme.ACCENT, "warning": theme.WARN,
                "paused": (0.38, 0.4, 0.46, 1), "guest": (0.5, 0.32, 0.72, 1),
                "closed": theme.PANEL}

load_kv(__file__)


class StationTile(BigButton):
    """One station: its look is its `look` (free | running | warning | paused | guest | closed)."""

    code = StringProperty("")
    look = StringProperty("free")
    selected = BooleanProperty(False)

    def __init__(self, code: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.code = code
        self.markup = True


class StationsScreen(CounterScreen):
    screen_name = "stations"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.tiles: dict[str, StationTile] = {}
        self.board: dict[str, dict[str, Any]] = {}
        self.selected: str | None = None
        self.mode: str = "pick"  # pick | confirm_stop | move_target | confirm_move
        self.move_to: str | None = None
        self._tick = None
        self.title = t("stations_title")
        self.bind(fs_body=lambda *_a: self._resized())

    def _resized(self) -> None:
        if self.app.screens.current == self.name:  # tiles and buttons take the new text size
            self.update()

    # --- showing -------------------------------------------------------------------------------

    def fill(self, message: str = "", good: bool = True) -> None:
        self.mode, self.move_to = "pick", None
        self.update()
        if message:
            self.say(message, theme.GOOD if good else theme.BAD)

    def on_enter(self, *_args) -> None:
        if self._tick is None:
            self._tick = Clock.schedule_interval(lambda _dt: self.update(), TICK_SECONDS)

    def on_leave(self, *_args) -> None:
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def refresh(self) -> None:
        self.update()

    def update(self) -> None:
        now = self.app.now()
        board = station_board(now)
        self.board = {tile["station"]: tile for tile in board}
        if list(self.board) != list(self.tiles):
            self._make_tiles(board)
        for tile in board:
            widget = self.tiles[tile["station"]]
            widget.look = tile_look(tile)
            widget.background_color = STATE_COLORS[widget.look]
            widget.text = tile_text(tile, widget.look, now)
            widget.selected = tile["station"] == self.selected
            widget.font_size = self.fs()  # (the window may have changed size)
            widget.height = max(theme.MIN_TARGET, round(self.fs() * 5))
        if self.selected not in self.board:
            self.selected = None
        self._show_panel()
        self._show_bills()

    def _make_tiles(self, board: list[dict[str, Any]]) -> None:
        grid = self.ids.tiles
        grid.clear_widgets()
        self.tiles = {}
        for tile in board:
            widget = StationTile(tile["station"], font_size=self.fs(),
                                 height=max(theme.MIN_TARGET, round(self.fs() * 5)))
            widget.bind(on_release=lambda w: self.pressed(lambda: self.tap(w.code)))
            self.tiles[tile["station"]] = widget
            grid.add_widget(widget)

    def _show_panel(self) -> None:
        actions = self.ids.actions
        actions.clear_widgets()
        code = self.selected
        if code is None:
            self.ids.selected_label.text = t("stations_pick")
            return
        tile = self.board[code]
        name = tile["name"]
        if self.mode == "confirm_stop":
            self.ids.selected_label.text = t("stations_confirm_stop", name=name)
            self._action(t("stations_yes_stop"), self.stop, theme.BAD)
            self._action(t("cancel"), self.cancel, SECONDARY)
        elif self.mode == "move_target":
            self.ids.selected_label.text = t("stations_move_pick", name=name)
            self._action(t("cancel"), self.cancel, SECONDARY)
        elif self.mode == "confirm_move":
            target = self.board[str(self.move_to)]["name"]
            self.ids.selected_label.text = t("stations_confirm_move", name=name, target=target)
            self._action(t("stations_yes_move"), self.move, theme.WARN)
            self._action(t("cancel"), self.cancel, SECONDARY)
        elif not tile["active"]:
            self.ids.selected_label.text = t("stations_closed", name=name)
        elif tile["state"] == "free":
            self.ids.selected_label.text = t("stations_free", name=name)
            self._action(t("stations_start_guest"), self.start_guest, theme.GOOD)
        else:
            who = t("tile_guest") if tile["guest"] else member_name(tile["member"])
            self.ids.selected_label.text = t("stations_busy", name=name, who=who,
                                             state=t("state_" + tile["state"]))
            if tile["state"] == "running":
                self._action(t("stations_pause"), self.pause, SECONDARY)
            else:
                self._action(t("stations_resume"), self.resume, theme.GOOD)
            self._action(t("stations_move"), self.begin_move, SECONDARY)
            self._action(t("stations_stop"), self.ask_stop, theme.BAD)

    def _action(self, text: str, action, color) -> None:
        self.ids.actions.add_widget(self.button(text, action, color=color,
                                                height=max(theme.MIN_TARGET,
                                                           round(self.fs() * 2.4))))

    def _show_bills(self) -> None:
        box = self.ids.bills
        box.clear_widgets()
        bills = billable_sessions()
        self.ids.bills_title.text = t("stations_to_bill") if bills else ""
        for bill in bills:
            box.add_widget(self.button(self._bill_text(bill), lambda b=bill: self.bill(b),
                                       color=SECONDARY,
                                       height=max(theme.MIN_TARGET, round(self.fs() * 2.4))))

    def _bill_text(self, bill: StationBill) -> str:
        name = self.board.get(bill.station, {}).get("name", bill.station)
        ended = self.app.time_text(bill.ended_at) if bill.ended_at else ""
        return t("stations_bill", name=name, minutes=bill.minutes,
                 amount=self.app.money(bill.unit_price), ended=ended)

    # --- actions -------------------------------------------------------------------------------

    def tap(self, code: str) -> None:
        if self.mode == "move_target" and code != self.selected:
            reason = refusal(str(self.board[str(self.selected)]["session"]), code)
            if reason is not None:  # said before asking to confirm
                self.say(t("refused", reason=reason))
                return
            self.mode, self.move_to = "confirm_move", code
        else:
            self.selected, self.mode, self.move_to = code, "pick", None
            self.say("")
        self.update()

    def cancel(self) -> None:
        self.mode, self.move_to = "pick", None
        self.say("")
        self.update()

    def _do(self, action, done: str, **values) -> bool:
        try:
            action()
        except PlaydeskError as error:
            self.mode, self.move_to = "pick", None
            self.update()
            self.say(t("refused", reason=self.app.refusal(error)))
            return False
        self.mode, self.move_to = "pick", None
        self.update()
        self.good(t(done, **values))
        return True

    @property
    def staff(self) -> str | None:
        return self.app.staff.code if self.app.staff else None

    def start_guest(self) -> None:
        code = str(self.selected)
        self._do(lambda: lifecycle.start(code, self.app.now(), guest=True, staff=self.staff),
                 "stations_started_guest", name=self.board[code]["name"])

    def start_member(self, member: str) -> None:
        code = str(self.selected)
        self._do(lambda: lifecycle.start(code, self.app.now(), member=member, staff=self.staff),
                 "stations_started_member", name=self.board[code]["name"],
                 member=member_name(member))

    def pause(self) -> None:
        code = str(self.selected)
        self._do(lambda: lifecycle.pause(self.app.now(), station=code, staff=self.staff),
                 "stations_paused", name=self.board[code]["name"])

    def resume(self) -> None:
        code = str(self.selected)
        self._do(lambda: lifecycle.resume(self.app.now(), station=code, staff=self.staff),
                 "stations_resumed", name=self.board[code]["name"])

    def ask_stop(self) -> None:
        self.mode = "confirm_stop"
        self.update()

    def stop(self) -> None:
        code = str(self.selected)
        self._do(lambda: lifecycle.stop(self.app.now(), station=code, staff=self.staff),
                 "stations_stopped", name=self.board[code]["name"])

    def begin_move(self) -> None:
        self.mode = "move_target"
        self.update()

    def move(self) -> None:
        code, target = str(self.selected), str(self.move_to)
        if self._do(lambda: move(self.app.now(), target, station=code, staff=self.staff),
                    "stations_moved", name=self.board[code]["name"],
                    target=self.board[target]["name"]):
            self.selected = target
            self.update()

    def bill(self, bill: StationBill) -> None:
        receipt = self.app.screens.get_screen("receipt")
        try:
            add_station_time(receipt.cart, bill.session)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.app.go("receipt", message=t("stations_billed", text=self._bill_text(bill)),
                    good=True)

    def on_scan(self, scanned: str) -> None:
        """A member card starts the selected free station for that member."""
        member = find_member(scanned)
        if member is None:
            self.say(t("stations_scan_member"))
            return
        tile = self.board.get(str(self.selected))
        if tile is None or tile["state"] != "free" or self.mode != "pick":
            self.say(t("stations_pick_free", member=member.name))
            return
        self.start_member(member.code)
