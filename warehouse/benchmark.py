"""The warehouse benchmarks behind `jobtrends bench ingest|aggregate`: the numbers behind
docs/scaling.md (one machine's limits).

Benchmarks print numbers; they are not tests. Data is generated (seeded), written to a temp
warehouse file that is removed afterwards unless --keep is given.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from warehouse.db import connect, transaction
from warehouse.migrate import apply_migrations
from warehouse.postings import EntryRecord, build_batch, save_batch, save_entries
from warehouse.runs import finish_run, start_run

SOURCES = ("upwork", "weworkremotely", "remoteok", "himalayas", "jobicy")
CATEGORIES = ("Development", "Design", "Writing", "Marketing", "Data", "Admin", "Translation")
WORDS = (
    "python react api data model client design budget hourly project long term remote senior "
    "developer writer content seo marketing shopify wordpress figma logo brand video editing "
    "chatbot openai llm prompt automation scraping excel analysis report dashboard mobile app "
    "ios android backend frontend fullstack devops cloud aws migration testing support weekly"
).split()
FEED_BATCH = 50  # entries in one feed poll (Upwork's RSS returns up to 50, WWR about 25-100)
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def render_description(rng: random.Random, n: int) -> tuple[str, str]:
    """A posting body of ~1.2 KB plain text and its HTML form, like an Upwork RSS entry."""
    sentences = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
        for _ in range(rng.randint(8, 14))
    ]
    low = rng.randint(10, 80)
    footer = f"Hourly Range: ${low}.00-${low + rng.randint(5, 40)}.00\nPosted On: job {n}"
    text = " ".join(sentences) + "\n" + footer
    html = "<p>" + "</p><p>".join(sentences) + "</p><b>" + footer.replace("\n", "<br />") + "</b>"
    return text, html


def generate_entries(count: int, seed: int, offset: int = 0) -> list[EntryRecord]:
    """`count` distinct realistic entries spread over SOURCES and two years of dates."""
    rng = random.Random(seed)
    entries = []
    for i in range(offset, offset + count):
        source = SOURCES[i % len(SOURCES)]
        text, html = render_description(rng, i)
        entries.append(
            EntryRecord(
                feed_name=f"{source}-{i % 20}",
                source=source,
                guid=f"https://{source}.example/jobs/{i}",
                link=f"https://{source}.example/jobs/{i}?source=rss",
                title=" ".join(rng.choice(WORDS) for _ in range(6)).title(),
                description=text,
                summary_html=html,
                published_at=EPOCH + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
                tags=tuple(rng.sample(WORDS, 3)),
            )
        )
    return entries


def _rate(rows: int, seconds: float) -> str:
    return f"{rows:>9,} rows in {seconds:6.2f}s = {rows / seconds:>9,.0f} rows/s"


def run_ingest_bench(
    rows: int, chunk: int, entries_rows: int, keep: Path | None, *, now: datetime
) -> Iterator[str]:
    """Ingest rates: save_batch bulk (an import, `--chunk` rows per transaction), save_entries
    as the collector calls it (one 50-entry feed poll per call), a re-poll of known entries,
    and the warehouse file size per million postings.
    """
    folder = Path(tempfile.mkdtemp(prefix="jobtrends-bench-"))
    db = folder / "bench.duckdb"
    try:
        conn = connect(db)
        apply_migrations(conn)
        yield (f"duckdb {duckdb.__version__}; generating {rows:,} entries (~1.2 KB text)")
        generate = built = stored = 0.0
        for offset in range(0, rows, chunk):
            t0 = time.perf_counter()
            entries = generate_entries(min(chunk, rows - offset), seed=offset, offset=offset)
            t1 = time.perf_counter()
            batch, _ = build_batch(entries)
            t2 = time.perf_counter()
            with transaction(conn):
                run = start_run(conn, "import", now)
                save_batch(conn, run, batch, now)
                finish_run(conn, run, finished_at=now, status="ok", counts={})
            generate, built, stored = (
                generate + t1 - t0,
                built + t2 - t1,
                stored + time.perf_counter() - t2,
            )
        conn.execute("CHECKPOINT")
        size = db.stat().st_size
        yield (f"save_batch bulk (new postings):  {_rate(rows, stored)}")
        yield (f"  + building Arrow batches:      {_rate(rows, built)}")
        yield (
            f"file size: {size / 2**20:,.0f} MiB = {size / rows * 1e6 / 2**30:.2f} GiB "
            "per million postings (postings + raw_entries)"
        )

        fresh = generate_entries(entries_rows, seed=-1, offset=rows)
        t0 = time.perf_counter()
        for start in range(0, entries_rows, FEED_BATCH):
            with transaction(conn):
                run = start_run(conn, "poll", now)
                save_entries(conn, run, fresh[start : start + FEED_BATCH], now)
                finish_run(conn, run, finished_at=now, status="ok", counts={})
        new_s = time.perf_counter() - t0
        yield (f"save_entries, 50/poll, new:      {_rate(entries_rows, new_s)}")
        t0 = time.perf_counter()
        for start in range(0, entries_rows, FEED_BATCH):
            with transaction(conn):
                run = start_run(conn, "poll", now)
                save_entries(
                    conn, run, fresh[start : start + FEED_BATCH], now + timedelta(minutes=15)
                )
                finish_run(conn, run, finished_at=now, status="ok", counts={})
        seen_s = time.perf_counter() - t0
        yield (f"save_entries, 50/poll, re-seen:  {_rate(entries_rows, seen_s)}")
        polls = entries_rows / FEED_BATCH
        yield (f"  = {polls / new_s:,.0f} feed polls/s (new) and {polls / seen_s:,.0f} (re-seen)")
        conn.close()
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(db, keep / db.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


DAILY_COUNTS_SQL = """
SELECT d.posted_date, c.category, count(*) AS n
FROM postings_dated d JOIN posting_categories c USING (posting_id)
WHERE NOT d.is_simulated
GROUP BY ALL
"""
MOVING_AVERAGE_SQL = (
    "SELECT posted_date, category, n, avg(n) OVER (PARTITION BY category ORDER BY posted_date "  # noqa: S608 (constant SQL)
    "ROWS BETWEEN 83 PRECEDING AND CURRENT ROW) AS ma_84 FROM (" + DAILY_COUNTS_SQL + ") daily"
)


def save_generated_postings(conn: duckdb.DuckDBPyConnection, rows: int) -> None:
    """`rows` postings over ~3 years with a category each, generated in SQL (fast)."""
    conn.execute(
        """
        INSERT INTO postings
        SELECT i, 'url:https://x.example/' || i, ['upwork','weworkremotely','remoteok'][1 + i % 3],
               'https://x.example/' || i, 'Job ' || i, repeat('word ', 150 + i % 100), NULL,
               TIMESTAMPTZ '2022-01-01 00:00:00+00' + to_minutes((hash(i) % 1576800)::BIGINT),
               TIMESTAMPTZ '2022-01-01 00:00:00+00', TIMESTAMPTZ '2022-01-01 00:00:00+00', 1,
               ['f1'], md5(i::VARCHAR), 1, 1, false
        FROM range(?) t(i)
        """,
        [rows],
    )
    conn.execute(
        "INSERT INTO posting_categories SELECT posting_id, "
        "$categories[1 + (hash(posting_id) % len($categories))::BIGINT], NULL, 'rules', NULL, "
        "'bench', TIMESTAMPTZ '2024-01-01 00:00:00+00' FROM postings",
        {"categories": list(CATEGORIES)},
    )


def run_aggregate_bench(sizes: tuple[int, ...], repeat: int) -> Iterator[str]:
    """Analyze rates: daily counts per category and their 84-day moving average over N
    generated postings, on the warehouse file and on its Parquet export (best of --repeat).
    """
    from warehouse.export import read_manifest, render_lake_views_sql, write_parquet_export
    from warehouse.migrate import read_views_sql

    for rows in sizes:
        folder = Path(tempfile.mkdtemp(prefix="jobtrends-bench-"))
        try:
            conn = connect(folder / "bench.duckdb")
            apply_migrations(conn)
            t0 = time.perf_counter()
            save_generated_postings(conn, rows)
            yield (f"{rows:,} postings generated in {time.perf_counter() - t0:.1f}s")
            t0 = time.perf_counter()
            write_parquet_export(conn, folder / "lake")
            yield (f"  parquet export: {time.perf_counter() - t0:.1f}s")
            lake = duckdb.connect()
            lake.execute(render_lake_views_sql(folder / "lake", read_manifest(folder / "lake")))
            lake.execute(read_views_sql())
            for label, target in (("duckdb file", conn), ("parquet lake", lake)):
                for name, sql in (
                    ("daily counts/category", DAILY_COUNTS_SQL),
                    ("+ 84-day MA", MOVING_AVERAGE_SQL),
                ):
                    best = float("inf")
                    for _ in range(repeat):
                        t0 = time.perf_counter()
                        out = target.execute(f"SELECT count(*) FROM ({sql})").fetchone()  # noqa: S608
                        best = min(best, time.perf_counter() - t0)
                    yield (
                        f"  {label:12} {name:22} {best:6.2f}s = {rows / best:>12,.0f} postings/s "
                        f"({out[0] if out else 0:,} rows out)"
                    )
            lake.close()
            conn.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
