"""CLI start: `playdesk campaigns` on the demo site, process start included, next to its floor.

Target (issue 16, item 3): ≤ 0.3 s. The floor is a bare `python -c pass` of the same interpreter,
measured in the same run, interleaved with the commands (one of each per round), so a busy
machine slows all of them alike; the ratio is the figure that travels between machines. The
process's CPU time (user + system) is printed beside the wall time: on a loaded machine the wall
time includes waiting for a core, the CPU time much less so.
`--importtime` also prints the ten largest cumulative imports of `playdesk campaigns` (median
over the runs, `python -X importtime`: it inflates every figure, compare them with each other).
`--root DIR` times another checkout of playdesk (e.g. a `git worktree` of an older commit) with
this interpreter: its engine/ comes first on the path.

Run: `.venv/bin/python -m bench.bench_cli [--runs 15] [--importtime] [--root DIR]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.3


def playdesk_command() -> list[str]:
    """The installed `playdesk` script (what an owner types), else `python -m engine.cli`."""
    script = Path(sys.executable).parent / "playdesk"
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli"]


def environment(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("PLAYDESK_DB", None)
    return env


def demo_database(folder: Path, root: Path) -> Path:
    """The demo site and its people loaded into a fresh database, as `make demo` does."""
    path = folder / "playdesk.db"
    for name in ("site.yaml", "people.yaml"):
        subprocess.run([*playdesk_command(), "--db", str(path), "load", str(root / "demo" / name)],
                       cwd=root, env=environment(root), check=True, stdout=subprocess.DEVNULL)
    return path


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(argv: list[str], root: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of argv, process start and exit included."""
    cpu, start = child_cpu(), time.perf_counter()
    subprocess.run(argv, cwd=root, env=environment(root), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, child_cpu() - cpu


def cumulative_imports(argv: list[str], root: Path) -> dict[str, int]:
    """Module → cumulative import time in µs, from one `-X importtime` run of argv."""
    env = environment(root) | {"PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run(argv, cwd=root, env=env, check=True, capture_output=True, text=True)
    figures = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            figures[parts[2].strip()] = int(parts[1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--importtime", action="store_true",
                        help="also print the largest cumulative imports of playdesk campaigns")
    parser.add_argument("--root", type=Path, default=ROOT, help="the playdesk checkout to time")
    options = parser.parse_args()
    root = options.root.resolve()
    with tempfile.TemporaryDirectory() as folder:
        db = demo_database(Path(folder), root)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "playdesk --help": [*playdesk_command(), "--help"],
            "playdesk campaigns (demo site)": [*playdesk_command(), "--db", str(db), "campaigns"],
        }
        for argv in commands.values():  # warm the file cache and the bytecode
            timed_run(argv, root)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(options.runs):
            for name, argv in commands.items():
                times[name].append(timed_run(argv, root))
        imports: list[dict[str, int]] = []
        if options.importtime:
            campaigns = commands["playdesk campaigns (demo site)"]
            imports = [cumulative_imports(campaigns, root) for _ in range(options.runs)]

    wall = {name: statistics.median(w for w, _ in runs) for name, runs in times.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in times.items()}
    floor, cpu_floor = wall["python -c pass"], cpu["python -c pass"]
    print(f"CLI start, median of {options.runs} runs each, interleaved "
          f"({' '.join(playdesk_command()[-2:])}; {root}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    for name in times:
        ratio = ("" if name == "python -c pass" else
                 f"  {wall[name] / floor:4.1f}x (CPU {cpu[name] / cpu_floor:4.1f}x) python -c pass")
        print(f"  {name:32} wall {wall[name] * 1000:6.1f} ms  CPU {cpu[name] * 1000:6.1f} ms"
              f"{ratio}")
    campaigns = wall["playdesk campaigns (demo site)"]
    verdict = "ok" if campaigns <= TARGET_SECONDS else "OVER"
    print(f"  target: playdesk campaigns <= {TARGET_SECONDS * 1000:.0f} ms wall, process start "
          f"included: {verdict}; above the bare interpreter: {(campaigns - floor) * 1000:.1f} ms")
    if imports:
        names = set().union(*imports)
        medians = {name: statistics.median(run.get(name, 0) for run in imports) for name in names}
        print(f"  largest cumulative imports of playdesk campaigns (-X importtime, median of "
              f"{len(imports)}):")
        for name, micros in sorted(medians.items(), key=lambda item: -item[1])[:10]:
            print(f"    {micros / 1000:7.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
