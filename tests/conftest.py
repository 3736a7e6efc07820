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


LABELLED_HANDWRITTEN = FIXTURES / "enrich" / "labelled_titles_handwritten.csv"  # 96 titles
LABELLED_REAL = SHARED_DATA / "upwork-jobs-2023-01-labeled" / "1_3_2023_general.csv.gz"
LABELLED_COLUMNS = [
    "uid",
    "title",
    "occupations_category_pref_label",
    "occupations_oservice_pref_label",
]


def write_real_labelled_sample(directory: Path) -> Path:
    """400 real labelled titles of LABELLED_REAL (`sample(400, random_state=1)`) as a CSV in
    `directory`: the held-out sample the category floors were measured on."""
    import pandas as pd

    path = directory / "labelled_titles_sample.csv"
    sample = pd.read_csv(LABELLED_REAL).sample(400, random_state=1)
    sample[LABELLED_COLUMNS].to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def spark_session() -> Iterator[object]:
    """One local Spark (2 cores) for every Spark test; skipped where Java or pyspark is not."""
    import shutil

    if shutil.which("java") is None:
        pytest.skip("Spark tests need Java 17+ on PATH (`java -version`)")
    pytest.importorskip("pyspark", reason="Spark tests need pip install -e '.[spark]'")
    from warehouse.lake_engine import start_spark

    session = start_spark("local[2]", memory="1g")
    yield session
    session.stop()
