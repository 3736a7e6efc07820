"""Real processes: an analyst holding the snapshot or the live file while the collector runs,
and `jobtrends serve` killed with SIGKILL mid-cycle then restarted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from collector.cycle import compute_file_batch, run_cycle, store_spool
from collector.feeds import parse_feed_list
from collector.spool import write_spool
from tests.conftest import T0
from tests.feedserver import UPWORK_FILE, feed_server, feeds_toml
from warehouse.db import WarehouseLocked
from warehouse.snapshot import snapshot_path_for

JOBTRENDS = [str(Path(sys.executable).with_name("jobtrends"))]


def analyst(path: Path, hold_s: float) -> subprocess.Popen[str]:
    """A separate process that opens `path` read-only, queries, and holds it for hold_s."""
    script = str(Path(__file__).with_name("analyst_hold.py"))
    proc = subprocess.Popen(
        [sys.executable, script, str(path), str(hold_s)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # it has the file open
    return proc


def count(db_path: Path, sql: str = "SELECT count(*) FROM postings") -> int:
    with duckdb.connect(str(db_path), read_only=True) as c:
        row = c.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.slow
def test_analyst_on_snapshot_and_on_live_file(db_path: Path, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    write_spool(spool, compute_file_batch([UPWORK_FILE], T0))
    store_spool(db_path, spool, T0)
    snapshot = snapshot_path_for(db_path)
    on_snapshot = analyst(snapshot, 3.0)
    on_live = analyst(db_path, 1.5)
    with feed_server() as base:
        specs = parse_feed_list(feeds_toml(base, ["upwork"]), "t.toml")
        summary = run_cycle(db_path, spool, specs, T0 + timedelta(hours=1), wait_seconds=30)
    assert summary.counts["feeds_ok"] == 1
    for proc in (on_snapshot, on_live):
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0 and out.strip() == "30"
    assert count(db_path) == 30


def test_lock_timeout_keeps_the_spooled_batch(db_path: Path, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    write_spool(spool, compute_file_batch([UPWORK_FILE], T0))
    holder = analyst(db_path, 2.0)
    with pytest.raises(WarehouseLocked):
        store_spool(db_path, spool, T0, wait_seconds=0.3)
    assert len(list(spool.glob("*.batch.*"))) == 1  # nothing lost
    holder.communicate(timeout=30)
    summary = store_spool(db_path, spool, T0, wait_seconds=30)
    assert summary.counts["postings_new"] == 30
    assert not list(spool.glob("*.batch.*"))


def wait_for(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.slow
def test_serve_survives_sigkill_mid_cycle(tmp_path: Path) -> None:
    db = tmp_path / "data" / "jobtrends.duckdb"
    snapshot = snapshot_path_for(db)
    with feed_server() as base:
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(feeds_toml(base, ["slowupwork"], minutes=0.001))
        env = dict(os.environ)  # the service's first cycle starts at once
        args = [*JOBTRENDS, "--db", str(db), "serve", "--feeds", str(feeds)]
        proc = subprocess.Popen(args, env=env, stderr=subprocess.DEVNULL)
        wait_for(db.exists, 30)  # the feed list is saved: the fetch (1 s) is in flight
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

        proc = subprocess.Popen(args, env=env, stderr=subprocess.PIPE, text=True)
        wait_for(snapshot.exists, 30)  # the restarted service's first cycle is stored
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert time.monotonic() - start < 8.0
        assert re.search(r"cycle \d+ done in [0-9.]+s; collect: feeds ok=", err), err
    assert count(db) == 30
    assert count(db, "SELECT count(*) FROM raw_entries") == 30  # no duplicate versions
    assert count(db, "SELECT count(*) FROM collection_runs WHERE status = 'running'") == 0
