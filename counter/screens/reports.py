"""Reports for a manager: the open shift so far, package campaigns, and the credit liability."""

from __future__ import annotations

from counter.names import campaign_state_name, method_name
from counter.screens.base import CounterScreen
from counter.screens.shift import station_time_rows
from counter.texts import text as t
from engine.entitlements import report_campaigns, report_liability
from engine.sales.shifts import shift_report
from uikit import theme
from uikit.screen import load_kv

load_kv(__file__)


class ReportsScreen(CounterScreen):
    screen_name = "reports"
    manager_screen = True

    def fill(self) -> None:
        money, now = self.app.money, self.app.now()
        box = self.new_listing(t("reports_title"))
        if self.app.shift:
            report = shift_report(self.app.shift, now)
            box.add_widget(self.label(t("shift_badge", shift=self.app.shift), "large", bold=True))
            box.add_widget(self.label(
                f"{t('report_receipts')} {report.receipts} · {t('report_total')} "
                f"{money(report.total)} · {t('report_discount')} {money(-report.discount)}"
                f" · {t('cash_expected')} {money(report.cash.expected)}"))
            for row in report.discounts:
                box.add_widget(self.label(f"    {row.name}: {money(row.amount)}", "small"))
            box.add_widget(self.label(t("report_payments"), bold=True))
            for line in report.payment_lines:  # the receipts', then kiosk orders paid here
                name = method_name(line.method) if line.source == "receipts" else \
                    f"{t('report_orders', count=report.orders.count)} · {method_name(line.method)}"
                box.add_widget(self.label(f"    {name}: {money(line.amount)}", "small"))
            box.add_widget(self.label(f"    [b]{t('report_takings')}: {money(report.takings)}[/b]",
                                      "small"))
            box.add_widget(self.label(t("report_station_time"), bold=True))
            for left, right in station_time_rows(report, money):
                box.add_widget(self.label(f"    {left}: {right}", "small"))
        box.add_widget(self.label(t("report_packages"), "large", bold=True))
        for campaign in report_campaigns(now):
            box.add_widget(self.label(t(
                "report_campaign_line", name=campaign["name"] or campaign["campaign"],
                state=campaign_state_name(campaign["state"]), purchases=campaign["purchases"],
                revenue=money(campaign["revenue"]), refunds=money(campaign["refunds"]))))
            for package in campaign["packages"]:
                box.add_widget(self.label(
                    f"    {package['name'] or package['package']}: {package['purchases']} × "
                    f"{money(package['revenue'])}", "small", color=theme.MUTED))
        liability = report_liability(now)
        box.add_widget(self.label(t("liability"), "large", bold=True))
        outstanding = liability.outstanding
        box.add_widget(self.label(t("liability_line", money=money(outstanding["money"].total),
                                    minutes=self.app.minutes(outstanding["minutes"].total))))
