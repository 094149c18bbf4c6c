"""Site file speed: `playdesk campaigns` as a process, and loading a generated large site.

Targets (issue 2): `playdesk campaigns` on the demo site < 0.5 s wall including process start;
a site with 10,000 items, 2,000 members and 500 campaigns loads in < 5 s and reloads in < 2 s.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO_SITE = ROOT / "demo" / "site.yaml"
PLAYDESK = Path(sys.executable).parent / "playdesk"
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


def time_campaigns_command(runs: int = 7) -> float:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.db"
        subprocess.run([str(PLAYDESK), "--db", str(db), "load", str(DEMO_SITE)], check=True,
                       capture_output=True)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([str(PLAYDESK), "--db", str(db), "campaigns"], check=True,
                           capture_output=True)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _timed(action) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result): CPU shows the cost on a busy box."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def time_generated_load() -> tuple[float, tuple, tuple, tuple]:
    from engine import localstate
    from engine.db import close_database, open_database
    from engine.sitefile import load_site_file

    with tempfile.TemporaryDirectory() as folder:
        site_file = Path(folder) / "big.yaml"
        started = time.perf_counter()
        site_file.write_text(yaml.safe_dump(generated_site(), sort_keys=False))
        generate = time.perf_counter() - started
        open_database(Path(folder) / "big.db")
        try:
            first = _timed(lambda: load_site_file(site_file, at=AT))
            again = _timed(lambda: load_site_file(site_file, at=AT))
            assert again[2]["changed"] is False, "reload changed something"
            # The same reload without the unchanged-file shortcut: parse, validate, diff.
            localstate.delete(localstate.LAST_SITE_LOAD)
            full = _timed(lambda: load_site_file(site_file, at=AT))
            assert full[2]["changed"] is False, "reload changed something"
        finally:
            close_database()
    return generate, first, again, full


def main() -> None:
    median = time_campaigns_command()
    print(f"playdesk campaigns (demo site, process start included) median {median:.3f} s "
          f"(target < 0.5 s)")
    generate, first, again, full = time_generated_load()
    print(f"generated site (10,000 items, 2,000 members, 500 campaigns; file written in {generate:.1f} s)")
    for label, (wall, cpu, _), target in (
            ("first load", first, 5),
            ("reload of the same file", again, 2),
            ("reload with full validation and diff (shortcut bypassed)", full, 2)):
        print(f"  {label} {wall:.2f} s wall, {cpu:.2f} s CPU (target < {target} s)")


if __name__ == "__main__":
    main()
