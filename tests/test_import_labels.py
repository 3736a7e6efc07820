"""Importing each real labelled Upwork file and enriching it gives, per category, exactly the
counts its own labels give through the mapping table (taxonomy/upwork_categories.toml, read
here on its own, not through the code under test). The labels were once stored as "Top /
Sub" and looked up whole: 98.5% of the postings landed in Other."""

from __future__ import annotations

import csv
import gzip
import json
import tomllib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from analytics.tagging.categories import UPWORK_MAP_FILE, read_taxonomy
from analytics.tagging.enrich import enrich_postings
from collector.importer import import_file
from tests.conftest import SHARED_DATA
from warehouse.db import transaction
from warehouse.migrate import apply_migrations
from warehouse.runs import start_run

pytestmark = pytest.mark.slow  # imports and enriches ~11k real rows

NOW = datetime(2026, 12, 1, tzinfo=UTC)
LABELLED = sorted((SHARED_DATA / "upwork-jobs-2023-01-labeled").glob("*.csv.gz"))
AI_2023 = sorted((SHARED_DATA / "upwork-rss-ai-2023").glob("*.json"))


def _table_category(sub: str, top: str) -> str:
    """The mapping table's answer: the sub-category, then the top level, then our own names."""
    table = tomllib.loads(UPWORK_MAP_FILE.read_text(encoding="utf-8"))
    names = {n.lower(): n for n in read_taxonomy().names}
    merged = names | {k.lower(): v for k, v in table["top_level"].items()}
    merged |= {k.lower(): v for k, v in table["subcategory"].items()}
    for label in (sub, top):
        if label.strip().lower() in merged:
            return merged[label.strip().lower()]
    return "Other"


def _expected_from_csv(path: Path) -> Counter[str]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = {r["uid"]: r for r in csv.DictReader(f) if r["uid"].strip().isdigit()}
    return Counter(
        _table_category(r["occupations_oservice_pref_label"], r["occupations_category_pref_label"])
        for r in rows.values()
    )


def _expected_from_json(path: Path) -> Counter[str]:
    items = {i["jobURL"]: i for i in json.loads(path.read_text(encoding="utf-8"))}
    return Counter(_table_category(i.get("category") or "", "") for i in items.values())


def _imported_counts(path: Path, fmt: str) -> Counter[str]:
    conn = duckdb.connect(":memory:")
    apply_migrations(conn)
    with transaction(conn):
        run_id = start_run(conn, "import", NOW)
    summary = import_file(conn, run_id, path, fmt, now=NOW)
    assert summary.rejected == 0
    enrich_postings(conn, now=NOW)
    rows = conn.execute(
        "SELECT category, method, count(*) FROM posting_categories GROUP BY ALL"
    ).fetchall()
    conn.close()
    assert {method for _, method, _ in rows} == {"platform"}  # every one by its label
    return Counter({category: n for category, _, n in rows})


@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.name)
def test_labelled_csv_counts_equal_its_labels(path: Path) -> None:
    counts = _imported_counts(path, "upwork-labeled-csv")
    expected = _expected_from_csv(path)
    assert counts == expected
    assert counts["Other"] < 0.6 * sum(counts.values())  # was 98.5% with the whole-string lookup


@pytest.mark.parametrize("path", AI_2023, ids=lambda p: p.name)
def test_ai_2023_json_counts_equal_its_labels(path: Path) -> None:
    assert _imported_counts(path, "json") == _expected_from_json(path)


def test_the_labelled_files_are_here() -> None:
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} absent: the labelled Upwork files are not here")
    assert LABELLED and AI_2023
