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
    read_table_files,
    version_dir,
)
from warehouse.lake_engine import Engine
from warehouse.lake_sql import (
    CHANGED_IDS_SQL,
    DELTA_RAW,
    MERGE_POSTINGS_SQL,
    POSTING_COLUMNS,
    POSTINGS_SCHEMA,
    PREV_POSTINGS,
)

KEEP_VERSIONS = (
    3  # a reader that read _current.json just before two more merges still finds its files
)
# (lake, version folder, manifest so far) -> more tables for the version, {name: relative files}
VersionStep = Callable[[Path, Path, dict[str, Any]], dict[str, list[str]]]


@dataclass
class MergeSummary:
    version: int
    engine: str
    runs: int
    raw_rows: int
    postings: int
    seconds: float

    def render(self) -> str:
        return (
            f"version {self.version} ({self.engine}): {self.runs} new run(s), "
            f"{self.raw_rows:,} raw rows -> {self.postings:,} postings "
            f"in {self.seconds:.2f}s"
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


def _empty_postings(folder: Path) -> str:
    path = folder / "empty-postings.parquet"  # Spark skips names starting with _
    pq.write_table(POSTINGS_SCHEMA.empty_table(), path)
    return str(path)


def merge_lake(
    lake: Path, engine: Engine, now: datetime, *, after_merge: VersionStep | None = None
) -> MergeSummary:
    """Merge the runs committed since the watermark into a new published version (or say
    that there was nothing new). `after_merge` may add tables (the tags) before publishing."""
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
        prev = read_table_files(lake, current, "postings") if current else [_empty_postings(out)]
        tables = dict(current["tables"]) if current else {}
        if raw:
            engine.register(PREV_POSTINGS, prev)
            engine.register(DELTA_RAW, raw)
            engine.write(MERGE_POSTINGS_SQL, out / "postings")
            engine.write(CHANGED_IDS_SQL, out / "changed")
            tables["postings"] = list_table_files(lake, version, "postings")
            tables["changed"] = list_table_files(lake, version, "changed")
        else:  # runs that saw nothing new (all 304s): the same postings, a later watermark
            tables.setdefault("postings", [str(Path(p).relative_to(lake)) for p in prev])
            tables["changed"] = []
        postings = sum(pq.ParquetFile(lake / f).metadata.num_rows for f in tables["postings"])
        manifest: dict[str, Any] = {
            "version": version,
            "engine": engine.name,
            "merged_at": now.isoformat(),
            "watermark": compute_watermark(watermark, delta),
            "runs": len(delta),
            "raw_rows": sum(m.rows for m in delta),
            "postings": postings,
            "tables": tables,
        }
        if after_merge is not None:
            manifest["tables"].update(after_merge(lake, out, manifest))
        publish_version(lake, manifest)
        prune_versions(lake, version)
    return MergeSummary(
        version, engine.name, len(delta), manifest["raw_rows"], postings, time.monotonic() - start
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
    conn.register("_lake_postings", conn.read_parquet([str(lake / f) for f in tables["postings"]]))
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


def save_lake_changed_postings(
    conn: duckdb.DuckDBPyConnection, lake: Path, manifest: dict[str, Any]
) -> int:
    """Only the postings the version changed, into a (scratch) warehouse: what re-tagging
    needs. Returns how many."""
    tables = manifest["tables"]
    if not tables.get("changed"):
        return 0
    conn.register("_lake_postings", conn.read_parquet([str(lake / f) for f in tables["postings"]]))
    conn.register("_lake_changed", conn.read_parquet([str(lake / f) for f in tables["changed"]]))
    try:
        counted = conn.execute(INSERT_CHANGED_SQL).fetchall()
    finally:
        conn.unregister("_lake_postings")
        conn.unregister("_lake_changed")
    return int(counted[0][0]) if counted else 0
