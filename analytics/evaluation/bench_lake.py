"""The lake benchmark (`jobtrends bench lake --postings N`): the lake merge and the plain-SQL
analytics on DuckDB and on Spark local[2] side by side, beside DuckDB over the single
warehouse file.

Raw runs are generated in SQL (3 writers x RUNS runs, each posting seen 1.5 times on
average, short text: ~100 bytes a description, not the 1.2 KB of a real one, so that 20M
postings fit this disk); a merge from nothing, then an incremental merge of one more run of
1% of the postings (half new, half re-seen), then daily counts + 84-day moving averages.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from analytics.trends.series_sql import render_moving_averages_sql
from warehouse.db import connect
from warehouse.lake import (
    RunMarker,
    compute_run_id,
    read_current,
    read_table_files,
    render_raw_file,
    write_run_marker,
)
from warehouse.lake_engine import DuckDBEngine, Engine, SparkEngine
from warehouse.lake_merge import merge_lake, save_lake_postings
from warehouse.migrate import apply_migrations

Echo = Callable[[str], None]

RUNS = 8  # per writer
WRITERS = 3
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
CATEGORIES = ("Development", "Design", "Writing", "Marketing", "Data", "Admin", "Translation")

RAW_SQL = """
SELECT (i // 3)::BIGINT AS seq, 'feed-' || (i % 40) AS feed_name, 'bench' AS source,
       i::BIGINT AS posting_id, 'url:https://x.example/' || i AS dedupe_key,
       'https://x.example/' || i AS canonical_url, 'https://x.example/' || i AS guid,
       'https://x.example/' || i AS link, 'Job ' || i AS title,
       'Work on item ' || i || ' for a client; hourly, remote, long term, senior.' AS description,
       NULL::VARCHAR AS summary_html, NULL::VARCHAR AS content_html,
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes((hash(i) % 1051200)::BIGINT)
           AS published_at, NULL::TIMESTAMPTZ AS updated_at, []::VARCHAR[] AS tags,
       NULL::VARCHAR AS platform_category, false AS is_simulated, md5(i::VARCHAR) AS content_hash,
       $seen_at::TIMESTAMPTZ AS seen_at, $run AS run, $run_id::BIGINT AS run_id, $writer AS writer
FROM range($first, $last) t(i)
WHERE (i % 3 = $k AND i % {runs} = $r) OR (i % 2 = 0 AND (i + 1) % 3 = $k AND (i + 5) % {runs} = $r)
"""


def write_generated_run(
    conn: duckdb.DuckDBPyConnection,
    lake: Path,
    k: int,
    r: int,
    ids: tuple[int, int],
    seen_at: datetime,
) -> int:
    """One writer's run of generated raw rows, committed with its marker; returns rows."""
    writer, run = f"shard-{k + 1}-of-{WRITERS}", seen_at.strftime("%Y%m%dT%H%M%S%fZ") + f"-{k}"
    rel = render_raw_file(writer, run, "bench", seen_at.strftime("%Y-%m"))
    (lake / rel).parent.mkdir(parents=True, exist_ok=True)
    run_id = compute_run_id(seen_at, k + 1)
    params = {
        "seen_at": seen_at,
        "run": run,
        "run_id": run_id,
        "writer": writer,
        "first": ids[0],
        "last": ids[1],
        "k": k,
        "r": r,
    }
    # generated SQL over our own temp paths (the bench takes no text from outside)
    sql = RAW_SQL.format(runs=RUNS)
    conn.execute(f"COPY ({sql}) TO '{lake / rel}' (FORMAT parquet)", params)  # noqa: S608
    n = conn.execute(f"SELECT count(*) FROM '{lake / rel}'").fetchone()  # noqa: S608
    rows = int(n[0]) if n else 0
    write_run_marker(lake, RunMarker(writer, run, run_id, seen_at, (rel,), rows, ()))
    return rows


def _timed(echo: Echo, label: str, action: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    out = action()
    seconds = time.perf_counter() - t0
    echo(f"  {label:44} {seconds:8.2f}s  {out}")
    return seconds


def run_lake_bench(
    postings: int, spark: bool, keep: Path | None, now: datetime, echo: Echo
) -> None:
    """Merge (from nothing, then one more run) and daily counts + 84-day MAs over N postings:
    DuckDB and Spark local[2] over the lake, and DuckDB over the single warehouse file;
    each line goes to `echo` as it is measured."""
    folder = keep or Path(tempfile.mkdtemp(prefix="jobtrends-lakebench-"))
    lake = folder / "lake"
    gen = duckdb.connect()
    try:
        t0 = time.perf_counter()
        raw = sum(
            write_generated_run(
                gen, lake, k, r, (0, postings), EPOCH + timedelta(hours=r, seconds=k)
            )
            for r in range(RUNS)
            for k in range(WRITERS)
        )
        echo(
            f"{postings:,} postings: {raw:,} raw rows in {WRITERS * RUNS} runs, "
            f"generated in {time.perf_counter() - t0:.1f}s "
            f"({sum(f.stat().st_size for f in lake.rglob('*.parquet')) / 2**20:,.0f} MiB)"
        )
        extra = (
            postings - postings // 200,
            postings + postings // 200,
        )  # 1%: half re-seen, half new
        engines: list[tuple[str, Callable[[], Engine]]] = [("duckdb", DuckDBEngine)]
        if spark:
            engines.append(("spark local[2]", SparkEngine))
        cats = ""
        for label, make in engines:
            cats = bench_engine(label, make(), lake, gen, folder, extra, now, echo)
        echo("duckdb over the single warehouse file:")
        conn = connect(folder / "bench.duckdb")
        apply_migrations(conn)
        manifest = read_current(lake)
        assert manifest is not None
        _timed(
            echo,
            "load postings into the file (--db)",
            lambda: f"{save_lake_postings(conn, lake, manifest, now):,} rows",
        )
        conn.execute(
            "INSERT INTO posting_categories SELECT posting_id, category, NULL, 'rules', NULL, "
            "'bench', TIMESTAMPTZ '2024-01-01 00:00:00+00' FROM read_parquet(?)",
            [cats],
        )
        sql = render_moving_averages_sql(date(2024, 1, 1), date(2026, 1, 1))
        _timed(
            echo,
            "daily counts + 84-day MA over the file",
            lambda: f"{len(conn.execute(sql).df()):,} rows",
        )
        conn.close()
    finally:
        gen.close()
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def bench_engine(
    label: str,
    engine: Engine,
    lake: Path,
    gen: duckdb.DuckDBPyConnection,
    folder: Path,
    extra: tuple[int, int],
    now: datetime,
    echo: Echo,
) -> str:
    """On one engine: merge from nothing, merge one more run, then daily counts + MAs over
    the result; returns the categories file it wrote."""
    for f in [lake / "_current.json", *lake.glob("versions")]:
        shutil.rmtree(f) if f.is_dir() else f.unlink(missing_ok=True)
    for late in (lake / "_runs").glob("*/*-late.json"):
        late.unlink()
    echo(f"{label}:")
    _timed(echo, "merge from nothing", lambda: merge_lake(lake, engine, now).render())
    write_generated_late(gen, lake, extra, EPOCH + timedelta(days=1))
    _timed(
        echo, "merge one more run (1% of postings)", lambda: merge_lake(lake, engine, now).render()
    )
    manifest = read_current(lake)
    assert manifest is not None
    engine.register("postings", read_table_files(lake, manifest, "postings"))
    cats = write_categories(gen, folder, read_table_files(lake, manifest, "postings"))
    engine.register("posting_categories", [cats])
    engine.register("posting_ai_skills", [write_empty_skills(gen, folder)])
    engine.register("posting_engagement", [write_empty_engagement(gen, folder)])
    sql = render_moving_averages_sql(date(2024, 1, 1), date(2026, 1, 1))
    _timed(
        echo, "daily counts + 84-day MA over the lake", lambda: f"{len(engine.fetch(sql)):,} rows"
    )
    check = engine.fetch("SELECT count(*) AS n, sum(times_seen) AS seen FROM postings")
    n, seen = int(check["n"][0]), int(check["seen"][0])
    echo(f"  check: {n:,} postings, times_seen sum {seen:,}")
    engine.close()
    for f in lake.glob("raw_entries/**/*late*.parquet"):
        f.unlink()
    return cats


def write_generated_late(
    conn: duckdb.DuckDBPyConnection, lake: Path, ids: tuple[int, int], seen_at: datetime
) -> None:
    """One more run by writer 1 over `ids` (each once), committed: the incremental merge."""
    writer, run = f"shard-1-of-{WRITERS}", seen_at.strftime("%Y%m%dT%H%M%S%fZ") + "-late"
    rel = render_raw_file(writer, run, "bench", seen_at.strftime("%Y-%m"))
    run_id = compute_run_id(seen_at, 1)
    sql = RAW_SQL.format(runs=1).replace("WHERE (i % 3", "WHERE true OR (i % 3")
    params = {
        "seen_at": seen_at,
        "run": run,
        "run_id": run_id,
        "writer": writer,
        "first": ids[0],
        "last": ids[1],
        "k": 0,
        "r": 0,
    }
    conn.execute(f"COPY ({sql}) TO '{lake / rel}' (FORMAT parquet)", params)
    write_run_marker(lake, RunMarker(writer, run, run_id, seen_at, (rel,), ids[1] - ids[0], ()))


def write_categories(conn: duckdb.DuckDBPyConnection, folder: Path, postings: list[str]) -> str:
    """A category per posting (hashed), as the tag step would write them."""
    path = folder / "posting_categories.parquet"
    files = ", ".join(f"'{f}'" for f in postings)
    pick = f"$c[1 + (hash(posting_id) % {len(CATEGORIES)})::BIGINT]"
    conn.execute(
        f"COPY (SELECT posting_id, {pick} AS category FROM read_parquet([{files}])) "  # noqa: S608
        f"TO '{path}' (FORMAT parquet)",
        {"c": list(CATEGORIES)},
    )
    return str(path)


def write_empty_engagement(conn: duckdb.DuckDBPyConnection, folder: Path) -> str:
    path = folder / "posting_engagement.parquet"
    conn.execute(
        "COPY (SELECT 0::BIGINT AS posting_id, 'freelance' AS engagement, false AS is_seeker "
        f"WHERE false) TO '{path}' (FORMAT parquet)"
    )
    return str(path)


def write_empty_skills(conn: duckdb.DuckDBPyConnection, folder: Path) -> str:
    path = folder / "posting_ai_skills.parquet"
    conn.execute(
        f"COPY (SELECT 0::BIGINT AS posting_id, 'none' AS skill WHERE false) TO '{path}' "
        "(FORMAT parquet)"
    )
    return str(path)
