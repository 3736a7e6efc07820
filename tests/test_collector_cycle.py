"""One cycle, one process: a transaction per feed, so a feed that fails to save (or a cycle
killed between feeds) leaves every other feed's rows, and its own old ETag and schedule, so the
next cycle fetches it again; the run's counters are derived from what it stored."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from collector.cycle import CycleOptions, collect_files, run_cycle, save_pages
from collector.feeds import parse_feed_list
from collector.page import FeedPage
from collector.save import save_page
from tests.conftest import T0
from tests.feedserver import RECORDED, UPWORK_FILE, feed_server, feeds_toml
from warehouse.db import open_warehouse
from warehouse.feed_state import FetchOutcome
from warehouse.postings import EntryRecord

FILES = [
    UPWORK_FILE,
    RECORDED / "truncated.xml",
    RECORDED / "wrong_charset.xml",
]


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db_path), read_only=True) as c:
        return c.execute(sql).fetchall()


class DiskFull(OSError):
    pass


def test_a_feed_that_fails_to_save_keeps_its_etag_and_the_others_rows(
    db_path: Path, tmp_path: Path
) -> None:
    def save_but_fail_on_charset(
        conn: duckdb.DuckDBPyConnection, run_id: int, page: FeedPage
    ) -> None:
        save_page(conn, run_id, page)  # the rows go in, then the transaction fails
        if page.outcome.feed_name == "charset":
            raise DiskFull("no space left on device")

    with feed_server() as base:
        specs = parse_feed_list(feeds_toml(base, ["bomb", "charset", "upwork"]), "t.toml")
        with pytest.raises(DiskFull):
            run_cycle(db_path, specs, T0, save=save_but_fail_on_charset)
        # charset rolled back whole; a feed that completed before it was saved, in its own
        # transaction; one still in flight was never saved
        saved = {name for (name,) in rows(db_path, "SELECT feed_name FROM fetch_log")}
        assert "charset" not in saved
        assert rows(db_path, "SELECT status, note FROM collection_runs") == [
            ("failed", "stopped: DiskFull: no space left on device")
        ]
        assert rows(db_path, "SELECT health, etag, next_poll_at FROM feeds "
                             "WHERE name = 'charset'") == [("new", None, None)]  # fmt: skip
        summary = run_cycle(db_path, specs, T0)  # the next cycle: the unsaved feeds are due
    assert summary.counts["feeds_ok"] == 3 - len(saved)
    assert rows(db_path, "SELECT count(*) FROM postings") == [(32,)]  # bomb 1, charset 1, upwork 30
    assert rows(db_path, "SELECT count(*), count(DISTINCT posting_id) FROM raw_entries") == [
        (32, 32)
    ]


def test_run_counters_are_what_the_run_stored(db_path: Path) -> None:
    first = collect_files(db_path, FILES, T0)
    again = collect_files(db_path, FILES, T0)
    assert first.runs == [1] and again.runs == [2]
    # upwork 30, truncated's 5 are upwork's again, charset 1; truncated and charset are malformed
    assert first.counts == {"feeds_ok": 3, "feeds_not_modified": 0, "feeds_failed": 0,
                            "feeds_gone": 0, "entries_seen": 36, "postings_new": 31,
                            "rejects": 2}  # fmt: skip
    assert again.counts["entries_seen"] == 36 and again.counts["postings_new"] == 0
    stored = rows(db_path, "SELECT run_id, status, entries_seen, postings_new, rejects "
                           "FROM collection_runs ORDER BY run_id")  # fmt: skip
    assert stored == [(1, "ok", 36, 31, 2), (2, "ok", 36, 0, 2)]


def test_an_entry_without_guid_or_link_is_a_reject(db_path: Path) -> None:
    keyless = EntryRecord("f", "upwork", None, None, "Keyless job", "no link <b>at all</b>")
    kept = EntryRecord("f", "upwork", "https://www.upwork.com/jobs/~01", None, "Kept", "text")
    page = FeedPage(FetchOutcome("f", T0, "file:///f.xml", "ok", entries_seen=2),
                    [keyless, kept], polled=False)  # fmt: skip
    with open_warehouse(db_path) as conn:
        summary = save_pages(conn, db_path, "file", T0, [page], CycleOptions(snapshot=False))
    assert summary.counts["entries_seen"] == 2 and summary.counts["postings_new"] == 1
    assert summary.counts["rejects"] == 1
    assert rows(db_path, "SELECT origin, location, payload FROM rejects") == [
        ("f", "Keyless job", "no link <b>at all</b>")
    ]
