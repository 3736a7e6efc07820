"""The feeds table as the list and the polls leave it: one upsert of the whole list keeps a
listed feed's validators and forgets them when its URL changes; a fetch_log row per feed and
run (a second one for the same feed in a run replaces the first)."""

from __future__ import annotations

from datetime import timedelta

import duckdb

from tests.conftest import T0
from warehouse.feed_state import FetchOutcome, save_feed_specs, save_fetch_outcome


def feeds(conn: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return conn.execute(
        "SELECT name, url, kind, min_interval_s, etag, health, updated_at FROM feeds ORDER BY name"
    ).fetchall()


def test_the_list_upsert_keeps_validators_until_a_url_changes(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    save_feed_specs(conn, [("a", "https://a/1", "rss", "x", 60, True),
                           ("b", "https://b/1", "rss", "x", 60, True)], T0)  # fmt: skip
    save_fetch_outcome(conn, 1, FetchOutcome("a", T0, "https://a/1", "ok", etag='"e1"'))
    save_fetch_outcome(conn, 1, FetchOutcome("b", T0, "https://b/1", "ok", etag='"e2"'))
    later = T0 + timedelta(hours=1)
    # b's URL changed; a is listed twice, the last listing counts (as one upsert each did)
    save_feed_specs(conn, [("a", "https://a/1", "rss", "x", 60, True),
                           ("b", "https://b/2", "rss", "x", 60, True),
                           ("a", "https://a/1", "atom", "x", 300, True)], later)  # fmt: skip
    assert feeds(conn) == [
        ("a", "https://a/1", "atom", 300, '"e1"', "ok", later),
        ("b", "https://b/2", "rss", 60, None, "new", later),
    ]
    save_feed_specs(conn, [], later)  # nothing listed: nothing changes
    assert len(feeds(conn)) == 2


def test_a_second_row_for_a_feed_in_a_run_replaces_the_first(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    save_feed_specs(conn, [("a", "https://a/1", "rss", "x", 60, True)], T0)
    save_fetch_outcome(conn, 7, FetchOutcome("a", T0, "file:///one/a.xml", "ok", entries_seen=1))
    save_fetch_outcome(conn, 7, FetchOutcome("a", T0, "file:///two/a.xml", "ok", entries_seen=2))
    save_fetch_outcome(conn, 8, FetchOutcome("a", T0, "file:///two/a.xml", "ok", entries_seen=3))
    rows = conn.execute("SELECT run_id, url, entries_seen FROM fetch_log ORDER BY run_id")
    assert rows.fetchall() == [(7, "file:///two/a.xml", 2), (8, "file:///two/a.xml", 3)]
