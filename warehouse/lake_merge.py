"""The scheduled merge: the raw runs committed since the watermark, deduplicated into a new
version of `postings` on an engine (warehouse/lake_engine.py), published atomically; and the
copy of the lake's postings in a warehouse file for the readers who want one.

One merge at a time per lake (a lock file); shards keep appending meanwhile, and a run
committed while a merge runs is simply in the next one (the watermark is per writer).
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
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
    version_dir,
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

KEEP_VERSIONS = (
    3  # a reader that read _current.json just before two more merges still finds its files
)
# (lake, version folder, manifest so far, engine) -> adds tables (and their partitions) to
# the manifest before it is published
VersionStep = Callable[[Path, Path, dict[str, Any], Engine], None]


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
def merge_lock(lake: Path) -> Iterator[None]:
    """Hold the lake's merge lock (fails at once, naming the lake, if another merge runs)."""
    lake.mkdir(parents=True, exist_ok=True)
    with open(lake / "_merge.lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LakeError(f"{lake}: another merge is running") from exc
        yield


def _empty(folder: Path) -> str:
    """An empty postings file (no previous version, or no previous rows touched)."""
    path = folder / "empty-postings.parquet"  # Spark skips names starting with _
    pq.write_table(POSTINGS_SCHEMA.empty_table(), path)
    return str(path)


def read_partitions(lake: Path, version: int, table: str) -> dict[str, dict[str, Any]]:
    """The hive partitions an engine wrote for `table` in `version`: month -> its files
    (relative to the lake) and rows (from the Parquet footers)."""
    parts: dict[str, dict[str, Any]] = {}
    for rel in list_table_files(lake, version, table):
        folder = Path(rel).parent.name
        key, _, month = folder.partition("=")
        if key != PARTITION_COLUMN:
            raise LakeError(f"{lake / rel}: not in a {PARTITION_COLUMN}= partition")
        part = parts.setdefault(month, {"files": [], "rows": 0})
        part["files"].append(rel)
        part["rows"] += pq.ParquetFile(lake / rel).metadata.num_rows
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
    lake: Path, engine: Engine, now: datetime, *, after_merge: VersionStep | None = None
) -> MergeSummary:
    """Merge the runs committed since the watermark into a new published version (or say
    that there was nothing new), rewriting only the partitions of `postings` that the new
    runs touch; the others are carried over by name. `after_merge` may add tables (the
    tags) before publishing."""
    start = time.monotonic()
    with merge_lock(lake):
        current = read_current(lake)
        watermark: dict[str, str] = current["watermark"] if current else {}
        delta = compute_delta(read_run_markers(lake), watermark)
        if not delta and current is not None:
            return MergeSummary(
                current["version"], engine.name, 0, 0, current["postings"], time.monotonic() - start
            )
        version = (current["version"] if current else 0) + 1
        out = version_dir(lake, version)
        if out.exists():  # a merge killed before it published: nobody reads it
            shutil.rmtree(out)
        out.mkdir(parents=True)
        raw = [str(lake / f) for m in delta for f in m.files]
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
                engine.register(PREV_INDEX, [str(lake / f) for f in prev_files])
                months, rewrite = compute_touched(engine, parts)
            else:
                rewrite = []
            engine.register(PREV_POSTINGS, [str(lake / f) for f in rewrite] or [_empty(out)])
            engine.write(MERGE_PARTITIONS_SQL, out / "postings", partition_by=PARTITION_COLUMN)
            engine.write(CHANGED_IDS_SQL, out / "changed")
            written = read_partitions(lake, version, "postings")
            kept = {m: p for m, p in parts.items() if m not in months}
            parts = dict(sorted({**kept, **written}.items()))
            touched = sorted(set(written) | months)
            tables["postings"] = [f for p in parts.values() for f in p["files"]]
            tables["changed"] = list_table_files(lake, version, "changed")
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
            after_merge(lake, out, manifest, engine)
        publish_version(lake, manifest)
        prune_versions(lake, version)
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


def prune_versions(lake: Path, current: int, keep: int = KEEP_VERSIONS) -> None:
    """Delete versions older than the last `keep` (their files are in no newer manifest:
    a version carries tables forward by naming the older files, so those are kept)."""
    manifest = read_current(lake)
    named = {
        Path(f).parts[1]
        for files in (manifest or {}).get("tables", {}).values()
        for f in files
        if Path(f).parts[0] == VERSIONS_DIR
    }
    for folder in sorted((lake / VERSIONS_DIR).glob("v*")):
        number = int(folder.name[1:]) if folder.name[1:].isdigit() else current
        if number <= current - keep and folder.name not in named:
            shutil.rmtree(folder, ignore_errors=True)


def save_lake_postings(
    conn: duckdb.DuckDBPyConnection, lake: Path, manifest: dict[str, Any], now: datetime
) -> int:
    """Bring the warehouse's `postings` to the lake version `manifest`: upsert the changed
    postings when it holds the version before, else reload them all. Returns rows written."""
    # fetchall: DuckDB refuses other work on a connection with a result left unfinished
    found = conn.execute("SELECT max(version) FROM lake_merges WHERE lake = ?", [str(lake)])
    held = found.fetchall()[0][0]
    version = int(manifest["version"])
    if held == version:
        return 0
    tables = manifest["tables"]
    conn.register(
        "_lake_postings",
        conn.read_parquet([str(lake / f) for f in tables["postings"]], hive_partitioning=False),
    )
    incremental = held is not None and held == version - 1
    if incremental and tables.get("changed"):
        conn.register(
            "_lake_changed", conn.read_parquet([str(lake / f) for f in tables["changed"]])
        )
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
                [version, str(lake), now, manifest["postings"], written],
            )
    finally:
        for view in ("_lake_postings", "_lake_changed"):
            with contextlib.suppress(duckdb.Error):
                conn.unregister(view)
    return written


# fixed names only (POSTING_COLUMNS is the schema's)
INSERT_ALL_SQL = f"INSERT OR REPLACE INTO postings SELECT {POSTING_COLUMNS} FROM _lake_postings"  # noqa: S608
INSERT_CHANGED_SQL = f"{INSERT_ALL_SQL} WHERE posting_id IN (SELECT posting_id FROM _lake_changed)"  # noqa: S608
