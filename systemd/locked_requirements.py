#!/usr/bin/env python3
"""Turn uv.lock (the project's one lock) into a hash-checked pip requirements file.

    python3 systemd/locked_requirements.py uv.lock [--extra NAME]... [--group NAME]... [--only-group]

Why: uv resolves one universal lock for x86_64 and the Raspberry Pi (aarch64) at once, but the
appliance should not need uv to install: pip (Debian's python3-venv) installs the requirements
this prints with `--require-hashes --no-deps`, online or offline from a wheelhouse. Standard
library only (tomllib), so it runs before any venv exists. Environment markers are copied from
the lock's edges, and pip evaluates them on the machine that installs.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any


def _and(left: str | None, right: str | None) -> str | None:
    if left is None:
        return right
    if right is None:
        return left
    return f"({left}) and ({right})"


def _or(markers: list[str | None]) -> str | None:
    if any(marker is None for marker in markers):
        return None  # one unconditional path is enough
    unique = sorted(set(markers))  # type: ignore[arg-type]
    return unique[0] if len(unique) == 1 else " or ".join(f"({m})" for m in unique)


def closure(lock: dict[str, Any], extras: list[str], groups: list[str],
            only_groups: bool = False) -> dict[str, str | None]:
    """Every locked package the project needs with these extras/groups -> its marker (None:
    always). The project itself is left out (it is installed from its source tree)."""
    packages = {p["name"]: p for p in lock["package"]}
    project = next(p for p in lock["package"] if "editable" in p["source"]
                   or "virtual" in p["source"])
    roots: list[dict[str, Any]] = []
    if not only_groups:
        roots += project.get("dependencies", [])
        for extra in extras:
            if extra not in project.get("optional-dependencies", {}):
                raise SystemExit(f"locked_requirements: no extra {extra!r} in the lock")
            roots += project["optional-dependencies"][extra]
    for group in groups:
        if group not in project.get("dev-dependencies", {}):
            raise SystemExit(f"locked_requirements: no group {group!r} in the lock")
        roots += project["dev-dependencies"][group]

    paths: dict[str, list[str | None]] = {}
    stack: list[tuple[dict[str, Any], str | None]] = [(edge, None) for edge in roots]
    seen: set[tuple[str, str | None, tuple[str, ...]]] = set()
    while stack:
        edge, parent_marker = stack.pop()
        name = edge["name"]
        marker = _and(parent_marker, edge.get("marker"))
        edge_extras = tuple(edge.get("extra", ()))
        key = (name, marker, edge_extras)
        if key in seen:
            continue
        seen.add(key)
        paths.setdefault(name, []).append(marker)
        package = packages[name]
        children = list(package.get("dependencies", []))
        for extra in edge_extras:
            children += package.get("optional-dependencies", {}).get(extra, [])
        stack += [(child, marker) for child in children]
    return {name: _or(markers) for name, markers in paths.items()}


def requirement_lines(lock: dict[str, Any], needed: dict[str, str | None]) -> list[str]:
    packages = {p["name"]: p for p in lock["package"]}
    lines = []
    for name in sorted(needed):
        package = packages[name]
        hashes = [w["hash"] for w in package.get("wheels", [])]
        if "sdist" in package:
            hashes.append(package["sdist"]["hash"])
        if not hashes:
            raise SystemExit(f"locked_requirements: {name} has no hashed file in the lock")
        marker = needed[name]
        head = f"{name}=={package['version']}" + (f" ; {marker}" if marker else "")
        lines.append(" \\\n".join([head, *(f"    --hash={h}" for h in hashes)]))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--extra", action="append", default=[])
    parser.add_argument("--group", action="append", default=[])
    parser.add_argument("--only-group", action="store_true",
                        help="only the named groups, not the project's dependencies")
    args = parser.parse_args(argv)
    lock = tomllib.loads(args.lock.read_text())
    needed = closure(lock, args.extra, args.group, args.only_group)
    print(f"# generated from {args.lock.name} by systemd/locked_requirements.py; do not edit")
    print("\n".join(requirement_lines(lock, needed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
