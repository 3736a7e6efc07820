"""Two feeds dripping 1 byte a second (one in its body, one in its headers) beside quick ones:
each slow poll ends at its own total deadline, and the quick feeds are saved first, in the
order they completed (with 2 drips a cycle took 126 s, the others waiting behind them)."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from collector.cycle import CycleOptions, run_cycle
from collector.feeds import parse_feed_list
from tests.conftest import T0
from tests.feedserver import feed_server, feeds_toml

FEEDS = ["dripheaders", "drip", "bomb", "upwork", "charset"]


def test_dripping_feeds_time_out_alone(db_path: Path) -> None:
    options = CycleOptions(timeout_s=0.5)  # per read; 1.5 s in all per poll, +1 s grace
    with feed_server() as base:
        begin = time.monotonic()
        summary = run_cycle(db_path, parse_feed_list(feeds_toml(base, FEEDS), "t"), T0, options)
        took = time.monotonic() - begin
    assert took < 8.0, took  # the two drips overlap: about one deadline, not one each
    assert summary.counts["feeds_ok"] == 3 and summary.counts["feeds_failed"] == 2
    with duckdb.connect(str(db_path), read_only=True) as c:
        log = c.execute(
            "SELECT feed_name, outcome, error_class FROM fetch_log ORDER BY fetched_at"
        ).fetchall()
    assert {name for name, _, _ in log[:3]} == {"bomb", "upwork", "charset"}
    assert sorted(log[3:]) == [("drip", "retry", "Timeout"), ("dripheaders", "retry", "Timeout")]
