from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from tests.conftest import T0
from warehouse.db import transaction
from warehouse.postings import EntryRecord, build_batch, save_batch, save_entries
from warehouse.runs import finish_run, start_run


def entry(i: int, feed: str = "f1", title: str | None = None) -> EntryRecord:
    return EntryRecord(
        feed_name=feed,
        source="upwork",
        guid=f"https://www.upwork.com/jobs/job-{i}?source=rss",
        link=f"https://www.upwork.com/jobs/job-{i}?source=rss",
        title=title or f"Job {i}",
        description=f"Do thing {i}\nHourly Range: $15.00-$30.00",
        published_at=T0 - timedelta(hours=i),
    )


def poll(conn: duckdb.DuckDBPyConnection, entries: list[EntryRecord], at_minutes: int) -> int:
    at = T0 + timedelta(minutes=at_minutes)
    with transaction(conn):
        run = start_run(conn, "poll", at)
        result = save_entries(conn, run, entries, at)
        finish_run(
            conn, run, finished_at=at, status="ok", counts={"postings_new": result.new_postings}
        )
    return result.new_postings


def count(conn: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_repolling_a_feed_100_times_adds_no_duplicate(conn: duckdb.DuckDBPyConnection) -> None:
    batch = [entry(i) for i in range(20)]
    news = [poll(conn, batch, m) for m in range(100)]
    assert news[0] == 20 and sum(news[1:]) == 0
    assert count(conn, "SELECT count(*) FROM postings") == 20
    assert count(conn, "SELECT min(times_seen) FROM postings") == 100
    assert count(conn, "SELECT count(*) FROM raw_entries") == 20  # identical re-polls not stored


def test_same_posting_in_two_feeds_is_one_posting_two_sightings(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    poll(conn, [entry(1, "feed-a"), entry(1, "feed-b")], 0)
    poll(conn, [entry(1, "feed-c")], 5)
    row = conn.execute("SELECT feeds, times_seen, first_seen, last_seen FROM postings").fetchall()
    assert len(row) == 1
    feeds, times, first, last = row[0]
    assert feeds == ["feed-a", "feed-b", "feed-c"]
    assert times == 3
    assert last - first == timedelta(minutes=5)


def test_changed_content_is_a_new_raw_version_of_the_same_posting(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    poll(conn, [entry(1)], 0)
    poll(conn, [entry(1, title="Job 1 (edited)")], 1)
    assert count(conn, "SELECT count(*) FROM postings") == 1
    assert count(conn, "SELECT count(*) FROM raw_entries") == 2
    assert conn.execute("SELECT title FROM postings").fetchone() == ("Job 1 (edited)",)


def test_posted_at_keeps_the_earliest_date(conn: duckdb.DuckDBPyConnection) -> None:
    poll(conn, [entry(1)], 0)
    late = EntryRecord(**{**entry(1).__dict__, "published_at": T0 + timedelta(days=3)})
    poll(conn, [late], 1)
    assert conn.execute("SELECT posted_at FROM postings").fetchone() == (entry(1).published_at,)


def test_entry_without_identity_is_rejected_with_its_feed(conn: duckdb.DuckDBPyConnection) -> None:
    bad = EntryRecord(feed_name="f9", source="x", guid=None, link=None, title="t", description="d")
    assert poll(conn, [bad, entry(2)], 0) == 1
    origin, reason = conn.execute("SELECT origin, reason FROM rejects").fetchone()  # type: ignore[misc]
    assert origin == "f9" and "neither guid nor link" in reason


def test_a_failed_batch_rolls_back_everything(conn: duckdb.DuckDBPyConnection) -> None:
    poll(conn, [entry(1)], 0)
    try:
        with transaction(conn):
            run = start_run(conn, "poll", T0)
            save_entries(conn, run, [entry(2), entry(3)], T0)
            raise RuntimeError("killed mid-cycle")
    except RuntimeError:
        pass
    assert count(conn, "SELECT count(*) FROM postings") == 1
    assert count(conn, "SELECT count(*) FROM collection_runs") == 1


def test_a_failing_store_raises_its_own_error_and_keeps_what_was_stored(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    poll(conn, [entry(1)], 0)
    batch, _ = build_batch([entry(2)])
    broken = batch.drop_columns(["dedupe_key"])  # a batch of the wrong shape fails in SQL
    with pytest.raises(duckdb.BinderException), transaction(conn):
        run = start_run(conn, "poll", T0)
        save_batch(conn, run, broken, T0)
    assert count(conn, "SELECT count(*) FROM postings") == 1
    assert poll(conn, [entry(2)], 5) == 1  # the connection stores the next batch as usual
