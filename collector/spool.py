"""The spool: a fetched-and-parsed batch is written to disk (atomic rename) before the
warehouse is opened, and deleted only after its transaction commits. A SIGKILL, a crash or an
analyst's lock that outlasts the wait therefore loses nothing: the next cycle stores it first.

A cycle writes one part per feed; its parts share a group name, unique to the cycle, that the
warehouse records with each stored part (`spool_parts`), so a group is resumed, never repeated.
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

from warehouse.feed_state import FetchOutcome
from warehouse.postings import EntryRecord

SPOOL_SUFFIX = ".batch.json"


@dataclass
class Batch:
    """Everything one cycle (or one file import) wants to store in one transaction."""

    kind: str  # 'poll' | 'file' (collection_runs.kind)
    started_at: datetime
    outcomes: list[FetchOutcome] = field(default_factory=list)
    entries: list[EntryRecord] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (origin, stage, reason)


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


def render_batch(batch: Batch) -> str:
    """The batch as JSON text (datetimes as ISO strings with their UTC offset)."""
    return json.dumps(
        {
            "kind": batch.kind,
            "started_at": batch.started_at,
            "outcomes": [_fields_of(o) for o in batch.outcomes],
            "entries": [_fields_of(e) for e in batch.entries],
            "problems": batch.problems,
        },
        default=_encode,
        ensure_ascii=False,
    )


def parse_batch(text: str) -> Batch:
    """The inverse of render_batch."""
    data = json.loads(text, object_hook=_decode)
    entries = [EntryRecord(**{**e, "tags": tuple(e["tags"])}) for e in data["entries"]]
    return Batch(
        kind=data["kind"],
        started_at=data["started_at"],
        outcomes=[FetchOutcome(**o) for o in data["outcomes"]],
        entries=entries,
        problems=[(p[0], p[1], p[2]) for p in data["problems"]],
    )


def new_cycle_token() -> str:
    """A short id that keeps two cycles of one process with the same clock apart: "1a2b3c4d"."""
    return uuid.uuid4().hex[:8]


def write_spool(spool_dir: Path, batch: Batch, part: int = 0, cycle: str | None = None) -> Path:
    """Write `batch` durably under `spool_dir` (tmp file, fsync, rename) and return its path.

    A cycle writes one part per feed (pages bound the memory); its parts share `cycle` (from
    new_cycle_token; a fresh one when None) and are stored as one collection run.
    """
    spool_dir.mkdir(parents=True, exist_ok=True)
    stamp = batch.started_at.strftime("%Y%m%dT%H%M%S%fZ")
    token = cycle or new_cycle_token()
    name = f"{stamp}-{os.getpid()}-{token}-{batch.kind}-{part:06d}{SPOOL_SUFFIX}"
    target = spool_dir / name
    tmp = spool_dir / f".{target.name}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(render_batch(batch))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    return target


def read_spool_groups(spool_dir: Path) -> list[list[Path]]:
    """Leftover batch files grouped by the cycle that wrote them, oldest cycle first.

    "20240513T120000000000Z-42-1a2b3c4d-poll-000003.batch.json" belongs to group
    "20240513T120000000000Z-42-1a2b3c4d-poll". Parts are in part order.
    """
    if not spool_dir.is_dir():
        return []
    groups: dict[str, list[Path]] = {}
    for path in sorted(spool_dir.glob(f"*{SPOOL_SUFFIX}")):
        groups.setdefault(spool_group_of(path), []).append(path)
    return [groups[k] for k in sorted(groups)]


def spool_group_of(path: Path) -> str:
    """ ".../20240513T120000000000Z-42-1a2b3c4d-poll-000003.batch.json"
    -> "20240513T120000000000Z-42-1a2b3c4d-poll"."""
    return path.name.rsplit("-", 1)[0]


def spool_part_of(path: Path) -> int:
    """ ".../20240513T120000000000Z-42-1a2b3c4d-poll-000003.batch.json" -> 3."""
    return int(path.name.removesuffix(SPOOL_SUFFIX).rsplit("-", 1)[1])


def read_batch(path: Path) -> Batch:
    """One spooled batch file."""
    return parse_batch(path.read_text(encoding="utf-8"))
