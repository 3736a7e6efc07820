"""Saving entries: append new raw versions, upsert deduplicated postings, keep sightings.

Every source (feed polls, recorded files, archive imports, the simulator) writes through
`save_entries`, so deduplication has one definition. The caller owns the transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.identity import content_hash, dedupe_key, posting_id

MAX_PAYLOAD_CHARS = 2048  # rejects keep enough of the input to see what was wrong


@dataclass(frozen=True)
class EntryRecord:
    """One entry as read from a feed or a file, before deduplication.

    Times are timezone-aware UTC. `description` is plain text (footer lines kept);
    `summary_html`/`content_html` are the verbatim HTML.
    """

    feed_name: str
    source: str
    guid: str | None
    link: str | None
    title: str | None
    description: str | None
    summary_html: str | None = None
    content_html: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    tags: tuple[str, ...] = ()
    platform_category: str | None = None
    is_simulated: bool = False


@dataclass
class SaveResult:
    seen: int = 0
    new_postings: int = 0
    new_versions: int = 0
    rejected: int = 0
    new_by_feed: dict[str, int] = field(default_factory=dict)


_BATCH_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("feed_name", pa.string()),
        ("source", pa.string()),
        ("posting_id", pa.int64()),
        ("dedupe_key", pa.string()),
        ("canonical_url", pa.string()),
        ("guid", pa.string()),
        ("link", pa.string()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("summary_html", pa.string()),
        ("content_html", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("updated_at", pa.timestamp("us", tz="UTC")),
        ("tags", pa.list_(pa.string())),
        ("platform_category", pa.string()),
        ("is_simulated", pa.bool_()),
        ("content_hash", pa.string()),
    ]
)


def save_reject(
    conn: duckdb.DuckDBPyConnection,
    *,
    run_id: int | None,
    at: datetime,
    stage: str,
    origin: str,
    location: str | None,
    reason: str,
    payload: str | None = None,
) -> None:
    """Record something that could not be stored, with where it came from and why."""
    conn.execute(
        "INSERT INTO rejects (run_id, rejected_at, stage, origin, location, reason, payload) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [run_id, at, stage, origin, location, reason, (payload or "")[:MAX_PAYLOAD_CHARS] or None],
    )


def build_batch(entries: Sequence[EntryRecord]) -> tuple[pa.Table, list[EntryRecord]]:
    """The Arrow batch save_batch takes (columns of _BATCH_SCHEMA, `seq` = position in
    `entries`), and the entries left out because they have neither guid nor link."""
    keyed: list[tuple[int, EntryRecord, str]] = []
    unkeyed: list[EntryRecord] = []
    for seq, e in enumerate(entries):
        key = dedupe_key(e.source, e.guid, e.link)
        if key is None:
            unkeyed.append(e)
        else:
            keyed.append((seq, e, key))
    rows = [e for _, e, _ in keyed]
    keys = [key for _, _, key in keyed]
    columns: dict[str, list[Any]] = {
        "seq": [seq for seq, _, _ in keyed],
        "posting_id": [posting_id(key) for key in keys],
        "dedupe_key": keys,
        "canonical_url": [
            key[4:] if key.startswith("url:") else e.link for key, e in zip(keys, rows, strict=True)
        ],
        "tags": [list(e.tags) for e in rows],
        "content_hash": [
            content_hash(e.title, e.description, e.summary_html, e.content_html) for e in rows
        ],
    }
    for name in _BATCH_SCHEMA.names:
        if name not in columns:  # the entry's own fields, as they are
            columns[name] = [getattr(e, name) for e in rows]
    return pa.Table.from_pydict(columns, schema=_BATCH_SCHEMA), unkeyed


def save_entries(
    conn: duckdb.DuckDBPyConnection,
    run_id: int,
    entries: Sequence[EntryRecord],
    seen_at: datetime,
) -> SaveResult:
    """Store a batch of entries seen at `seen_at` by run `run_id`; returns what was new.

    An entry with neither guid nor link cannot be deduplicated and goes to `rejects`.
    Within the batch and against the warehouse, one posting is one row; every sighting
    raises times_seen and adds its feed to `feeds`.
    """
    batch, unkeyed = build_batch(entries)
    return save_built_batch(conn, run_id, batch, unkeyed, seen_at, seen=len(entries))


def save_built_batch(
    conn: duckdb.DuckDBPyConnection,
    run_id: int,
    batch: pa.Table,
    unkeyed: Sequence[EntryRecord],
    seen_at: datetime,
    *,
    seen: int,
) -> SaveResult:
    """save_entries after build_batch (done elsewhere, e.g. in a parse worker): store `batch`,
    record each of `unkeyed` in `rejects`; `seen` counts every entry of the batch."""
    result = SaveResult(seen=seen)
    save_unkeyed_rejects(conn, run_id, unkeyed, seen_at)
    result.rejected += len(unkeyed)
    if batch.num_rows == 0:
        return result
    new_by_feed, result.new_versions = save_batch_counted(conn, run_id, batch, seen_at)
    result.new_by_feed = new_by_feed
    result.new_postings = sum(new_by_feed.values())
    return result


def save_batch(
    conn: duckdb.DuckDBPyConnection, run_id: int, batch: pa.Table, seen_at: datetime
) -> dict[str, int]:
    """The set-based core of save_entries, for callers that build Arrow batches themselves
    (bulk import, the simulator). `batch` has the columns of _BATCH_SCHEMA.

    Returns the number of new postings per feed name.
    """
    return save_batch_counted(conn, run_id, batch, seen_at)[0]


def save_batch_counted(
    conn: duckdb.DuckDBPyConnection, run_id: int, batch: pa.Table, seen_at: datetime
) -> tuple[dict[str, int], int]:
    """save_batch, also returning how many raw versions this batch appended (taken from the
    INSERT itself: counting raw_entries of the run afterwards rescanned the whole run for
    every part, quadratic in a cycle's size).

    The batch is joined with postings once (`_classified`: each row, whether it is new and
    the stored content hash); new postings are a plain INSERT and only the stored ones an
    UPDATE. An INSERT ... ON CONFLICT over every row cost 1.2 of a 50k-item cycle's 3.8
    DuckDB CPU-seconds more, for the same rows."""
    params = {"run_id": run_id, "seen_at": seen_at}
    conn.register("_batch", batch)
    try:
        # The newest version of each posting in this batch, and every feed it was seen in. A
        # page rarely lists a posting twice: then the batch itself is that, as it is (a temp
        # table cost a quarter of a 1,000-entry page's DuckDB time).
        if pc.count_distinct(batch.column("posting_id")).as_py() == batch.num_rows:
            latest = (
                "(SELECT * EXCLUDE (seq), 1 AS sightings, [feed_name] AS batch_feeds, "
                "coalesce(published_at, $seen_at::TIMESTAMPTZ) AS min_posted FROM _batch)"
            )
        else:
            latest = "_latest"
            conn.execute(
                """
                CREATE OR REPLACE TEMP TABLE _latest AS
                SELECT posting_id,
                       arg_max(COLUMNS(* EXCLUDE (posting_id, seq)), seq),
                       count(*) AS sightings,
                       list(DISTINCT feed_name ORDER BY feed_name) AS batch_feeds,
                       min(coalesce(published_at, $seen_at::TIMESTAMPTZ)) AS min_posted
                FROM _batch GROUP BY posting_id
                """,
                {"seen_at": seen_at},
            )
        conn.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _classified AS
            SELECT l.*, p.posting_id IS NULL AS is_new, p.content_hash AS stored_hash
            FROM {latest} l LEFT JOIN postings p USING (posting_id)
            """,  # noqa: S608 (latest is one of two fixed texts)
            {"seen_at": seen_at} if latest != "_latest" else {},
        )
        inserted = conn.execute(
            """
            INSERT INTO raw_entries
            SELECT $run_id, feed_name, source, posting_id, guid, link, title, summary_html,
                   content_html, published_at, updated_at, tags, content_hash, $seen_at
            FROM _classified WHERE is_new OR stored_hash <> content_hash
            """,
            params,
        ).fetchone()
        new_postings = conn.execute(
            """
            INSERT INTO postings
            SELECT posting_id, dedupe_key, source, canonical_url, title, description,
                   platform_category, min_posted, $seen_at, $seen_at, sightings, batch_feeds,
                   content_hash, $run_id, $run_id, is_simulated
            FROM _classified WHERE is_new
            """,
            params,
        ).fetchone()
        n_new = int(new_postings[0]) if new_postings else 0
        # a feed's page is one feed: its new postings are what the INSERT counted (a GROUP BY
        # over the batch cost a tenth of a page's DuckDB time)
        feeds = pc.unique(batch.column("feed_name"))
        if len(feeds) == 1:
            new_rows = [(feeds[0].as_py(), n_new)] if n_new else []
        else:
            new_rows = conn.execute(
                "SELECT feed_name, count(*) FROM _classified WHERE is_new GROUP BY feed_name"
            ).fetchall()
        if n_new < batch.num_rows:  # some were stored before
            conn.execute(
                """
                UPDATE postings SET
                    title = l.title,
                    description = l.description,
                    platform_category = coalesce(l.platform_category,
                                                 postings.platform_category),
                    posted_at = least(postings.posted_at, l.min_posted),
                    last_seen = greatest(postings.last_seen, $seen_at),
                    times_seen = postings.times_seen + l.sightings,
                    feeds = list_sort(list_distinct(list_concat(postings.feeds, l.batch_feeds))),
                    content_hash = l.content_hash,
                    last_run_id = $run_id
                FROM _classified l
                WHERE NOT l.is_new AND postings.posting_id = l.posting_id
                """,
                params,
            )
    except BaseException:
        # a failed statement aborts the caller's transaction, which then refuses even this
        # cleanup (its rollback drops the temp tables): raise the error that failed it
        with contextlib.suppress(duckdb.Error):
            conn.unregister("_batch")
        raise
    conn.unregister("_batch")
    conn.execute("DROP TABLE IF EXISTS _latest")
    conn.execute("DROP TABLE _classified")
    new_versions = int(inserted[0]) if inserted else 0
    return {str(feed): int(n) for feed, n in new_rows}, new_versions


def save_unkeyed_rejects(
    conn: duckdb.DuckDBPyConnection, run_id: int, unkeyed: Sequence[EntryRecord], at: datetime
) -> None:
    """Record each entry with neither guid nor link in `rejects` (it cannot be deduplicated)."""
    for e in unkeyed:
        save_reject(
            conn,
            run_id=run_id,
            at=at,
            stage="entry",
            origin=e.feed_name,
            location=e.title,
            reason="entry has neither guid nor link, so it cannot be deduplicated",
            payload=e.description,
        )
