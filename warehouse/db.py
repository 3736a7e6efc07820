"""Opening the warehouse file, with the waiting DuckDB's single-writer lock needs.

DuckDB lets one process hold a database file for writing, and while it does no other process
can open it, not even read-only (and a read-only holder blocks a writer the same way). The
collector therefore opens, writes one transaction and closes every cycle, and waits here,
with backoff, when an analyst or another command holds the file.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.migrate import apply_migrations

STORAGE = "v1.0.0"  # storage version of new warehouse files: DuckDB 1.0 and later read it
LOCK_WAIT_SECONDS = 120.0  # long enough for an analyst's ad-hoc query to finish
LOCK_POLL_SECONDS = 0.2  # first wait; doubles up to LOCK_POLL_MAX_SECONDS
LOCK_POLL_MAX_SECONDS = 5.0
# "512MB", "1GB", "1.5GiB": DuckDB's memory_limit syntax (a number and a byte unit)
MEMORY_LIMIT_RE = re.compile(r"^\d+(\.\d+)?\s*(B|[KMGT]i?B)$", re.I)


class WarehouseLocked(RuntimeError):
    """The warehouse file stayed locked by another process for the whole wait (retryable)."""


class WarehouseMissing(FileNotFoundError):
    """A command that reads the warehouse was pointed at a path with no warehouse (terminal)."""


def render_missing(path: Path) -> str:
    """'no warehouse at data/jobtrend.duckdb (data/ has: jobtrends.duckdb); ...'"""
    folder = path.parent
    others = sorted(
        p.name
        for p in (folder.glob("*.duckdb") if folder.is_dir() else [])
        if ".snapshot." not in p.name
    )
    near = f" ({folder}/ has: {', '.join(others[:5])})" if others else ""
    return (
        f"no warehouse at {path}{near}: check --db / JOBTRENDS_DB, or create one with "
        f"`jobtrends migrate --db {path}`"
    )


def check_exists(path: str | Path) -> Path:
    """`path` when a warehouse file is there; WarehouseMissing (one line) otherwise."""
    path = Path(path)
    if not path.is_file():
        raise WarehouseMissing(render_missing(path))
    return path


def is_lock_error(exc: BaseException) -> bool:
    """True when DuckDB refused to open a file because another process holds its lock."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect(
    path: str | Path,
    *,
    read_only: bool = False,
    wait_seconds: float = LOCK_WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at `path`, waiting up to `wait_seconds` for another process's lock.

    `memory_limit` ("1GB") caps DuckDB's memory, its buffer cache included (DuckDB's default
    is 80 % of RAM, so a long-lived writer's cache grows with the warehouse); None keeps it.
    Raises WarehouseLocked (naming the file) when the lock is still held after the wait.
    """
    check_memory_limit(memory_limit)
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        check_exists(path)
    delay = LOCK_POLL_SECONDS
    waited = 0.0
    # A new warehouse is created in the storage version 1.x clients read, so its snapshot is
    # a plain file copy (warehouse/snapshot.py); an existing file keeps its version.
    config: dict[str, str | bool | int | float | list[str]] = (
        {} if read_only or path.exists() else {"storage_compatibility_version": STORAGE}
    )
    while True:
        try:
            conn = duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            if waited >= wait_seconds:
                raise WarehouseLocked(
                    f"{path} is locked by another process (waited {waited:.0f}s): {exc}"
                ) from exc
            sleep(delay)
            waited += delay
            delay = min(delay * 2, LOCK_POLL_MAX_SECONDS)
            continue
        if memory_limit is not None:
            set_memory_limit(conn, memory_limit)
        return conn


def check_memory_limit(memory_limit: str | None) -> None:
    """Refuse anything but a size ("512MB", "1GB"): it is put into SQL."""
    if memory_limit is not None and not MEMORY_LIMIT_RE.match(memory_limit.strip()):
        raise ValueError(f"memory_limit {memory_limit!r} is not a size such as '512MB' or '1GB'")


def set_memory_limit(conn: duckdb.DuckDBPyConnection, memory_limit: str | None) -> None:
    """Cap DuckDB's memory on `conn` ("512MB"); None gives back DuckDB's default."""
    check_memory_limit(memory_limit)
    if memory_limit is None:
        conn.execute("RESET memory_limit")
    else:
        conn.execute(f"SET memory_limit = '{memory_limit.strip()}'")


@contextmanager
def open_warehouse(
    path: str | Path,
    *,
    read_only: bool = False,
    wait_seconds: float = LOCK_WAIT_SECONDS,
    memory_limit: str | None = None,
    create: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connect to `path` (migrating it first when writable) and close it on exit.
    `create=False`: a missing file is WarehouseMissing, not a new empty warehouse."""
    if not create:
        check_exists(path)
    conn = connect(path, read_only=read_only, wait_seconds=wait_seconds, memory_limit=memory_limit)
    try:
        if not read_only:
            apply_migrations(conn)
        yield conn
    finally:
        conn.close()


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, rolling back on any exception (including KeyboardInterrupt)."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
