"""Temp files of a process killed while writing (a half-copied snapshot, a spool part of an
earlier version) are removed on the next start; a live process's are left alone (a 556 MB
`.jt.snapshot.duckdb.<pid>.tmp` and 3 spool `.tmp` files stayed forever)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from collector.cycle import collect_files
from tests.conftest import T0
from tests.feedserver import UPWORK_FILE
from warehouse.snapshot import snapshot_path_for


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temp_files_of_dead_processes_go_on_the_next_start(db_path: Path) -> None:
    snapshot = snapshot_path_for(db_path)
    spool = db_path.parent / "spool"
    spool.mkdir()
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    gone, alive = dead_pid(), writer.pid
    dead = [
        snapshot.with_name(f".{snapshot.name}.{gone}.tmp"),
        spool / f".20240513T120000Z-{gone}-1a2b3c4d-poll-000003.batch.arrow.{gone}.tmp",
    ]
    kept = [
        snapshot.with_name(f".{snapshot.name}.{alive}.tmp"),  # being written right now
        db_path.parent / f".notes.txt.{gone}.tmp",  # not ours
    ]
    for path in dead + kept:
        path.write_bytes(b"half a copy")
    try:
        collect_files(db_path, [UPWORK_FILE], T0)
    finally:
        writer.kill()
        writer.wait()
    assert [p.exists() for p in dead] == [False, False]
    assert [p.exists() for p in kept] == [True, True]
    assert snapshot.exists()
