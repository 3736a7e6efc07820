"""Reads and writes of the `feeds` table (health, validators, schedule) and `fetch_log`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import duckdb
import pyarrow as pa

# What one poll did (fetch_log.outcome): an answer (ok, not_modified), a retryable failure
# (retry), a terminal one (failed) or a feed that is gone (404/410: never polled again).
Outcome = Literal["ok", "not_modified", "retry", "failed", "gone"]
ANSWERED: tuple[Outcome, ...] = ("ok", "not_modified")


@dataclass(frozen=True)
class FeedRow:
    """A feed as the collector needs it for the next poll."""

    name: str
    url: str
    kind: str
    source: str
    min_interval_s: int
    etag: str | None
    last_modified: str | None
    health: str
    consecutive_failures: int
    next_poll_at: datetime | None


@dataclass(frozen=True)
class FetchOutcome:
    """What one poll of one feed did: goes to fetch_log and updates the feed's health."""

    feed_name: str
    fetched_at: datetime
    url: str
    outcome: Outcome
    http_status: int | None = None
    bytes: int | None = None
    duration_ms: float | None = None
    entries_seen: int = 0
    entries_new: int = 0
    error_class: str | None = None
    error_message: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    moved_to: str | None = None  # a permanent redirect's target: the feed's URL from now on


def save_feed_specs(
    conn: duckdb.DuckDBPyConnection,
    specs: Sequence[tuple[str, str, str, str, int, bool]],
    now: datetime,
) -> None:
    """Upsert (name, url, kind, source, min_interval_s, enabled) rows; keep health and validators.

    A changed URL in the list forgets the old ETag/Last-Modified, a 'gone' verdict and a
    permanent redirect, since it is a new feed; an unchanged one keeps where a permanent
    redirect moved the feed (`url`; `listed_url` is the list's).
    """
    if not specs:
        return
    # one statement for the whole list (one per feed cost 6 ms each); a name listed twice is
    # its last listing, as when each was upserted in turn
    last = list({spec[0]: spec for spec in specs}.values())
    names = ("name", "url", "kind", "source", "interval", "enabled")
    conn.register("_specs", pa.table(dict(zip(names, zip(*last, strict=True), strict=True))))
    try:
        conn.execute(
            """
            INSERT INTO feeds (name, url, listed_url, kind, source, enabled, min_interval_s,
                               updated_at)
            SELECT name, url, url, kind, source, enabled, interval, $now FROM _specs
            ON CONFLICT (name) DO UPDATE SET
                etag = CASE WHEN feeds.listed_url = excluded.listed_url THEN feeds.etag END,
                last_modified = CASE WHEN feeds.listed_url = excluded.listed_url
                                     THEN feeds.last_modified END,
                health = CASE WHEN feeds.listed_url = excluded.listed_url
                              THEN feeds.health ELSE 'new' END,
                next_poll_at = CASE WHEN feeds.listed_url = excluded.listed_url
                                    THEN feeds.next_poll_at END,
                url = CASE WHEN feeds.listed_url = excluded.listed_url
                           THEN feeds.url ELSE excluded.url END,
                listed_url = excluded.listed_url, kind = excluded.kind, source = excluded.source,
                enabled = excluded.enabled, min_interval_s = excluded.min_interval_s,
                updated_at = excluded.updated_at
            """,
            {"now": now},
        )
    finally:
        conn.unregister("_specs")


def read_due_feeds(
    conn: duckdb.DuckDBPyConnection, now: datetime, names: Sequence[str] | None = None
) -> list[FeedRow]:
    """Enabled, not gone feeds whose next poll time has come (or never polled)."""
    rows = conn.execute(
        """
        SELECT name, url, kind, source, min_interval_s, etag, last_modified, health,
               consecutive_failures, next_poll_at
        FROM feeds
        WHERE enabled AND health <> 'gone' AND (next_poll_at IS NULL OR next_poll_at <= ?)
        ORDER BY name
        """,
        [now],
    ).fetchall()
    found = [FeedRow(*r) for r in rows]
    if names is not None:
        wanted = set(names)
        found = [f for f in found if f.name in wanted]
    return found


def save_fetch_outcome(
    conn: duckdb.DuckDBPyConnection, run_id: int, o: FetchOutcome, *, update_feed: bool = True
) -> None:
    """One fetch_log row, and (`update_feed`) the feed's health, validators and next poll time
    (a recorded file is logged like a poll but is no feed of the list)."""
    # OR REPLACE (a second file of the same name in one run) only when there is a row to
    # replace: it cost 4 ms a row, a plain INSERT 1 ms
    replaced = conn.execute(
        "SELECT count(*) FROM fetch_log WHERE run_id = ? AND feed_name = ?", [run_id, o.feed_name]
    ).fetchone()
    verb = "INSERT OR REPLACE" if replaced and replaced[0] else "INSERT"
    conn.execute(
        f"{verb} INTO fetch_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
        [
            run_id,
            o.feed_name,
            o.fetched_at,
            o.url,
            o.http_status,
            o.bytes,
            o.duration_ms,
            o.entries_seen,
            o.entries_new,
            o.outcome,
            o.error_class,
            o.error_message,
        ],
    )
    if not update_feed:
        return
    success = o.outcome in ANSWERED
    health = {"ok": "ok", "not_modified": "ok", "gone": "gone"}.get(o.outcome, "failing")
    error = None if success else f"{o.error_class}: {o.error_message}"
    conn.execute(
        """
        UPDATE feeds SET
            health = ?,
            consecutive_failures = CASE WHEN ? THEN 0 ELSE consecutive_failures + 1 END,
            etag = CASE WHEN ? THEN coalesce(?, etag) ELSE etag END,
            last_modified = CASE WHEN ? THEN coalesce(?, last_modified) ELSE last_modified END,
            last_attempt_at = ?,
            last_success_at = CASE WHEN ? THEN ? ELSE last_success_at END,
            last_error_at = CASE WHEN ? THEN last_error_at ELSE ? END,
            last_error = CASE WHEN ? THEN last_error ELSE ? END,
            next_poll_at = ?,
            url = coalesce(?, url),
            updated_at = ?
        WHERE name = ?
        """,
        [
            health,
            success,
            success,
            o.etag,
            success,
            o.last_modified,
            o.fetched_at,
            success,
            o.fetched_at,
            success,
            o.fetched_at,
            success,
            error,
            o.next_poll_at,
            o.moved_to,
            o.fetched_at,
            o.feed_name,
        ],
    )


def read_feed_health(conn: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Every feed with its health, last success/error, next poll and postings so far."""
    cur = conn.execute(
        """
        SELECT f.name, f.source, f.health, f.consecutive_failures AS failures,
               f.last_success_at, f.last_error_at, f.last_error, f.next_poll_at,
               (SELECT count(*) FROM postings p WHERE list_contains(p.feeds, f.name)) AS postings
        FROM feeds f ORDER BY f.name
        """
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
