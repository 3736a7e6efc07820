"""Lake mode's collection cycle: one shard polls its own feeds and appends the run's raw
entries to the lake as Parquet (warehouse/lake.py). No shared lock, no single writer: the
shard's feed state lives in its own small DuckDB file, the entries in files nobody else
writes, and `posting_id` is the same deterministic hash as in the warehouse.

Order of commits: the run's files, then its marker (the commit), then the shard's feed
state. A crash between the last two is repaired at the next start from the marker (it
carries the outcomes), so a feed is never fetched twice for one change.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from collector.feeds import FeedSpec
from collector.fetch import READ_TIMEOUT_S
from collector.fetch_window import fetch_feeds
from collector.page import parse_page
from warehouse.db import open_warehouse, transaction
from warehouse.feed_state import FetchOutcome, read_due_feeds, save_feed_specs, save_fetch_outcome
from warehouse.lake import (
    STATE_DIR,
    RunMarker,
    compute_run_id,
    read_run_markers,
    render_run_name,
    render_writer_name,
    write_run,
)
from warehouse.lake_store import LakeLike, open_lake
from warehouse.postings import build_batch, save_reject, save_unkeyed_rejects

LAKE_COLUMNS = (
    ("seen_at", pa.timestamp("us", tz="UTC")),
    ("run", pa.string()),
    ("run_id", pa.int64()),
    ("writer", pa.string()),
)


@dataclass
class LakeCycleSummary:
    writer: str
    run: str | None
    feeds: dict[str, int]
    rows: int
    recovered: int
    seconds: float

    def render(self) -> str:
        feeds = " ".join(f"{k}={v}" for k, v in sorted(self.feeds.items()))
        return (
            f"{self.writer} run {self.run or '-'}: feeds {feeds or 'none due'} "
            f"raw_rows={self.rows} recovered_runs={self.recovered} "
            f"seconds={self.seconds:.2f}"
        )


def state_path(lake: LakeLike, writer: str, state_dir: Path | None = None) -> Path:
    """The shard's own feed-state file: in `state_dir`, else in the (local) lake's state/."""
    folder = state_dir or open_lake(lake).local_path(STATE_DIR)
    return folder / f"{writer}.duckdb"


def _outcome_of(body: dict[str, Any]) -> FetchOutcome:
    fields = dict(body)
    for key in ("fetched_at", "next_poll_at"):
        if fields.get(key):
            fields[key] = datetime.fromisoformat(str(fields[key]))
    return FetchOutcome(**fields)


def save_applied_run(conn: duckdb.DuckDBPyConnection, marker: RunMarker, now: datetime) -> None:
    """Apply a committed run's feed outcomes to the shard state and remember it, in the
    caller's transaction."""
    for body in marker.outcomes:
        save_fetch_outcome(conn, marker.run_id, _outcome_of(body))
    conn.execute(
        "INSERT OR IGNORE INTO lake_runs VALUES (?, ?, ?, ?, ?, ?)",
        [marker.writer, marker.run, marker.run_id, marker.seen_at, marker.rows, now],
    )


def save_recovered_runs(
    conn: duckdb.DuckDBPyConnection, lake: LakeLike, writer: str, now: datetime
) -> int:
    """Apply the writer's committed runs that its state does not know yet (a crash after
    the marker, before the state); returns how many."""
    known = {
        r
        for (r,) in conn.execute("SELECT run FROM lake_runs WHERE writer = ?", [writer]).fetchall()
    }
    missing = [m for m in read_run_markers(lake, writer) if m.run not in known]
    for marker in missing:
        with transaction(conn):
            save_applied_run(conn, marker, now)
    return len(missing)


def compute_lake_rows(
    batch_rows: pa.Table, seen_at: datetime, run: str, run_id: int, writer: str
) -> pa.Table:
    """build_batch's rows plus the run's stamp (seen_at, run, run_id, writer)."""
    n = batch_rows.num_rows
    values = (seen_at.astimezone(UTC), run, run_id, writer)
    out = batch_rows
    for (name, kind), value in zip(LAKE_COLUMNS, values, strict=True):
        out = out.append_column(name, pa.array([value] * n, type=kind))
    return out


def run_lake_cycle(
    lake: LakeLike,
    specs: Sequence[FeedSpec],
    shard: int,
    count: int,
    now: datetime,
    *,
    timeout_s: float = READ_TIMEOUT_S,
    state_dir: Path | None = None,
) -> LakeCycleSummary:
    """Poll the due feeds of `specs` (already this shard's), append what they returned to
    the lake (a folder or an object store) as one committed run, then record their outcomes
    in the shard's state file (local: in `state_dir`, default the lake's state/ folder; a
    fresh one is rebuilt from the lake's run markers)."""
    start = time.monotonic()
    lake = open_lake(lake)
    writer = render_writer_name(shard, count)
    state = state_path(lake, writer, state_dir)
    state.parent.mkdir(parents=True, exist_ok=True)
    with open_warehouse(state) as conn:  # its lock keeps a second process off this shard
        with transaction(conn):
            save_feed_specs(
                conn,
                [(s.name, s.url, s.kind, s.source, s.min_interval_s, s.enabled) for s in specs],
                now,
            )
        # after the specs: a fresh state file has no feeds for the outcomes to update yet
        recovered = save_recovered_runs(conn, lake, writer, now)
        due = read_due_feeds(conn, now, [s.name for s in specs])
        pages = [parse_page(result) for result in fetch_feeds(due, now, timeout_s=timeout_s)]
        rows, unkeyed = build_batch([entry for page in pages for entry in page.entries])
        run, run_id = render_run_name(now), compute_run_id(now, shard)
        outcomes = [{**page.outcome.__dict__} for page in pages]
        marker = None
        if pages:
            marker = write_run(
                lake,
                writer,
                run,
                run_id,
                now,
                compute_lake_rows(rows, now, run, run_id, writer),
                outcomes,
            )
            with transaction(conn):
                save_applied_run(conn, marker, now)
                save_unkeyed_rejects(conn, run_id, unkeyed, now)
                for problem in (problem for page in pages for problem in page.problems):
                    save_reject(
                        conn,
                        run_id=run_id,
                        at=now,
                        stage=problem.stage,
                        origin=problem.origin,
                        location=None,
                        reason=problem.reason,
                    )
    feeds: dict[str, int] = {}
    for page in pages:
        feeds[page.outcome.outcome] = feeds.get(page.outcome.outcome, 0) + 1
    return LakeCycleSummary(
        writer,
        marker.run if marker else None,
        feeds,
        rows.num_rows,
        recovered,
        time.monotonic() - start,
    )
