"""Shared fixtures: a real DuckDB warehouse file with every migration applied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from warehouse.db import connect
from warehouse.migrate import apply_migrations

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
T0 = datetime(2024, 5, 13, 12, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A migrated warehouse file, closed, ready for a process to open."""
    path = tmp_path / "warehouse.duckdb"
    conn = connect(path)
    apply_migrations(conn)
    conn.close()
    return path


@pytest.fixture
def conn(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An open writable connection to a migrated warehouse file."""
    c = connect(db_path)
    yield c
    c.close()
