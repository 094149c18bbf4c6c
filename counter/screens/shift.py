"""Opening a shift (counted cash in) and closing it (counted cash out, the report, printed)."""

from __future__ import annotations

from kivy.properties import StringProperty

from counter.screens.amount import AmountEntry
from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine import documents
from engine.closing.day import close_day, day_report
from engine.closing.queries import day_closed
from engine.documents.day import day_document
from engine.errors import PlaydeskError
from engine.ids import device_id
from engine.sales.shifts import ShiftFacts, close_shift, expected_cash, get_shift, open_shift
from uikit import theme
from uikit.confirm import ask
from uikit.screen import load_kv

load_kv(__file__)


class CashScreen(CounterScreen):
    """A screen laid out in shift.kv around a counted amount (its AmountEntry made once)."""

    hint = "cash_opening"  # the field's hint
    ask = "shift_open_hint"  # what to say when there is no amount

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.entry = AmountEntry(self.app.money, self.submit, self.fs("large"),
                                 hint=t(self.hint), size_hint_x=0.5, pos_hint={"center_x": .5})
        self.ids.entry.add_widget(self.entry)

    def fill(self) -> None:
        self.entry.set(None)
        self.scan_field = self.entry.field

    def counted(self) -> int | None:
        """The amount typed, or None (and it is asked for)."""
        if self.entry.amount is None:
            self.say(t(self.ask))
        return self.entry.amount

    def submit(self) -> None:
        raise NotImplementedError

    def on_scan(self, scanned: str) -> None:
        """Digits from a keyboard wedge (or the demo's stdin) are the counted amount."""
        if scanned.strip().isdigit():
            self.entry.set(int(scanned.strip()))
            self.submit()
        else:
            self.say(t(self.ask))


class ShiftOpenScreen(CashScreen):
    screen_name = "shift_open"

    def submit(self) -> None:
        amount = self.counted()
        if amount is None:
            return
        try:
            shift = open_shift(self.app.staff.code, amount, self.app.now(), self.app.location)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.app.shift_opened(shift.id)


class ShiftCloseScreen(CashScreen):
    screen_name = "shift_close"
    hint = "cash_counted"
    ask = "shift_close_hint"
    shift = StringProperty("")

    def fill(self) -> None:
        self.shift = self.app.shift or ""
        super().fill()

    def submit(self) -> None:
        """Closing asks first, with what the count says against what the drawer should hold."""
        amount = self.counted()
        if amount is None or not self.app.shift:
            return
        try:
            expected = expected_cash(get_shift(self.app.shift), self.app.now())
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        money = self.app.money
        ask(self, t("close_confirm", shift=self.app.shift, counted=money(amount),
                    expected=money(expected), difference=money(amount - expected)),
            [(t("close_yes"), lambda: self.close(amount), theme.WARN)], t("confirm_keep"),
            font_size=self.fs())

    def close(self, amount: int) -> None:
        shift = self.app.shift
        try:
            report = close_shift(shift, self.app.staff.code, amount, self.app.now())
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.app.shift_closed()
        self.app.go("shift_report", report=report)
        self.app.print_document(documents.shift_report(report, self.app.now()))


def station_time_rows(report: ShiftFacts, money) -> list[tuple[str, str]]:
    """Guests' station time of a shift: billed (minutes, money), then each guest session not
    paid yet (it stays open on the report)."""
    played = report.station_time
    rows = [(t("report_station_billed", lines=played.lines, minutes=played.minutes),
             money(played.money))]
    rows += [(t("report_station_unpaid", station=u["station"], session=u["session"]),
              t("state_" + u["state"]) if u["state"] != "ended" else t("report_station_stopped"))
             for u in played.unpaid]
    return rows


class ShiftReportScreen(CounterScreen):
    """The report of a closed shift (also printed)."""

    screen_name = "shift_report"

    title = StringProperty("")

    def fill(self, report: ShiftFacts) -> None:
        """Layout in shift.kv; the two cards' facts are written anew for each report."""
        money = self.app.money
        self.title = t("shift_closed_title", shift=report.shift)
        left, right = self.ids.left, self.ids.right
        left.clear_widgets()
        right.clear_widgets()
        cash = report.cash

        def pair(box, left_text: str, right_text: str, **kwargs) -> None:
            box.add_widget(self.row(self.label(left_text, size_hint_y=1, shorten=True,
                                               shorten_from="right", **kwargs),
                                    self.label(right_text, size_hint_y=1, halign="right",
                                               size_hint_x=0.45, **kwargs),
                                    height=self.fs() + 10))

        pair(left, t("report_receipts"), str(report.receipts))
        pair(left, t("report_subtotal"), money(report.subtotal))
        pair(left, t("report_discount"), money(-report.discount))
        pair(left, t("report_total"), money(report.total), bold=True)
        if report.tax_added:  # exclusive mode: the payments below covered the tax on top
            pair(left, t("report_tax_added"), money(report.tax_added))
        left.add_widget(self.label(t("report_payments"), bold=True))
        # every line of money taken in, named: the receipts' methods, then the kiosk orders
        # paid here per method; they add up to the takings under them
        for line in report.payment_lines:
            pair(left, line.name, money(line.amount))
        pair(left, t("report_takings"), money(report.takings), bold=True)
        pair(left, t("report_refunds"), money(-report.refunds.amount))
        pair(left, t("report_voids"), f"{report.voids.count}× {money(report.voids.amount)}")
        if report.no_sales:
            pair(left, t("report_no_sales"), f"{report.no_sales}×")
        if report.price_overrides:
            pair(left, t("report_overrides"), f"{report.price_overrides}×")
        if report.cash_moves:
            left.add_widget(self.label(t("report_cash_moves"), bold=True))
        for move in report.cash_moves:
            pair(left, t(f"report_cash_{move.direction}", reason=move.reason),
                 money(move.amount if move.direction == "in" else -move.amount))
        left.add_widget(self.label(t("cash_counted"), bold=True))
        pair(left, t("cash_opening"), money(cash.opening))
        pair(left, t("cash_expected"), money(cash.expected))
        pair(left, t("cash_counted"), money(cash.counted or 0))
        difference = cash.difference or 0
        pair(left, t("cash_difference"), money(difference), bold=True,
             color=theme.GOOD if difference == 0 else theme.BAD)

        for title, rows, render in (
                ("report_discounts", report.discounts,
                 lambda r: (r.name, money(r.amount))),
                ("report_coupons_redeemed", report.coupons_redeemed,
                 lambda r: (r.name, f"{r.count}×")),
                ("report_coupons_issued", report.coupons_issued,
                 lambda r: (r.name, f"{r.count}× {money(r.value)}")),
                ("report_packages", report.packages,
                 lambda r: (r.name, f"{r.count}× {money(r.amount)}"))):
            right.add_widget(self.label(t(title), bold=True))
            if not rows:
                right.add_widget(self.label(t("report_none"), color=theme.MUTED))
            for row in rows:
                pair(right, *render(row))
        right.add_widget(self.label(t("report_station_time"), bold=True))
        for left_text, right_text in station_time_rows(report, money):
            pair(right, left_text, right_text)
        # (each card's facts sit at the top of its scroll view, the room below)
        self.offer_day_close()

    def offer_day_close(self) -> None:
        """After the shift, a manager may close the device's day (tax.md: the Z report); a
        cashier is told who can. A day closed already is said so, not offered again."""
        button = self.ids.day_close
        day = self.app.now().date()
        closed = day_closed(device_id(), day)
        if closed is not None:
            button.disabled = True
            button.text = t("day_closed_already", z=closed)
        elif not self.app.is_manager():
            button.disabled = True
            button.text = t("day_close_manager_only")
        else:
            button.disabled = False
            button.text = t("day_close", day=day.isoformat())

    def ask_day_close(self) -> None:
        day = self.app.now().date()
        try:
            report = day_report(device_id(), day)
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        ask(self, t("day_close_confirm", day=day.isoformat(), receipts=report.receipts,
                    total=self.app.money(report.total_due)),
            [(t("day_close_yes"), lambda: self.close_day(day), theme.WARN)], t("confirm_keep"),
            font_size=self.fs())

    def close_day(self, day) -> None:
        try:
            closing = close_day(device_id(), day, self.app.staff.code, self.app.now())
        except PlaydeskError as error:
            self.say(t("refused", reason=self.app.refusal(error)))
            return
        self.say(t("day_closed", z=closing.z), theme.GOOD)
        self.offer_day_close()
        self.app.print_document(day_document(closing.id))

    def on_scan(self, scanned: str) -> None:
        """The shift is closed: log in again to sell."""
