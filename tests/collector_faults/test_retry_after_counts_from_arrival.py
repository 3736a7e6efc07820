"""429 with Retry-After: 120 answered 1.5 s into a cycle: the next poll is 120 s after the
answer arrived, not after the cycle began (it was 64-73 s after, from a cycle's start)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb

from collector.cycle import run_cycle
from collector.feeds import parse_feed_list
from tests.conftest import T0
from tests.feedserver import feed_server, feeds_toml


def test_retry_after_counts_from_when_the_answer_arrived(db_path: Path) -> None:
    with feed_server() as base:
        run_cycle(db_path, parse_feed_list(feeds_toml(base, ["late429", "upwork"]), "t"), T0)
    with duckdb.connect(str(db_path), read_only=True) as c:
        arrived, next_poll = c.execute(
            "SELECT l.fetched_at, f.next_poll_at FROM fetch_log l JOIN feeds f "
            "ON f.name = l.feed_name WHERE l.feed_name = 'late429'"
        ).fetchone() or (None, None)
        upwork_arrived = c.execute(
            "SELECT fetched_at FROM fetch_log WHERE feed_name = 'upwork'"
        ).fetchone()
    assert arrived >= T0 + timedelta(seconds=1.5)  # the server answered after 1.5 s
    assert next_poll == arrived + timedelta(seconds=120)
    assert upwork_arrived is not None and upwork_arrived[0] < arrived  # each its own time
