"""Reading tabular archives (CSV, Parquet, the Upwork search-API export) into entries.

The generic mapping takes our field from the file's column of the same name unless a
`field=column` mapping says otherwise. The Upwork export (Kaggle hashiromer/upwork-jobs) has a
built-in mapping; it has no description text, so we write an Upwork-style footer from its pay
and label columns, and platform_category is "Top-level / Sub-category", e.g.
"Design & Creative / Graphic Design" (the sub-category alone is ambiguous across top levels).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from collector.import_formats import (
    MAPPABLE_FIELDS,
    ByteMeter,
    ImportFormatError,
    Row,
    open_text,
    parse_time,
)
from warehouse.postings import EntryRecord

UPWORK_LABELED_SOURCE = "upwork"
# Upwork job links carry a "~01" + hex ciphertext, not the API's numeric uid, so the export's
# rows are identified by a guid that cannot collide with feed postings: "guid:upwork:<uid>".
PARQUET_BATCH_ROWS = 10_000


def parse_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    """["title=job_title"] -> {"title": "job_title"}; unknown fields are an error."""
    mapping = {f: f for f in MAPPABLE_FIELDS}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or field not in MAPPABLE_FIELDS:
            raise ValueError(
                f"bad --map {pair!r}: expected FIELD=COLUMN with FIELD in {MAPPABLE_FIELDS}"
            )
        mapping[field] = column
    return mapping


def check_mapped_columns(path: Path, mapping: Mapping[str, str] | None, columns: list[str]) -> None:
    """Refuse a --map FIELD=COLUMN whose COLUMN the file does not have, naming it."""
    missing = [
        f"{field}={column}"
        for field, column in (mapping or {}).items()
        if column != field and column not in columns
    ]
    if missing:
        raise ImportFormatError(
            f"{path}: no column {', '.join(repr(m.split('=', 1)[1]) for m in missing)} "
            f"(from --map {', '.join(missing)}); its columns are: {', '.join(columns)}"
        )


def parse_mapped_row(
    record: Mapping[str, Any], mapping: Mapping[str, str], feed_name: str, source: str
) -> EntryRecord:
    """An entry from one CSV/Parquet record through the field mapping."""

    def get(field: str) -> str | None:
        value = record.get(mapping[field])
        return None if value is None or value == "" else str(value)

    return EntryRecord(
        feed_name=feed_name,
        source=source,
        guid=get("guid"),
        link=get("link"),
        title=get("title"),
        description=get("description"),
        published_at=parse_time(record.get(mapping["published_at"])),
        platform_category=get("platform_category"),
    )


def _money(value: str | None, decimals: int) -> str | None:
    """ "1500" -> "$1,500" (decimals 0); "20.5" -> "$20.50" (decimals 2); "" -> None."""
    if not value:
        return None
    return f"${float(value):,.{decimals}f}"


def parse_upwork_labeled_row(record: Mapping[str, str], feed_name: str) -> EntryRecord:
    """An entry from one row of the Upwork search-API export, with an Upwork-style footer."""
    uid = (record.get("uid") or "").strip()
    if not uid.isdigit():
        raise ValueError(f"uid {uid!r} is not an Upwork job uid")
    top = (record.get("occupations_category_pref_label") or "").strip()
    sub = (record.get("occupations_oservice_pref_label") or "").strip()
    category = " / ".join(p for p in (top, sub) if p) or None
    posted = parse_time(record.get("published_on") or record.get("created_on"))
    lines: list[str] = []
    kind = record.get("type")
    if kind == "hourly" and (rate := _money(record.get("hourly_rate"), 2)):
        lines.append(f"Hourly Range: {rate}")  # one number: the export has no min/max
    elif kind == "fixed_budget" and (budget := _money(record.get("amount_amount"), 0)):
        lines.append(f"Budget: {budget}")
    if posted:
        lines.append(f"Posted On: {posted:%B %d, %Y %H:%M} UTC")
    if category:
        lines.append(f"Category: {sub or top}")
    if country := (record.get("client_location_country") or "").strip():
        lines.append(f"Country: {country}")
    return EntryRecord(
        feed_name=feed_name,
        source=UPWORK_LABELED_SOURCE,
        guid=uid,
        link=None,
        title=(record.get("title") or "").strip() or None,
        description="\n".join(lines) or None,
        published_at=posted,
        platform_category=category,
    )


def read_csv(
    path: Path,
    feed_name: str,
    source: str,
    mapping: Mapping[str, str] | None,
    upwork: bool,
    meter: ByteMeter | None = None,
    encoding: str | None = None,
) -> Iterator[Row]:
    """Rows of a CSV file (line = the physical line a record starts on)."""
    with open_text(path, meter, encoding) as text:
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            return
        if upwork and not {"uid", "title", "published_on"} <= set(header):
            raise ImportFormatError(
                f"{path}: not a upwork-labeled-csv file (no uid/title/published_on columns)"
            )
        if not upwork:
            check_mapped_columns(path, mapping, header)
        start = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Row(start, None, f"malformed CSV: {exc}")
                start = reader.line_num + 1
                continue
            line, start = start, reader.line_num + 1
            if len(values) != len(header):
                yield Row(
                    line, None, f"{len(values)} fields, header has {len(header)}", ",".join(values)
                )
                continue
            record = dict(zip(header, values, strict=True))
            try:
                if upwork:
                    entry = parse_upwork_labeled_row(record, feed_name)
                else:
                    entry = parse_mapped_row(
                        record, mapping or parse_mapping(()), feed_name, source
                    )
            except ValueError as exc:
                yield Row(line, None, str(exc), ",".join(values))
                continue
            yield _checked(line, entry, values)


def read_parquet(
    path: Path, feed_name: str, source: str, mapping: Mapping[str, str] | None
) -> Iterator[Row]:
    """Rows of a Parquet file in batches (line = 1-based row number)."""
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError for non-Parquet files
        raise ImportFormatError(f"{path}: not a parquet file ({exc})") from None
    check_mapped_columns(path, mapping, pf.schema_arrow.names)
    line = 0
    for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS):
        for record in batch.to_pylist():
            line += 1
            try:
                entry = parse_mapped_row(record, mapping or parse_mapping(()), feed_name, source)
            except ValueError as exc:
                yield Row(line, None, str(exc), str(record))
                continue
            yield _checked(line, entry, record)


def _checked(line: int, entry: EntryRecord, payload: Any) -> Row:
    if not entry.guid and not entry.link:
        return Row(line, None, "no guid or link, so it cannot be deduplicated", str(payload))
    return Row(line, entry)
