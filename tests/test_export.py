"""`jobtrends export --parquet`, and every analyst view run over the lake instead of the file.

The second test is generic: it runs whatever views.sql holds today over the Parquet export in a
fresh DuckDB and requires the same rows as the warehouse file. A view that uses SQL tied to
the file (a table that is not exported, a DuckDB-file-only function) fails it.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from jobtrends.cli import cli
from tests.conftest import T0
from warehouse.db import connect, transaction
from warehouse.export import (
    MANIFEST,
    ExportError,
    read_manifest,
    render_lake_views_sql,
    write_parquet_export,
)
from warehouse.migrate import read_views_sql
from warehouse.postings import EntryRecord, save_entries
from warehouse.runs import finish_run, start_run
from warehouse.snapshot import publish_snapshot

SOURCES = ("upwork", "weworkremotely", "remoteok")


def fill_warehouse(conn: duckdb.DuckDBPyConnection) -> None:
    """Three sites over three months, a re-poll, a changed posting, a reject, tags, feeds."""
    for source in SOURCES:
        conn.execute(
            "INSERT INTO feeds (name, url, kind, source, min_interval_s, health, last_success_at) "
            "VALUES (?, ?, 'rss', ?, 900, ?, ?)",
            [f"{source}-all", f"https://{source}.example/feed", source, "ok", T0],
        )
    for cycle in range(3):
        at = T0 + timedelta(days=35 * cycle)
        with transaction(conn):
            run = start_run(conn, "poll", at)
            entries = [
                EntryRecord(
                    feed_name=f"{source}-all",
                    source=source,
                    guid=f"{source}-{n}",
                    link=f"https://{source}.example/jobs/{n}",
                    title=f"Job {n} v{cycle if n % 5 == 0 else 0}",  # every 5th one changes
                    description=f"Build a thing {n}\nHourly Range: ${n}.00-${n + 10}.00",
                    published_at=(at - timedelta(days=n % 40)) if n % 7 else None,
                    tags=("python", "ai") if n % 3 == 0 else (),
                )
                for source in SOURCES
                for n in range(cycle * 20, cycle * 20 + 40)
            ]
            entries.append(EntryRecord("upwork-all", "upwork", None, None, "no id", "x"))
            result = save_entries(conn, run, entries, at)
            for source in SOURCES:
                conn.execute(
                    "INSERT INTO fetch_log (run_id, feed_name, fetched_at, http_status, bytes, "
                    "duration_ms, entries_seen, entries_new, outcome) "
                    "VALUES (?, ?, ?, 200, 5000, 120.5, 40, ?, 'ok')",
                    [run, f"{source}-all", at, result.new_by_feed.get(f"{source}-all", 0)],
                )
            finish_run(conn, run, finished_at=at, status="ok", counts={"postings_new": 1})
    conn.execute(
        "INSERT INTO posting_categories SELECT posting_id, "
        "CASE WHEN posting_id % 2 = 0 THEN 'Writing' ELSE 'Development' END, NULL, 'rules', "
        "0.5, 'test-1', ? FROM postings",
        [T0],
    )


def test_export_partitions_postings_by_source_and_month(db_path: Path, tmp_path: Path) -> None:
    conn = connect(db_path)
    fill_warehouse(conn)
    target = tmp_path / "lake"
    tables = {t.name: t for t in write_parquet_export(conn, target)}
    months = {
        str(m)
        for (m,) in conn.execute(
            "SELECT DISTINCT strftime(timezone('UTC', coalesce(posted_at, first_seen)), '%Y-%m') "
            "FROM postings"
        ).fetchall()
    }
    conn.close()
    assert tables["postings"].partitioned and tables["raw_entries"].partitioned
    assert not tables["feeds"].partitioned and tables["feeds"].rows == 3
    folders = {p.parent.relative_to(target / "postings") for p in (target / "postings").rglob("*")}
    folders = {f for f in folders if len(f.parts) == 2}
    assert folders == {Path(f"source={s}/month={m}") for s in SOURCES for m in months}
    assert len(months) >= 3
    assert (target / "feeds" / "data.parquet").is_file()
    assert (target / "a_daily_counts" / "data.parquet").is_file()  # empty tables still exported
    assert read_manifest(target)["tables"]["postings"]["partition_by"] == ["source", "month"]


def test_export_replaces_its_own_output_and_refuses_other_folders(
    db_path: Path, tmp_path: Path
) -> None:
    conn = connect(db_path)
    fill_warehouse(conn)
    target = tmp_path / "lake"
    write_parquet_export(conn, target)
    stray = target / "postings" / "source=gone" / "month=1999-01"
    stray.mkdir(parents=True)
    write_parquet_export(conn, target)
    assert not stray.exists()  # a second export is a clean overwrite, not a merge
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(ExportError, match="not a jobtrends export"):
        write_parquet_export(conn, precious)
    conn.close()
    assert (precious / "thesis.tex").read_text() == "years of work"


def test_export_command_reads_the_file_the_read_policy_picks(db_path: Path, tmp_path: Path) -> None:
    conn = connect(db_path)
    fill_warehouse(conn)
    publish_snapshot(conn, db_path)
    conn.close()

    def export(*extra: str) -> str:
        args = ["--db", str(db_path), "export", "--parquet", str(tmp_path / "out"), *extra]
        result = CliRunner().invoke(cli, args, env={})
        assert result.exit_code == 0, result.output
        assert (tmp_path / "out" / MANIFEST).is_file()
        return result.output

    from_snapshot = export()  # the snapshot is current: it never holds up the collector
    assert "postings: 240 rows in 12 file(s), by source/month" in from_snapshot
    assert "warehouse.snapshot.duckdb to " in from_snapshot
    assert "warehouse.duckdb to " in export("--live")
    conn = connect(db_path)
    conn.execute("DELETE FROM postings WHERE source = 'upwork'")  # e.g. an import since
    conn.close()
    newer = export()  # the live file moved on: a stale snapshot must not hide it
    assert "postings: 160 rows in " in newer and "warehouse.snapshot.duckdb" not in newer


def normalized(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows in a stable order, floats rounded (aggregation order may differ in the last bit)."""

    def cell(value: Any) -> Any:
        if isinstance(value, float) and not math.isnan(value):
            return round(value, 9)
        if isinstance(value, list):
            return tuple(cell(v) for v in value)
        return value

    return sorted((tuple(cell(v) for v in row) for row in rows), key=repr)


def test_every_analyst_view_gives_the_same_rows_over_the_parquet_export(
    db_path: Path, tmp_path: Path
) -> None:
    conn = connect(db_path)
    fill_warehouse(conn)
    views = [
        str(name)
        for (name,) in conn.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' "
            "ORDER BY view_name"
        ).fetchall()
    ]
    assert "postings_dated" in views and "feed_health" in views
    expected = {v: conn.execute(f'SELECT * FROM "{v}"').fetchall() for v in views}  # noqa: S608
    columns = {
        v: [d[0] for d in conn.execute(f'SELECT * FROM "{v}" LIMIT 0').description]  # noqa: S608
        for v in views
    }
    write_parquet_export(conn, tmp_path / "lake")
    conn.close()

    lake = duckdb.connect(":memory:")
    lake.execute(render_lake_views_sql(tmp_path / "lake", read_manifest(tmp_path / "lake")))
    lake.execute(read_views_sql())  # fails here if a view needs a table that is not exported
    for view in views:
        got = lake.execute(f'SELECT * FROM "{view}"').fetchall()  # noqa: S608
        assert [d[0] for d in lake.execute(f'SELECT * FROM "{view}" LIMIT 0').description] == (  # noqa: S608
            columns[view]
        ), view
        assert normalized(got) == normalized(expected[view]), view
        assert got or view != "postings_dated"
        # the analyst views are also in the export as plain files, for tools without views.sql
        path = tmp_path / "lake" / "views" / f"{view}.parquet"
        flat = lake.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()  # noqa: S608
        assert normalized(flat) == normalized(expected[view]), view
    assert set(read_manifest(tmp_path / "lake")["views"]) == set(views)
    lake.close()
