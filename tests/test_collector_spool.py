"""A cycle's spool parts are stored a transaction each: a store cut short (a crash between
parts, or between a commit and deleting the part's file) is resumed, never repeated."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from collector.cycle import store_spool, write_file_spool
from tests.conftest import T0
from tests.feedserver import RECORDED

FILES = [
    RECORDED / "upwork_powerbi_2024-05-16.xml",
    RECORDED / "truncated.xml",
    RECORDED / "wrong_charset.xml",
]
STATE_SQL = {
    "postings": "SELECT count(*), sum(times_seen) FROM postings",
    "raw": "SELECT count(*) FROM raw_entries",
    "runs": "SELECT count(*), min(status), sum(entries_seen), sum(postings_new), sum(rejects) "
    "FROM collection_runs",
    "parts": "SELECT count(*), count(DISTINCT run_id) FROM spool_parts",
}


def read_state(db_path: Path) -> dict[str, tuple[object, ...]]:
    with duckdb.connect(str(db_path), read_only=True) as c:
        return {k: tuple(c.execute(sql).fetchone() or ()) for k, sql in STATE_SQL.items()}


def stored_cleanly(tmp_path: Path) -> dict[str, tuple[object, ...]]:
    db = tmp_path / "clean.duckdb"
    write_file_spool(tmp_path / "clean_spool", FILES, T0)
    store_spool(db, tmp_path / "clean_spool", T0)
    return read_state(db)


def test_a_store_cut_short_between_parts_resumes_its_run(db_path: Path, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    write_file_spool(spool, FILES, T0)
    parts = sorted(spool.glob("*.json"))
    assert len(parts) == 3
    last_text = parts[-1].read_text(encoding="utf-8")
    parts[-1].write_text("{", encoding="utf-8")  # the store dies on the third part
    with pytest.raises(json.JSONDecodeError):
        store_spool(db_path, spool, T0)
    assert [p.name for p in spool.glob("*.json")] == [parts[-1].name]  # two parts committed
    assert read_state(db_path)["runs"][:2] == (1, "running")

    parts[-1].write_text(last_text, encoding="utf-8")
    summary = store_spool(db_path, spool, T0)
    assert summary.runs == [1]  # the same run, resumed
    assert not list(spool.glob("*.json"))
    assert read_state(db_path) == stored_cleanly(tmp_path)


def test_a_part_whose_file_outlived_its_commit_is_not_stored_twice(
    db_path: Path, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    write_file_spool(spool, FILES, T0)
    texts = {p: p.read_text(encoding="utf-8") for p in spool.glob("*.json")}
    store_spool(db_path, spool, T0)
    for path, text in texts.items():  # as if killed after each commit, before the unlink
        path.write_text(text, encoding="utf-8")
    summary = store_spool(db_path, spool, T0)
    assert summary.runs == [] and not list(spool.glob("*.json"))
    assert read_state(db_path) == stored_cleanly(tmp_path)
