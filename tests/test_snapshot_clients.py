"""The published snapshot opens in the clients analysts use: the duckdb CLI from PyPI (1.x),
the duckdb Python package and polars; and the one read policy picks the right file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.report_fixtures import build_report_warehouse
from tests.test_postings import entry, poll
from warehouse.db import connect
from warehouse.migrate import apply_migrations
from warehouse.snapshot import (
    READABLE_BY_1X,
    choose_read_file,
    publish_snapshot,
    read_storage_format,
    snapshot_path_for,
)


def duckdb_cli() -> Path | None:
    """The `duckdb` CLI the duckdb-cli wheel installs beside this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "duckdb"
    found = beside if beside.exists() else shutil.which("duckdb")
    return Path(found) if found else None


@pytest.fixture(params=["created-here", "newest-format"])
def snapshot(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A snapshot of a warehouse created by connect() (storage v1.0.0: copied as a file) and of
    one in DuckDB's newest format (copied table by table into v1.0.0)."""
    db_path = tmp_path / "w.duckdb"
    if request.param == "newest-format":
        import duckdb

        duckdb.connect(str(db_path), config={"storage_compatibility_version": "latest"}).close()
        assert read_storage_format(db_path) not in READABLE_BY_1X
    conn = connect(db_path)
    apply_migrations(conn)
    build_report_warehouse(conn)
    poll(conn, [entry(i) for i in range(7)], 0)
    snap = publish_snapshot(conn, db_path)
    conn.close()
    assert read_storage_format(snap) in READABLE_BY_1X
    return snap


def view_names(path: Path) -> list[str]:
    conn = connect(path, read_only=True)
    try:
        rows = conn.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' "
            "ORDER BY 1"
        ).fetchall()
    finally:
        conn.close()
    return [str(r[0]) for r in rows]


@pytest.mark.slow
@pytest.mark.skipif(duckdb_cli() is None, reason="duckdb CLI not installed (pip duckdb-cli)")
def test_duckdb_cli_1x_opens_the_snapshot_and_every_view(snapshot: Path) -> None:
    cli = duckdb_cli()
    assert cli is not None
    version = subprocess.run(
        [str(cli), "-version"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert version.startswith("v1."), version  # the client the issue found failing
    views = view_names(snapshot)
    conn = connect(snapshot, read_only=True)
    postings = conn.execute("SELECT count(*) FROM postings").fetchone()
    conn.close()
    assert postings is not None and postings[0] > 7
    assert {"daily_counts", "event_deltas", "postings_enriched", "pay_deltas"} <= set(views)
    # view names come from the catalog, not from input
    probes = " ".join(f"SELECT '{v}', count(*) FROM (SELECT * FROM {v} LIMIT 5);" for v in views)  # noqa: S608
    comments = (
        "SELECT 'comments', count(*) FROM duckdb_columns() "
        "WHERE table_name = 'event_deltas' AND comment IS NOT NULL;"
    )
    sql = f"SELECT count(*) FROM postings; {probes} {comments}"  # noqa: S608
    done = subprocess.run(
        [str(cli), "-readonly", "-csv", "-noheader", str(snapshot), "-c", sql],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(snapshot.parent)},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == str(postings[0])
    assert [line.split(",")[0] for line in lines[1:-1]] == views
    assert lines[-1] == "comments,20"  # the views' COMMENTs travel with the snapshot


def test_polars_and_duckdb_python_read_the_snapshot(snapshot: Path) -> None:
    import duckdb
    import polars as pl

    conn = duckdb.connect(str(snapshot), read_only=True)
    try:
        frame = conn.sql("SELECT * FROM event_deltas WHERE method = 'did'").pl()
        via_polars = pl.read_database("SELECT date, subject, n FROM daily_counts", connection=conn)
    finally:
        conn.close()
    assert frame.height > 0 and "estimate_pct" in frame.columns
    assert via_polars.height > 1000
    assert via_polars.schema["n"].is_integer()


def test_new_warehouses_are_created_in_a_format_1x_clients_read(db_path: Path) -> None:
    assert read_storage_format(db_path) == 64  # storage v1.0.0, kept across reopen and writes
    conn = connect(db_path)
    poll(conn, [entry(i) for i in range(3)], 0)
    conn.close()
    assert read_storage_format(db_path) == 64


def test_read_policy_follows_the_newest_write(db_path: Path) -> None:
    assert choose_read_file(db_path).kind == "live"  # no snapshot yet
    conn = connect(db_path)
    poll(conn, [entry(1)], 0)
    publish_snapshot(conn, db_path)
    conn.close()
    picked = choose_read_file(db_path)
    assert picked.kind == "snapshot" and picked.path == snapshot_path_for(db_path)
    assert picked.written_at is not None and "snapshot, written" in picked.describe()
    time.sleep(0.05)
    conn = connect(db_path)  # an import after the snapshot: readers must see it
    poll(conn, [entry(2)], 1)
    conn.close()
    picked = choose_read_file(db_path)
    assert picked.kind == "live" and picked.path == db_path
