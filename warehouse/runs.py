"""Collection runs: every stored row is stamped with the run that wrote it. A run's counters
are derived from what it stored (the `run_counts` view in views.sql)."""

from __future__ import annotations

from datetime import datetime

import duckdb

RUN_KINDS = ("poll", "file", "import", "simulate")
RUN_COUNTERS = (
    "feeds_ok",
    "feeds_not_modified",
    "feeds_failed",
    "feeds_gone",
    "entries_seen",
    "postings_new",
    "rejects",
)


def start_run(conn: duckdb.DuckDBPyConnection, kind: str, started_at: datetime) -> int:
    """Open a run of `kind` and return its id."""
    if kind not in RUN_KINDS:
        raise ValueError(f"unknown run kind {kind!r}; expected one of {RUN_KINDS}")
    row = conn.execute(
        "INSERT INTO collection_runs (kind, started_at, status) VALUES (?, ?, 'running') "
        "RETURNING run_id",
        [kind, started_at],
    ).fetchone()
    assert row is not None
    return int(row[0])


def finish_run(
    conn: duckdb.DuckDBPyConnection,
    run_id: int,
    *,
    finished_at: datetime,
    status: str,
    counts: dict[str, int],
    note: str | None = None,
) -> None:
    """Close run `run_id` with its status and counters (names from RUN_COUNTERS)."""
    unknown = set(counts) - set(RUN_COUNTERS)
    if unknown:
        raise ValueError(f"unknown run counters: {sorted(unknown)}")
    sets = ", ".join(f"{name} = ?" for name in counts)
    conn.execute(
        f"UPDATE collection_runs SET finished_at = ?, status = ?, note = ?"  # noqa: S608 (names are fixed)
        f"{', ' + sets if sets else ''} WHERE run_id = ?",
        [finished_at, status, note, *counts.values(), run_id],
    )


def read_run_counts(conn: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, int]:
    """Run `run_id`'s counters by name (RUN_COUNTERS), derived from what it stored."""
    row = conn.execute(
        f"SELECT {', '.join(RUN_COUNTERS)} FROM run_counts WHERE run_id = ?",  # noqa: S608
        [run_id],
    ).fetchone()
    if row is None:
        raise KeyError(f"no collection run {run_id}")
    return dict(zip(RUN_COUNTERS, (int(v) for v in row), strict=True))
