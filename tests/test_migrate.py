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
