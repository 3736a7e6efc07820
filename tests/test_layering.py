"""The data flows one way (../shared/STYLE.md): a test keeps the import arrows true."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"collector", "warehouse", "analytics", "dashboards", "jobtrends"}
ALLOWED = {
    "warehouse": set(),
    "collector": {"warehouse"},
    "analytics": {"warehouse"},
    "dashboards": {"analytics", "warehouse"},
    "jobtrends": OURS,
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"package {package}/ has no modules"
    wrong = {
        str(f.relative_to(ROOT)): sorted(imported_packages(f) - ALLOWED[package] - {package})
        for f in files
    }
    assert {k: v for k, v in wrong.items() if v} == {}


# analytics/ has rooms (issue 15): tagging and trends are the product and know nothing of each
# other; simulation and evaluation (validation, training, benchmarks) may use them, never the
# reverse; nothing outside analytics/ but the composition root reaches into simulation/evaluation.
ROOMS = {
    "tagging": set(),
    "trends": set(),
    "simulation": {"trends", "tagging"},
    "evaluation": {"trends", "tagging", "simulation"},
}


def imported_rooms(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found.update(n.split(".")[1] for n in names if n.startswith("analytics.") and "." in n)
    return found & set(ROOMS)


def test_analytics_is_only_rooms() -> None:
    flat = sorted(p.name for p in (ROOT / "analytics").glob("*.py") if p.name != "__init__.py")
    assert flat == [], f"analytics/ modules outside a room: {flat}"


@pytest.mark.parametrize("room", sorted(ROOMS))
def test_analytics_room_imports_only_what_it_may(room: str) -> None:
    wrong = {
        str(f.relative_to(ROOT)): sorted(imported_rooms(f) - ROOMS[room] - {room})
        for f in sorted((ROOT / "analytics" / room).rglob("*.py"))
    }
    assert {k: v for k, v in wrong.items() if v} == {}


@pytest.mark.parametrize("package", ["collector", "warehouse", "dashboards"])
def test_product_never_imports_simulation_or_evaluation(package: str) -> None:
    wrong = {
        str(f.relative_to(ROOT)): sorted(imported_rooms(f) & {"simulation", "evaluation"})
        for f in sorted((ROOT / package).rglob("*.py"))
    }
    assert {k: v for k, v in wrong.items() if v} == {}
