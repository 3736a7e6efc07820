"""The merge's tags on the merge's engine (analytics/tagging/lake_tags.py): the postings a
merge changed are tagged by the project's tagger, on DuckDB in process and on Spark through
mapInPandas, into tag tables partitioned like postings. Both equal `enrich --all` over a
warehouse that saw the same runs, on recorded Upwork feeds (real ones from ../shared)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from analytics.tagging.enrich import enrich_postings
from analytics.tagging.lake_tags import TAG_TABLES, write_lake_tags
from collector.page import parse_file_page
from tests.conftest import FIXTURES, SHARED_DATA
from tests.lakefeeds import write_lake_run
from warehouse.lake import read_current, read_table_files
from warehouse.lake_engine import DuckDBEngine, Engine, SparkEngine
from warehouse.lake_merge import merge_lake
from warehouse.lake_sql import TAG_COLUMNS
from warehouse.lake_store import LakeStore
from warehouse.postings import EntryRecord, save_entries

HANDWRITTEN = FIXTURES / "feeds" / "recorded" / "upwork_handwritten.xml"
REAL = SHARED_DATA / "upwork-rss-powerbi-2024" / "raw_xml"
T = datetime(2024, 5, 16, 12, tzinfo=UTC)


def entries_of(path: Path) -> list[EntryRecord]:
    return parse_file_page(path, path.read_bytes(), T).entries


def handwritten_runs() -> list[tuple[datetime, list[EntryRecord]]]:
    """Three monthly runs over the 30 recorded items, overlapping (8-11 and 18-21 re-seen),
    the third leaving the first month alone."""
    items = entries_of(HANDWRITTEN)
    return [
        (T, items[0:12]),
        (T + timedelta(days=31), items[8:22]),
        (T + timedelta(days=62), items[18:30]),
    ]


def tag_step(store: LakeStore, manifest: dict[str, Any], engine: Engine) -> None:
    write_lake_tags(engine, store, manifest, T)


def lake_tags(lake: Path, table: str) -> list[tuple[Any, ...]]:
    manifest = read_current(lake)
    assert manifest is not None
    columns = ", ".join(("posting_id", *TAG_COLUMNS[table], "rules_version"))
    with duckdb.connect() as c:
        files = read_table_files(lake, manifest, table)
        sql = f"SELECT {columns} FROM read_parquet(?, hive_partitioning = false) ORDER BY ALL"  # noqa: S608
        return c.execute(sql, [files]).fetchall()


def warehouse_tags(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple[Any, ...]]:
    columns = ", ".join(("posting_id", *TAG_COLUMNS[table], "rules_version"))
    return conn.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()  # noqa: S608


def merge_runs_with_tags(
    lake: Path,
    conn: duckdb.DuckDBPyConnection,
    engine: Engine,
    runs: list[tuple[datetime, list[EntryRecord]]],
) -> list[dict[str, Any]]:
    """Each run into the lake (merged and tagged on `engine`) and into the warehouse; the
    manifests, one per merge. The warehouse is enriched whole at the end."""
    manifests = []
    for seen_at, entries in runs:
        run_id = write_lake_run(lake, 1, seen_at, entries)
        save_entries(conn, run_id, entries, seen_at)
        merge_lake(lake, engine, seen_at, after_merge=tag_step)
        manifest = read_current(lake)
        assert manifest is not None
        manifests.append(manifest)
    enrich_postings(conn, now=T, retag_all=True)
    return manifests


def assert_lake_tags_are_enrich_tags(lake: Path, conn: duckdb.DuckDBPyConnection) -> None:
    for table in TAG_TABLES:
        assert lake_tags(lake, table) == warehouse_tags(conn, table), table


def test_duckdb_tags_partition_by_partition_like_enrich(
    tmp_path: Path, conn: duckdb.DuckDBPyConnection
) -> None:
    lake = tmp_path / "lake"
    manifests = merge_runs_with_tags(lake, conn, DuckDBEngine(), handwritten_runs())
    assert_lake_tags_are_enrich_tags(lake, conn)
    postings = conn.execute("SELECT count(*) FROM postings").fetchone()
    assert postings == (30,) and len(lake_tags(lake, "posting_categories")) == 30
    kinds = {row[1] for row in lake_tags(lake, "posting_pay")}
    assert {"hourly", "budget"} <= kinds  # the Upwork footers' pay was read
    # the third run left May alone: its tag files are carried from version 2, not rewritten
    second, third = manifests[1], manifests[2]
    assert third["touched"] == ["2024-06", "2024-07"]
    for table in ("posting_categories", "posting_pay"):
        may = third["partitions"][table]["2024-05"]["files"]
        assert may == second["partitions"][table]["2024-05"]["files"]
        assert all(f.startswith("versions/v000002/") for f in may)


@pytest.mark.skipif(not REAL.is_dir(), reason=f"real Upwork feeds not found at {REAL}")
def test_duckdb_tags_real_feeds_like_enrich(
    tmp_path: Path, conn: duckdb.DuckDBPyConnection
) -> None:
    files = sorted(REAL.glob("*.xml"))
    runs = [(T + timedelta(days=31 * i), entries_of(f)) for i, f in enumerate(files)]
    merge_runs_with_tags(tmp_path / "lake", conn, DuckDBEngine(), runs)
    assert_lake_tags_are_enrich_tags(tmp_path / "lake", conn)
    assert len(lake_tags(tmp_path / "lake", "posting_categories")) > 20


@pytest.mark.slow
@pytest.mark.spark
def test_spark_tags_like_duckdb_and_enrich(
    tmp_path: Path, conn: duckdb.DuckDBPyConnection, spark_session: Any
) -> None:
    runs = handwritten_runs()
    if REAL.is_dir():  # the real feeds too, a month after
        real = sorted(REAL.glob("*.xml"))
        runs += [(T + timedelta(days=93 + 31 * i), entries_of(f)) for i, f in enumerate(real)]
    merge_runs_with_tags(tmp_path / "lake", conn, SparkEngine(spark_session), runs)
    assert_lake_tags_are_enrich_tags(tmp_path / "lake", conn)
