"""Spool parts that collector versions before 2026-12-01 left unstored (a killed cycle, a lock
that outlasted the wait), read once and saved as those versions would have, so an upgrade
loses none of them.

Those versions wrote each fetched feed's page to `spool/` beside the warehouse before storing
it, and deleted the file once its transaction committed. A part's name says which cycle wrote
it: "20240513T120000000000Z-42-1a2b3c4d-poll-000003.batch.arrow" is part 3 of group
"20240513T120000000000Z-42-1a2b3c4d-poll" (the cycle's start, its process id, a token, its
run kind). Two formats:

- `.batch.arrow`: an Arrow IPC file of save_batch's rows (warehouse.postings._BATCH_SCHEMA),
  with the rest as JSON under the schema metadata key `jobtrends.batch`:
  {"kind", "started_at", "outcomes": [FetchOutcome fields], "problems": [[origin, stage,
  reason]], "unkeyed": [EntryRecord fields], "seen": N}
- `.batch.json` (before 2026-11-24): the same JSON with "entries" (EntryRecord fields)
  instead of rows.

Datetimes are {"$dt": "2024-05-13T12:00:00+00:00"}. The entries' own fields are read back
into EntryRecords, so a part is saved through today's save step (collector/save.py): its
keys and hashes are today's.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from collector.page import FeedPage, Problem
from collector.save import save_page_committed, save_run_closed
from warehouse.db import transaction
from warehouse.feed_state import FetchOutcome
from warehouse.postings import EntryRecord
from warehouse.runs import start_run

log = logging.getLogger("collector.legacy_spool")

LEGACY_SPOOL_DIR = "spool"  # beside the warehouse
ARROW_SUFFIX = ".batch.arrow"
JSON_SUFFIX = ".batch.json"
META_KEY = b"jobtrends.batch"
LEGACY_KINDS = ("poll", "file")
_ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(EntryRecord))
_OUTCOME_FIELDS = tuple(f.name for f in dataclasses.fields(FetchOutcome))


class LegacySpoolError(RuntimeError):
    """A spool part of an earlier version that this one cannot read (terminal: the operator
    decides what to do with the file)."""


@dataclass(frozen=True)
class LegacyPart:
    """One spooled part: its group (one run), its part number, and its pages (one per feed
    or file it holds)."""

    path: Path
    group: str
    part: int
    kind: str  # collection_runs.kind: 'poll' | 'file'
    started_at: datetime
    pages: list[FeedPage]


def legacy_spool_dir(db_path: Path) -> Path:
    return db_path.parent / LEGACY_SPOOL_DIR


def read_legacy_part_paths(spool_dir: Path) -> list[Path]:
    """The spooled parts under `spool_dir`, oldest cycle first, in part order (the names
    sort that way); [] when there is no such folder."""
    if not spool_dir.is_dir():
        return []
    found = [p for p in spool_dir.iterdir() if p.name.endswith((ARROW_SUFFIX, JSON_SUFFIX))]
    return sorted(p for p in found if not p.name.startswith("."))  # ".x.tmp": half-written


def _decode(obj: dict[str, Any]) -> Any:
    if set(obj) == {"$dt"}:
        return datetime.fromisoformat(obj["$dt"])
    return obj


def _entry(fields: dict[str, Any]) -> EntryRecord:
    kept = {k: v for k, v in fields.items() if k in _ENTRY_FIELDS}
    return EntryRecord(**{**kept, "tags": tuple(kept.get("tags") or ())})


def _outcome(fields: dict[str, Any]) -> FetchOutcome:
    return FetchOutcome(**{k: v for k, v in fields.items() if k in _OUTCOME_FIELDS})


def _rows_entries(rows: pa.Table) -> list[EntryRecord]:
    """The Arrow part's rows, in their order (`seq`), as the entries they were built from."""
    if "seq" in rows.column_names:
        rows = rows.sort_by("seq")
    return [_entry(row) for row in rows.select(
        [c for c in rows.column_names if c in _ENTRY_FIELDS]).to_pylist()]  # fmt: skip


def parse_part_name(path: Path) -> tuple[str, int]:
    """ "20240513T120000000000Z-42-1a2b3c4d-poll-000003.batch.arrow" -> (group, 3)."""
    stem = path.name.removesuffix(ARROW_SUFFIX).removesuffix(JSON_SUFFIX)
    group, _, part = stem.rpartition("-")
    if not group or not part.isdigit():
        raise ValueError("its name is not <group>-<part>.batch.arrow|json")
    return group, int(part)


def _pages(data: dict[str, Any], entries: list[EntryRecord], kind: str) -> list[FeedPage]:
    """One page per outcome, each with its feed's entries; problems and any entry of a feed
    with no outcome go with the first page."""
    outcomes = [_outcome(o) for o in data["outcomes"]]
    if not outcomes:
        raise ValueError("it holds no fetch outcome to save its entries under")
    pages = {o.feed_name: FeedPage(o, polled=kind == "poll") for o in outcomes}
    first = next(iter(pages.values()))
    for e in entries:
        pages.get(e.feed_name, first).entries.append(e)
    first.problems.extend(Problem(str(p[0]), str(p[1]), str(p[2])) for p in data["problems"])
    return list(pages.values())


def read_legacy_part(path: Path) -> LegacyPart:
    """One spooled part, in either format; LegacySpoolError (naming the file) when it cannot
    be read."""
    try:
        group, part = parse_part_name(path)
        if path.name.endswith(JSON_SUFFIX):
            data = json.loads(path.read_text(encoding="utf-8"), object_hook=_decode)
            entries = [_entry(e) for e in data["entries"]]
        else:
            with pa.OSFile(str(path)) as f:
                rows = pa.ipc.open_file(f).read_all()
            meta = (rows.schema.metadata or {}).get(META_KEY)
            if meta is None:
                raise ValueError(f"it has no {META_KEY.decode()} metadata")
            data = json.loads(meta.decode("utf-8"), object_hook=_decode)
            entries = _rows_entries(rows) + [_entry(e) for e in data.get("unkeyed", [])]
        kind, started_at = data["kind"], data["started_at"]
        if kind not in LEGACY_KINDS or not isinstance(started_at, datetime):
            raise ValueError(f"unknown kind {kind!r} or start {started_at!r}")
        return LegacyPart(path, group, part, kind, started_at, _pages(data, entries, kind))
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
        raise LegacySpoolError(
            f"{path}: a spool part left by an earlier collector version that this one cannot "
            f"read ({type(exc).__name__}: {exc}); store it with that version (`jobtrends "
            f"collect --once`) or move it out of {path.parent}, then start again"
        ) from exc


def check_legacy_spool(db_path: Path) -> int:
    """Read every spooled part beside the warehouse at `db_path` without saving any: the
    number of parts, or LegacySpoolError for the first one that cannot be read (a service
    refuses to start on it instead of failing every cycle)."""
    paths = read_legacy_part_paths(legacy_spool_dir(db_path))
    for path in paths:
        read_legacy_part(path)
    return len(paths)


def _is_saved(conn: duckdb.DuckDBPyConnection, part: LegacyPart, page: FeedPage) -> bool:
    """Whether `page` was saved before its file was deleted (a crash in between). A saved
    page has its fetch_log row (the feed, at the poll's time). The versions that wrote the
    parts logged no row for a recorded file: its group's run, once closed, had saved all."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM fetch_log WHERE feed_name = $feed AND fetched_at = $at)"
        " OR ($kind = 'file' AND EXISTS (SELECT 1 FROM collection_runs WHERE kind = 'file'"
        " AND started_at = $started AND status <> 'running'))",
        {"feed": page.outcome.feed_name, "at": page.outcome.fetched_at, "kind": part.kind,
         "started": part.started_at},
    ).fetchone()  # fmt: skip
    return bool(row and row[0])


def _is_newest_poll(conn: duckdb.DuckDBPyConnection, outcome: FetchOutcome) -> bool:
    """Whether no poll of the feed came after this one: only then may the page set the
    feed's ETag, health and next poll time."""
    row = conn.execute(
        "SELECT last_attempt_at FROM feeds WHERE name = ?", [outcome.feed_name]
    ).fetchone()
    return row is None or row[0] is None or row[0] < outcome.fetched_at


def save_legacy_spool(
    conn: duckdb.DuckDBPyConnection,
    db_path: Path,
    finished_at: datetime,
    memory: tuple[str | None, str | None] = (None, None),
) -> list[int]:
    """Save every spooled part beside the warehouse as the version that wrote it would have:
    a run per group (its kind and start), a transaction per feed's page, the file deleted
    once its pages committed; returns the runs. A page already saved is not saved again; an
    unreadable part raises LegacySpoolError (the parts before it are saved, it and the rest
    stay). `memory` as in save_page_committed."""
    runs: list[int] = []
    run_of: dict[str, int] = {}
    for path in read_legacy_part_paths(legacy_spool_dir(db_path)):
        part = read_legacy_part(path)
        for page in part.pages:
            if _is_saved(conn, part, page):
                continue
            if part.group not in run_of:
                with transaction(conn):
                    run_of[part.group] = start_run(conn, part.kind, part.started_at)
            page.polled = page.polled and _is_newest_poll(conn, page.outcome)
            save_page_committed(conn, run_of[part.group], page, memory=memory)
        path.unlink()
    for group, run_id in run_of.items():
        save_run_closed(conn, run_id, finished_at)
        runs.append(run_id)
        log.warning("stored the spool parts of %s (left by an earlier version) as run %d",
                    group, run_id)  # fmt: skip
    return runs
