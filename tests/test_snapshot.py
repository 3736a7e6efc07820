"""Analyst and writer in separate real processes, both directions of DuckDB's file lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_postings import entry, poll
from warehouse.db import WarehouseLocked, connect
from warehouse.snapshot import publish_snapshot, snapshot_path_for

ANALYST_HOLDS = """
import sys, time, duckdb
c = duckdb.connect(sys.argv[1], read_only=True)
print(c.execute("SELECT count(*) FROM postings").fetchone()[0], flush=True)
time.sleep(float(sys.argv[2]))
print(c.execute("SELECT count(*) FROM postings").fetchone()[0], flush=True)
"""


def hold_read_only(path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", ANALYST_HOLDS, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # the analyst has the file open
    return proc


@pytest.mark.slow
def test_analyst_on_snapshot_never_blocks_writer(db_path: Path) -> None:
    conn = connect(db_path)
    poll(conn, [entry(i) for i in range(5)], 0)
    snap = publish_snapshot(conn, db_path)
    conn.close()
    analyst = hold_read_only(snap, 3.0)
    conn = connect(db_path, wait_seconds=0)  # would raise at once if the snapshot blocked it
    poll(conn, [entry(i) for i in range(5, 9)], 1)
    publish_snapshot(conn, db_path)
    conn.close()
    out, _ = analyst.communicate(timeout=20)
    assert analyst.returncode == 0
    assert out.strip() == "5"  # the open snapshot was never torn under the analyst
    fresh = connect(snapshot_path_for(db_path), read_only=True)
    assert fresh.execute("SELECT count(*) FROM postings").fetchone() == (9,)
    fresh.close()


@pytest.mark.slow
def test_writer_waits_for_analyst_holding_live_file(db_path: Path) -> None:
    analyst = hold_read_only(db_path, 1.5)
    started = time.monotonic()
    conn = connect(db_path, wait_seconds=30)
    waited = time.monotonic() - started
    poll(conn, [entry(1)], 0)
    conn.close()
    analyst.communicate(timeout=20)
    assert analyst.returncode == 0
    assert waited >= 0.5


@pytest.mark.slow
def test_writer_gives_up_with_a_clear_error(db_path: Path) -> None:
    analyst = hold_read_only(db_path, 3.0)
    with pytest.raises(WarehouseLocked, match="locked by another process"):
        connect(db_path, wait_seconds=0.5)
    analyst.communicate(timeout=20)
