"""The read-only snapshot analysts open while the service runs, and which file a reader opens.

DuckDB's file lock means an analyst holding the live file would stall the collector (and the
other way round). So after each cycle the writer copies the live warehouse into a new file
beside itself, then renames the copy over `<name>.snapshot.duckdb`. rename(2) is atomic: an
analyst opens either the old snapshot or the new one, never a torn file, and one who already
has the old file open keeps reading it undisturbed.

The copy is written with an explicit, older storage version (`SNAPSHOT_STORAGE_VERSION`), not
the library's newest: DuckDB 2.x writes storage format 69 by default, which every 1.x client
(the duckdb CLI on PyPI is 1.5.6) refuses with "can only read versions between 64 and 68".
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

# DuckDB >= 1.0 (file format 64) and every later client read this; the views use nothing newer.
SNAPSHOT_STORAGE_VERSION = "v1.0.0"
SNAPSHOT_ALIAS = "jobtrends_snapshot"  # the attach name while the copy is written


def snapshot_path_for(db_path: str | Path) -> Path:
    """data/jobtrends.duckdb -> data/jobtrends.snapshot.duckdb"""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".snapshot" + db_path.suffix)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish_snapshot(
    conn: duckdb.DuckDBPyConnection, db_path: str | Path, snapshot: str | Path | None = None
) -> Path:
    """Copy the live warehouse (held open for writing by `conn`) into a snapshot file written
    in SNAPSHOT_STORAGE_VERSION, then rename it into place.

    The caller holds the write lock, so nothing else changes the file while it is copied.
    Tables, views and their COMMENTs are copied (COPY FROM DATABASE).
    """
    db_path = Path(db_path)
    target = Path(snapshot) if snapshot else snapshot_path_for(db_path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    source = conn.execute("SELECT current_database()").fetchone()
    assert source is not None
    tmp.unlink(missing_ok=True)
    conn.execute("CHECKPOINT")  # so closing the writer later has nothing left to write
    try:
        conn.execute(
            f"ATTACH {_sql_string(str(tmp))} AS {SNAPSHOT_ALIAS} "
            f"(STORAGE_VERSION {_sql_string(SNAPSHOT_STORAGE_VERSION)})"
        )
        try:
            conn.execute(f"COPY FROM DATABASE {_quote(str(source[0]))} TO {SNAPSHOT_ALIAS}")
        finally:
            conn.execute(f"DETACH {SNAPSHOT_ALIAS}")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class ReadSource:
    """The file a reader opens, which of the two it is, and when it was last written."""

    path: Path
    kind: str  # 'snapshot' | 'live'
    written_at: dt.datetime | None  # the file's modification time, UTC; None when absent

    def describe(self) -> str:
        """'jobtrends.snapshot.duckdb (snapshot, written 2026-11-23 06:00 UTC)'"""
        when = self.written_at.strftime("%Y-%m-%d %H:%M UTC") if self.written_at else "missing"
        return f"{self.path.name} ({self.kind}, written {when})"


def _written_at(path: Path) -> float | None:
    """Newest write to `path` or its write-ahead log, as a POSIX time; None when absent."""
    times = [p.stat().st_mtime for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
    return max(times) if times else None


def choose_read_file(db_path: str | Path) -> ReadSource:
    """The one read policy: which file every read-only command (report, deltas, query, export,
    exposure) opens for warehouse `db_path`.

    The snapshot when it holds everything the live file does (written no earlier than the live
    file and its WAL): it never holds up the collector. Otherwise the live file, read-only,
    because something (an import, `analyze`, a collection without a snapshot) wrote it since
    the last snapshot and a reader must not see stale numbers.
    """
    db_path = Path(db_path)
    snapshot = snapshot_path_for(db_path)
    live_at, snap_at = _written_at(db_path), _written_at(snapshot)
    if snap_at is not None and (live_at is None or snap_at >= live_at):
        return ReadSource(snapshot, "snapshot", dt.datetime.fromtimestamp(snap_at, dt.UTC))
    stamp = dt.datetime.fromtimestamp(live_at, dt.UTC) if live_at is not None else None
    return ReadSource(db_path, "live", stamp)


def freshest_readable(db_path: str | Path) -> Path:
    """The path `choose_read_file` picks (kept for callers that need only the path)."""
    return choose_read_file(db_path).path
