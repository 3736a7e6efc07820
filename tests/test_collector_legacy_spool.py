"""Spool parts that a collector version with a spool left unstored are saved on the next start
(a run per cycle, as that version would have), never twice, and a part that cannot be read
stops `serve` with one line naming it, the file kept.

The parts are written here by hand in the two formats of collector/spool.py as it was deleted
(git show a3bf902^:collector/spool.py): an Arrow IPC file of save_batch's rows with the rest
as JSON in its schema metadata, and the older whole-batch JSON file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from collector.cycle import collect_files
from tests.conftest import FIXTURES, T0
from warehouse.db import connect, transaction
from warehouse.feed_state import save_feed_specs
from warehouse.identity import content_hash, dedupe_key, posting_id

JOBTRENDS = [str(Path(sys.executable).with_name("jobtrends"))]
RECORDED = FIXTURES / "feeds" / "recorded" / "upwork_handwritten.xml"
POLL_GROUP = "20240513T120000000000Z-4242-1a2b3c4d-poll"
FILE_GROUP = "20240513T130000000000Z-4242-5e6f7a8b-file"
POLLED_AT = T0 + timedelta(seconds=3)
ROW_TYPES = {  # save_batch's rows in the spool versions (warehouse.postings._BATCH_SCHEMA)
    "seq": pa.int64(), "feed_name": pa.string(), "source": pa.string(),
    "posting_id": pa.int64(), "dedupe_key": pa.string(), "canonical_url": pa.string(),
    "guid": pa.string(), "link": pa.string(), "title": pa.string(),
    "description": pa.string(), "summary_html": pa.string(), "content_html": pa.string(),
    "published_at": pa.timestamp("us", tz="UTC"), "updated_at": pa.timestamp("us", tz="UTC"),
    "tags": pa.list_(pa.string()), "platform_category": pa.string(),
    "is_simulated": pa.bool_(), "content_hash": pa.string(),
}  # fmt: skip


def dt(value: Any) -> dict[str, str]:
    return {"$dt": value.isoformat()}


def render_json(data: dict[str, Any]) -> str:
    """The spool's JSON: datetimes as {"$dt": ISO text}, tuples as lists."""
    return json.dumps(data, default=dt, ensure_ascii=False)


def outcome(feed: str, at: Any, seen: int, etag: str | None = None) -> dict[str, Any]:
    return {"feed_name": feed, "fetched_at": dt(at), "url": f"https://example.com/{feed}.rss",
            "outcome": "ok", "http_status": 200, "bytes": 1234, "duration_ms": 12.5,
            "entries_seen": seen, "entries_new": 0, "error_class": None, "error_message": None,
            "etag": etag, "last_modified": None,
            "next_poll_at": dt(at + timedelta(hours=1))}  # fmt: skip


def entry(feed: str, source: str, n: int) -> dict[str, Any]:
    link = f"https://www.upwork.com/jobs/Spooled-job_~0{n}?source=rss"
    return {"feed_name": feed, "source": source, "guid": link, "link": link,
            "title": f"Spooled job {n}", "description": f"Spooled text {n}\nBudget: $50{n}",
            "summary_html": f"Spooled text {n}<br /><b>Budget</b>: $50{n}",
            "content_html": None, "published_at": T0 - timedelta(hours=n), "updated_at": None,
            "tags": ["Data"], "platform_category": None, "is_simulated": False}  # fmt: skip


def write_arrow_part(spool: Path, group: str, part: int, rows: list[dict[str, Any]],
                     meta: dict[str, Any]) -> Path:  # fmt: skip
    """One `.batch.arrow` part as the spool versions wrote it: keyed and hashed rows, and the
    outcomes, problems and keyless entries as JSON under b"jobtrends.batch"."""
    columns: dict[str, list[Any]] = {name: [] for name in ROW_TYPES}
    for seq, e in enumerate(rows):
        key = dedupe_key(e["source"], e["guid"], e["link"])
        assert key is not None
        hashed = content_hash(e["title"], e["description"], e["summary_html"], e["content_html"])
        full = {**e, "seq": seq, "posting_id": posting_id(key), "dedupe_key": key,
                "canonical_url": key[4:], "content_hash": hashed}  # fmt: skip
        for name in ROW_TYPES:
            columns[name].append(full[name])
    table = pa.table({n: pa.array(v, type=t) for (n, t), v in zip(ROW_TYPES.items(),
                      columns.values(), strict=True)})  # fmt: skip
    table = table.replace_schema_metadata({b"jobtrends.batch": render_json(meta).encode()})
    path = spool / f"{group}-{part:06d}.batch.arrow"
    with open(path, "wb") as f, pa.ipc.new_file(f, table.schema) as writer:
        writer.write_table(table)
    return path


def write_spool(spool: Path) -> list[Path]:
    """A poll cycle cut short after two parts (one with a keyless entry), and a recorded
    file's cycle in the older JSON format (with a parse problem)."""
    spool.mkdir()
    keyless = {**entry("upwork-a", "upwork", 9), "guid": None, "link": None}
    first = write_arrow_part(spool, POLL_GROUP, 0, [entry("upwork-a", "upwork", 1),
                             entry("upwork-a", "upwork", 2)],
                             {"kind": "poll", "started_at": dt(T0), "seen": 3,
                              "outcomes": [outcome("upwork-a", POLLED_AT, 3, etag='"v7"')],
                              "problems": [], "unkeyed": [keyless]})  # fmt: skip
    second = write_arrow_part(spool, POLL_GROUP, 1, [entry("upwork-b", "upwork", 2)],
                              {"kind": "poll", "started_at": dt(T0), "seen": 1,
                               "outcomes": [outcome("upwork-b", POLLED_AT, 1)], "problems": [],
                               "unkeyed": []})  # fmt: skip
    old = spool / f"{FILE_GROUP}-000000.batch.json"
    old.write_text(render_json({
        "kind": "file", "started_at": dt(T0 + timedelta(hours=1)),
        "outcomes": [{**outcome("saved_page", T0 + timedelta(hours=1), 1), "url": "file:///x"}],
        "problems": [["/recorded/saved_page.xml", "parse", "SAXParseException: junk after"]],
        "entries": [entry("saved_page", "upwork", 3)],
    }), encoding="utf-8")  # fmt: skip
    (spool / f".{POLL_GROUP}-000002.batch.arrow.4242.tmp").write_bytes(b"\0" * 100)
    return [first, second, old]


def read_state(db_path: Path) -> dict[str, Any]:
    with duckdb.connect(str(db_path), read_only=True) as c:
        q = c.execute
        return {
            "postings": q("SELECT title, times_seen, feeds FROM postings"
                          " WHERE title LIKE 'Spooled%' ORDER BY title").fetchall(),
            "runs": q("SELECT kind, started_at, status FROM collection_runs WHERE kind <> 'file'"
                      " OR started_at < ? ORDER BY run_id", [T0 + timedelta(days=1)]).fetchall(),
            "fetch_log": q("SELECT feed_name, fetched_at, entries_seen, entries_new FROM"
                           " fetch_log WHERE fetched_at < ? ORDER BY feed_name",
                           [T0 + timedelta(days=1)]).fetchall(),
            "rejects": q("SELECT stage, origin FROM rejects ORDER BY stage").fetchall(),
            "etag": q("SELECT etag, health FROM feeds WHERE name = 'upwork-a'").fetchall(),
        }  # fmt: skip


def test_legacy_parts_are_saved_at_the_next_start_once(db_path: Path, tmp_path: Path) -> None:
    with connect(db_path) as c, transaction(c):
        save_feed_specs(c, [("upwork-a", "https://example.com/upwork-a.rss", "upwork-rss",
                             "upwork", 3600, True)], T0 - timedelta(days=1))  # fmt: skip
    spool = db_path.parent / "spool"
    first, *_ = write_spool(spool)
    kept = first.read_bytes()
    now = T0 + timedelta(days=2)
    summary = collect_files(db_path, [RECORDED], now)  # the first start of the new version

    assert len(summary.legacy_runs) == 2 and "legacy_spool_runs=" in summary.render()
    assert sorted(p.name for p in spool.iterdir()) == []  # stored, and the dead temp removed
    state = read_state(db_path)
    assert [(t, n) for t, n, _ in state["postings"]] == [
        ("Spooled job 1", 1), ("Spooled job 2", 2), ("Spooled job 3", 1)]  # fmt: skip
    assert [r for r in state["runs"]] == [
        ("poll", T0, "ok"), ("file", T0 + timedelta(hours=1), "ok")]  # fmt: skip
    assert state["fetch_log"] == [
        ("saved_page", T0 + timedelta(hours=1), 1, 1),
        ("upwork-a", POLLED_AT, 3, 2),
        ("upwork-b", POLLED_AT, 1, 0),
    ]
    assert state["rejects"] == [("entry", "upwork-a"), ("parse", "/recorded/saved_page.xml")]
    assert state["etag"] == [('"v7"', "ok")]  # the newest poll of the feed sets its ETag

    # killed after a part's commit, before its file was deleted: found saved, not saved again
    first.write_bytes(kept)
    again = collect_files(db_path, [RECORDED], now + timedelta(hours=1))
    assert again.legacy_runs == [] and not first.exists()
    assert read_state(db_path) == state


def test_an_older_poll_does_not_set_a_newer_feed_state(db_path: Path) -> None:
    with connect(db_path) as c, transaction(c):
        save_feed_specs(c, [("upwork-a", "https://example.com/upwork-a.rss", "upwork-rss",
                             "upwork", 3600, True)], T0)  # fmt: skip
        c.execute("UPDATE feeds SET etag = 'newer', last_attempt_at = ? WHERE name = 'upwork-a'",
                  [POLLED_AT + timedelta(minutes=5)])  # fmt: skip
    write_spool(db_path.parent / "spool")
    collect_files(db_path, [RECORDED], T0 + timedelta(days=2))
    assert read_state(db_path)["etag"] == [("newer", "new")]


def test_an_unreadable_part_stops_serve_with_one_line(db_path: Path, tmp_path: Path) -> None:
    spool = db_path.parent / "spool"
    spool.mkdir()
    bad = spool / f"{POLL_GROUP}-000000.batch.arrow"
    bad.write_bytes(b"ARROW1\0\0 cut short by a full disk")
    done = subprocess.run([*JOBTRENDS, "--db", str(db_path), "serve"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert str(bad) in lines[0] and "move it out of" in lines[0], lines[0]
    assert bad.exists()
