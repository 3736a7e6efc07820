"""The collector against a real local HTTP server serving real and hostile feeds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb

from collector.cycle import CycleOptions, run_cycle
from collector.feeds import parse_feed_list
from tests.conftest import T0
from tests.feedserver import Handler, feed_server, feeds_toml

HOSTILE = ["upwork", "slow", "ratelimited", "error", "gone", "missing", "truncated", "notxml",
           "huge", "bomb", "charset", "trickle"]  # fmt: skip


def health(db_path: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db_path), read_only=True) as c:
        rows = c.execute(
            "SELECT name, health, consecutive_failures, next_poll_at, last_error, etag FROM feeds"
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def scalar(db_path: Path, sql: str) -> object:
    with duckdb.connect(str(db_path), read_only=True) as c:
        row = c.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_hostile_feeds_keep_going_with_right_health(db_path: Path, tmp_path: Path) -> None:
    quick = CycleOptions(timeout_s=0.5)
    with feed_server() as base:
        specs = parse_feed_list(feeds_toml(base, HOSTILE), "test.toml")
        first = run_cycle(db_path, specs, T0, quick)
        h = health(db_path)
        assert h["upwork"][0] == "ok" and h["upwork"][4] == '"upwork-v1"'
        assert h["slow"][0] == "failing" and "Timeout" in h["slow"][3]
        assert h["ratelimited"][0] == "failing"
        arrived = scalar(
            db_path, "SELECT fetched_at FROM fetch_log WHERE feed_name = 'ratelimited'"
        )
        assert h["ratelimited"][2] == arrived + timedelta(seconds=120)  # Retry-After honoured
        assert h["error"][0] == "failing" and h["error"][2] > T0 + timedelta(minutes=4)
        assert h["gone"][0] == "gone" and h["gone"][2] is None
        assert h["missing"][0] == "gone"
        assert h["truncated"][0] == "ok"  # salvaged entries, problem recorded as a reject
        assert h["notxml"][0] == "failing" and "NotAFeed" in h["notxml"][3]
        assert h["huge"][0] == "failing" and "TooLarge" in h["huge"][3]
        assert h["trickle"][0] == "failing" and "Timeout" in h["trickle"][3]
        assert h["bomb"][0] == "ok" and h["charset"][0] == "ok"
        assert first.counts["feeds_gone"] == 2
        assert first.counts["feeds_ok"] == 4
        stored = scalar(db_path, "SELECT count(*) FROM postings")
        # upwork 30 (truncated's 5 are the same postings), bomb 1, charset 1
        assert stored == 32
        assert scalar(db_path, "SELECT count(*) FROM rejects WHERE stage = 'parse'") == 4
        assert scalar(db_path, "SELECT count(*) FROM fetch_log") == len(HOSTILE)

        # Two hours later every feed but the gone ones is due again; upwork answers 304.
        hits_before = dict(Handler.hits)
        second = run_cycle(db_path, specs, T0 + timedelta(hours=2), quick)
        assert Handler.hits["/gone.rss"] == hits_before["/gone.rss"]  # never polled again
        assert second.counts["feeds_not_modified"] == 1
        assert second.counts["postings_new"] == 0
        assert scalar(db_path, "SELECT count(*) FROM postings") == 32  # nothing lost
        assert scalar(db_path, "SELECT max(times_seen) FROM postings") <= 3  # type: ignore[operator]
        assert health(db_path)["upwork"][0] == "ok"


def test_feed_limits_are_respected(db_path: Path, tmp_path: Path) -> None:
    with feed_server() as base:
        specs = parse_feed_list(feeds_toml(base, ["upwork"]), "t.toml")
        hits = Handler.hits.get("/upwork.rss", 0)
        run_cycle(db_path, specs, T0)
        run_cycle(db_path, specs, T0 + timedelta(seconds=30))  # not due yet
        assert Handler.hits["/upwork.rss"] == hits + 1
