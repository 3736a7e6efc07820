"""A 301/308 moves the feed: the next poll goes to the new URL directly (it went through the
redirect every time); a 302 does not; changing the URL in the list starts the feed afresh."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb

from collector.cycle import run_cycle
from collector.feeds import parse_feed_list
from tests.conftest import T0
from tests.feedserver import Handler, feed_server, feeds_toml


def urls(db_path: Path) -> dict[str, tuple[str, str]]:
    with duckdb.connect(str(db_path), read_only=True) as c:
        rows = c.execute("SELECT name, url, listed_url FROM feeds").fetchall()
    return {name: (url, listed) for name, url, listed in rows}


def test_permanent_redirects_move_the_feed_and_temporary_ones_do_not(db_path: Path) -> None:
    with feed_server() as base:
        specs = parse_feed_list(feeds_toml(base, ["moved", "movedagain", "found"]), "t")
        first = run_cycle(db_path, specs, T0)
        assert first.counts["feeds_ok"] == 3
        assert urls(db_path) == {
            "moved": (f"{base}/upwork.rss", f"{base}/moved.rss"),
            "movedagain": (f"{base}/upwork.rss", f"{base}/movedagain.rss"),  # 308 then 301
            "found": (f"{base}/found.rss", f"{base}/found.rss"),  # 302: temporary
        }
        hits = dict(Handler.hits)
        second = run_cycle(db_path, specs, T0 + timedelta(hours=1))
        assert Handler.hits["/moved.rss"] == hits["/moved.rss"]  # not asked again
        assert Handler.hits["/movedagain.rss"] == hits["/movedagain.rss"]
        assert Handler.hits["/found.rss"] == hits["/found.rss"] + 1
        assert second.counts["feeds_not_modified"] == 3  # the ETag went along to the new URL

        relisted = parse_feed_list(feeds_toml(base, ["upwork"]), "t")
        relisted = [s.__class__(**{**s.__dict__, "name": "moved"}) for s in relisted]
        run_cycle(db_path, relisted, T0 + timedelta(hours=2))
        assert urls(db_path)["moved"] == (f"{base}/upwork.rss", f"{base}/upwork.rss")
