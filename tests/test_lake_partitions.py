"""The partition-by-partition merge: `postings` lives in first_seen_month=YYYY-MM partitions;
a merge rewrites only the months its runs touch, carries the other partitions over by name,
and ends with the very postings that save_entries gives for the same runs (in time order),
on DuckDB and on Spark, even when a late run moves a posting to an earlier month."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.lakefeeds import write_lake_run
from warehouse.db import connect
from warehouse.lake import publish_version, read_current, read_table_files
from warehouse.lake_engine import DuckDBEngine, Engine, SparkEngine
from warehouse.lake_merge import merge_lake
from warehouse.lake_sql import POSTING_COLUMNS
from warehouse.migrate import apply_migrations
from warehouse.postings import EntryRecord, save_entries

MONTHS = [datetime(2024, m, 10, 12, tzinfo=UTC) for m in (1, 2, 3, 4)]
JOBS_PER_MONTH = 12


def month_entries(month: int, feed_offset: int = 0) -> list[EntryRecord]:
    """Run `month`'s page: this month's new jobs and last month's (re-seen, some with a new
    title), most in two feeds; a few without a posted date."""
    out = []
    for job in range(JOBS_PER_MONTH * max(month - 1, 0), JOBS_PER_MONTH * (month + 1)):
        title = f"Job {job}" + (
            " (updated)" if job % 3 == 0 and job < JOBS_PER_MONTH * month else ""
        )
        posted = None if job % 5 == 0 else datetime(2023, 12, 1, tzinfo=UTC) + timedelta(days=job)
        for feed in {(job + feed_offset) % 3, (job * 2 + feed_offset) % 3}:
            out.append(
                EntryRecord(
                    feed_name=f"feed{feed}",
                    source="jobsite",
                    guid=f"https://jobs.example.com/j/{job}",
                    link=f"https://jobs.example.com/j/{job}?f={feed}",
                    title=title,
                    description=f"Work item {job}, month {month}.",
                    published_at=posted,
                )
            )
    return out


def postings_of(
    files: list[str] | None, conn: duckdb.DuckDBPyConnection | None = None
) -> list[tuple[Any, ...]]:
    c = conn or duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    source = "read_parquet(?, hive_partitioning = false)" if files is not None else "postings"
    params = [files] if files is not None else []
    sql = f"SELECT {POSTING_COLUMNS} FROM {source} ORDER BY posting_id"  # noqa: S608
    return c.execute(sql, params).fetchall()


def lake_postings(lake: Path) -> list[tuple[Any, ...]]:
    manifest = read_current(lake)
    assert manifest is not None
    return postings_of(read_table_files(lake, manifest, "postings"))


def check_partitioned_merges(lake: Path, conn: duckdb.DuckDBPyConnection, engine: Engine) -> None:
    """Months 1..3 by shard 1, merged one by one against save_entries; then shard 2's run of
    month 4 and its late run of month 2 (which sees month 4's jobs first: they move to
    February), merged together; every step equal to the warehouse."""
    done = []
    for i, seen_at in enumerate(MONTHS[:3]):
        entries = month_entries(i + 1)
        run_id = write_lake_run(lake, 1, seen_at, entries)
        save_entries(conn, run_id, entries, seen_at)
        done.append((seen_at, run_id, entries))
        before = read_current(lake)
        summary = merge_lake(lake, engine, seen_at)
        assert lake_postings(lake) == postings_of(None, conn)
        manifest = read_current(lake)
        assert manifest is not None
        months = sorted(manifest["partitions"]["postings"])
        assert months == [f"2024-{m:02d}" for m in range(1, i + 2)]
        # a month's run touches its own month and last month's (the re-seen jobs) only
        assert manifest["touched"] == months[-2:] and summary.rewritten == len(months[-2:])
        if before is not None and i >= 2:
            kept = before["partitions"]["postings"]["2024-01"]["files"]
            assert manifest["partitions"]["postings"]["2024-01"]["files"] == kept
            assert all(f.startswith("versions/v000002/") for f in kept)  # carried, not copied
    late = month_entries(4, feed_offset=1)  # a February run that lists the April jobs too
    late_at = MONTHS[1] + timedelta(days=1)
    april = month_entries(4)
    runs = [(MONTHS[3], april), (late_at, late)]
    done += [(at, write_lake_run(lake, 2, at, entries), entries) for at, entries in runs]
    summary = merge_lake(lake, engine, MONTHS[3])
    assert summary.runs == 2
    # one collector would have seen the six runs in time order
    ordered = connect(lake.parent / "ordered.duckdb")
    apply_migrations(ordered)
    for at, run_id, entries in sorted(done, key=lambda r: r[0]):
        save_entries(ordered, run_id, entries, at)
    assert lake_postings(lake) == postings_of(None, ordered)
    ordered.close()
    manifest = read_current(lake)
    assert manifest is not None
    assert "2024-04" not in manifest["partitions"]["postings"]  # April's jobs moved to February
    assert manifest["touched"] == ["2024-02", "2024-03"]
    assert "2024-01" not in manifest["touched"]


def test_duckdb_merges_partition_by_partition_like_save_entries(
    tmp_path: Path, conn: duckdb.DuckDBPyConnection
) -> None:
    check_partitioned_merges(tmp_path / "lake", conn, DuckDBEngine())


def test_a_version_from_before_partitions_is_rewritten_whole_once(
    tmp_path: Path, conn: duckdb.DuckDBPyConnection
) -> None:
    lake = tmp_path / "lake"
    for i, seen_at in enumerate(MONTHS[:2]):
        entries = month_entries(i + 1)
        save_entries(conn, write_lake_run(lake, 1, seen_at, entries), entries, seen_at)
        merge_lake(lake, DuckDBEngine(), seen_at)
        if i == 0:  # what the whole-table merge published: no partitions in the manifest
            manifest = read_current(lake)
            assert manifest is not None
            del manifest["partitions"]
            publish_version(lake, manifest)
    manifest = read_current(lake)
    assert manifest is not None
    assert manifest["touched"] == ["2024-01", "2024-02"]
    assert lake_postings(lake) == postings_of(None, conn)


@pytest.mark.slow
@pytest.mark.spark
def test_spark_merges_partition_by_partition_like_save_entries(
    tmp_path: Path, conn: duckdb.DuckDBPyConnection, spark_session: Any
) -> None:
    check_partitioned_merges(tmp_path / "lake", conn, SparkEngine(spark_session))
