"""A big cycle parses in worker processes (collector/parse_pool.py): what it stores must be
exactly what parsing inline stores, as one run, and a worker's failure must reach the cycle."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from collector.cycle import store_spool
from collector.fetch import FetchResult
from collector.parse_pool import spool_results
from collector.spool import spool_group_of
from tests.conftest import T0
from tests.feedserver import RECORDED
from warehouse.feed_state import FeedRow

FILES = ["upwork_handwritten.xml", "truncated.xml", "wrong_charset.xml", "not_xml.html"]
CONTENT_SQL = {
    "postings": "SELECT posting_id, title, description, posted_at, times_seen, feeds, "
    "content_hash FROM postings ORDER BY posting_id",
    "raw": "SELECT count(*), count(DISTINCT posting_id) FROM raw_entries",
    "runs": "SELECT run_id, status, entries_seen, postings_new, rejects, feeds_ok, feeds_failed "
    "FROM collection_runs",
    "fetch_log": "SELECT feed_name, outcome, entries_seen, entries_new, error_class "
    "FROM fetch_log ORDER BY feed_name",
    "rejects": "SELECT stage, origin, reason FROM rejects ORDER BY origin, reason",
}


def fetched(name: str, body: bytes, outcome: str = "ok") -> FetchResult:
    feed = FeedRow(name, f"http://feeds.test/{name}", "rss", "upwork", 3600, None, None, "new", 0,
                   None)  # fmt: skip
    headers = {"content-type": "application/rss+xml"} if body else {}
    status, error = (200, None) if outcome == "ok" else (None, "ConnectError")
    return FetchResult(feed, T0, outcome, status, body, headers, 5.0, error_class=error)


def cycle_results() -> list[FetchResult]:
    results = [fetched(Path(f).stem, (RECORDED / f).read_bytes()) for f in FILES]
    return [*results, fetched("down", b"", outcome="retry")]


def stored(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(db), read_only=True) as c:
        return {k: c.execute(sql).fetchall() for k, sql in CONTENT_SQL.items()}


@pytest.mark.slow
def test_parsing_in_worker_processes_stores_what_inline_parsing_stores(tmp_path: Path) -> None:
    states = {}
    for label, workers in (("inline", 0), ("pool", 1), ("pool2", 2)):
        spool = tmp_path / label / "spool"
        parts = spool_results(cycle_results(), spool, T0, "c0ffee00", workers=workers,
                              parallel_min_bytes=0)  # fmt: skip
        assert parts == len(FILES) + 1
        assert len({spool_group_of(p) for p in spool.iterdir()}) == 1  # one cycle, one group
        summary = store_spool(tmp_path / label / "w.duckdb", spool, T0)
        assert summary.runs == [1] and not list(spool.iterdir())
        states[label] = stored(tmp_path / label / "w.duckdb")
    assert states["pool"] == states["inline"] == states["pool2"]
    assert len(states["pool"]["postings"]) > 30  # the Upwork feed's postings, not an empty pair
    assert [r[1] for r in states["pool"]["fetch_log"]] == ["retry", "failed", "ok", "ok", "ok"]


def test_a_failing_worker_fails_the_spooling(tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the spool folder should be", encoding="utf-8")
    with pytest.raises(OSError):
        spool_results(cycle_results(), blocker / "spool", T0, "c0ffee00", workers=2,
                      parallel_min_bytes=0)  # fmt: skip
