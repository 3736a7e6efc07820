"""A part too big for the collector's DuckDB cap (a large recorded file) is stored under the
larger cap instead of failing every cycle; without one it fails, and stays spooled."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from collector.benchmark import render_page
from collector.fetch import FetchResult
from collector.parse_pool import compute_batch
from collector.spool import write_spool
from collector.store import store_spool
from tests.conftest import T0
from warehouse.feed_state import FeedRow

ENTRIES = 3000  # one part; under 16MB DuckDB runs out of memory storing it


def spool_big_part(spool: Path) -> None:
    feed = FeedRow("big", "http://feeds.test/big", "rss", "upwork", 3600, None, None, "new", 0,
                   None)  # fmt: skip
    body = render_page(0, ENTRIES, datetime(2024, 5, 13, 12, tzinfo=UTC))
    result = FetchResult(feed, T0, "ok", 200, body, {"content-type": "application/rss+xml"})
    write_spool(spool, compute_batch([result], T0), 0, "b16b16b1")


def test_a_part_that_runs_out_of_memory_is_stored_under_the_larger_cap(
    db_path: Path, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    spool_big_part(spool)
    with pytest.raises(duckdb.OutOfMemoryException):
        store_spool(db_path, spool, T0, memory_limit="16MB")
    assert len(list(spool.iterdir())) == 1  # kept for the next cycle
    with duckdb.connect(str(db_path), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM postings").fetchone() == (0,)

    summary = store_spool(db_path, spool, T0, memory_limit="16MB", retry_memory_limit="512MB")
    assert summary.counts["postings_new"] == ENTRIES and not list(spool.iterdir())
    with duckdb.connect(str(db_path), read_only=True) as c:
        assert c.execute("SELECT count(*), count(DISTINCT run_id) FROM spool_parts").fetchone() == (
            1, 1,
        )  # fmt: skip
