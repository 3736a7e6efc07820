"""The spool: a fetched-and-parsed batch is written to disk (atomic rename) before the
warehouse is opened, and deleted only after its transaction commits. A SIGKILL, a crash or an
analyst's lock that outlasts the wait therefore loses nothing: the next cycle stores it first.

A cycle writes one part per feed; its parts share a group name, unique to the cycle, that the
warehouse records with each stored part (`spool_parts`), so a group is resumed, never repeated.

A part is an Arrow IPC file holding the rows `save_batch` takes, already keyed and hashed by
whoever wrote it (a parse worker, in a big cycle), so storing it is DuckDB work only; the
fetch outcomes, problems and the entries that have no key travel in its schema metadata.
Parts written as JSON by earlier versions (`.batch.json`) are still read.
"""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from warehouse.feed_state import FetchOutcome
from warehouse.postings import EntryRecord, build_batch

SPOOL_SUFFIX = ".batch.arrow"
LEGACY_SUFFIX = ".batch.json"  # parts spooled before 2026-11-24 (JSON of the whole Batch)
META_KEY = b"jobtrends.batch"


@dataclass
class Batch:
    """Everything one cycle (or one file import) wants to store in one transaction."""

    kind: str  # 'poll' | 'file' (collection_runs.kind)
    started_at: datetime
    outcomes: list[FetchOutcome] = field(default_factory=list)
    entries: list[EntryRecord] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (origin, stage, reason)


@dataclass
class PreparedBatch:
    """A batch as the warehouse stores it: `rows` in save_batch's columns, `unkeyed` the
    entries that have neither guid nor link (they become rejects), `seen` all entries."""

    kind: str
    started_at: datetime
    outcomes: list[FetchOutcome]
    problems: list[tuple[str, str, str]]
    rows: pa.Table
    unkeyed: list[EntryRecord]
    seen: int


def prepare_batch(batch: Batch) -> PreparedBatch:
    """Key, id and hash the batch's entries (the per-entry Python work of storing)."""
    rows, unkeyed = build_batch(batch.entries)
    return PreparedBatch(
        batch.kind, batch.started_at, batch.outcomes, batch.problems, rows, unkeyed,
        len(batch.entries),
    )  # fmt: skip


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot spool {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if set(obj) == {"$dt"}:
        return datetime.fromisoformat(obj["$dt"])
    return obj


def _fields_of(record: Any) -> dict[str, Any]:
    """A flat dataclass as a dict of its fields (dataclasses.asdict deep-copies every value:
    4x slower on a page of entries, and our records hold only scalars and tuples of str)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _render(batch: Batch | PreparedBatch, **records: Any) -> str:
    """What a batch and a prepared batch share, plus `records`, as JSON text (datetimes as
    ISO strings with their UTC offset)."""
    head = {
        "kind": batch.kind,
        "started_at": batch.started_at,
        "outcomes": [_fields_of(o) for o in batch.outcomes],
        "problems": batch.problems,
    }
    return json.dumps(head | records, default=_encode, ensure_ascii=False)


def _parse(text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The inverse of _render: the shared fields, decoded, and the whole JSON object."""
    data = json.loads(text, object_hook=_decode)
    head = {
        "kind": data["kind"],
        "started_at": data["started_at"],
        "outcomes": [FetchOutcome(**o) for o in data["outcomes"]],
        "problems": [(p[0], p[1], p[2]) for p in data["problems"]],
    }
    return head, data


def _entries(records: list[dict[str, Any]]) -> list[EntryRecord]:
    return [EntryRecord(**{**e, "tags": tuple(e["tags"])}) for e in records]


def render_batch(batch: Batch) -> str:
    """A whole batch as JSON text: the spool format before 2026-11-24 (LEGACY_SUFFIX)."""
    return _render(batch, entries=[_fields_of(e) for e in batch.entries])


def parse_batch(text: str) -> Batch:
    """The inverse of render_batch."""
    head, data = _parse(text)
    return Batch(**head, entries=_entries(data["entries"]))


def render_metadata(prepared: PreparedBatch) -> str:
    """Everything of a prepared batch but its rows, as JSON text."""
    return _render(prepared, unkeyed=[_fields_of(e) for e in prepared.unkeyed], seen=prepared.seen)


def parse_prepared(rows: pa.Table, text: str) -> PreparedBatch:
    """The inverse of render_metadata, with the part's rows."""
    head, data = _parse(text)
    return PreparedBatch(**head, rows=rows, unkeyed=_entries(data["unkeyed"]), seen=data["seen"])


def new_cycle_token() -> str:
    """A short id that keeps two cycles of one process with the same clock apart: "1a2b3c4d"."""
    return uuid.uuid4().hex[:8]


def render_group_name(
    started_at: datetime, kind: str, cycle: str, owner_pid: int | None = None
) -> str:
    """The name the parts of one cycle share: "20240513T120000000000Z-42-1a2b3c4d-poll"
    (start, the cycle's process id, its token, its kind); this process's id when None."""
    stamp = started_at.strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{os.getpid() if owner_pid is None else owner_pid}-{cycle}-{kind}"


def write_spool(
    spool_dir: Path,
    batch: Batch,
    part: int = 0,
    cycle: str | None = None,
    owner_pid: int | None = None,
) -> Path:
    """Write `batch`, prepared, durably under `spool_dir` (tmp file, fsync, rename); returns
    its path.

    A cycle writes one part per feed (pages bound the memory); its parts share `cycle` (from
    new_cycle_token; a fresh one when None) and the cycle's process id `owner_pid` (this
    process's when None; a parse worker passes its cycle's), and are stored as one run.
    """
    spool_dir.mkdir(parents=True, exist_ok=True)
    group = render_group_name(batch.started_at, batch.kind, cycle or new_cycle_token(), owner_pid)
    name = f"{group}-{part:06d}{SPOOL_SUFFIX}"
    target = spool_dir / name
    tmp = spool_dir / f".{target.name}.{os.getpid()}.tmp"
    prepared = prepare_batch(batch)
    rows = prepared.rows.replace_schema_metadata(
        {META_KEY: render_metadata(prepared).encode("utf-8")}
    )
    with open(tmp, "wb") as f:
        with pa.ipc.new_file(f, rows.schema) as writer:
            writer.write_table(rows)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    return target


def read_spool_groups(spool_dir: Path) -> list[list[Path]]:
    """Leftover batch files grouped by the cycle that wrote them, oldest cycle first.

    "20240513T120000000000Z-42-1a2b3c4d-poll-000003.batch.arrow" belongs to group
    "20240513T120000000000Z-42-1a2b3c4d-poll". Parts are in part order.
    """
    if not spool_dir.is_dir():
        return []
    groups: dict[str, list[Path]] = {}
    paths = [*spool_dir.glob(f"*{SPOOL_SUFFIX}"), *spool_dir.glob(f"*{LEGACY_SUFFIX}")]
    for path in sorted(paths):
        groups.setdefault(spool_group_of(path), []).append(path)
    return [groups[k] for k in sorted(groups)]


def spool_group_of(path: Path) -> str:
    """ ".../20240513T120000000000Z-42-1a2b3c4d-poll-000003.batch.arrow"
    -> "20240513T120000000000Z-42-1a2b3c4d-poll"."""
    return path.name.rsplit("-", 1)[0]


def spool_part_of(path: Path) -> int:
    """ ".../20240513T120000000000Z-42-1a2b3c4d-poll-000003.batch.arrow" -> 3."""
    name = path.name.removesuffix(SPOOL_SUFFIX).removesuffix(LEGACY_SUFFIX)
    return int(name.rsplit("-", 1)[1])


def read_batch(path: Path) -> PreparedBatch:
    """One spooled part, ready to store (a legacy JSON part is prepared here)."""
    if path.name.endswith(LEGACY_SUFFIX):
        return prepare_batch(parse_batch(path.read_text(encoding="utf-8")))
    with pa.OSFile(str(path)) as f:
        rows = pa.ipc.open_file(f).read_all()
    metadata = (rows.schema.metadata or {}).get(META_KEY)
    if metadata is None:
        raise ValueError(f"{path}: spool part without its {META_KEY.decode()} metadata")
    return parse_prepared(rows.replace_schema_metadata(None), metadata.decode("utf-8"))
