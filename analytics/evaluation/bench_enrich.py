"""The enrichment benchmark behind `jobtrends bench enrich`: postings tagged per second."""

from __future__ import annotations

import re
import resource
import tempfile
import time
from datetime import datetime
from importlib import resources
from pathlib import Path

# The postings copied N times: the 75 real ones of ../shared/data beside the project (the numbers
# the README quotes), else the 30 hand-written ones of the tests in the same format
REAL_TEMPLATE = Path("shared", "data", "upwork-rss-2022-06-parsed", "jobs.csv")
HANDWRITTEN_TEMPLATE = Path("tests", "fixtures", "enrich", "jobs_2022_format.csv")
# DuckDB's default cache is 80% of RAM: it would keep the whole generated table (1M postings
# ~ 0.6 GB) in memory and make peak RSS grow with N for a reason that is not enrichment
BENCH_DUCKDB_MEMORY = "256MB"


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _memory_setting(text: str) -> str:
    """A DuckDB memory size ("256MB", "1GB"); anything else is refused (it is put in SQL)."""
    if not re.fullmatch(r"\d+\s?[KMGT]i?B", text):  # "256MB" -> ok; "1'; DROP" -> error
        raise ValueError(f"not a memory size like 256MB: {text!r}")
    return text


def template_path() -> Path:
    """The real 2022-06 Upwork sample in ../shared/data when present, else the tests' copy-free
    hand-written file in its format."""
    here = Path(str(resources.files("analytics"))).parent
    real = here.parent / REAL_TEMPLATE
    return real if real.exists() else here / HANDWRITTEN_TEMPLATE


def _template_rows() -> list[tuple[str, str]]:
    """(title, description) pairs of `template_path()`'s postings plus a footer line, so every
    rule path (footer, free text, no pay) is exercised."""
    import pandas as pd

    frame = pd.read_csv(template_path(), dtype=str, keep_default_na=False)
    rows = []
    for title, description, budget in zip(
        frame["title"], frame["description"], frame["budget"], strict=True
    ):
        footer = (
            f"Hourly Range: {budget}" if "-" in budget else f"Budget: {budget}" if budget else ""
        )
        rows.append((title, f"{description}\n{footer}\nCategory: \n"))
    return rows


def run_enrich_bench(
    n: int, workers: int, duckdb_memory: str = BENCH_DUCKDB_MEMORY, *, now: datetime
) -> str:
    """Tag N synthetic copies of real postings (title + description) and print postings/s."""
    from analytics.tagging.enrich import enrich_postings
    from warehouse.db import connect
    from warehouse.migrate import apply_migrations

    templates = _template_rows()
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "bench.duckdb")
        apply_migrations(conn)
        conn.execute(f"SET memory_limit = '{_memory_setting(duckdb_memory)}'")
        conn.execute("CREATE TEMP TABLE templates (k INTEGER, title VARCHAR, description VARCHAR)")
        conn.executemany(
            "INSERT INTO templates VALUES (?, ?, ?)",
            [(i, t, d) for i, (t, d) in enumerate(templates)],
        )
        conn.execute(
            "INSERT INTO postings (posting_id, dedupe_key, source, title, description,"
            " first_seen, last_seen, times_seen, feeds, content_hash, first_run_id, last_run_id)"
            " SELECT r.range, 'bench:' || r.range, 'bench', t.title, t.description, ?, ?, 1,"
            " ['bench'], 'x', 0, 0 FROM range(?) r JOIN templates t ON t.k = r.range % ?",
            [now, now, n, len(templates)],
        )
        chars = conn.execute(
            "SELECT avg(length(title) + length(description)) FROM postings"
        ).fetchone()
        start = time.perf_counter()
        cpu_start = _cpu_seconds()
        summary = enrich_postings(conn, now=now, workers=workers)
        seconds = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu_start
        conn.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return (
        f"postings={summary.postings} workers={workers} seconds={seconds:.1f} "
        f"postings_per_s={summary.postings / seconds:.0f} cpu_s={cpu:.1f} "
        f"postings_per_cpu_s={summary.postings / cpu:.0f} "
        f"avg_chars={float(chars[0]) if chars else 0:.0f} "
        f"peak_rss_mb={peak_mb:.0f} peak_child_rss_mb={child_mb:.0f} "
        f"templates={template_path().name}"
    )
