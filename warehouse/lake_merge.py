"""The scheduled merge: the raw runs committed since the watermark, deduplicated into a new
version of `postings` on an engine (warehouse/lake_engine.py), published atomically; and the
copy of the lake's postings in a warehouse file for the readers who want one.

One merge at a time per lake (a lock file: flock in a folder, an exclusive create on an
object store); shards keep appending meanwhile, and a run committed while a merge runs is
simply in the next one (the watermark is per writer).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.db import transaction
from warehouse.lake import (
    VERSIONS_DIR,
    LakeError,
    compute_delta,
    compute_watermark,
    list_table_files,
    publish_version,
    read_current,
    read_run_markers,
    version_folder,
)
from warehouse.lake_engine import Engine
from warehouse.lake_sql import (
    CHANGED_IDS_SQL,
    DELTA_RAW,
    MERGE_PARTITIONS_SQL,
    PARTITION_COLUMN,
    POSTING_COLUMNS,
    POSTINGS_SCHEMA,
    PREV_INDEX,
    PREV_POSTINGS,
    TOUCHED_MONTHS_SQL,
)
from warehouse.lake_store import LakeLike, LakeStore, open_lake

# a reader that read _current.json just before two more merges still finds its files
KEEP_VERSIONS = 3
LOCK_FILE = "_merge.lock"
# (lake, manifest so far, engine) -> adds tables (and their partitions) to the manifest
# before it is published; the version's folder is version_folder(manifest["version"])
VersionStep = Callable[[LakeStore, dict[str, Any], Engine], None]


@dataclass
class MergeSummary:
    version: int
    engine: str
    runs: int
    raw_rows: int
    postings: int
    seconds: float
    rewritten: int = 0  # partitions of postings this version rewrote
    partitions: int = 0  # partitions of postings in this version

    def render(self) -> str:
        parts = f", {self.rewritten} of {self.partitions} partition(s) rewritten"
        return (
            f"version {self.version} ({self.engine}): {self.runs} new run(s), "
            f"{self.raw_rows:,} raw rows -> {self.postings:,} postings"
            f"{parts if self.runs else ''} in {self.seconds:.2f}s"
        )


@contextmanager
def merge_lock(store: LakeStore, now: datetime) -> Iterator[None]:
    """Hold the lake's merge lock (fails at once, naming the lake, if another merge runs).
    In a folder, flock (freed when the process dies); on an object store, an object
    created only if absent, deleted at the end (a merger killed hard leaves it: the
    message names it)."""
    if store.local:
        folder = store.local_path()
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / LOCK_FILE, "w") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise LakeError(f"{store.url}: another merge is running") from exc
            yield
        return
    if not store.create_exclusive(LOCK_FILE, json.dumps({"since": now.isoformat()}).encode()):
        raise LakeError(
            f"{store.uri(LOCK_FILE)} exists: another merge is running "
            "(if none is, a merger died: delete that object)"
        )
    try:
        yield
    finally:
        store.remove_file(LOCK_FILE)


def write_empty(store: LakeStore, version: int, name: str, schema: pa.Schema) -> str:
    """An empty Parquet file of `schema` in the version folder (relative to the lake): an
    input with no rows (no previous version, no previous rows touched), or a table with no
    rows, which readers still register by its files."""
    sink = pa.BufferOutputStream()
    pq.write_table(schema.empty_table(), sink)
    rel = f"{version_folder(version)}/empty-{name}.parquet"  # Spark skips names with _
    store.write_bytes(rel, sink.getvalue().to_pybytes())
    return rel


def read_partitions(lake: LakeLike, version: int, table: str) -> dict[str, dict[str, Any]]:
    """The hive partitions an engine wrote for `table` in `version`: month -> its files
    (relative to the lake) and rows (from the Parquet footers)."""
    store = open_lake(lake)
    parts: dict[str, dict[str, Any]] = {}
    for rel in list_table_files(store, version, table):
        key, _, month = rel.rsplit("/", 2)[-2].partition("=")
        if key != PARTITION_COLUMN:
            raise LakeError(f"{store.uri(rel)}: not in a {PARTITION_COLUMN}= partition")
        part = parts.setdefault(month, {"files": [], "rows": 0})
        part["files"].append(rel)
        with store.open(rel) as f:
            part["rows"] += pq.ParquetFile(f).metadata.num_rows
    return parts


def compute_touched(
    engine: Engine, prev_parts: dict[str, dict[str, Any]]
) -> tuple[set[str], list[str]]:
    """The months the registered delta touches (DELTA_RAW against PREV_INDEX), and the
    previous version's files of those months, to rewrite."""
    months = {str(m) for m in engine.fetch(TOUCHED_MONTHS_SQL)["month"] if m is not None}
    files = [f for m in sorted(months & set(prev_parts)) for f in prev_parts[m]["files"]]
    return months, files


def merge_lake(
    lake: LakeLike, engine: Engine, now: datetime, *, after_merge: VersionStep | None = None
) -> MergeSummary:
    """Merge the runs committed since the watermark into a new published version (or say
    that there was nothing new), rewriting only the partitions of `postings` that the new
    runs touch; the others are carried over by name. `after_merge` may add tables (the
    tags) before publishing."""
    start = time.monotonic()
    store = open_lake(lake)
    engine.mount(store)
    with merge_lock(store, now):
        current = read_current(store)
        watermark: dict[str, str] = current["watermark"] if current else {}
        delta = compute_delta(read_run_markers(store), watermark)
        if not delta and current is not None:
            held = current.get("partitions", {}).get("postings") or {}
            seconds = time.monotonic() - start
            return MergeSummary(
                current["version"], engine.name, 0, 0, current["postings"], seconds, 0, len(held)
            )
        version = (current["version"] if current else 0) + 1
        out = version_folder(version)
        store.remove(out)  # a merge killed before it published: nobody reads it
        raw = [store.uri(f) for m in delta for f in m.files]
        tables = dict(current["tables"]) if current else {}
        # None: a version from before the partitioned merge, rewritten whole once
        parts: dict[str, dict[str, Any]] | None = (
            current.get("partitions", {}).get("postings") if current else {}
        )
        touched: list[str] = []
        if raw:
            engine.register(DELTA_RAW, raw)
            prev_files = tables.get("postings", [])
            months: set[str] = set()
            if parts is None:
                rewrite, parts = prev_files, {}
            elif prev_files:
                engine.register(PREV_INDEX, [store.uri(f) for f in prev_files])
                months, rewrite = compute_touched(engine, parts)
            else:
                rewrite = []
            engine.register(
                PREV_POSTINGS,
                [store.uri(f) for f in rewrite]
                or [store.uri(write_empty(store, version, "postings", POSTINGS_SCHEMA))],
            )
            with store.writable_folder(f"{out}/postings") as folder:
                engine.write(MERGE_PARTITIONS_SQL, folder, partition_by=PARTITION_COLUMN)
            with store.writable_folder(f"{out}/changed") as folder:
                engine.write(CHANGED_IDS_SQL, folder)
            written = read_partitions(store, version, "postings")
            kept = {m: p for m, p in parts.items() if m not in months}
            parts = dict(sorted({**kept, **written}.items()))
            touched = sorted(set(written) | months)
            tables["postings"] = [f for p in parts.values() for f in p["files"]] or [
                write_empty(store, version, "postings", POSTINGS_SCHEMA)
            ]
            tables["changed"] = list_table_files(store, version, "changed")
        else:  # runs that saw nothing new (all 304s): the same postings, a later watermark
            tables["changed"] = []
        manifest: dict[str, Any] = {
            "version": version,
            "engine": engine.name,
            "merged_at": now.isoformat(),
            "watermark": compute_watermark(watermark, delta),
            "runs": len(delta),
            "raw_rows": sum(m.rows for m in delta),
            "postings": (sum(int(p["rows"]) for p in parts.values()) if parts is not None else 0),
            "tables": tables,
            "touched": touched,
        }
        if parts is not None:  # the tag tables' partitions are carried until re-tagged
            manifest["partitions"] = {**(current or {}).get("partitions", {}), "postings": parts}
        elif current is not None:
            manifest["postings"] = current["postings"]
        if after_merge is not None:
            after_merge(store, manifest, engine)
        publish_version(store, manifest)
        prune_versions(store, version)
    return MergeSummary(
        version,
        engine.name,
        len(delta),
        manifest["raw_rows"],
        manifest["postings"],
        time.monotonic() - start,
        len(touched),
        len(parts or {}),
    )


def prune_versions(lake: LakeLike, current: int, keep: int = KEEP_VERSIONS) -> None:
    """Delete versions older than the last `keep` (their files are in no newer manifest:
    a version carries tables forward by naming the older files, so those are kept)."""
    store = open_lake(lake)
    manifest = read_current(store)
    named = {
        f.split("/")[1]
        for files in (manifest or {}).get("tables", {}).values()
        for f in files
        if f.split("/")[0] == VERSIONS_DIR
    }
    for name in store.list_folders(VERSIONS_DIR):
        number = int(name[1:]) if name[1:].isdigit() else current
        if number <= current - keep and name not in named:
            store.remove(f"{VERSIONS_DIR}/{name}")


def mount_store(conn: duckdb.DuckDBPyConnection, store: LakeStore) -> None:
    """Let `conn` read the store's s3:// URLs through its fsspec filesystem (DuckDB's own
    httpfs extension is a download this needs not)."""
    if not store.local and not conn.filesystem_is_registered(store.fs.protocol[0]):
        conn.register_filesystem(store.fs)


def save_lake_postings(
    conn: duckdb.DuckDBPyConnection, lake: LakeLike, manifest: dict[str, Any], now: datetime
) -> int:
    """Bring the warehouse's `postings` to the lake version `manifest`: upsert the changed
    postings when it holds the version before, else reload them all. Returns rows written."""
    store = open_lake(lake)
    mount_store(conn, store)
    # fetchall: DuckDB refuses other work on a connection with a result left unfinished
    found = conn.execute("SELECT max(version) FROM lake_merges WHERE lake = ?", [store.url])
    held = found.fetchall()[0][0]
    version = int(manifest["version"])
    if held == version:
        return 0
    tables = manifest["tables"]
    conn.register(
        "_lake_postings",
        conn.read_parquet([store.uri(f) for f in tables["postings"]], hive_partitioning=False),
    )
    incremental = held is not None and held == version - 1
    if incremental and tables.get("changed"):
        conn.register("_lake_changed", conn.read_parquet([store.uri(f) for f in tables["changed"]]))
        upsert = INSERT_CHANGED_SQL
    elif incremental:
        upsert = None
    else:
        upsert = INSERT_ALL_SQL
    try:
        with transaction(conn):
            if not incremental:
                conn.execute(
                    "DELETE FROM postings WHERE posting_id NOT IN "
                    "(SELECT posting_id FROM _lake_postings)"
                )
            counted = conn.execute(upsert).fetchall() if upsert else []
            written = int(counted[0][0]) if counted else 0
            conn.execute(
                "INSERT INTO lake_merges VALUES (?, ?, ?, ?, ?)",
                [version, store.url, now, manifest["postings"], written],
            )
    finally:
        for view in ("_lake_postings", "_lake_changed"):
            with contextlib.suppress(duckdb.Error):
                conn.unregister(view)
    return written


# fixed names only (POSTING_COLUMNS is the schema's)
INSERT_ALL_SQL = f"INSERT OR REPLACE INTO postings SELECT {POSTING_COLUMNS} FROM _lake_postings"  # noqa: S608
INSERT_CHANGED_SQL = f"{INSERT_ALL_SQL} WHERE posting_id IN (SELECT posting_id FROM _lake_changed)"  # noqa: S608
