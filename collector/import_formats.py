"""Reading archive files row by row: RSS/Atom XML, JSON/JSONL feed items, CSV, Parquet.

Every reader yields `Row`s: an EntryRecord, or a reject reason, with the line (or row number)
it came from. Readers are generators, so memory stays bounded by one chunk of rows; RSS and
JSON documents are the exception (feedparser and json read a whole document; they are small).
"""

from __future__ import annotations

import codecs
import csv
import email.utils
import gzip
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

import feedparser

from collector.upwork_footer import parse_category, parse_plain_text, parse_posted_on, parse_title
from warehouse.postings import EntryRecord

FORMATS = ("rss", "json", "jsonl", "csv", "parquet", "upwork-labeled-csv")
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
SNIFF_BYTES = 4096  # enough of a file's start to tell XML, JSON, CSV and Parquet apart
CSV_FIELD_LIMIT = 16 * 1024 * 1024  # one description may be long; a runaway quote is not

# The generic CSV/Parquet mapping: our field <- the file's column of the same name by default.
MAPPABLE_FIELDS = ("guid", "link", "title", "description", "published_at", "platform_category")
UPWORK_LABELED_COLUMNS = frozenset(
    {"uid", "title", "published_on", "occupations_oservice_pref_label"}
)
csv.field_size_limit(CSV_FIELD_LIMIT)


DEFAULT_ENCODING = "utf-8-sig"  # UTF-8, with or without a byte-order mark
LATIN_HINT = "cp1252"  # Windows Latin-1: what a non-UTF-8 CSV from a spreadsheet usually is


class ImportFormatError(ValueError):
    """The file is not what --format says (or not any format we read); one line, names it.
    `partial` holds what was stored before the problem, when something was."""

    partial: Any = None


def render_decode_error(path: Path, exc: UnicodeDecodeError, rows: int) -> str:
    """'x.csv: not utf-8 text after row 12 (byte 0xe9): ...' (never replaced silently)."""
    bad = exc.object[exc.start : exc.start + 1].hex() if exc.object else "?"
    encoding = "utf-8" if exc.encoding.replace("_", "-").startswith("utf-8") else exc.encoding
    hint = (
        f"pass --encoding with the file's encoding, e.g. --encoding {LATIN_HINT} (Windows Latin-1)"
        if encoding == "utf-8"
        else "pass the file's --encoding"
    )
    return f"{path}: not {encoding} text after row {rows} (byte 0x{bad}): {hint}"


def open_text(path: Path, meter: ByteMeter | None = None, encoding: str | None = None) -> IO[str]:
    """The file as text in `encoding` (default UTF-8); an undecodable byte raises, never
    becomes U+FFFD."""
    try:
        codec = codecs.lookup(encoding or DEFAULT_ENCODING).name
    except LookupError:
        raise ImportFormatError(f"{path}: unknown --encoding {encoding!r}") from None
    return io.TextIOWrapper(open_binary(path, meter), encoding=codec, errors="strict", newline="")


@dataclass(frozen=True)
class Row:
    """One input row: an entry, or why it was rejected. `line` is 1-based (row number for
    Parquet and JSON documents, where there are no lines)."""

    line: int
    entry: EntryRecord | None
    reject_reason: str | None = None
    payload: str | None = None


@dataclass
class ByteMeter:
    """How far into a file (in bytes of the file on disk, compressed or not) reading has got."""

    raw: IO[bytes] | None = None

    def position(self) -> int:
        try:
            return self.raw.tell() if self.raw is not None else 0
        except (ValueError, OSError):  # closed, or a stream that cannot tell
            return 0


def open_binary(path: Path, meter: ByteMeter | None = None) -> IO[bytes]:
    """The file's bytes, gunzipped transparently when it starts with the gzip magic."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    f: IO[bytes] = gzip.open(path, "rb") if gzipped else open(path, "rb")  # type: ignore[assignment]
    if meter is not None:
        meter.raw = getattr(f, "fileobj", None) or f  # gzip: the compressed file underneath
    return f


def sniff_format(head: bytes) -> str | None:
    """A guess from a file's first bytes: 'rss', 'json', 'jsonl', 'parquet', 'csv' or None."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return "rss"
    if text.startswith("{") or text.startswith("["):
        first = text.split("\n", 1)[0].strip()
        try:
            json.loads(first)
            return "jsonl"
        except ValueError:
            return "json"
    first_line = text.split("\n", 1)[0]
    if "," in first_line or "\t" in first_line:
        if UPWORK_LABELED_COLUMNS <= set(next(csv.reader([first_line]))):
            return "upwork-labeled-csv"
        return "csv"
    return None


def check_format(path: Path, fmt: str) -> None:
    """Raise ImportFormatError when the file's content is plainly not `fmt`."""
    with open_binary(path) as f:
        head = f.read(SNIFF_BYTES)
    found = sniff_format(head)
    compatible = {
        "rss": {"rss"},
        "json": {"json", "jsonl"},  # a one-line JSON document sniffs as jsonl
        "jsonl": {"jsonl"},
        "csv": {"csv", "upwork-labeled-csv"},
        "parquet": {"parquet"},
        "upwork-labeled-csv": {"upwork-labeled-csv"},
    }
    if found not in compatible[fmt]:
        raise ImportFormatError(
            f"{path}: not a {fmt} file (its content looks like {found or 'no format we read'})"
        )


EPOCH_MS_THRESHOLD = 10**11  # larger epoch numbers are milliseconds (1690239229000 is 2023-07)


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 or RFC-822 time, or epoch seconds/milliseconds, as aware UTC; None if empty.

    "2023-01-01T17:33:29Z" -> 2023-01-01 17:33:29+00:00; "Mon, 13 May 2024 12:22:38 +0000",
    "1655474410" and 1690239229000 too. Raises ValueError for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    if text.isdigit():
        number = int(text)
        seconds = number / 1000 if number > EPOCH_MS_THRESHOLD else number
        return datetime.fromtimestamp(seconds, UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)  # RFC 822, as in RSS pubDate
        except (TypeError, ValueError):
            raise ValueError(f"unreadable date {text!r}") from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _footer_from_fields(item: Mapping[str, Any], text: str | None) -> str | None:
    """Footer lines from separate pay/category fields (parsed dumps like upwork-rss-ai-2023:
    {"hourly": "$30.00-$50.00", "budget": "", "category": "Machine Learning"}) when the text
    does not already carry them."""
    lines = [text] if text else []
    have = text or ""
    for key, label in (("hourly", "Hourly Range"), ("budget", "Budget"), ("category", "Category")):
        value = item.get(key)
        if isinstance(value, str) and value.strip() and f"{label}:" not in have:
            lines.append(f"{label}: {value.strip()}")
    return "\n".join(lines) or None


def parse_feed_item(item: Mapping[str, Any], feed_name: str, source: str) -> EntryRecord:
    """An entry from one feed item (feedparser entry, xmltodict item or a JSONL object)."""
    html = (
        item.get("description")
        or item.get("description_html")
        or item.get("summary")
        or item.get("content:encoded")
        or item.get("content")
    )
    if isinstance(html, dict):  # xmltodict: {"#text": ...}
        html = html.get("#text")
    guid = item.get("guid") or item.get("id")
    if isinstance(guid, dict):
        guid = guid.get("#text")
    text = _footer_from_fields(item, parse_plain_text(html if isinstance(html, str) else None))
    posted = parse_posted_on(text) or parse_time(
        item.get("pubDate") or item.get("published") or item.get("updated") or item.get("postOn")
    )
    link = item.get("link")
    if not (isinstance(link, str) and link.startswith("http")):
        link = item.get("jobURL") or item.get("url") or link
    return EntryRecord(
        feed_name=feed_name,
        source=source,
        guid=guid,
        link=link,
        title=parse_title(item.get("title")),
        description=text,
        summary_html=html,
        content_html=item.get("content:encoded")
        if isinstance(item.get("content:encoded"), str)
        else None,
        published_at=posted,
        platform_category=parse_category(text),
    )


def read_rss(
    path: Path, feed_name: str, source: str, meter: ByteMeter | None = None
) -> Iterator[Row]:
    """Entries of an RSS/Atom document (whole-document parse; feeds are small)."""
    with open_binary(path, meter) as f:
        # an in-memory stream: given bytes, feedparser may open a file the bytes name
        parsed = feedparser.parse(io.BytesIO(f.read()))
    if parsed.bozo and not parsed.entries:
        raise ImportFormatError(f"{path}: not a readable rss file ({parsed.bozo_exception})")
    for i, e in enumerate(parsed.entries, start=1):
        yield _row(i, partial(_parse_feedparser_entry, e, feed_name, source), e)


def _parse_feedparser_entry(e: Any, feed_name: str, source: str) -> EntryRecord:
    return parse_feed_item(_feedparser_item(e), feed_name, source)


def _feedparser_item(e: Any) -> dict[str, Any]:
    content = e.get("content") or []
    return {
        "title": e.get("title"),
        "link": e.get("link"),
        "guid": e.get("id"),
        "description": e.get("summary"),
        "content:encoded": content[0].get("value") if content else None,
        "published": e.get("published") or e.get("updated"),
    }


def read_json(
    path: Path, feed_name: str, source: str, meter: ByteMeter | None = None
) -> Iterator[Row]:
    """Items of a JSON document: xmltodict {"rss": {"channel": {"item": [...]}}} or a list."""
    with open_binary(path, meter) as f:
        try:
            doc = json.load(f)
        except ValueError as exc:
            raise ImportFormatError(f"{path}: not a json file ({exc})") from None
    items: Any = doc
    if isinstance(doc, dict):
        items = doc.get("rss", doc).get("channel", {}).get("item", doc.get("items", []))
    if isinstance(items, dict):  # xmltodict turns a single item into an object
        items = [items]
    for i, item in enumerate(items, start=1):
        yield _row(i, partial(parse_feed_item, item, feed_name, source), item)


def read_jsonl(
    path: Path,
    feed_name: str,
    source: str,
    meter: ByteMeter | None = None,
    encoding: str | None = None,
) -> Iterator[Row]:
    """One feed item per line."""
    with open_text(path, meter, encoding) as text:
        for i, raw in enumerate(text, start=1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except ValueError as exc:
                yield Row(i, None, f"invalid JSON: {exc.args[0]}", raw)
                continue
            if not isinstance(item, dict):
                yield Row(i, None, "line is not a JSON object", raw)
                continue
            yield _row(i, partial(parse_feed_item, item, feed_name, source), item)


def _row(line: int, build: Callable[[], EntryRecord], payload: Any) -> Row:
    try:
        entry = build()
    except (ValueError, TypeError, AttributeError) as exc:
        return Row(line, None, f"unreadable item: {exc}", str(payload))
    if not entry.guid and not entry.link:
        return Row(line, None, "no guid or link, so it cannot be deduplicated", str(payload))
    return Row(line, entry)
