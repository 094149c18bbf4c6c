"""The shift report as printed: sales, payments, discounts per campaign, coupons, packages,
guests' station time, refunds, voids, kiosk orders paid here, cash in/out, no-sales and the
cash count, from the shift's facts (`engine.sales.shifts.shift_report`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from engine.documents.dressing import dressed, person
from engine.documents.types import CashCount, CountLine, PaymentLine, ShiftReport
from engine.documents.words import method_word, word
from engine.models import Staff

if TYPE_CHECKING:  # the facts are handed in: documents build on shifts, never call them
    from engine.sales.shifts import ShiftFacts


def shift_report(facts: ShiftFacts, at: dt.datetime) -> ShiftReport:
    """The printable report of a shift (open or closed, with or without receipts) as of `at`."""
    cash = facts.cash
    head, money = dressed(facts.location, facts.device)
    return ShiftReport(
        header=head,
        currency=money,
        shift=facts.shift,
        at=at,
        receipts=facts.receipts,
        subtotal=facts.subtotal,
        discount=facts.discount,
        total=facts.total,
        payments=tuple(PaymentLine(p.method, p.amount) for p in facts.payments),
        staff=facts.staff_name,
        first_at=facts.opened_at,
        last_at=facts.closed_at or at,
        cash=CashCount(cash.opening, cash.expected, cash.counted, cash.difference),
        discounts=tuple(CountLine(d.name, d.receipts, d.amount) for d in facts.discounts),
        coupons_redeemed=tuple(CountLine(c.name, c.count) for c in facts.coupons_redeemed),
        coupons_issued=tuple(CountLine(c.name, c.count, c.value) for c in facts.coupons_issued),
        packages=tuple(CountLine(p.name, p.count, p.amount) for p in facts.packages),
        refunds=tuple(PaymentLine(m.method, m.amount) for m in facts.refunds.methods),
        refund_count=facts.refunds.count,
        voids=CountLine("voids", facts.voids.count, facts.voids.amount),
        closed_by=(person(Staff, facts.closed_by)
                   if facts.closed_by not in (None, facts.staff) else None),
        station_time=station_time(facts, money.language),
        orders=CountLine(orders_label(facts, money.language), facts.orders.count,
                         facts.orders.amount),
        takings=facts.takings,
        cash_moves=tuple(CountLine(word(money.language, f"cash_{m.direction}", reason=m.reason),
                                   1, m.amount if m.direction == "in" else -m.amount)
                         for m in facts.cash_moves),
        no_sales=facts.no_sales,
        price_overrides=facts.price_overrides,
    )


def station_time(facts: ShiftFacts, language: str | None = None) -> tuple[CountLine, ...]:
    """Guests' station time: the minutes and money billed on the shift's receipts, then each
    guest session not paid yet (it stays open on the report until a receipt pays it)."""
    played = facts.station_time
    rows = [CountLine(word(language, "station_minutes", minutes=played.minutes), played.lines,
                      played.money)] if played.lines else []
    rows += [CountLine(word(language, "not_paid", station=u["station"], session=u["session"]), 1)
             for u in played.unpaid]
    return tuple(rows)


def orders_label(facts: ShiftFacts, language: str | None = None) -> str:
    """The kiosk orders paid here as one line of the payments, with how they were paid in words:
    "Kiosk orders (2) · Cash, Card"."""
    methods = ", ".join(method_word(language, m.method) for m in facts.orders.methods)
    orders = word(language, "orders", count=facts.orders.count)
    return word(language, "orders_paid", orders=orders, methods=methods) if methods else orders
