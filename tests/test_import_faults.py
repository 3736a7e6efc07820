"""Damaged and foreign files: one line naming the file and the problem, exit 1, the rows read
before the damage kept, and no run left 'running' (real files, a real DuckDB file)."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
from click.testing import CliRunner

from jobtrends.cli import cli

HEADER = "guid,link,title,description,published_at\n"


def csv_rows(n: int) -> str:
    return HEADER + "".join(
        f"g{i},https://example.com/j/{i},Job {i},Text {i},2024-05-0{1 + i % 9}T10:00:00Z\n"
        for i in range(n)
    )


def run_import(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["import", "--db", str(db), *args])
    return result.exit_code, result.output


def runs(db: Path) -> list[tuple[str, str | None]]:
    with duckdb.connect(str(db), read_only=True) as c:
        return c.execute("SELECT status, note FROM collection_runs ORDER BY run_id").fetchall()


def test_truncated_gzip_keeps_the_rows_before_and_closes_the_run(
    db_path: Path, tmp_path: Path
) -> None:
    whole = gzip.compress(csv_rows(12_000).encode())
    path = tmp_path / "jobs.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    code, out = run_import(db_path, str(path))
    assert code == 1
    assert f"{path}: truncated file after row" in out
    assert "Traceback" not in out and "Aborted" not in out
    with duckdb.connect(str(db_path), read_only=True) as c:
        stored = c.execute("SELECT count(*) FROM postings").fetchone()
    assert stored is not None and stored[0] > 5_000  # the good rows before the cut are kept
    assert [s for s, _ in runs(db_path)] == ["partial"]  # some rows stored, the file failed


def test_gzip_magic_then_garbage_is_one_line(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "jobs.csv.gz"
    path.write_bytes(b"\x1f\x8b" + b"garbage, not a deflate stream" * 40)
    code, out = run_import(db_path, str(path))
    assert code == 1
    assert f"{path}: damaged file after row 0 (BadGzipFile" in out
    assert len(out.strip().splitlines()) == 1, out
    assert all(status != "running" for status, _ in runs(db_path))


def test_latin1_csv_is_refused_naming_the_encoding_then_read_with_it(
    db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (HEADER + "g1,https://example.com/j/1,Café 2,Résumé naïve,2024-05-01T10:00:00Z\n").encode(
            "latin-1"
        )
    )
    code, out = run_import(db_path, str(path))
    assert code == 1
    assert "not utf-8 text after row 0 (byte 0xe9)" in out and "--encoding cp1252" in out
    code, out = run_import(db_path, "--encoding", "cp1252", str(path))
    assert code == 0, out
    with duckdb.connect(str(db_path), read_only=True) as c:
        assert c.execute("SELECT title, description FROM postings").fetchall() == [
            ("Café 2", "Résumé naïve")
        ]


def test_a_mapped_column_the_file_lacks_is_named(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "jobs.csv"
    path.write_text(csv_rows(10))
    code, out = run_import(db_path, "--map", "guid=jobid", str(path))
    assert code == 1
    assert "no column 'jobid' (from --map guid=jobid); its columns are: guid, link" in out
    assert "no guid or link" not in out


def test_a_run_whose_block_raises_is_closed_as_failed(db_path: Path) -> None:
    from datetime import UTC, datetime

    import pytest

    from warehouse.db import open_warehouse
    from warehouse.runs import recorded_run

    at = datetime(2024, 5, 1, 12, tzinfo=UTC)
    end = datetime(2024, 5, 1, 12, 5, tzinfo=UTC)
    with open_warehouse(db_path) as conn, pytest.raises(KeyboardInterrupt):  # noqa: PT012
        with recorded_run(conn, "import", at, clock=lambda: end) as run:
            conn.execute("BEGIN TRANSACTION")  # left open by the interrupted work
            run.counts = {"entries_seen": 7}
            raise KeyboardInterrupt
    with duckdb.connect(str(db_path), read_only=True) as c:
        row = c.execute(
            "SELECT status, note, entries_seen, finished_at FROM collection_runs"
        ).fetchone()
    assert row is not None and row[:3] == ("failed", "KeyboardInterrupt: ", 7) and row[3] == end


def test_a_run_left_running_by_a_dead_process_is_closed_by_the_next(db_path: Path) -> None:
    from datetime import UTC, datetime

    from warehouse.db import open_warehouse
    from warehouse.runs import recorded_run, start_run

    at = datetime(2024, 5, 1, 12, tzinfo=UTC)
    with open_warehouse(db_path) as conn:
        start_run(conn, "import", at)  # the process died before closing it (disk full)
        start_run(conn, "poll", at)  # another kind: the collector's to judge
        with recorded_run(conn, "import", at, clock=lambda: at):
            pass
    assert runs(db_path) == [
        ("failed", "interrupted: still running when the next run started"),
        ("running", None),
        ("ok", None),
    ]
