"""A cycle's spool parts are stored a transaction each: a store cut short (a crash between
parts, or between a commit and deleting the part's file) is resumed, never repeated."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from collector.cycle import compute_file_batch, store_spool, write_file_spool
from collector.spool import LEGACY_SUFFIX, Batch, render_batch, write_spool
from tests.conftest import T0
from tests.feedserver import RECORDED
from warehouse.postings import EntryRecord

FILES = [
    RECORDED / "upwork_handwritten.xml",
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
    parts = sorted(spool.glob("*.batch.*"))
    assert len(parts) == 3
    last_bytes = parts[-1].read_bytes()
    parts[-1].write_bytes(last_bytes[:100])  # the store dies on the third part
    with pytest.raises(pa.ArrowInvalid):
        store_spool(db_path, spool, T0)
    assert [p.name for p in spool.glob("*.batch.*")] == [parts[-1].name]  # two parts committed
    assert read_state(db_path)["runs"][:2] == (1, "running")

    parts[-1].write_bytes(last_bytes)
    summary = store_spool(db_path, spool, T0)
    assert summary.runs == [1]  # the same run, resumed
    assert not list(spool.glob("*.batch.*"))
    assert read_state(db_path) == stored_cleanly(tmp_path)


def test_a_part_whose_file_outlived_its_commit_is_not_stored_twice(
    db_path: Path, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    write_file_spool(spool, FILES, T0)
    contents = {p: p.read_bytes() for p in spool.glob("*.batch.*")}
    assert len(contents) == 3
    store_spool(db_path, spool, T0)
    for path, content in contents.items():  # as if killed after each commit, before the unlink
        path.write_bytes(content)
    summary = store_spool(db_path, spool, T0)
    assert summary.runs == [] and not list(spool.glob("*.batch.*"))
    assert read_state(db_path) == stored_cleanly(tmp_path)


def test_json_parts_spooled_by_an_earlier_version_are_still_stored(
    db_path: Path, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    for part, path in enumerate(FILES):
        batch = compute_file_batch([path], T0)
        name = f"20240513T120000000000Z-42-0ld0ld00-file-{part:06d}{LEGACY_SUFFIX}"
        spool.mkdir(exist_ok=True)
        (spool / name).write_text(render_batch(batch), encoding="utf-8")
    summary = store_spool(db_path, spool, T0)
    assert summary.runs == [1] and not list(spool.iterdir())
    assert read_state(db_path) == stored_cleanly(tmp_path)


def test_an_entry_without_guid_or_link_survives_the_spool_as_a_reject(
    db_path: Path, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    keyless = EntryRecord("f", "upwork", None, None, "Keyless job", "no link <b>at all</b>")
    kept = EntryRecord("f", "upwork", "https://www.upwork.com/jobs/~01", None, "Kept", "text")
    write_spool(spool, Batch(kind="file", started_at=T0, entries=[keyless, kept]))
    summary = store_spool(db_path, spool, T0)
    assert summary.counts["entries_seen"] == 2 and summary.counts["postings_new"] == 1
    with duckdb.connect(str(db_path), read_only=True) as c:
        rejects = c.execute("SELECT origin, location, payload FROM rejects").fetchall()
    assert rejects == [("f", "Keyless job", "no link <b>at all</b>")]
