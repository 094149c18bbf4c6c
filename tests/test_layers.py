"""The engine's layers: imports point one way (README "Layout"), so the folders read in the order
things depend on each other, and no package needs one above it.

Every import is read from the source (module level and inside functions alike): an import of a
module in a higher layer fails, and so does any cycle between packages. Importing the pure parts
(pricing, the document types) must not load peewee, and the engine never imports Kivy, device
code or the apps.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import its own layer and the layers before it. Where a package
# sits is a decision about what it may know: pricing knows coupons' validity rules but no
# database; sync carries facts and asks the authority, the domain above it uses both.
LAYERS: tuple[tuple[str, ...], ...] = (
    # the kernel: what every part imports (it stays flat at engine/'s top)
    ("engine", "engine.clock", "engine.db", "engine.derived", "engine.errors", "engine.hlc",
     "engine.ids", "engine.journal", "engine.money", "engine.settings", "engine.localstate",
     "engine.bulk", "engine.plaindata", "engine.models", "engine.migrations", "engine.playtime"),
    ("engine.i18n",),  # languages and formats: CLDR (Babel) and the gettext catalogues
    ("engine.campaigns", "engine.codes"),  # vocabulary without a database
    ("engine.ops",),  # the appliance: backup, restore, the clock check
    ("engine.lots",),  # what a lot is and the order a spend draws on lots
    ("engine.people",),
    ("engine.coupons",),
    ("engine.pricing",),
    ("engine.sitefile",),
    ("engine.sync",),
    ("engine.entitlements",),
    ("engine.sessions",),  # play sessions spend credit (entitlements) through the authority
    ("engine.stations",),  # the station agent and the meter's service drive sessions
    ("engine.sales",),
    ("engine.closing",),  # the day closing reports on the sales
    ("engine.authority",),  # judges strict operations with the domain's rules
    ("engine.documents",),
    ("hardware",),  # the printers and scanners (it imports only the document types)
    ("engine.cli",),  # drives everything below, the device drivers included
    ("uikit",),
    ("kiosk", "counter"),
)
LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}
PROJECT = ("engine", "hardware", "uikit", "kiosk", "counter")
# hardware prints documents and knows nothing else of the engine
HARDWARE_MAY_IMPORT = ("engine.documents.types", "engine.errors", "engine.i18n")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def layer_key(module: str) -> str:
    """The LAYERS entry a module belongs to: its longest listed prefix."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        # "engine" stands for itself only: a new package under engine/ must say where it sits
        if candidate in LAYER_OF and (candidate != "engine" or module == "engine"):
            return candidate
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS")


def package_of(module: str) -> str:
    """engine.sales.cart → engine.sales; engine.db → engine (the kernel is one package)."""
    key = layer_key(module)
    return "engine" if LAYER_OF[key] == 0 else key


def imports_of(path: Path) -> list[tuple[str, int]]:
    """(imported project module, line) for every import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from engine.sales import cart` imports engine.sales.cart
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in PROJECT and is_module(name):
                found.append((name, node.lineno))
    return found


def project_files() -> list[Path]:
    return sorted(path for top in PROJECT for path in (ROOT / top).rglob("*.py")
                  if "artifacts" not in path.parts)


@pytest.fixture(scope="module")
def edges() -> list[tuple[str, str, str]]:
    """(importing module, imported module, where) over the whole project."""
    found = []
    for path in project_files():
        importer = module_name(path)
        for imported, line in imports_of(path):
            if imported != importer:
                found.append((importer, imported, f"{path.relative_to(ROOT)}:{line}"))
    return found


def test_every_module_has_a_layer() -> None:
    for path in project_files():
        layer_key(module_name(path))


def test_no_import_points_up(edges) -> None:
    upward = [f"{where}: {importer} imports {imported}"
              for importer, imported, where in edges
              if LAYER_OF[layer_key(imported)] > LAYER_OF[layer_key(importer)]]
    assert upward == [], "\n".join(upward)


def test_no_cycle_between_packages(edges) -> None:
    collected: dict[str, set[str]] = defaultdict(set)  # package -> packages it imports
    for importer, imported, _where in edges:
        source, target = package_of(importer), package_of(imported)
        if source != target:
            collected[source].add(target)
    graph = dict(collected)
    cycles = [f"{a} <-> {b}" for a in graph for b in graph[a]
              if a < b and a in graph.get(b, set())]
    assert cycles == [], "\n".join(cycles)
    # longer cycles too: a package never reaches itself
    for start in sorted(graph):
        seen, todo = set(), list(graph[start])
        while todo:
            package = todo.pop()
            assert package != start, f"{start} reaches itself through its imports"
            if package not in seen:
                seen.add(package)
                todo.extend(graph.get(package, set()))


def test_hardware_knows_only_the_documents(edges) -> None:
    wrong = [f"{where}: {imported}" for importer, imported, where in edges
             if importer.startswith("hardware") and imported.startswith("engine")
             and not imported.startswith(HARDWARE_MAY_IMPORT)
             and imported not in ("engine", "engine.documents")]
    assert wrong == [], "\n".join(wrong)


def test_the_engine_imports_no_kivy_and_no_device_code() -> None:
    wrong = []
    for path in (ROOT / "engine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            wrong += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}" for name in names
                      if name.split(".")[0] in ("kivy", "evdev", "cv2", "escpos", "kiosk",
                                                "counter", "uikit", "hardware")
                      and not _cli_hardware_bridge(path)]
    assert wrong == []


def _cli_hardware_bridge(path: Path) -> bool:
    """The CLI's `print` and `scan` commands drive the device drivers (imported inside the
    handler, so `playdesk campaigns` never pays for them)."""
    return path.relative_to(ROOT).as_posix() == "engine/cli/hardware.py"


@pytest.mark.parametrize("module", ["engine.pricing", "engine.documents.types"])
def test_pure_parts_do_not_load_the_database(module: str) -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", f"import sys, {module}; print('peewee' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "False", f"importing {module} loads peewee"
