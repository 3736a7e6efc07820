"""One collection cycle: plan (which feeds are due), fetch, parse, spool (one part per feed),
store the parts as one run (a transaction per part, resumable after a crash), delete each
spool file once stored, publish the analysts' snapshot.

Leftover spool files (a killed cycle, a lock that outlasted the wait) are stored first.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from collector.entries import parse_feed_bytes
from collector.feeds import FeedSpec
from collector.fetch import READ_TIMEOUT_S, FetchResult, compute_next_poll, fetch_feeds_iter
from collector.spool import (
    Batch,
    new_cycle_token,
    read_batch,
    read_spool_groups,
    spool_group_of,
    spool_part_of,
    write_spool,
)
from warehouse.db import LOCK_WAIT_SECONDS, open_warehouse, transaction
from warehouse.feed_state import FetchOutcome, read_due_feeds, save_feed_specs, save_fetch_outcome
from warehouse.postings import save_entries, save_reject
from warehouse.runs import (
    RUN_COUNTERS,
    add_run_counts,
    finish_run,
    read_run_counts,
    read_spool_progress,
    save_spool_part,
    start_run,
)
from warehouse.snapshot import publish_snapshot

log = logging.getLogger("collector.cycle")

OUTCOME_COUNTER = {
    "ok": "feeds_ok",
    "not_modified": "feeds_not_modified",
    "retry": "feeds_failed",
    "failed": "feeds_failed",
    "gone": "feeds_gone",
}


@dataclass
class CycleSummary:
    """What a cycle (or an import) stored, summed over every batch it committed."""

    runs: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: (
            dict.fromkeys(("feeds_ok", "feeds_not_modified", "feeds_failed", "feeds_gone"), 0)
            | {"entries_seen": 0, "postings_new": 0, "rejects": 0}
        )
    )
    fetch_seconds: float = 0.0
    store_seconds: float = 0.0

    def render(self) -> str:
        c = self.counts
        return (
            f"feeds ok={c['feeds_ok']} not_modified={c['feeds_not_modified']} "
            f"failed={c['feeds_failed']} gone={c['feeds_gone']} "
            f"entries_seen={c['entries_seen']} postings_new={c['postings_new']} "
            f"rejects={c['rejects']} fetch_parse_s={self.fetch_seconds:.2f} "
            f"store_s={self.store_seconds:.2f}"
        )


def compute_batch(results: Sequence[FetchResult], started_at: datetime) -> Batch:
    """Parse fetched bodies into one batch with a FetchOutcome per feed (pure)."""
    batch = Batch(kind="poll", started_at=started_at)
    for r in results:
        outcome, error_class, error_message = r.outcome, r.error_class, r.error_message
        entries_seen = 0
        if r.outcome == "ok":
            parsed = parse_feed_bytes(r.body, r.feed.name, r.feed.source, r.headers)
            entries_seen = len(parsed.entries)
            batch.entries.extend(parsed.entries)
            if parsed.fatal:
                outcome, error_class, error_message = "failed", "NotAFeed", parsed.problem
            elif parsed.problem:
                error_class, error_message = "Malformed XML", parsed.problem
            if parsed.problem:
                batch.problems.append((r.feed.name, "parse", parsed.problem))
        failures = r.feed.consecutive_failures
        batch.outcomes.append(
            FetchOutcome(
                feed_name=r.feed.name,
                fetched_at=r.fetched_at,
                url=r.feed.url,
                outcome=outcome,
                http_status=r.status,
                bytes=len(r.body),
                duration_ms=round(r.duration_ms, 1),
                entries_seen=entries_seen,
                error_class=error_class,
                error_message=(error_message or "")[:1000] or None,
                etag=r.headers.get("etag"),
                last_modified=r.headers.get("last-modified"),
                next_poll_at=compute_next_poll(
                    outcome, r.fetched_at, r.feed.min_interval_s, failures, r.retry_after_s
                ),
            )
        )
    return batch


def judge_run(counts: dict[str, int], errors: Counter[str]) -> tuple[str, str | None]:
    """A cycle's status and note: 'failed' only when no feed answered (a 304 is an answer),
    with the failures' error classes, e.g. "10 of 10 feeds failed: ConnectError x10"."""
    failed = counts["feeds_failed"] + counts["feeds_gone"]
    answered = counts["feeds_ok"] + counts["feeds_not_modified"]
    if not failed:
        return "ok", None
    causes = ", ".join(f"{name} x{n}" for name, n in errors.most_common())
    note = f"{failed} of {failed + answered} feeds failed" + (f": {causes}" if causes else "")
    return ("partial" if answered else "failed"), note


def save_part(conn: duckdb.DuckDBPyConnection, run_id: int, batch: Batch) -> dict[str, int]:
    """Store one spooled part (one feed's page or one file) in run `run_id`, in the caller's
    transaction; returns the counters it adds to the run."""
    counts = dict.fromkeys(RUN_COUNTERS, 0)
    saved = save_entries(conn, run_id, batch.entries, batch.started_at)
    counts["entries_seen"] += saved.seen
    counts["postings_new"] += saved.new_postings
    counts["rejects"] += saved.rejected + len(batch.problems)
    for o in batch.outcomes:
        new = saved.new_by_feed.get(o.feed_name, 0)
        o = FetchOutcome(**{**o.__dict__, "entries_new": new})
        if batch.kind == "poll":
            save_fetch_outcome(conn, run_id, o)
        counts[OUTCOME_COUNTER.get(o.outcome, "feeds_failed")] += 1
    for origin, stage, reason in batch.problems:
        save_reject(
            conn, run_id=run_id, at=batch.started_at, stage=stage, origin=origin,
            location=None, reason=reason,
        )  # fmt: skip
    return counts


def finish_group_run(conn: duckdb.DuckDBPyConnection, run_id: int, finished_at: datetime) -> None:
    """Close run `run_id` with a status from the counters its parts added."""
    counts = read_run_counts(conn, run_id)
    # why feeds failed, from the fetch_log rows this run's parts wrote (poll runs only)
    errors: Counter[str] = Counter(
        dict(
            conn.execute(
                "SELECT coalesce(error_class, outcome), count(*) FROM fetch_log"
                " WHERE run_id = ? AND outcome IN ('retry', 'failed', 'gone') GROUP BY ALL",
                [run_id],
            ).fetchall()
        )
    )
    status, note = judge_run(counts, errors)
    finish_run(conn, run_id, finished_at=finished_at, status=status, counts=counts, note=note)


def save_group_run(
    conn: duckdb.DuckDBPyConnection, paths: Sequence[Path], finished_at: datetime
) -> dict[str, int] | None:
    """Store one cycle's spooled parts as one collection run, ONE TRANSACTION PER PART (one
    feed's page), deleting each part's file once its transaction committed; the last part's
    transaction also closes the run. Memory stays bounded by a part, not by the cycle.

    Each part's transaction records it in `spool_parts`, so a group cut short by a crash is
    resumed by the next call: stored parts are skipped (their file deleted), the rest go into
    the same run. Returns the run's counters with its run_id, or None when every part had
    already been stored and the run closed (nothing to do but delete the files).
    """
    group = spool_group_of(paths[0])
    run_id, status, stored = read_spool_progress(conn, group)
    acted = False
    for i, path in enumerate(paths):
        if spool_part_of(path) in stored:
            path.unlink()
            continue
        batch = read_batch(path)
        with transaction(conn):
            if run_id is None or status != "running":
                # The first part, or a group another process stored and closed meanwhile.
                run_id, status = start_run(conn, batch.kind, batch.started_at), "running"
            add_run_counts(conn, run_id, save_part(conn, run_id, batch))
            save_spool_part(conn, group, spool_part_of(path), run_id, finished_at)
            if i == len(paths) - 1:
                finish_group_run(conn, run_id, finished_at)
                status = "closed"
        path.unlink()
        acted = True
    if run_id is not None and status == "running":
        # Every part was stored before a crash that came before the run was closed.
        with transaction(conn):
            finish_group_run(conn, run_id, finished_at)
        acted = True
    if not acted or run_id is None:
        return None
    log.debug("stored %d spool part(s) of group %s as run %d", len(paths), group, run_id)
    return {"run_id": run_id, **read_run_counts(conn, run_id)}


def store_spool(
    db_path: Path, spool_dir: Path, now: datetime, *, snapshot: bool = True,
    wait_seconds: float = LOCK_WAIT_SECONDS, memory_limit: str | None = None,
) -> CycleSummary:  # fmt: skip
    """Store every spooled cycle (oldest first) as one run each, a transaction per part, then
    publish the snapshot. A spool file is deleted only after its transaction committed."""
    summary = CycleSummary()
    start = time.monotonic()
    groups = read_spool_groups(spool_dir)
    with open_warehouse(db_path, wait_seconds=wait_seconds, memory_limit=memory_limit) as conn:
        for paths in groups:
            counts = save_group_run(conn, paths, now)
            if counts is None:
                continue
            summary.runs.append(counts.pop("run_id"))
            for k, v in counts.items():
                summary.counts[k] += v
        if snapshot and groups:
            publish_snapshot(conn, db_path)
    summary.store_seconds = time.monotonic() - start
    return summary


def run_cycle(
    db_path: Path,
    spool_dir: Path,
    specs: Sequence[FeedSpec],
    now: datetime,
    *,
    timeout_s: float = READ_TIMEOUT_S,
    snapshot: bool = True,
    wait_seconds: float = LOCK_WAIT_SECONDS,
    memory_limit: str | None = None,
) -> CycleSummary:
    """Plan, fetch, spool (one part per feed, as each body arrives) and store one cycle.
    `memory_limit` caps DuckDB's memory on the cycle's connections (None: DuckDB's default)."""
    with open_warehouse(db_path, wait_seconds=wait_seconds, memory_limit=memory_limit) as conn:
        with transaction(conn):
            save_feed_specs(
                conn,
                [(s.name, s.url, s.kind, s.source, s.min_interval_s, s.enabled) for s in specs],
                now,
            )
        due = read_due_feeds(conn, now, [s.name for s in specs])
    start = time.monotonic()
    cycle = new_cycle_token()
    for part, result in enumerate(fetch_feeds_iter(due, now, timeout_s=timeout_s)):
        write_spool(spool_dir, compute_batch([result], now), part, cycle)
    fetch_seconds = time.monotonic() - start
    summary = store_spool(
        db_path, spool_dir, now, snapshot=snapshot, wait_seconds=wait_seconds,
        memory_limit=memory_limit,
    )  # fmt: skip
    summary.fetch_seconds = fetch_seconds
    return summary


def write_file_spool(spool_dir: Path, paths: Sequence[Path], now: datetime,
                     source: str | None = None) -> None:  # fmt: skip
    """Spool recorded files as one 'file' cycle, one part per file."""
    cycle = new_cycle_token()
    for part, path in enumerate(paths):
        write_spool(spool_dir, compute_file_batch([path], now, source), part, cycle)


def compute_file_source(links: Sequence[str | None]) -> str:
    """The site a recorded file came from, by its entries' link host:
    "https://www.upwork.com/jobs/..." -> "upwork"; no links -> "file"."""
    for link in links:
        host = urlsplit(link or "").hostname or ""
        parts = host.removeprefix("www.").split(".")
        if len(parts) >= 2:
            return parts[-2]
    return "file"


def compute_file_batch(paths: Sequence[Path], now: datetime, source: str | None = None) -> Batch:
    """Recorded RSS/Atom files as one batch, stored exactly as if fetched (feed = file stem)."""
    batch = Batch(kind="file", started_at=now)
    for path in paths:
        body = path.read_bytes()
        first = parse_feed_bytes(body, path.stem, source or "file")
        file_source = source or compute_file_source([e.link for e in first.entries[:5]])
        parsed = parse_feed_bytes(body, path.stem, file_source) if not source else first
        batch.entries.extend(parsed.entries)
        if parsed.problem:
            batch.problems.append((str(path), "parse", parsed.problem))
        batch.outcomes.append(
            FetchOutcome(
                feed_name=path.stem, fetched_at=now, url=path.resolve().as_uri(),
                outcome="failed" if parsed.fatal else "ok", bytes=len(body),
                entries_seen=len(parsed.entries),
            )
        )  # fmt: skip
    return batch
