"""The published series as tidy files, the way Indeed Hiring Lab publishes its index:

    DIR/series.csv        one row per date x kind x subject (UTF-8, header row, ISO dates)
    DIR/series.parquet    the same rows, typed
    DIR/README.md         what every column means
    DIR/_series.json      {"format": "jobtrends-series/1", "rows": N, "columns": [...]}

Columns: date, kind, subject, n, share, ma_n, ma_share; ma_n_adjusted, ma_share_adjusted (the
category moving averages corrected with the tagger's confusion matrix) where analyze stored
them; ma_n_seasonal, ma_share_seasonal where `analyze --seasonal` stored seasonally adjusted
moving averages. Written to a staging
folder and renamed into place, so a reader sees the old files or the new ones.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

from warehouse.temp_files import replace_folder

SERIES_MANIFEST = "_series.json"
SERIES_FORMAT = "jobtrends-series/1"
MA_WINDOW_DAYS = 84  # the published moving average: 12 weeks, the study's window
BASE_COLUMNS = ["date", "kind", "subject", "n", "share", "ma_n", "ma_share"]
ADJUSTED_COLUMNS = ["ma_n_adjusted", "ma_share_adjusted"]  # corrected for tagging errors
SEASONAL_COLUMNS = ["ma_n_seasonal", "ma_share_seasonal"]

COLUMN_DOCS = {
    "date": "UTC posting date (YYYY-MM-DD). The newest day may still have been collecting.",
    "kind": "`all` (every posting), `category` or `ai_skill`.",
    "subject": "The category name, the AI-skill slug (e.g. `chatbot_development`), or `all`.",
    "n": "Deduplicated postings that day (a posting with two AI skills counts for each): real "
    "postings, or the simulated ones when the warehouse was analysed with `--simulated`.",
    "share": "n divided by all postings that day (a fraction, 0..1).",
    "ma_n": "Mean of n over the 84 complete days ending on date (12 weeks); empty until 84 "
    "days exist.",
    "ma_share": "The same 84-day mean of share.",
    "ma_n_adjusted": "ma_n of a category corrected with the tagger's confusion matrix "
    "(adjusted classify-and-count); empty where the window is too small or the matrix cannot "
    "correct the category.",
    "ma_share_adjusted": "The same correction of ma_share.",
    "ma_n_seasonal": "ma_n after removing a weekly STL seasonal component (only when the "
    "warehouse was analysed with `analyze --seasonal`).",
    "ma_share_seasonal": "The same for ma_share.",
}


class SeriesExportError(RuntimeError):
    """The series target cannot be written (a folder that is not a series export)."""


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_has_adjusted(conn: duckdb.DuckDBPyConnection) -> bool:
    """True when confusion-corrected category moving averages are stored."""
    row = conn.execute(
        "SELECT count(ma_n_adjusted) > 0 FROM a_moving_averages "
        "WHERE NOT seasonally_adjusted AND window_days = ?",
        [MA_WINDOW_DAYS],
    ).fetchone()
    return bool(row and row[0])


def read_has_seasonal(conn: duckdb.DuckDBPyConnection) -> bool:
    """True when seasonally adjusted moving averages are stored."""
    row = conn.execute(
        "SELECT count(*) > 0 FROM a_moving_averages WHERE seasonally_adjusted AND window_days = ?",
        [MA_WINDOW_DAYS],
    ).fetchone()
    return bool(row and row[0])


def render_series_sql(adjusted: bool, seasonal: bool = False) -> str:
    """The SELECT of the tidy series (real postings only; analytics excludes simulated)."""
    extra = ", m.ma_n_adjusted, m.ma_share_adjusted" if adjusted else ""
    if seasonal:
        extra += ", a.ma_n AS ma_n_seasonal, a.ma_share AS ma_share_seasonal"
    join = (
        "LEFT JOIN a_moving_averages a ON a.date = c.date AND a.kind = c.kind "
        f"AND a.subject = c.subject AND a.window_days = {MA_WINDOW_DAYS} "
        "AND a.seasonally_adjusted"
        if seasonal
        else ""
    )
    return (
        f"SELECT c.date, c.kind, c.subject, c.n, c.share, m.ma_n, m.ma_share{extra} "  # noqa: S608
        "FROM a_daily_counts c LEFT JOIN a_moving_averages m ON m.date = c.date "
        f"AND m.kind = c.kind AND m.subject = c.subject AND m.window_days = {MA_WINDOW_DAYS} "
        f"AND NOT m.seasonally_adjusted {join} ORDER BY c.kind, c.subject, c.date"
    )


def read_simulated_postings(conn: duckdb.DuckDBPyConnection) -> int:
    """How many simulated postings the warehouse holds."""
    row = conn.execute("SELECT count(*) FROM postings WHERE is_simulated").fetchone()
    return int(row[0]) if row else 0


def render_series_readme(columns: list[str], rows: int, source: str, simulated: int) -> str:
    """The column README written beside the files."""
    warning = (
        [
            f"**Warning:** this warehouse holds {simulated:,} simulated postings. If it was "
            "analysed with `jobtrends analyze --simulated`, these series are synthetic test "
            "data, not real-world findings.",
            "",
        ]
        if simulated
        else []
    )
    lines = [
        "# jobtrends published series",
        "",
        f"{rows:,} rows from `{source}`, one per date x kind x subject, in `series.csv` and "
        "`series.parquet` (the same rows).",
        "",
        *warning,
        "| column | meaning |",
        "|---|---|",
        *[f"| `{c}` | {COLUMN_DOCS[c]} |" for c in columns],
        "",
    ]
    return "\n".join(lines)


def write_series_export(
    conn: duckdb.DuckDBPyConnection, target: str | Path, source: str
) -> tuple[int, list[str]]:
    """Write the tidy series under `target` (replacing an earlier series export); returns
    (rows, columns). Refuses a non-empty folder without a series manifest."""
    target = Path(target).resolve()
    if target.exists() and any(target.iterdir()) and not (target / SERIES_MANIFEST).exists():
        raise SeriesExportError(
            f"{target} is not empty and is not a jobtrends series export; not replacing it"
        )
    adjusted, seasonal = read_has_adjusted(conn), read_has_seasonal(conn)
    columns = (
        BASE_COLUMNS
        + (ADJUSTED_COLUMNS if adjusted else [])
        + (SEASONAL_COLUMNS if seasonal else [])
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        select = render_series_sql(adjusted, seasonal)
        copied = conn.execute(
            f"COPY ({select}) TO {_sql_string(str(staging / 'series.parquet'))} (FORMAT parquet)"
        ).fetchone()
        conn.execute(
            f"COPY ({select}) TO {_sql_string(str(staging / 'series.csv'))} "
            "(FORMAT csv, HEADER, DATEFORMAT '%Y-%m-%d')"
        )
        rows = int(copied[0]) if copied else 0
        (staging / "README.md").write_text(
            render_series_readme(columns, rows, source, read_simulated_postings(conn)),
            encoding="utf-8",
        )
        manifest = {"format": SERIES_FORMAT, "rows": rows, "columns": columns}
        (staging / SERIES_MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
        replace_folder(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return rows, columns
