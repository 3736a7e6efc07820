"""The read-only snapshot analysts open while the service runs, and which file a reader opens.

DuckDB's file lock means an analyst holding the live file would stall the collector (and the
other way round). So after each cycle the writer copies the live warehouse into a new file
beside itself, then renames the copy over `<name>.snapshot.duckdb`. rename(2) is atomic: an
analyst opens either the old snapshot or the new one, never a torn file, and one who already
has the old file open keeps reading it undisturbed.

The snapshot is always in a storage version 1.x clients read: DuckDB 2.x writes storage
format 69 by default, which every 1.x client (the duckdb CLI on PyPI is 1.5.6) refuses with
"can only read versions between 64 and 68". A warehouse created by `warehouse.db.connect` is
already in SNAPSHOT_STORAGE_VERSION, so its snapshot is a plain file copy; an older file in
the newer format is copied table by table into an attach with that STORAGE_VERSION (COPY FROM
DATABASE: 79-91 s instead of 1.2 s for 1.5M postings, `jobtrends bench snapshot`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.db import STORAGE as SNAPSHOT_STORAGE_VERSION  # DuckDB >= 1.0 reads it

SNAPSHOT_ALIAS = "jobtrends_snapshot"  # the attach name while the copy is written
# Storage format numbers in a DuckDB file header that 1.x clients read ("between 64 and 68").
READABLE_BY_1X = range(64, 69)
HEADER_MAGIC = b"DUCK"  # bytes 8..12 of a DuckDB file; the format number follows (uint64 LE)


def snapshot_path_for(db_path: str | Path) -> Path:
    """data/jobtrends.duckdb -> data/jobtrends.snapshot.duckdb"""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".snapshot" + db_path.suffix)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_storage_format(path: str | Path) -> int | None:
    """The storage format number in a DuckDB file's header (64 = v1.0.0); None if not DuckDB."""
    with open(path, "rb") as f:
        head = f.read(20)
    if len(head) < 20 or head[8:12] != HEADER_MAGIC:
        return None
    return int(struct.unpack("<Q", head[12:20])[0])


def publish_snapshot(
    conn: duckdb.DuckDBPyConnection, db_path: str | Path, snapshot: str | Path | None = None
) -> Path:
    """Copy the live warehouse (held open for writing by `conn`) into a snapshot file that 1.x
    clients read, then rename it into place: a file copy when the live file is already in
    such a storage version, else a table-by-table copy in SNAPSHOT_STORAGE_VERSION.

    The caller holds the write lock, so nothing else changes the file while it is copied.
    Tables, views and their COMMENTs are copied either way.
    """
    db_path = Path(db_path)
    target = Path(snapshot) if snapshot else snapshot_path_for(db_path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    source = conn.execute("SELECT current_database()").fetchone()
    assert source is not None
    tmp.unlink(missing_ok=True)
    conn.execute("CHECKPOINT")  # the file holds everything; closing later has nothing to write
    try:
        if read_storage_format(db_path) in READABLE_BY_1X:
            shutil.copyfile(db_path, tmp)
        else:
            _copy_tables(conn, str(source[0]), tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return target


def _copy_tables(conn: duckdb.DuckDBPyConnection, source: str, tmp: Path) -> None:
    """COPY FROM DATABASE `source` into a new file at `tmp` in SNAPSHOT_STORAGE_VERSION."""
    conn.execute(
        f"ATTACH {_sql_string(str(tmp))} AS {SNAPSHOT_ALIAS} "
        f"(STORAGE_VERSION {_sql_string(SNAPSHOT_STORAGE_VERSION)})"
    )
    try:
        conn.execute(f"COPY FROM DATABASE {_quote(source)} TO {SNAPSHOT_ALIAS}")
    finally:
        conn.execute(f"DETACH {SNAPSHOT_ALIAS}")


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
