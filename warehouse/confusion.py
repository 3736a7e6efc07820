"""The tagger's confusion matrix as data: its JSON file and the tagger_confusion table.

The file (analytics/tagging/data/confusion_matrix.json, versioned with the tagger) is
{"tagger_version": str, "source": str, "labels": [str], "counts": [[int]]} with
counts[i][j] = labelled postings of truth labels[i] tagged labels[j]. The warehouse holds one
matrix at a time, so analytics reads it without importing the tagger.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.db import transaction


@dataclass(frozen=True)
class StoredConfusion:
    """A confusion matrix as stored: labels, counts (truth x predicted), version, source."""

    labels: tuple[str, ...]
    counts: list[list[int]]
    tagger_version: str
    source: str


def parse_confusion_json(text: str, origin: str) -> StoredConfusion:
    """The matrix in a JSON text; ValueError naming `origin` when it is malformed."""
    try:
        data = json.loads(text)
        labels = tuple(str(label) for label in data["labels"])
        counts = [[int(v) for v in row] for row in data["counts"]]
        version, source = str(data["tagger_version"]), str(data.get("source", ""))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{origin}: not a confusion matrix file ({exc})") from exc
    if len(counts) != len(labels) or any(len(row) != len(labels) for row in counts):
        raise ValueError(f"{origin}: counts must be {len(labels)} x {len(labels)}")
    if any(v < 0 for row in counts for v in row):
        raise ValueError(f"{origin}: negative count")
    return StoredConfusion(labels, counts, version, source)


def read_confusion_file(path: Path) -> StoredConfusion:
    """The matrix in a JSON file (see the module doc)."""
    return parse_confusion_json(path.read_text(encoding="utf-8"), str(path))


def write_confusion_file(matrix: StoredConfusion, path: Path) -> None:
    """Write the matrix as stable, reviewable JSON (one row per line)."""
    rows = ",\n    ".join(json.dumps(row) for row in matrix.counts)
    head = {"tagger_version": matrix.tagger_version, "source": matrix.source}
    text = json.dumps(head, indent=2)[:-2] + ",\n"
    text += f'  "labels": {json.dumps(list(matrix.labels))},\n  "counts": [\n    {rows}\n  ]\n}}\n'
    path.write_text(text, encoding="utf-8")


def save_confusion(conn: duckdb.DuckDBPyConnection, matrix: StoredConfusion, now: datetime) -> None:
    """Replace the stored matrix with `matrix`, in one transaction."""
    rows = [
        (matrix.tagger_version, truth, predicted, n, matrix.source, now)
        for truth, row in zip(matrix.labels, matrix.counts, strict=True)
        for predicted, n in zip(matrix.labels, row, strict=True)
    ]
    with transaction(conn):
        conn.execute("DELETE FROM tagger_confusion")
        conn.executemany("INSERT INTO tagger_confusion VALUES (?, ?, ?, ?, ?, ?)", rows)


def read_confusion(conn: duckdb.DuckDBPyConnection) -> StoredConfusion | None:
    """The stored matrix (labels in first-seen truth order), or None when there is none."""
    rows = conn.execute(
        "SELECT tagger_version, truth, predicted, n, source FROM tagger_confusion ORDER BY rowid"
    ).fetchall()
    if not rows:
        return None
    labels = tuple(dict.fromkeys(r[1] for r in rows))
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for _, truth, predicted, n, _ in rows:
        if predicted in index:
            counts[index[truth]][index[predicted]] = int(n)
    return StoredConfusion(labels, counts, rows[0][0], rows[0][4])
