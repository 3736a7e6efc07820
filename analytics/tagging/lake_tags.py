"""A lake version's tags, computed on the merge's engine by the project's own tagger.

The postings a merge changed go through `compute_chunk` (analytics/tagging/enrich.py, the
very function `enrich` uses): in this process on DuckDB, on Spark's executors through
mapInPandas (Engine.write_mapped). The rows land in the four tag tables, partitioned like
`postings` by the month of first_seen, so only the months the merge touched are rewritten
(the SQL is warehouse/lake_sql.py's). The tags follow a posting's newest text: a re-seen
posting whose title changed is tagged again (the warehouse's `enrich` tags new postings).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import partial
from typing import Any

import pyarrow as pa

from analytics.tagging.enrich import (
    CATEGORY_SCHEMA,
    ENGAGEMENT_SCHEMA,
    PAY_SCHEMA,
    SKILL_SCHEMA,
    compute_chunk,
    compute_rules_version,
)
from warehouse.lake import version_folder
from warehouse.lake_engine import Engine
from warehouse.lake_merge import read_partitions, write_empty
from warehouse.lake_sql import (
    CHANGED,
    NEW_TAGS,
    PARTITION_COLUMN,
    POSTINGS_SCHEMA,
    PREV_TAGS,
    TAG_COLUMNS,
    TAG_INPUT_SQL,
    TAG_STAMPS,
    TOUCHED_POSTINGS,
    render_tag_partitions_sql,
)
from warehouse.lake_store import LakeStore

TAG_TABLES = tuple(TAG_COLUMNS)
TABLE_SCHEMAS = {
    "posting_categories": CATEGORY_SCHEMA,
    "posting_ai_skills": SKILL_SCHEMA,
    "posting_pay": PAY_SCHEMA,
    "posting_engagement": ENGAGEMENT_SCHEMA,
}
STAMP_FIELDS = [
    pa.field("rules_version", pa.string()),
    pa.field("tagged_at", pa.timestamp("us", tz="UTC")),
]


def _union_fields() -> list[pa.Field]:
    fields: dict[str, pa.Field] = {}
    for schema in TABLE_SCHEMAS.values():
        for f in schema:
            fields.setdefault(f.name, f)  # `rule` is in pay and engagement: one string column
    return list(fields.values())


# every table's rows in one frame: tag_table says which table a row is for
TAG_ROWS_SCHEMA = pa.schema(
    [pa.field("tag_table", pa.string()), *_union_fields(), *STAMP_FIELDS,
     pa.field(PARTITION_COLUMN, pa.string())]
)  # fmt: skip


def compute_tag_batches(
    batches: Iterable[pa.RecordBatch], rules_version: str, tagged_at: datetime
) -> Iterator[pa.RecordBatch]:
    """Postings (TAG_INPUT_SQL's columns) -> their tag rows (TAG_ROWS_SCHEMA), an Arrow
    batch at a time: Spark's mapInArrow shape. Pure: the same rows give the same tags on
    any engine."""
    for batch in batches:
        columns = batch.to_pydict()
        ids = columns["posting_id"]
        rows = list(
            zip(
                ids,
                columns["title"],
                columns["description"],
                columns["platform_category"],
                columns["year"],
                columns["source"],
                strict=True,
            )
        )
        tags = compute_chunk(rows)
        month = dict(zip(ids, columns[PARTITION_COLUMN], strict=True))
        out: dict[str, list[Any]] = {name: [] for name in TAG_ROWS_SCHEMA.names}
        for table, found in (
            ("posting_categories", tags.categories),
            ("posting_ai_skills", tags.skills),
            ("posting_pay", tags.pay),
            ("posting_engagement", tags.engagement),
        ):
            names = TABLE_SCHEMAS[table].names
            for row in found:
                values = dict(zip(names, row, strict=True))
                for name in TAG_ROWS_SCHEMA.names:
                    out[name].append(values.get(name))
                out["tag_table"][-1] = table
        count = len(out["tag_table"])
        out["rules_version"] = [rules_version] * count
        out["tagged_at"] = [tagged_at] * count
        out[PARTITION_COLUMN] = [month[i] for i in out["posting_id"]]
        yield pa.RecordBatch.from_pydict(out, schema=TAG_ROWS_SCHEMA)


def write_lake_tags(
    engine: Engine, store: LakeStore, manifest: dict[str, Any], now: datetime
) -> None:
    """Tag the postings the version `manifest` changed (its `changed` table) on `engine`
    and write the touched months of the four tag tables into the version's folder;
    `manifest`'s tables and partitions are updated. The first time (or after a version
    without tag partitions) every month is written."""
    changed = manifest["tables"].get("changed")
    if not changed:
        return  # nothing changed: the previous version's tags stand
    version = int(manifest["version"])
    out = version_folder(version)
    partitions = manifest.setdefault("partitions", {})
    posting_parts = partitions["postings"]
    whole = any(t not in partitions for t in TAG_TABLES)
    months = set(posting_parts) | set(manifest["touched"]) if whole else set(manifest["touched"])
    touched = [f for m in sorted(months & set(posting_parts)) for f in posting_parts[m]["files"]]
    engine.register(CHANGED, [store.uri(f) for f in changed])
    engine.register(
        TOUCHED_POSTINGS,
        [store.uri(f) for f in touched]
        or [store.uri(write_empty(store, version, "postings", POSTINGS_SCHEMA))],
    )
    tagger = partial(compute_tag_batches, rules_version=compute_rules_version(), tagged_at=now)
    with store.writable_folder(f"{out}/tags-staging") as folder:
        engine.write_mapped(TAG_INPUT_SQL, tagger, TAG_ROWS_SCHEMA, folder)
    engine.register(
        NEW_TAGS, [store.uri(f) for f in store.list_files(f"{out}/tags-staging", ".parquet")]
    )
    for table in TAG_TABLES:
        old = partitions.get(table, {})
        previous = (
            manifest["tables"].get(table, [])
            if whole
            else [f for m in sorted(months & set(old)) for f in old[m]["files"]]
        )
        schema = pa.schema(
            [TAG_ROWS_SCHEMA.field(c) for c in ("posting_id", *TAG_COLUMNS[table], *TAG_STAMPS)]
        )
        engine.register(
            PREV_TAGS,
            [store.uri(f) for f in previous]
            or [store.uri(write_empty(store, version, table, schema))],
        )
        with store.writable_folder(f"{out}/{table}") as folder:
            engine.write(render_tag_partitions_sql(table), folder, partition_by=PARTITION_COLUMN)
        kept = {} if whole else {m: p for m, p in old.items() if m not in months}
        written = read_partitions(store, version, table)
        partitions[table] = dict(sorted({**kept, **written}.items()))
        # a table with no rows (no AI skill in any posting) still has a file, for its schema
        manifest["tables"][table] = [f for p in partitions[table].values() for f in p["files"]] or [
            write_empty(store, version, f"{table}-none", schema)
        ]
