from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.db import connect
from warehouse.migrate import MigrationError, apply_migrations, read_migrations


def test_fresh_file_gets_every_migration_once(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    first = apply_migrations(conn)
    second = apply_migrations(conn)
    assert first == [f"{m.version:03d}_{m.name}" for m in read_migrations()]
    assert second == []
    rows = conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == [m.version for m in read_migrations()]


def test_core_tables_and_views_exist(conn: duckdb.DuckDBPyConnection) -> None:
    names = {
        r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    for table in ("feeds", "collection_runs", "fetch_log", "raw_entries", "postings", "rejects"):
        assert table in names
    for view in ("feed_health", "postings_dated"):
        assert view in names


def test_changed_migration_is_refused(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1")
    with pytest.raises(MigrationError, match="001_core.sql changed after it was applied"):
        apply_migrations(conn)


def test_views_are_recreated_when_dropped(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("DROP VIEW feed_health")
    conn.execute("DELETE FROM schema_views")
    apply_migrations(conn)
    assert conn.execute("SELECT count(*) FROM feed_health").fetchone() == (0,)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati"])
def test_posted_date_is_the_utc_calendar_day_in_any_session_zone(
    conn: duckdb.DuckDBPyConnection, zone: str
) -> None:
    """postings_dated takes the day from the instant's UTC microseconds (no time-zone library):
    it must equal CAST(timezone('UTC', ts) AS DATE), the definition, whatever the session zone."""
    instants = [
        "2024-01-01 00:00:00+00", "2023-12-31 23:59:59.999999+00", "2024-03-10 23:30:00-05",
        "2024-03-31 01:30:00+02", "1969-12-31 23:59:59.999999+00", "1950-06-01 00:00:00.000001+00",
        "2024-02-29 12:00:00+14", "2020-11-01 01:59:59-04",
    ]  # fmt: skip
    conn.execute(f"SET TimeZone = '{zone}'")
    for i, instant in enumerate(instants):
        posted = None if i % 2 else instant  # NULL posted_at falls back to first_seen
        conn.execute(
            "INSERT INTO postings (posting_id, dedupe_key, source, posted_at, first_seen, "
            "last_seen, times_seen, feeds, content_hash, first_run_id, last_run_id) "
            "VALUES (?, ?, 's', ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, 1, [], 'h', 1, 1)",
            [i, f"k{i}", posted, instant, instant],
        )
    rows = conn.execute(
        "SELECT posted_date, CAST(timezone('UTC', coalesce(posted_at, first_seen)) AS DATE) "
        "FROM postings_dated ORDER BY posting_id"
    ).fetchall()
    assert len(rows) == len(instants)
    assert [r[0] for r in rows] == [r[1] for r in rows]
    assert rows[1][0].isoformat() == "2023-12-31" and rows[2][0].isoformat() == "2024-03-11"
