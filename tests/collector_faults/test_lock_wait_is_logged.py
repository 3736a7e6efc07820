"""A reader holding the live file: the cycle says, in one log line, which file, who holds it
and how long it will wait; then that it got the lock (it was an APScheduler traceback)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from collector.cycle import CycleOptions, run_cycle
from collector.feeds import parse_feed_list
from tests.conftest import T0
from tests.feedserver import feed_server, feeds_toml

ANALYST = Path(__file__).parents[1] / "analyst_hold.py"


def test_waiting_for_a_reader_is_one_clear_line(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    reader = subprocess.Popen([sys.executable, str(ANALYST), str(db_path), "1.5"],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert reader.stdout is not None
    reader.stdout.readline()  # it holds the file
    caplog.set_level(logging.WARNING, logger="warehouse.db")
    with feed_server() as base:
        specs = parse_feed_list(feeds_toml(base, ["upwork"]), "t")
        summary = run_cycle(db_path, specs, T0, CycleOptions(wait_seconds=30))
    reader.communicate(timeout=30)
    assert summary.counts["feeds_ok"] == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "warehouse.db"]
    assert any(
        str(db_path) in m and f"PID {reader.pid}" in m and "waiting up to 30s" in m for m in lines
    ), lines
    assert any("got the lock after waiting" in m for m in lines), lines
