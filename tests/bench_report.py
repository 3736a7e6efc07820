"""Benchmark: `python -m tests.bench_report [N_POSTINGS]` prints report size and seconds.

Builds a warehouse with the report fixture's analytics rows plus N synthetic postings
(default 5,000,000) with categories, then times write_weekly_report.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from dashboards.report import write_weekly_report
from tests.report_fixtures import AS_OF, build_report_warehouse
from warehouse.db import connect
from warehouse.migrate import apply_migrations


def main(n_postings: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-report-"))
    db = root / "w.duckdb"
    conn = connect(db)
    apply_migrations(conn)
    build_report_warehouse(conn)
    started = time.perf_counter()
    conn.execute(
        """
        INSERT INTO postings (posting_id, dedupe_key, source, title, posted_at, first_seen,
                              last_seen, times_seen, feeds, content_hash, first_run_id,
                              last_run_id, is_simulated)
        SELECT 1000 + i, 'url:https://x/' || i, ['upwork','weworkremotely','remoteok'][i % 3 + 1],
               'title ' || i, ts, ts, ts, 1, ['f'], 'h', 1, 1, i % 5 = 0
        FROM (SELECT i, TIMESTAMPTZ '2021-01-01 00:00:00+00' + to_seconds(i * 25) AS ts
              FROM range(?) r(i))
        """,
        [n_postings],
    )
    conn.execute(
        """
        INSERT INTO posting_categories (posting_id, category, method, rules_version, tagged_at)
        SELECT posting_id, CASE WHEN posting_id % 7 = 0 THEN 'Other' ELSE 'Writing' END,
               'rules', 'b1', now() FROM postings WHERE posting_id >= 1000
        """
    )
    conn.close()
    print(f"built {n_postings:,} postings in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    path = write_weekly_report(db, root / "out", AS_OF, dt.datetime.now(dt.UTC))
    seconds = time.perf_counter() - started
    print(f"report {path.name}: {path.stat().st_size / 1e6:.2f} MB in {seconds:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000)
