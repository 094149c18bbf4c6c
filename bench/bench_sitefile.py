"""Site file speed: loading a generated large site, reloading it, reloading it changed.

Targets (issue 2, issue 16): a site with 10,000 items, 2,000 members and 500 campaigns loads in
< 5 s; reloading it, the same or changed, takes < 2 s. (`playdesk campaigns` as a process is
bench_cli's.) Run: `.venv/bin/python -m bench.bench_sitefile [--profile]`.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import yaml

AT = dt.datetime(2026, 7, 3, 12, 0)


def generated_site(items: int = 10_000, members: int = 2_000, campaigns: int = 500) -> dict:
    """A large but realistic site: every campaign type, filters, triggers, tiers, packages."""
    categories = [{"code": f"CAT{i}", "name": f"Category {i}"} for i in range(50)]
    site: dict = {
        "site": {"code": "BIG", "name": "Big Arena", "currency": "EUR", "timezone": "Europe/Berlin"},
        "categories": categories,
        "vendors": [{"code": f"V{i}", "name": f"Vendor {i}"} for i in range(20)],
        "items": [{"code": f"I{i:05d}", "name": f"Item {i}", "price": 100 + i % 900,
                   "category": f"CAT{i % 50}", "vendor": f"V{i % 20}",
                   "barcodes": [f"20{i:011d}"]} for i in range(items)],
        "debtors": [{"code": f"D{i}", "name": f"Debtor {i}"} for i in range(10)],
        "members": [{"code": f"M{i:05d}", "name": f"Member {i}", "card": f"MEM{i:05d}",
                     **({"debtor": f"D{i % 10}"} if i % 7 == 0 else {})} for i in range(members)],
        "segments": [{"code": "VIP", "name": "VIP", "members": [f"M{i:05d}" for i in range(0, members, 10)]}],
        "campaigns": [{"code": "CATA", "type": "category", "name": "Category A", "priority": 5,
                       "active": True}],
    }
    kinds = ["packages", "line_discount", "receipt_reduce", "tiered_discount", "m_for_n", "m_plus_n"]
    for n in range(campaigns - 1):
        kind = kinds[n % len(kinds)]
        campaign: dict = {"code": f"C{n:04d}", "type": kind, "name": f"Campaign {n}",
                          "active": n % 3 != 0}
        if kind != "packages":  # required on discount campaigns (campaign_keys.py)
            campaign["automatic"] = n % 4 != 1
        if kind == "packages":
            campaign["packages"] = [
                {"code": f"P{p}", "name": f"Package {p}", "package_type": "minutes", "base": 60 * (p + 1),
                 "bonus_type": "minutes", "bonus": 10, "price": 500 * (p + 1)} for p in range(3)]
        else:
            campaign.update(priority=n % 100, category="CATA" if n % 5 == 0 else None,
                            filters=[{"type": "item_category", "code": f"CAT{n % 50}"},
                                     {"type": "item", "code": f"I{n:05d}", "excluded": True}],
                            validity={"from_time": "16:00", "to_time": "18:00",
                                      "weekdays": ["mon", "fri"]})
            if kind == "line_discount":
                campaign["value"] = 12.5
            elif kind == "receipt_reduce":
                campaign["value"] = 150
                campaign["triggers"] = {"pool": [{"min_quantity": 2, "lines": [
                    {"type": "item_category", "code": f"CAT{n % 50}"}]}]}
            elif kind == "tiered_discount":
                campaign["tiers"] = [{"from_quantity": 2, "value": 5}, {"from_quantity": 4, "value": 10}]
            elif kind == "m_for_n":
                campaign.update(buy=3, pay=2)
            else:
                campaign.update(buy=2, get=1, free=[{"type": "item_category", "code": "CAT1"}])
            if campaign["category"] is None:
                del campaign["category"]
        site["campaigns"].append(campaign)
    site["combinations"] = [[f"C{n:04d}", f"C{n + 1:04d}"] for n in range(1, 200, 6)]
    return site


def _timed(action) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result): CPU shows the cost on a busy box."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def changed_site(site: dict) -> dict:
    """The site a week later: prices, new and deleted items, renamed members, rules of inactive
    campaigns changed, some active ones deactivated (changing an active one's rules is refused)."""
    changed = copy.deepcopy(site)
    items = changed["items"]
    for item in items[::20]:  # 500 new prices
        item["price"] += 10
    for item in items[7::200]:  # 50 deleted
        item["deleted"] = True
    items += [{"code": f"N{i:05d}", "name": f"New item {i}", "price": 250, "category": "CAT3",
               "vendor": "V3", "barcodes": [f"29{i:011d}"]} for i in range(100)]
    for member in changed["members"][::20]:  # 100 renamed
        member["name"] += " Jr."
    for campaign in changed["campaigns"][1:]:
        number = int(campaign["code"][1:])
        if not campaign["active"] and "value" in campaign:
            campaign["value"] += 1
        elif campaign["active"] and number % 50 == 1:
            campaign["active"] = False
    return changed


def site_parts(site: dict, size: int = 2_000) -> list[dict]:
    """The site as files of at most `size` items or members: one load's changes travel as one
    journal event, which must fit a broker message (1 MiB, engine/journal.py), so a first load
    of 10,000 items is done in parts (site files may be partial)."""
    later = ("items", "members", "segments", "campaigns", "combinations")  # they name earlier ones
    parts = [{key: value for key, value in site.items() if key not in later}]
    for section in ("items", "members"):
        for start in range(0, len(site[section]), size):
            parts.append({section: site[section][start:start + size]})
    parts.append({key: site[key] for key in later[2:]})
    return parts


def time_generated_load(profile: bool = False) -> tuple[float, tuple, tuple, tuple, tuple]:
    from engine import localstate
    from engine.db import close_database, open_database
    from engine.sitefile import load_site_file

    with tempfile.TemporaryDirectory() as folder:
        site_file = Path(folder) / "big.yaml"
        changed_file = Path(folder) / "big-changed.yaml"
        started = time.perf_counter()
        site = generated_site()
        site_file.write_text(yaml.safe_dump(site, sort_keys=False))
        changed_file.write_text(yaml.safe_dump(changed_site(site), sort_keys=False))
        part_files = []
        for number, part in enumerate(site_parts(site)):
            part_files.append(Path(folder) / f"part{number}.yaml")
            part_files[-1].write_text(yaml.safe_dump(part, sort_keys=False))
        del site, part  # a `playdesk load` process holds no other site in memory
        generate = time.perf_counter() - started
        open_database(Path(folder) / "big.db")
        try:
            first = _timed(lambda: [load_site_file(part, at=AT) for part in part_files])
            # The whole file once: parse, validate, diff (the fingerprint is new); nothing changes.
            full = _timed(lambda: load_site_file(site_file, at=AT))
            assert full[2]["changed"] is False, "reload changed something"
            again = _timed(lambda: load_site_file(site_file, at=AT))  # the unchanged-file shortcut
            assert again[2]["changed"] is False, "reload changed something"
            if profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                changed = _timed(lambda: profiler.runcall(load_site_file, changed_file, at=AT))
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            else:
                changed = _timed(lambda: load_site_file(changed_file, at=AT))
            assert changed[2]["changed"] is True, "the changed site changed nothing"
            assert localstate.get(localstate.LAST_SITE_LOAD) is not None
        finally:
            close_database()
    return generate, first, again, full, changed


def main() -> None:
    generate, first, again, full, changed = time_generated_load(profile="--profile" in sys.argv)
    print(f"generated site (10,000 items, 2,000 members, 500 campaigns; files written in "
          f"{generate:.1f} s)")
    for label, (wall, cpu, _), target in (
            ("first load (in parts of 2,000 items or members)", first, 5),
            ("reload of the whole file: validation and diff, nothing changed", full, 2),
            ("reload of the same file again (unchanged-file shortcut)", again, 2),
            ("reload of the changed site", changed, 2)):
        print(f"  {label} {wall:.2f} s wall, {cpu:.2f} s CPU (target < {target} s)")
    sections = changed[2]["sections"]
    print("  changed site: " + ", ".join(
        f"{name} +{counts['created']} ~{counts['updated']} -{counts['deleted']}"
        for name, counts in sections.items()
        if counts["created"] or counts["updated"] or counts["deleted"]))


if __name__ == "__main__":
    main()
