"""The lake's layout in a folder or an object store (warehouse/lake_store.py), and its two
commit points.

    DIR/raw_entries/source=<site>/month=<YYYY-MM>/<writer>-run=<run>.parquet   append-only
    DIR/_runs/<writer>/<run>.json          a run's commit marker: its files, its feeds' outcomes
    DIR/state/<writer>.duckdb              a writer's own feed state (ETag, health, next poll)
    DIR/versions/v<NNNNNN>/<table>/*.parquet   merged tables, immutable once published
    DIR/_current.json                      the published version and the merge's watermark

A run is visible only once its marker exists (written last, by an atomic rename), so a
writer killed half way leaves files nobody reads. A merge is visible only once
_current.json names its version (an atomic rename again), so a reader that reads
_current.json first never sees half a merge. Writers never share a file.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from warehouse.lake_store import LakeLike, open_lake

RAW_DIR = "raw_entries"
RUNS_DIR = "_runs"
STATE_DIR = "state"
VERSIONS_DIR = "versions"
CURRENT_FILE = "_current.json"
# a site name becomes a directory: letters, digits, '.', '_', '-' only ("we-work-remotely")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class LakeError(RuntimeError):
    """A lake that cannot be read or written as asked (named path, what is wrong)."""


@dataclass(frozen=True)
class RunMarker:
    """A committed run: who wrote it, when, which raw files, and its feeds' fetch outcomes."""

    writer: str
    run: str
    run_id: int
    seen_at: datetime
    files: tuple[str, ...]  # relative to the lake root
    rows: int
    outcomes: tuple[dict[str, Any], ...]


def render_writer_name(shard: int, count: int) -> str:
    """(2, 3) -> "shard-2-of-3"."""
    return f"shard-{shard}-of-{count}"


def compute_run_id(now: datetime, shard: int) -> int:
    """A run id that grows with time and differs between shards: the start in microseconds
    since 1970, times 1000, plus the shard number (up to 999). Fits BIGINT until year 2262."""
    micros = int(now.astimezone(UTC).timestamp() * 1_000_000)
    return micros * 1000 + shard


def render_run_name(now: datetime) -> str:
    """Sortable by start time, unique with a random suffix: "20261201T174500123456Z-a1b2c3"."""
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def check_safe_name(value: str, what: str) -> str:
    if not SAFE_NAME.match(value):
        raise LakeError(f"{what} {value!r} cannot name a lake directory (letters, digits, ._-)")
    return value


def write_run(
    lake: LakeLike,
    writer: str,
    run: str,
    run_id: int,
    seen_at: datetime,
    rows: pa.Table,
    outcomes: Sequence[dict[str, Any]],
) -> RunMarker:
    """Append one run: a Parquet file per (source, month of seen_at) partition, then the
    marker that commits them. `rows` carries a `source` column; nothing is committed (no
    marker) if this is interrupted."""
    store = open_lake(lake)
    month = seen_at.astimezone(UTC).strftime("%Y-%m")
    files: list[str] = []
    if rows.num_rows:
        for source in sorted(set(rows.column("source").to_pylist())):
            part = rows.filter(pc.equal(rows.column("source"), source))
            rel = render_raw_file(writer, run, source, month)
            sink = pa.BufferOutputStream()
            pq.write_table(part, sink, compression="zstd")
            store.write_bytes(rel, sink.getvalue().to_pybytes())
            files.append(rel)
    marker = RunMarker(writer, run, run_id, seen_at, tuple(files), rows.num_rows, tuple(outcomes))
    write_run_marker(store, marker)
    return marker


def render_raw_file(writer: str, run: str, source: str, month: str) -> str:
    """A run's raw file for one partition, relative to the lake root."""
    return (
        f"{RAW_DIR}/source={check_safe_name(source, 'source')}/month={month}/"
        f"{writer}-run={run}.parquet"
    )


def write_run_marker(lake: LakeLike, marker: RunMarker) -> None:
    """Commit a run whose files are written: its marker, atomically."""
    body = {
        **marker.__dict__,
        "seen_at": marker.seen_at.isoformat(),
        "files": list(marker.files),
        "outcomes": list(marker.outcomes),
    }
    rel = f"{RUNS_DIR}/{marker.writer}/{marker.run}.json"
    open_lake(lake).write_bytes(rel, json.dumps(body, default=str).encode())


def read_run_markers(lake: LakeLike, writer: str | None = None) -> list[RunMarker]:
    """Every committed run (of `writer`, or of all writers), oldest first per writer."""
    store = open_lake(lake)
    writers = [writer] if writer else store.list_folders(RUNS_DIR)
    markers = []
    for name in writers:
        for rel in store.list_files(f"{RUNS_DIR}/{name}", ".json"):
            text = store.read_text(rel)
            try:
                body = json.loads(text or "")
                markers.append(
                    RunMarker(
                        body["writer"],
                        body["run"],
                        int(body["run_id"]),
                        datetime.fromisoformat(body["seen_at"]),
                        tuple(body["files"]),
                        int(body["rows"]),
                        tuple(body["outcomes"]),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise LakeError(f"{store.uri(rel)}: not a run marker: {exc}") from exc
    return markers


def compute_delta(markers: Sequence[RunMarker], watermark: dict[str, str]) -> list[RunMarker]:
    """The runs a merge has not taken yet: each writer's runs after its watermark (a writer
    commits its runs one after the other, in name order)."""
    return [m for m in markers if m.run > watermark.get(m.writer, "")]


def compute_watermark(watermark: dict[str, str], taken: Sequence[RunMarker]) -> dict[str, str]:
    """The watermark after taking `taken`: per writer, the last run merged."""
    out = dict(watermark)
    for m in taken:
        out[m.writer] = max(out.get(m.writer, ""), m.run)
    return dict(sorted(out.items()))


def read_current(lake: LakeLike) -> dict[str, Any] | None:
    """The published version's manifest, or None before the first merge."""
    store = open_lake(lake)
    text = store.read_text(CURRENT_FILE)
    if text is None:
        return None
    try:
        body: dict[str, Any] = json.loads(text)
    except ValueError as exc:
        raise LakeError(f"{store.uri(CURRENT_FILE)}: unreadable manifest: {exc}") from exc
    return body


def version_folder(version: int) -> str:
    """A version's folder, relative to the lake root."""
    return f"{VERSIONS_DIR}/v{version:06d}"


def read_table_files(lake: LakeLike, manifest: dict[str, Any], table: str) -> list[str]:
    """The Parquet files of `table` in the published version `manifest`, as engines read
    them (local paths, or s3:// URLs)."""
    store = open_lake(lake)
    try:
        rel = manifest["tables"][table]
    except KeyError as exc:
        raise LakeError(
            f"{store.url}: version {manifest.get('version')} has no table {table!r}"
        ) from exc
    return [store.uri(f) for f in rel]


def list_table_files(lake: LakeLike, version: int, table: str) -> list[str]:
    """The Parquet files an engine wrote for `table` in `version`, relative to the lake."""
    return open_lake(lake).list_files(f"{version_folder(version)}/{table}", ".parquet")


def publish_version(lake: LakeLike, manifest: dict[str, Any]) -> None:
    """Make `manifest`'s version the one readers see, atomically."""
    body = json.dumps(manifest, indent=1, sort_keys=True).encode()
    open_lake(lake).write_bytes(CURRENT_FILE, body)
