"""The read-only snapshot analysts open while the service runs.

DuckDB's file lock means an analyst holding the live file would stall the collector (and the
other way round). So after each cycle the writer checkpoints and copies the live file beside
itself, then renames the copy over `<name>.snapshot.duckdb`. rename(2) is atomic: an analyst
opens either the old snapshot or the new one, never a torn file, and one who already has the
old file open keeps reading it undisturbed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from warehouse.temp_files import remove_dead_temp_files


def snapshot_path_for(db_path: str | Path) -> Path:
    """data/jobtrends.duckdb -> data/jobtrends.snapshot.duckdb"""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".snapshot" + db_path.suffix)


def publish_snapshot(
    conn: duckdb.DuckDBPyConnection, db_path: str | Path, snapshot: str | Path | None = None
) -> Path:
    """Checkpoint the live warehouse (held open for writing by `conn`) and publish a copy.

    The caller holds the write lock, so nothing else changes the file while it is copied.
    """
    db_path = Path(db_path)
    target = Path(snapshot) if snapshot else snapshot_path_for(db_path)
    conn.execute("CHECKPOINT")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(db_path, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def remove_dead_snapshot_temps(db_path: str | Path) -> list[Path]:
    """Remove the half-written snapshot copies (`.<snapshot>.<pid>.tmp`) of processes that
    died while publishing (a SIGKILL skips publish_snapshot's own clean-up)."""
    target = snapshot_path_for(db_path)
    return remove_dead_temp_files(target.parent, (target.name,))


def freshest_readable(db_path: str | Path) -> Path:
    """The file a read-only command should open: the snapshot when it is at least as new as the
    live file (it never holds up the collector), else the live file (a command such as
    `jobtrends analyze` wrote it since the last snapshot)."""
    db_path = Path(db_path)
    snapshot = snapshot_path_for(db_path)
    if snapshot.exists() and (
        not db_path.exists() or snapshot.stat().st_mtime >= db_path.stat().st_mtime
    ):
        return snapshot
    return db_path
