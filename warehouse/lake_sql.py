"""The lake merge's SQL, kept in one place and written once, in DuckDB's dialect; the Spark
engine gets it through sqlglot (warehouse/lake_engine.py). Plain SELECT, JOIN, GROUP BY and
window functions only, so that the translation has nothing engine-specific to guess.

The merge is save_batch's dedupe (warehouse/postings.py) done set-wise over many runs at
once: per posting, the newest version's text (the last run, the last position in it),
every sighting counted in times_seen, the earliest first_seen and posted date, the latest
last_seen, the union of feeds; then folded into the previous version's postings.
"""

from __future__ import annotations

import pyarrow as pa

# Tables a merged version holds, and the inputs the engine registers under these names.
PREV_POSTINGS = "prev_postings"  # the previous version's postings in the touched partitions
PREV_INDEX = "prev_index"  # all of the previous version's postings (only two columns read)
DELTA_RAW = "delta_raw"

# `postings` is partitioned by the month of first_seen (hive folders first_seen_month=YYYY-MM):
# feeds list recent jobs, so a delta re-sees postings of the last month or two and adds new
# ones to the current month, and a merge rewrites only those partitions. (A hash bucket of
# posting_id would spread any delta larger than the bucket count over every bucket.)
PARTITION_COLUMN = "first_seen_month"

POSTINGS_SCHEMA = pa.schema(
    [
        ("posting_id", pa.int64()),
        ("dedupe_key", pa.string()),
        ("source", pa.string()),
        ("canonical_url", pa.string()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("platform_category", pa.string()),
        ("posted_at", pa.timestamp("us", tz="UTC")),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("last_seen", pa.timestamp("us", tz="UTC")),
        ("times_seen", pa.int64()),
        ("feeds", pa.list_(pa.string())),
        ("content_hash", pa.string()),
        ("first_run_id", pa.int64()),
        ("last_run_id", pa.int64()),
        ("is_simulated", pa.bool_()),
    ]
)
POSTING_COLUMNS = ", ".join(POSTINGS_SCHEMA.names)

# The delta: one row per posting seen in the runs since the watermark.
DELTA_SQL = """
WITH ranked AS (
    SELECT r.*, row_number() OVER (
               PARTITION BY posting_id ORDER BY run_id DESC, seq DESC) AS newest
    FROM delta_raw r
), seen AS (
    SELECT posting_id,
           count(*) AS sightings,
           min(seen_at) AS first_seen,
           max(seen_at) AS last_seen,
           min(coalesce(published_at, seen_at)) AS min_posted,
           list_sort(list_distinct(list(feed_name))) AS feeds,
           min(run_id) AS first_run_id,
           max(run_id) AS last_run_id
    FROM delta_raw
    GROUP BY posting_id
)
SELECT s.*, r.dedupe_key, r.source, r.canonical_url, r.title, r.description,
       r.platform_category, r.content_hash, r.is_simulated
FROM seen s JOIN ranked r ON r.posting_id = s.posting_id AND r.newest = 1
"""

# The new version's postings: the previous ones, updated by the delta (the same rules as
# save_batch's ON CONFLICT: identity columns from the first sighting, text from the newest).
MERGE_POSTINGS_SQL = (
    "WITH d AS ("
    + DELTA_SQL
    + ")"
    + """
SELECT
    coalesce(p.posting_id, d.posting_id) AS posting_id,
    CASE WHEN p.posting_id IS NULL THEN d.dedupe_key ELSE p.dedupe_key END AS dedupe_key,
    CASE WHEN p.posting_id IS NULL THEN d.source ELSE p.source END AS source,
    CASE WHEN p.posting_id IS NULL THEN d.canonical_url ELSE p.canonical_url END
        AS canonical_url,
    CASE WHEN d.posting_id IS NULL THEN p.title ELSE d.title END AS title,
    CASE WHEN d.posting_id IS NULL THEN p.description ELSE d.description END AS description,
    coalesce(d.platform_category, p.platform_category) AS platform_category,
    least(p.posted_at, d.min_posted) AS posted_at,
    least(p.first_seen, d.first_seen) AS first_seen,
    greatest(p.last_seen, d.last_seen) AS last_seen,
    CAST(coalesce(p.times_seen, 0) + coalesce(d.sightings, 0) AS BIGINT) AS times_seen,
    CASE WHEN p.posting_id IS NULL THEN d.feeds
         WHEN d.posting_id IS NULL THEN p.feeds
         ELSE list_sort(list_distinct(list_concat(p.feeds, d.feeds))) END AS feeds,
    CASE WHEN d.posting_id IS NULL THEN p.content_hash ELSE d.content_hash END AS content_hash,
    least(p.first_run_id, d.first_run_id) AS first_run_id,
    greatest(p.last_run_id, d.last_run_id) AS last_run_id,
    CASE WHEN p.posting_id IS NULL THEN d.is_simulated ELSE p.is_simulated END AS is_simulated
FROM prev_postings p FULL OUTER JOIN d ON p.posting_id = d.posting_id
"""
)

# The partitions (months) a delta touches: where its re-seen postings are now, and where each
# of its postings will be (a run merged late can move a posting to an earlier month).
TOUCHED_MONTHS_SQL = """
WITH d AS (
    SELECT posting_id, min(seen_at) AS first_seen FROM delta_raw GROUP BY posting_id
), p AS (
    SELECT posting_id, first_seen FROM prev_index
    WHERE posting_id IN (SELECT posting_id FROM d)
)
SELECT strftime(p.first_seen, '%Y-%m') AS month FROM p
UNION
SELECT strftime(least(p.first_seen, d.first_seen), '%Y-%m') AS month
FROM d LEFT JOIN p ON p.posting_id = d.posting_id
"""

# The touched partitions of the new version: MERGE_POSTINGS_SQL over the previous version's
# touched partitions, with each row's partition.
MERGE_PARTITIONS_SQL = (
    f"SELECT m.*, strftime(m.first_seen, '%Y-%m') AS {PARTITION_COLUMN} FROM ("  # noqa: S608
    + MERGE_POSTINGS_SQL
    + ") m"
)

# The postings the delta touched (to upsert into a warehouse copy, to re-tag).
CHANGED_IDS_SQL = "SELECT DISTINCT posting_id FROM delta_raw"

# How many rows share a posting_id in a version (must be none).
DUPLICATES_SQL = "SELECT count(*) - count(DISTINCT posting_id) AS duplicates FROM postings"

# The tag tables of a version, partitioned like postings (the month of the posting's
# first_seen). The postings the version changed are tagged again by the project's tagger
# (analytics/tagging, through Engine.write_mapped into NEW_TAGS); the touched months' other
# postings keep the previous version's rows; the other months are carried over by name.
TOUCHED_POSTINGS = "touched_postings"  # the new version's postings in the touched months
CHANGED = "changed"  # posting ids the version changed (CHANGED_IDS_SQL's output)
NEW_TAGS = "new_tags"  # the tagger's rows, every table's in one (tag_table says which)
PREV_TAGS = "prev_tags"  # one tag table's rows of the previous version, touched months
TAG_COLUMNS = {
    "posting_categories": ("category", "subcategory", "method", "confidence"),
    "posting_ai_skills": ("skill", "evidence"),
    "posting_pay": (
        "pay_kind", "currency", "amount_low", "amount_high", "period", "usd_hourly_low",
        "usd_hourly_high", "usd_hourly_mid", "usd_budget", "flag", "rule", "raw_text",
    ),
    "posting_engagement": ("engagement", "rule", "is_seeker"),
}  # fmt: skip
TAG_STAMPS = ("rules_version", "tagged_at")

# enrich's row of a posting (analytics/tagging/enrich.py READ_NEW_SQL), with its partition
TAG_INPUT_SQL = f"""
SELECT p.posting_id, p.title, p.description, p.platform_category,
       coalesce(year(p.posted_at), year(p.first_seen)) AS year, p.source,
       strftime(p.first_seen, '%Y-%m') AS {PARTITION_COLUMN}
FROM touched_postings p
WHERE p.posting_id IN (SELECT posting_id FROM changed)
"""  # noqa: S608  (fixed names only)


def render_tag_partitions_sql(table: str) -> str:
    """The touched months of tag table `table` in the new version: the tagger's new rows,
    and the previous rows of the postings the version did not change (their month from the
    new version's postings)."""
    columns = ", ".join(("posting_id", *TAG_COLUMNS[table], *TAG_STAMPS))
    previous = ", ".join(f"t.{c}" for c in ("posting_id", *TAG_COLUMNS[table], *TAG_STAMPS))
    # `table` is one of TAG_COLUMNS' keys: fixed names only
    return f"""
SELECT {columns}, {PARTITION_COLUMN} FROM new_tags WHERE tag_table = '{table}'
UNION ALL
SELECT {previous}, strftime(p.first_seen, '%Y-%m') AS {PARTITION_COLUMN}
FROM prev_tags t JOIN touched_postings p ON p.posting_id = t.posting_id
WHERE t.posting_id NOT IN (SELECT posting_id FROM changed)
"""  # noqa: S608
