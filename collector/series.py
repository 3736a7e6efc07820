"""External daily index series (Indeed Hiring Lab's job-postings index) into external_series.

They are controls for the economy-wide cycle: nearly every US sector fell in 2022-2024, AI or
not. Idempotent: a (series, sector, date) already stored is replaced by the file's value.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from collector.import_formats import ImportFormatError, open_binary

INDEED_SOURCE = "Indeed Hiring Lab (github.com/hiring-lab/job_postings_tracker)"
INDEED_LICENCE = "CC BY 4.0"
# variable column -> our series name ("total postings" is the headline index).
INDEED_SERIES = {
    "total postings": "indeed_postings_index",
    "new postings": "indeed_new_postings_index",
}
AGGREGATE_SECTOR = "aggregate"


def parse_indeed_series(path: Path) -> pa.Table:
    """(series, sector, date, value) rows from an Indeed by-sector or aggregate CSV (gz ok).

    By sector: `date, jobcountry, indeed_job_postings_index, variable, display_name`.
    Aggregate: `date, jobcountry, indeed_job_postings_index_SA, ..._NSA, variable` (SA kept).
    """
    with open_binary(path) as f:
        try:
            table = pacsv.read_csv(f)
        except pa.ArrowInvalid as exc:
            raise ImportFormatError(f"{path}: not a CSV series file ({exc})") from None
    names = set(table.column_names)
    if {"date", "indeed_job_postings_index", "display_name"} <= names:
        value, sector = table["indeed_job_postings_index"], table["display_name"]
    elif {"date", "indeed_job_postings_index_SA"} <= names:
        value = table["indeed_job_postings_index_SA"]
        sector = pa.array([AGGREGATE_SECTOR] * table.num_rows)
    else:
        raise ImportFormatError(
            f"{path}: not an Indeed postings-index CSV (columns: {', '.join(sorted(names))})"
        )
    variable = (
        table["variable"] if "variable" in names else pa.array(["total postings"] * table.num_rows)
    )
    series = pc.cast(variable, pa.string())
    mapped = [
        INDEED_SERIES.get(v, "indeed_" + str(v).replace(" ", "_")) for v in series.to_pylist()
    ]
    return pa.table(
        {
            "series": pa.array(mapped, pa.string()),
            "sector": pc.cast(sector, pa.string()),
            "date": pc.cast(table["date"], pa.date32()),
            "value": pc.cast(value, pa.float64()),
        }
    ).filter(pc.is_valid(pc.cast(value, pa.float64())))


def save_series(
    conn: duckdb.DuckDBPyConnection,
    rows: pa.Table,
    *,
    source: str,
    licence: str,
    imported_at: datetime,
) -> int:
    """Upsert the rows into external_series; returns how many rows the file had."""
    conn.register("_series", rows)
    try:
        conn.execute(
            """
            INSERT INTO external_series
            SELECT series, sector, date, value, ?, ?, ? FROM _series
            ON CONFLICT (series, sector, date) DO UPDATE SET
                value = excluded.value, source = excluded.source,
                licence = excluded.licence, imported_at = excluded.imported_at
            """,
            [source, licence, imported_at],
        )
    finally:
        conn.unregister("_series")
    return rows.num_rows
