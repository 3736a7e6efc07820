"""The analyze benchmark: a bulk-built N-posting warehouse, full and incremental refresh timed.

Rows are generated inside DuckDB from range() with hashing, so 5M postings take seconds.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from analytics.simulation.counts import BASE_DAILY
from analytics.trends.analyze import analyze_warehouse
from warehouse.db import connect
from warehouse.migrate import apply_migrations

BENCH_START = date(2020, 12, 1)
BENCH_AS_OF = date(2024, 6, 1)
AI_SKILLS = (
    "chatbot_development", "ai_content_generation", "ai_agent_development", "llm_api_integration",
    "ai_app_development", "prompt_engineering", "machine_learning", "data_annotation",
    "ai_image_video_generation",
)  # fmt: skip
INCREMENTAL_POSTINGS = 2_000  # about one collection cycle's worth of new postings, generously

BULK_POSTINGS_SQL = """
INSERT INTO postings (posting_id, dedupe_key, source, title, posted_at, first_seen, last_seen,
                      times_seen, feeds, content_hash, first_run_id, last_run_id)
SELECT i, 'bench:' || i, 'bench', 'posting ' || i,
       ?::TIMESTAMPTZ + to_days(CAST(hash(i) % ? AS INTEGER)),
       ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, 1, ['bench'], 'h', 1, 1
FROM range(?, ?) t(i)
"""
BULK_TAGS_SQL = """
INSERT INTO posting_categories (posting_id, category, method, rules_version, tagged_at)
SELECT i, (?::VARCHAR[])[1 + CAST(hash(i, 'c') % ? AS INTEGER)], 'rules', 'bench', ?::TIMESTAMPTZ
FROM range(?, ?) t(i);
"""
BULK_SKILLS_SQL = """
INSERT INTO posting_ai_skills (posting_id, skill, rules_version, tagged_at)
SELECT i, (?::VARCHAR[])[1 + CAST(hash(i, 's') % ? AS INTEGER)], 'bench', ?::TIMESTAMPTZ
FROM range(?, ?) t(i) WHERE hash(i, 'a') % 100 < 8
"""


def save_bulk_postings(
    conn: duckdb.DuckDBPyConnection, first: int, last: int, start: date, days: int, at: datetime
) -> None:
    """Postings first..last-1 spread by hash over `days` days from `start`, all tagged."""
    cats = list(BASE_DAILY)
    conn.execute(BULK_POSTINGS_SQL, [start, days, at, at, first, last])
    conn.execute(BULK_TAGS_SQL, [cats, len(cats), at, first, last])
    conn.execute(BULK_SKILLS_SQL, [list(AI_SKILLS), len(AI_SKILLS), at, first, last])


def save_postings_from_counts(
    conn: duckdb.DuckDBPyConnection, counts: pd.DataFrame, at: datetime, *, simulated: bool
) -> int:
    """One posting (with its category tag) per count in `counts` (kind 'category' rows of
    `date, subject, n`), posted at noon UTC that day; returns how many were written."""
    cats = counts[counts["kind"] == "category"][["date", "subject", "n"]].reset_index(drop=True)
    conn.register("bench_counts", cats)
    conn.execute(
        """CREATE TEMP TABLE bench_rows AS
           SELECT row_number() OVER () + 10000000000 AS i, subject, date
           FROM (SELECT subject, date, unnest(range(n)) FROM bench_counts)"""
    )
    conn.unregister("bench_counts")
    conn.execute(
        """INSERT INTO postings (posting_id, dedupe_key, source, title, posted_at, first_seen,
               last_seen, times_seen, feeds, content_hash, first_run_id, last_run_id, is_simulated)
           SELECT i, 'synthetic:' || i, 'synthetic', subject, date::TIMESTAMP + INTERVAL 12 HOUR,
                  ?, ?, 1, ['synthetic'], 'h', 1, 1, ?
           FROM bench_rows""",
        [at, at, simulated],
    )
    conn.execute(
        """INSERT INTO posting_categories (posting_id, category, method, rules_version, tagged_at)
           SELECT i, subject, 'rules', 'synthetic', ? FROM bench_rows""",
        [at],
    )
    row = conn.execute("SELECT count(*) FROM bench_rows").fetchone()
    conn.execute("DROP TABLE bench_rows")
    return int(row[0]) if row else 0


def run_bench(postings: int, path: str | None, *, now: datetime) -> Iterator[str]:
    """Yield report lines: build time, full analyze (the process's first, then again with the
    imports warm), incremental analyze; wall seconds and the process's CPU seconds (DuckDB's
    threads included) for each."""
    folder = None if path else tempfile.TemporaryDirectory()
    file = Path(path) if path else Path(folder.name) / "bench.duckdb"  # type: ignore[union-attr]
    try:
        conn = connect(file)
        apply_migrations(conn)
        t0 = time.perf_counter()
        days = (BENCH_AS_OF - BENCH_START).days
        save_bulk_postings(conn, 0, postings, BENCH_START, days, now - timedelta(hours=2))
        yield f"built {postings:,} postings over {days} days in {time.perf_counter() - t0:.1f} s"
        cpu = time.process_time()
        full = analyze_warehouse(conn, as_of=BENCH_AS_OF, now=now - timedelta(hours=2), full=True)
        yield (
            f"full analyze: {full.seconds:.2f} s, {time.process_time() - cpu:.2f} CPU-s "
            f"({full.daily_rows} daily rows; the process's first: imports included)"
        )
        cpu = time.process_time()
        again = analyze_warehouse(conn, as_of=BENCH_AS_OF, now=now - timedelta(hours=1), full=True)
        yield (
            f"full analyze again: {again.seconds:.2f} s, {time.process_time() - cpu:.2f} CPU-s "
            "(imports warm, as in the long-running service)"
        )
        yesterday = BENCH_AS_OF - timedelta(days=1)
        save_bulk_postings(
            conn,
            postings,
            postings + INCREMENTAL_POSTINGS,
            yesterday,
            1,
            now - timedelta(minutes=5),
        )
        cpu = time.process_time()
        inc = analyze_warehouse(conn, as_of=BENCH_AS_OF, now=now, full=False)
        yield (
            f"incremental analyze after {INCREMENTAL_POSTINGS:,} new postings: "
            f"{inc.seconds:.2f} s, {time.process_time() - cpu:.2f} CPU-s "
            f"(mode {inc.mode}, re-aggregated from {inc.since})"
        )
        conn.close()
    finally:
        if folder:
            folder.cleanup()
