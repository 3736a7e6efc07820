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
from collections.abc import Callable, Sequence
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
Timings = dict[tuple[int, str, str], float]  # (postings, engine, step) -> seconds

RUNS = 24  # per writer: one a month over two years, so postings span 24 month partitions
WRITERS = 3
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
CATEGORIES = ("Development", "Design", "Writing", "Marketing", "Data", "Admin", "Translation")
FULL, DELTA, COUNTS, LOAD = (
    "merge from nothing",
    "merge one more run (1% of postings)",
    "daily counts + 84-day MA",
    "load postings into the file (--db)",
)
FILE = "duckdb file"

# Posting i is first seen in month (i * RUNS) // N (ids in time order, as feeds list them),
# by writer i % 3; every other posting is seen again the month after by the next writer.
RAW_SQL = """
SELECT (i // 3)::BIGINT AS seq, 'feed-' || (i % 40) AS feed_name, 'bench' AS source,
       i::BIGINT AS posting_id, 'url:https://x.example/' || i AS dedupe_key,
       'https://x.example/' || i AS canonical_url, 'https://x.example/' || i AS guid,
       'https://x.example/' || i AS link, 'Job ' || i AS title,
       'Work on item ' || i || ' for a client; hourly, remote, long term, senior.' AS description,
       NULL::VARCHAR AS summary_html, NULL::VARCHAR AS content_html,
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_months(((i * {runs}) // $n)::INTEGER)
           + to_minutes((hash(i) % 40000)::BIGINT) AS published_at,
       NULL::TIMESTAMPTZ AS updated_at, []::VARCHAR[] AS tags,
       NULL::VARCHAR AS platform_category, false AS is_simulated, md5(i::VARCHAR) AS content_hash,
       $seen_at::TIMESTAMPTZ AS seen_at, $run AS run, $run_id::BIGINT AS run_id, $writer AS writer
FROM range($first, $last) t(i)
WHERE {where}
"""
MONTH_RUN = (
    "(i % 3 = $k AND (i * {runs}) // $n = $r) OR (i % 2 = 0 AND (i + 1) % 3 = $k "
    "AND least((i * {runs}) // $n + 1, {runs} - 1) = $r)"
)


def compute_run_time(r: int, k: int) -> datetime:
    """Run r of writer k: the first of month r after EPOCH, k seconds in."""
    month = EPOCH.month - 1 + r
    return EPOCH.replace(year=EPOCH.year + month // 12, month=month % 12 + 1) + timedelta(seconds=k)


def write_generated_run(
    conn: duckdb.DuckDBPyConnection,
    lake: Path,
    k: int,
    r: int,
    ids: tuple[int, int],
    n: int,
    *,
    late: bool = False,
) -> int:
    """Writer k's run r of generated raw rows (or, `late`, one more run by writer 1 over
    every id of `ids`, a day after the last month), committed with its marker; returns rows."""
    seen_at = compute_run_time(RUNS, 0) + timedelta(days=1) if late else compute_run_time(r, k)
    writer = f"shard-{k + 1}-of-{WRITERS}"
    run = seen_at.strftime("%Y%m%dT%H%M%S%fZ") + ("-late" if late else f"-{k}")
    rel = render_raw_file(writer, run, "bench", seen_at.strftime("%Y-%m"))
    (lake / rel).parent.mkdir(parents=True, exist_ok=True)
    run_id = compute_run_id(seen_at, k + 1)
    params = {"seen_at": seen_at, "run": run, "run_id": run_id, "writer": writer}
    params |= {"first": ids[0], "last": ids[1], "n": n}
    if not late:
        params |= {"k": k, "r": r}
    # generated SQL over our own temp paths (the bench takes no text from outside)
    where = "true" if late else MONTH_RUN.format(runs=RUNS)
    sql = RAW_SQL.format(runs=RUNS, where=where)
    conn.execute(f"COPY ({sql}) TO '{lake / rel}' (FORMAT parquet)", params)  # noqa: S608
    found = conn.execute(f"SELECT count(*) FROM '{lake / rel}'").fetchone()  # noqa: S608
    rows = int(found[0]) if found else 0
    write_run_marker(lake, RunMarker(writer, run, run_id, seen_at, (rel,), rows, ()))
    return rows


def _timed(echo: Echo, label: str, action: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    out = action()
    seconds = time.perf_counter() - t0
    echo(f"  {label:44} {seconds:8.2f}s  {out}")
    return seconds


def run_lake_bench(
    sizes: Sequence[int], spark: bool, keep: Path | None, now: datetime, echo: Echo
) -> Timings:
    """For each N of `sizes`: merge (from nothing, then one more run) and daily counts +
    84-day MAs over N postings on DuckDB and Spark local[2] over the lake, and DuckDB over
    the single warehouse file; each line goes to `echo` as it is measured, then the table
    of all sizes side by side. Returns the seconds."""
    folder = keep or Path(tempfile.mkdtemp(prefix="jobtrends-lakebench-"))
    timings: Timings = {}
    try:
        for n in sizes:
            bench_size(n, spark, folder / f"n{n}", now, echo, timings)
            if keep is None:
                shutil.rmtree(folder / f"n{n}", ignore_errors=True)  # 20M needs the disk
            echo(render_timings(timings))
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return timings


def bench_size(
    n: int, spark: bool, folder: Path, now: datetime, echo: Echo, timings: Timings
) -> None:
    """One size: generate the lake, then each engine, then DuckDB over the file."""
    lake = folder / "lake"
    gen = duckdb.connect()
    try:
        t0 = time.perf_counter()
        raw = sum(
            write_generated_run(gen, lake, k, r, (0, n), n)
            for r in range(RUNS)
            for k in range(WRITERS)
        )
        echo(
            f"{n:,} postings: {raw:,} raw rows in {WRITERS * RUNS} runs, "
            f"generated in {time.perf_counter() - t0:.1f}s "
            f"({sum(f.stat().st_size for f in lake.rglob('*.parquet')) / 2**20:,.0f} MiB)"
        )
        extra = (n - n // 200, n + n // 200)  # 1%: half re-seen (the last month), half new
        engines: list[tuple[str, Callable[[], Engine]]] = [("duckdb", DuckDBEngine)]
        if spark:
            engines.append(("spark local[2]", SparkEngine))
        cats = ""
        for label, make in engines:
            echo(f"{label}:")
            steps = bench_engine(make(), lake, gen, folder, extra, n, now, echo)
            cats = str(steps.pop("categories"))
            timings.update({(n, label, step): float(s) for step, s in steps.items()})
        echo("duckdb over the single warehouse file:")
        conn = connect(folder / "bench.duckdb")
        apply_migrations(conn)
        manifest = read_current(lake)
        assert manifest is not None
        timings[(n, FILE, LOAD)] = _timed(
            echo, LOAD, lambda: f"{save_lake_postings(conn, lake, manifest, now):,} rows"
        )
        conn.execute(
            "INSERT INTO posting_categories SELECT posting_id, category, NULL, 'rules', NULL, "
            "'bench', TIMESTAMPTZ '2024-01-01 00:00:00+00' FROM read_parquet(?)",
            [cats],
        )
        sql = render_moving_averages_sql(date(2024, 1, 1), date(2026, 1, 1))
        timings[(n, FILE, COUNTS)] = _timed(
            echo, COUNTS + " over the file", lambda: f"{len(conn.execute(sql).df()):,} rows"
        )
        conn.close()
    finally:
        gen.close()


def bench_engine(
    engine: Engine,
    lake: Path,
    gen: duckdb.DuckDBPyConnection,
    folder: Path,
    extra: tuple[int, int],
    n: int,
    now: datetime,
    echo: Echo,
) -> dict[str, float | str]:
    """On one engine: merge from nothing, merge one more run, then daily counts + MAs over
    the result; returns each step's seconds and (as "categories") the file it wrote."""
    for f in [lake / "_current.json", *lake.glob("versions")]:
        shutil.rmtree(f) if f.is_dir() else f.unlink(missing_ok=True)
    for late in (lake / "_runs").glob("*/*-late.json"):
        late.unlink()
    out: dict[str, float | str] = {}
    out[FULL] = _timed(echo, FULL, lambda: merge_lake(lake, engine, now).render())
    write_generated_run(gen, lake, 0, 0, extra, n, late=True)
    out[DELTA] = _timed(echo, DELTA, lambda: merge_lake(lake, engine, now).render())
    manifest = read_current(lake)
    assert manifest is not None
    engine.register("postings", read_table_files(lake, manifest, "postings"))
    cats = write_categories(gen, folder, read_table_files(lake, manifest, "postings"))
    engine.register("posting_categories", [cats])
    engine.register("posting_ai_skills", [write_empty_skills(gen, folder)])
    engine.register("posting_engagement", [write_empty_engagement(gen, folder)])
    sql = render_moving_averages_sql(date(2024, 1, 1), date(2026, 1, 1))
    out[COUNTS] = _timed(
        echo, COUNTS + " over the lake", lambda: f"{len(engine.fetch(sql)):,} rows"
    )
    check = engine.fetch("SELECT count(*) AS n, sum(times_seen) AS seen FROM postings")
    total, seen = int(check["n"][0]), int(check["seen"][0])
    echo(f"  check: {total:,} postings, times_seen sum {seen:,}")
    engine.close()
    for f in lake.glob("raw_entries/**/*late*.parquet"):
        f.unlink()
    out["categories"] = cats
    return out


def render_timings(timings: Timings) -> str:
    """The seconds of every size side by side: a row per (postings, step), a column per
    engine ('-' where the engine has no such step)."""
    engines = list(dict.fromkeys(e for _, e, _ in timings))
    head = f"{'postings':>12}  {'step':38}" + "".join(f"{e:>16}" for e in engines)
    lines = [head]
    for n in dict.fromkeys(k[0] for k in timings):
        for step in (FULL, DELTA, LOAD, COUNTS):
            cells = [timings.get((n, e, step)) for e in engines]
            if any(c is not None for c in cells):
                row = "".join(f"{c:15.2f}s" if c is not None else f"{'-':>16}" for c in cells)
                lines.append(f"{n:>12,}  {step:38}{row}")
    return "\n".join(lines)


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
