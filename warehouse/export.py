"""The warehouse as a Parquet lake: one folder per table, the big ones hive-partitioned.

    DIR/postings/source=upwork/month=2024-05/data_0.parquet
    DIR/raw_entries/source=upwork/month=2024-05/data_0.parquet
    DIR/feeds/data.parquet
    DIR/views/event_deltas.parquet   (every analyst view of warehouse/views.sql, as rows)
    DIR/_manifest.json        {"tables": {"postings": {"columns": [[name, type], ...], ...}},
                               "views": {"event_deltas": {"columns": ..., "rows": ...}}}

The partition columns live in the folder names only (the hive convention Spark, Trino and
DuckDB read), so the manifest keeps every table's columns and DuckDB types: a reader casts
back and sees the warehouse's exact schema (`render_lake_views_sql`).

The export is written to a temporary sibling folder and renamed into place, so a reader of
DIR sees the old export or the new one, and a failed export leaves the old one intact.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse.temp_files import replace_folder

MANIFEST = "_manifest.json"
VIEWS_FOLDER = "views"  # analyst views as plain Parquet files, beside the tables' folders
MANIFEST_FORMAT = "jobtrends-parquet-export/1"
MONTH_COLUMN = "month"  # 'YYYY-MM' (UTC), a partition column only, not a table column

# Tables that grow with postings, partitioned by site and UTC month of the date analytics
# use. Everything else is small (feeds, runs, tags keyed by posting) and is one file.
PARTITIONED_MONTH_OF = {
    "postings": "coalesce(posted_at, first_seen)",
    "raw_entries": "coalesce(published_at, fetched_at)",
}
PARTITION_BY = ("source", MONTH_COLUMN)
INTERNAL_TABLES = ("schema_views",)  # bookkeeping of the view re-creation, meaningless outside


class ExportError(RuntimeError):
    """The export target cannot be written (e.g. it is a folder that is not an export)."""


@dataclass(frozen=True)
class TableExport:
    name: str
    rows: int
    files: int
    partitioned: bool


def read_table_columns(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every base table of the main schema with its (column, DuckDB type) list, in order."""
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in conn.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND NOT internal AND database_name = current_database() "
        "AND table_name IN (SELECT table_name FROM duckdb_tables() "
        "WHERE schema_name = 'main' AND NOT temporary AND database_name = current_database()) "
        "ORDER BY table_name, column_index"
    ).fetchall():
        if table not in INTERNAL_TABLES:
            tables.setdefault(str(table), []).append((str(column), str(data_type)))
    return tables


def read_view_columns(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every analyst view of the main schema with its (column, DuckDB type) list, in order."""
    views: dict[str, list[tuple[str, str]]] = {}
    for view, column, data_type in conn.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM duckdb_columns() c "
        "JOIN duckdb_views() v ON v.view_name = c.table_name AND v.schema_name = c.schema_name "
        "AND v.database_name = c.database_name WHERE c.schema_name = 'main' AND NOT v.internal "
        "AND c.database_name = current_database() ORDER BY c.table_name, c.column_index"
    ).fetchall():
        views.setdefault(str(view), []).append((str(column), str(data_type)))
    return views


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _export_table(
    conn: duckdb.DuckDBPyConnection, table: str, folder: Path, partition_month_of: str | None
) -> TableExport:
    rows = int(conn.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0])  # type: ignore[index]  # noqa: S608
    folder.mkdir(parents=True)
    if partition_month_of and rows:
        # A hive folder per (source, month); ORDER BY keeps files sorted by date for pruning.
        conn.execute(
            f"COPY (SELECT *, strftime(timezone('UTC', {partition_month_of}), '%Y-%m') "  # noqa: S608
            f"AS {MONTH_COLUMN} FROM {_quote(table)} ORDER BY {partition_month_of}) "
            f"TO {_sql_string(str(folder))} "
            f"(FORMAT parquet, PARTITION_BY ({', '.join(PARTITION_BY)}), OVERWRITE_OR_IGNORE)"
        )
    else:
        conn.execute(
            f"COPY {_quote(table)} TO {_sql_string(str(folder / 'data.parquet'))} (FORMAT parquet)"
        )
    files = sum(1 for _ in folder.rglob("*.parquet"))
    return TableExport(table, rows, files, bool(partition_month_of and rows))


def write_parquet_export(
    conn: duckdb.DuckDBPyConnection,
    target: str | Path,
    on_step: Callable[[str, int], None] | None = None,
) -> list[TableExport]:
    """Write every table of `conn` under `target` as Parquet, and every analyst view as one
    file under views/, replacing an earlier export. `on_step(name, steps_total)` is called
    before each table or view (for a progress bar).

    Refuses to replace a non-empty folder that has no export manifest (never deletes a
    folder it did not write).
    """
    target = Path(target).resolve()
    if target.exists() and any(target.iterdir()) and not (target / MANIFEST).exists():
        raise ExportError(f"{target} is not empty and is not a jobtrends export; not replacing it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        columns = read_table_columns(conn)
        views = read_view_columns(conn)
        steps = len(columns) + len(views)
        manifest: dict[str, Any] = {"format": MANIFEST_FORMAT, "tables": {}, "views": {}}
        done: list[TableExport] = []
        for table, cols in columns.items():
            if on_step:
                on_step(table, steps)
            month_of = PARTITIONED_MONTH_OF.get(table)
            result = _export_table(conn, table, staging / table, month_of)
            done.append(result)
            manifest["tables"][table] = {
                "columns": cols,
                "rows": result.rows,
                "partition_by": list(PARTITION_BY) if result.partitioned else [],
            }
        (staging / VIEWS_FOLDER).mkdir()
        for view, cols in views.items():
            if on_step:
                on_step(view, steps)
            path = staging / VIEWS_FOLDER / f"{view}.parquet"
            copied = conn.execute(
                f"COPY (SELECT * FROM {_quote(view)}) TO {_sql_string(str(path))} (FORMAT parquet)"  # noqa: S608
            ).fetchone()
            rows = int(copied[0]) if copied else 0
            done.append(TableExport(f"{VIEWS_FOLDER}/{view}", rows, 1, False))
            manifest["views"][view] = {"columns": cols, "rows": rows}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        replace_folder(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return done


def read_manifest(root: str | Path) -> dict[str, Any]:
    """The manifest of the export at `root`."""
    manifest: dict[str, Any] = json.loads((Path(root) / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != MANIFEST_FORMAT:
        raise ExportError(f"{root}: unknown export format {manifest.get('format')!r}")
    return manifest


def render_lake_views_sql(root: str | Path, manifest: dict[str, Any]) -> str:
    """CREATE VIEW statements that show each exported table under its own name, with the
    warehouse's column order and types, read from the Parquet files under `root`.

    Run them in any DuckDB (then `warehouse/views.sql`) to query the lake like the warehouse.
    """
    statements = []
    for table, spec in manifest["tables"].items():
        folder = Path(root) / table
        select = ", ".join(f"CAST({_quote(c)} AS {t}) AS {_quote(c)}" for c, t in spec["columns"])
        if spec["partition_by"]:
            hive_types = ", ".join(f"{_sql_string(c)}: 'VARCHAR'" for c in spec["partition_by"])
            source = (
                f"read_parquet({_sql_string(str(folder / '**' / '*.parquet'))}, "
                f"hive_partitioning = true, hive_types = {{{hive_types}}})"
            )
        else:
            source = f"read_parquet({_sql_string(str(folder / 'data.parquet'))})"
        statements.append(
            f"CREATE OR REPLACE VIEW {_quote(table)} AS SELECT {select} FROM {source};"  # noqa: S608
        )
    return "\n".join(statements) + "\n"
