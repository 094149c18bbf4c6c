"""Pricing speed: a receipt against hundreds of active campaigns of mixed types.

Targets (issue 4): a 50-line receipt against 300 active campaigns < 5 ms median; a 200-line
receipt < 20 ms. Issue 16: 50 lines x 300 campaigns <= 1.5 ms and <= 1.5x the all-pairs loop
measured in the same run (`all_pairs`: the floor), 400 lines x 1,000 campaigns <= 10 ms.
Prints those figures, then how the median grows with lines and with campaigns. The site is
built directly as `Definitions` (pricing is pure; the database is not timed). Figures are
medians of CPU time: the machine is shared, and CPU time stays meaningful when it is busy.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from engine.pricing import (
    CampaignDef,
    Definitions,
    FilterDef,
    FreeLineDef,
    ItemDef,
    LineInput,
    LocationDef,
    ReceiptInput,
    ResourceDef,
    TierDef,
    TriggerDef,
    TriggerLineDef,
    price_receipt,
)
from engine.pricing.filters import Group, compile_filters

AT = dt.datetime(2026, 7, 3, 17, 30)
CATEGORIES = [f"CAT{n}" for n in range(20)]
VENDORS = [f"VEN{n}" for n in range(10)]
TYPES = ["line_discount", "line_reduce", "receipt_discount", "receipt_reduce", "tiered_discount",
         "tiered_reduce", "m_for_n", "m_plus_n"]


def build_site(campaign_count: int, seed: int = 7) -> Definitions:
    rng = random.Random(seed)
    items = {f"I{n}": ItemDef(f"I{n}", f"Item {n}", rng.randrange(50, 2000),
                              rng.choice(CATEGORIES), rng.choice(VENDORS)) for n in range(500)}
    resources = {f"R{n}": ResourceDef(f"R{n}", f"Resource {n}", 400 + 100 * n) for n in range(5)}
    groups = [f"GROUP{n}" for n in range(10)]
    campaigns = {g: CampaignDef(g, "category", priority=rng.randrange(1, 50)) for g in groups}
    codes = []
    for n in range(campaign_count):
        kind = TYPES[n % len(TYPES)]
        code = f"C{n:03d}"
        codes.append(code)
        filters: list[FilterDef] = []
        shape = rng.random()
        if shape < 0.5:
            filters.append(FilterDef("item_category", rng.choice(CATEGORIES)))
        elif shape < 0.7:
            filters += [FilterDef("item", f"I{rng.randrange(500)}") for _ in range(3)]
        elif shape < 0.8:
            filters.append(FilterDef("vendor", rng.choice(VENDORS)))
            filters.append(FilterDef("item", f"I{rng.randrange(500)}", excluded=True))
        fields: dict = {
            "priority": rng.randrange(1, 200), "filters": tuple(filters),
            "category": rng.choice([None, None, *groups]),
            "overpayment_allowed": rng.random() < 0.5,
        }
        if rng.random() < 0.2:
            fields.update(from_time=dt.time(16), to_time=dt.time(18))
        if rng.random() < 0.1:
            fields["triggers"] = (TriggerDef("pool", (TriggerLineDef(
                "item_category", rng.choice(CATEGORIES)),), 2),)
        value = Decimal(rng.randrange(5, 30)) if kind.endswith("discount") else Decimal(
            rng.randrange(20, 300))
        if kind.startswith("tiered"):
            usage = rng.choice(["single", "multiple", "quantity_scale", "quantity_scale_total"])
            fields["tiers"] = (TierDef(value, usage, 2, 0), TierDef(value + 5, usage, 5, 1000))
        if kind == "m_for_n":
            fields.update(buy=3, pay=2, usage=rng.choice(["single", "multiple"]))
        if kind == "m_plus_n":
            fields.update(buy=2, get=1, usage=rng.choice(["single", "multiple"]),
                          reduction_type=rng.choice(["line_reduce", "receipt_reduce"]),
                          free=(FreeLineDef("item_category", rng.choice(CATEGORIES)),))
        campaigns[code] = CampaignDef(code, kind, value=value, **fields)
    pairs = {frozenset(rng.sample(codes + groups, 2)) for _ in range(campaign_count)}
    return Definitions(items=items, resources=resources,
                       locations={"C1": LocationDef("C1", True)}, campaigns=campaigns,
                       combinations=frozenset(pairs))


def build_receipt(line_count: int, seed: int = 11) -> ReceiptInput:
    rng = random.Random(seed)
    lines = tuple(LineInput(resource=f"R{rng.randrange(5)}", quantity=rng.randrange(1, 4))
                  if rng.random() < 0.1 else
                  LineInput(item=f"I{rng.randrange(500)}", quantity=rng.randrange(1, 6))
                  for _ in range(line_count))
    return ReceiptInput(location="C1", lines=lines)


def line_groups(definitions: Definitions) -> list[tuple[tuple[str, Group], ...]]:
    """Each automatic campaign's line filter groups, compiled to sets as pricing compiles them
    (once per definitions snapshot, so not timed)."""
    return [compile_filters(campaign).line_groups for campaign in definitions.discount_campaigns
            if campaign.automatic]


def all_pairs(definitions: Definitions, receipt: ReceiptInput,
              groups: list[tuple[tuple[str, Group], ...]]) -> int:
    """The floor: read each line's filter values, then test every line x campaign pair against
    the campaign's filter groups with set lookups. Returns the eligible pairs. It prices
    nothing (no order, combinations, strategies or result): what judging every pair costs."""
    values = []
    for line in receipt.lines:
        if line.item is not None:
            item = definitions.items[line.item]
            values.append({"item": item.code, "item_category": item.category or "",
                           "vendor": item.vendor or "", "resource": ""})
        elif line.resource is not None:
            values.append({"item": "", "item_category": "", "vendor": "",
                           "resource": line.resource})
    eligible = 0
    for campaign_groups in groups:
        for line_values in values:
            for kind, group in campaign_groups:
                value = line_values[kind]
                if (group.excludes_all or value in group.excluded
                        or (group.included is not None and value not in group.included)):
                    break
            else:
                eligible += 1
    return eligible


def median_cpu_ms(work: Callable[[], object], repeats: int) -> float:
    work()  # warm the caches
    cpu = []
    for _ in range(repeats):
        start = time.process_time()
        work()
        cpu.append(time.process_time() - start)
    return statistics.median(cpu) * 1000


def medians_ms(definitions: Definitions, receipt: ReceiptInput, repeats: int,
               prune: bool = True) -> tuple[float, float]:
    """(median CPU time, median wall time) in ms. CPU time is this process's own work, so it
    stays meaningful when other processes share the cores; wall time is what a cashier waits.
    `prune=False`: the plain path (every automatic campaign judged in full, not only those the
    campaign index reaches; combinations pair by pair; every line tested)."""
    price_receipt(receipt, definitions, AT, prune=prune)  # warm the compiled filter caches
    cpu, wall = [], []
    for _ in range(repeats):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        price_receipt(receipt, definitions, AT, prune=prune)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def against_floor(definitions: Definitions, receipt: ReceiptInput, repeats: int
                  ) -> tuple[float, float, float]:
    """(indexed, plain, all-pairs) median CPU ms, measured interleaved in rounds so that a
    busy spell of the machine weighs on all three alike. Plain: `prune=False`, the path the
    differential test compares with (no index, no shortcuts)."""
    groups = line_groups(definitions)
    works = (lambda: price_receipt(receipt, definitions, AT),
             lambda: price_receipt(receipt, definitions, AT, prune=False),
             lambda: all_pairs(definitions, receipt, groups))
    rounds = 5
    samples: list[list[float]] = [[], [], []]
    for _ in range(rounds):
        for found, work in zip(samples, works, strict=True):
            found.append(median_cpu_ms(work, max(1, repeats // rounds)))
    indexed, plain, floor = (statistics.median(found) for found in samples)
    return indexed, plain, floor


def main() -> None:
    site = build_site(300)
    applied = len(price_receipt(build_receipt(50), site, AT).entries)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for lines, target, repeats in ((50, 5, 300), (200, 20, 100)):
        cpu, wall = medians_ms(site, build_receipt(lines), repeats)
        print(f"price {lines} lines, 300 campaigns: median {cpu:.2f} ms CPU, {wall:.2f} ms wall "
              f"(target < {target} ms)")
    print(f"({applied} of 300 campaigns apply to the 50-line receipt)")
    for lines, campaigns, target, repeats in ((50, 300, 1.5, 500), (400, 1000, 10, 50)):
        big = site if campaigns == 300 else build_site(campaigns)
        scanned = build_receipt(lines)
        assert price_receipt(scanned, big, AT) == price_receipt(scanned, big, AT, prune=False)
        indexed, plain, floor = against_floor(big, scanned, repeats)
        print(f"price {lines} lines, {campaigns} campaigns: indexed {indexed:.2f} ms CPU "
              f"(target <= {target} ms), plain (prune=False) {plain:.2f} ms "
              f"({plain / indexed:.2f}x); all-pairs loop {floor:.2f} ms: "
              f"pricing {indexed / floor:.2f}x the loop (target <= 1.5x)")
    line_counts = [10, 25, 50, 100, 200]
    campaign_counts = [50, 100, 300, 600]
    print("\nmedian CPU ms by lines (rows) and active campaigns (columns)")
    print("lines " + "".join(f"{c:>9}" for c in campaign_counts))
    sites = {count: build_site(count) for count in campaign_counts}
    for lines in line_counts:
        receipt = build_receipt(lines)
        row = [medians_ms(sites[count], receipt, 30)[0] for count in campaign_counts]
        print(f"{lines:>5} " + "".join(f"{ms:>9.2f}" for ms in row))


if __name__ == "__main__":
    main()
