"""Importing archive files into the warehouse: rows -> chunks -> save_entries, bad rows -> rejects.

Idempotent by construction: every chunk goes through warehouse.postings.save_entries, whose
dedupe key (canonical URL or source+guid) makes a re-imported or already-collected posting one
more sighting of the same row, never a second row.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from collector.import_formats import (
    SNIFF_BYTES,
    ByteMeter,
    ImportFormatError,
    Row,
    check_format,
    open_binary,
    read_json,
    read_jsonl,
    read_rss,
    render_decode_error,
    sniff_format,
)
from collector.import_tables import read_csv, read_parquet
from warehouse.db import transaction
from warehouse.postings import EntryRecord, save_entries, save_reject

CHUNK_ROWS = 5_000  # entries per transaction: bounded memory, few commits
DEFAULT_SOURCE = "upwork"  # every archive we know of is Upwork's; --source overrides


@dataclass
class ImportSummary:
    """What one file gave: rows read, new postings stored, duplicates, rejects by reason."""

    path: str
    format: str
    rows_read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    reject_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def usable(self) -> int:
        return self.stored + self.duplicates


# what a damaged file raises while it is read: a truncated gzip (EOFError), gzip magic then
# garbage (BadGzipFile), a corrupt deflate stream (zlib.error)
DAMAGED_FILE_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


@contextmanager
def reading(path: Path, rows: Callable[[], int]) -> Iterator[None]:
    """Turn a damaged file's or an undecodable byte's error into one ImportFormatError line."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise ImportFormatError(render_decode_error(path, exc, rows())) from None
    except DAMAGED_FILE_ERRORS as exc:
        what = "truncated" if isinstance(exc, EOFError) else "damaged"
        raise ImportFormatError(
            f"{path}: {what} file after row {rows()} ({type(exc).__name__}: {exc})"
        ) from None


def detect_format(path: Path) -> str:
    """The file's format from its content; ImportFormatError when it is none we read."""
    with open_binary(path) as f:
        found = sniff_format(f.read(SNIFF_BYTES))
    if found is None:
        raise ImportFormatError(f"{path}: cannot tell its format; pass --format")
    return found


def read_rows(
    path: Path,
    fmt: str,
    *,
    feed_name: str,
    source: str,
    mapping: dict[str, str] | None,
    meter: ByteMeter | None = None,
    encoding: str | None = None,
) -> Iterator[Row]:
    """The rows of `path` read as `fmt` (a generator: nothing is read until iterated).
    `encoding` applies to the text formats (CSV, JSONL); XML and JSON declare their own."""
    if fmt == "rss":
        return read_rss(path, feed_name, source, meter)
    if fmt == "json":
        return read_json(path, feed_name, source, meter)
    if fmt == "jsonl":
        return read_jsonl(path, feed_name, source, meter, encoding)
    if fmt == "csv":
        return read_csv(path, feed_name, source, mapping, False, meter, encoding)
    if fmt == "upwork-labeled-csv":
        return read_csv(path, feed_name, source, None, True, meter, encoding)
    if fmt == "parquet":
        return read_parquet(path, feed_name, source, mapping)
    raise ImportFormatError(f"unknown format {fmt!r}")


def import_file(
    conn: duckdb.DuckDBPyConnection,
    run_id: int,
    path: Path,
    fmt: str | None,
    *,
    now: datetime,
    source: str = DEFAULT_SOURCE,
    mapping: dict[str, str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    on_progress: Callable[[int, int], None] | None = None,
    encoding: str | None = None,
) -> ImportSummary:
    """Import one file as run `run_id` at `now`, one transaction per chunk of `chunk_rows`.

    Raises ImportFormatError (one line) when the file is not `fmt` (or not sniffable), is
    damaged (a truncated gzip), or has a byte that is not `encoding` (default UTF-8); the rows
    read before the problem are stored first and the error's `partial` says how many.
    `on_progress(rows_read, bytes_of_the_file_read)` is called after every chunk.
    """
    with reading(path, lambda: 0):
        fmt = fmt or detect_format(path)
        check_format(path, fmt)
    summary = ImportSummary(path=str(path), format=fmt)
    feed_name = f"import:{path.name}"
    chunk: list[Row] = []
    meter = ByteMeter()
    rows = read_rows(
        path, fmt, feed_name=feed_name, source=source, mapping=mapping, meter=meter,
        encoding=encoding,
    )  # fmt: skip
    try:
        with reading(path, lambda: summary.rows_read + len(chunk)):
            for row in rows:
                chunk.append(row)
                if len(chunk) >= chunk_rows:
                    _save_chunk(conn, run_id, path, chunk, now, summary)
                    chunk = []
                    if on_progress:
                        on_progress(summary.rows_read, meter.position())
    except ImportFormatError as exc:
        if chunk:  # the rows read before the damage are good: keep them
            _save_chunk(conn, run_id, path, chunk, now, summary)
        exc.partial = summary if summary.rows_read else None
        raise
    if chunk:
        _save_chunk(conn, run_id, path, chunk, now, summary)
    if on_progress:
        on_progress(summary.rows_read, path.stat().st_size)
    return summary


def _save_chunk(
    conn: duckdb.DuckDBPyConnection,
    run_id: int,
    path: Path,
    rows: list[Row],
    now: datetime,
    summary: ImportSummary,
) -> None:
    entries: list[EntryRecord] = [r.entry for r in rows if r.entry is not None]
    with transaction(conn):
        for r in rows:
            if r.entry is None:
                reason = r.reject_reason or "unreadable row"
                save_reject(
                    conn,
                    run_id=run_id,
                    at=now,
                    stage="import",
                    origin=str(path),
                    location=f"line {r.line}",
                    reason=reason,
                    payload=r.payload,
                )
                key = reason.split(":", 1)[0]
                summary.reject_reasons[key] = summary.reject_reasons.get(key, 0) + 1
                summary.rejected += 1
        result = save_entries(conn, run_id, entries, now) if entries else None
    summary.rows_read += len(rows)
    if result is not None:
        summary.stored += result.new_postings
        summary.duplicates += len(entries) - result.new_postings - result.rejected
        summary.rejected += result.rejected
