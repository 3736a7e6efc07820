"""Accuracy of `parse_pay` on real Upwork files, against their own pay fields.

The truth comes from the file's fields, read by a different method than the extractor: the
footer is split into `<b>Name</b>: value` segments at `<br />`, and the value is split at "-"
(RSS XML, JSON snapshots, JSONL); parsed sets use their author's `hourly`/`budget` columns.
The extractor sees what the warehouse stores: the title plus the description as plain text.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pandas as pd

from analytics.tagging.pay import parse_pay

Truth = tuple[str, float | None, float | None]  # (pay_kind, low, high)

# "<br />" / "<br/>" / "<br>" separate Upwork footer fields
BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# "<b>Hourly Range</b>: $25.00-$60.00" -> ("Hourly Range", "$25.00-$60.00")
FIELD = re.compile(r"^\s*<b>\s*(?P<name>[^<]+?)\s*</b>\s*:\s*(?P<value>.*?)\s*$", re.DOTALL)
TAG = re.compile(r"<[^>]+>")  # "<b>Budget</b>" -> "Budget"


def html_to_text(fragment: str) -> str:
    """Plain text as the warehouse stores a description: tags dropped, entities unescaped."""
    return html.unescape(TAG.sub(" ", BR.sub("\n", fragment)))


def _amounts(value: str) -> tuple[float | None, float | None]:
    # "$1,500" -> (1500.0, 1500.0); "$25.00-$60.00" -> (25.0, 60.0); "" -> (None, None)
    parts = [p.strip().lstrip("$").replace(",", "") for p in value.split("-") if p.strip()]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None, None
    if not numbers:
        return None, None
    return numbers[0], numbers[-1]


def read_footer_truth(description_html: str) -> Truth:
    """The pay the footer fields state, read segment by segment."""
    fields = {}
    for segment in BR.split(description_html):
        if m := FIELD.match(segment):
            fields[m["name"].strip().lower()] = m["value"]
    if "hourly range" in fields:
        return ("hourly", *_amounts(fields["hourly range"]))
    if "budget" in fields:
        return ("budget", *_amounts(fields["budget"]))
    return ("none", None, None)


@dataclass(frozen=True)
class Case:
    """One posting: where it came from, the text the extractor sees and the truth."""

    origin: str
    text: str
    truth: Truth


CASE_SUFFIXES = (".xml", ".rss", ".atom", ".jsonl", ".json", ".csv", ".csv.gz")


def expand_paths(paths: list[Path]) -> tuple[list[Path], frozenset[Path]]:
    """Files as given; a directory becomes the evaluation files under it, sorted
    (``upwork-rss-powerbi-2024/`` -> its JSON snapshots and raw XML feeds). Also returns the
    files found in directories: those may be skipped when they are not evaluation files."""
    out: list[Path] = []
    found_in_dirs: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(CASE_SUFFIXES)
            )
            if not found:
                raise ValueError(f"{path}: no {', '.join(CASE_SUFFIXES)} files under it")
            out.extend(found)
            found_in_dirs.update(found)
        else:
            out.append(path)
    return out, frozenset(found_in_dirs)


def read_cases(path: Path) -> Iterator[Case]:
    """Cases from an RSS/Atom XML, a powerbi JSON snapshot, the EDN-derived JSONL, the AI-2023
    JSON array, the 2022-06 jobs.csv or the 2025 rate-strings CSV (chosen by content)."""
    name = path.name.lower()
    raw = gzip.open(path, "rb").read() if name.endswith(".gz") else path.read_bytes()
    if name.endswith((".xml", ".rss", ".atom")):
        for i, entry in enumerate(feedparser.parse(io.BytesIO(raw)).entries):
            desc = entry.get("summary", "")
            text = f"{entry.get('title', '')}\n{html_to_text(desc)}"
            yield Case(f"{path.name}#{i}", text, read_footer_truth(desc))
    elif name.endswith(".jsonl"):
        for i, line in enumerate(raw.decode("utf-8").splitlines()):
            item = json.loads(line)
            desc = item.get("description_html", "")
            text = f"{item.get('title', '')}\n{html_to_text(desc)}"
            yield Case(f"{path.name}:{i + 1}", text, read_footer_truth(desc))
    elif name.endswith(".json"):
        yield from _json_cases(path.name, json.loads(raw))
    elif name.endswith((".csv", ".csv.gz")):
        yield from _csv_cases(path)
    else:
        raise ValueError(f"{path}: not a known rate-evaluation file type")


def _json_cases(origin: str, data: Any) -> Iterator[Case]:
    if isinstance(data, dict):  # xmltodict-style RSS snapshot
        items = data["rss"]["channel"].get("item", [])
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            desc = item.get("description") or ""
            text = f"{item.get('title', '')}\n{html_to_text(desc)}"
            yield Case(f"{origin}#{i}", text, read_footer_truth(desc))
        return
    for i, item in enumerate(data):  # upwork-rss-ai-2023: footer cut off, raw strings kept
        hourly, budget = item.get("hourly", ""), item.get("budget", "")
        footer = f"Hourly Range: {hourly}" if hourly else f"Budget: {budget}" if budget else ""
        truth: Truth = (
            ("hourly", *_amounts(hourly))
            if hourly
            else ("budget", *_amounts(budget))
            if budget
            else ("none", None, None)
        )
        text = f"{item.get('title', '')}\n{html_to_text(item.get('content', ''))}\n{footer}"
        yield Case(f"{origin}#{i}", text, truth)


def _csv_cases(path: Path) -> Iterator[Case]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "Hourly/Fixed" in frame.columns:  # upwork-search-2025-rate-strings
        seen = set()
        for i, row in frame.iterrows():
            key = (row["Job Title"], row["Hourly/Fixed"], row["Budget"])
            if key in seen:
                continue
            seen.add(key)
            kind_text, budget = row["Hourly/Fixed"], row["Budget"]
            if kind_text.lower().startswith("hourly:"):
                truth: Truth = ("hourly", *_amounts(kind_text.split(":", 1)[1]))
            elif budget.lower().startswith("est. budget"):
                truth = ("budget", *_amounts(budget.split(":", 1)[1]))
            else:
                truth = ("none", None, None)
            text = f"{row['Job Title']}\n{kind_text}\n{budget}"
            yield Case(f"{path.name}:{int(str(i)) + 2}", text, truth)
    elif "budget" in frame.columns:  # upwork-rss-2022-06-parsed: "$10.00-$20.00" | "$750" | N/A
        for i, row in frame.iterrows():
            value = row["budget"]
            if "-" in value:
                truth, footer = ("hourly", *_amounts(value)), f"Hourly Range: {value}"
            elif value.startswith("$"):
                truth, footer = ("budget", *_amounts(value)), f"Budget: {value}"
            else:
                truth, footer = ("none", None, None), ""
            text = f"{row['title']}\n{row['description']}\n{footer}"
            yield Case(f"{path.name}:{int(str(i)) + 2}", text, truth)
    else:
        raise ValueError(f"{path}: CSV has neither 'Hourly/Fixed' nor 'budget' columns")


def read_file_cases(path: Path) -> list[Case]:
    """All cases of one file; a file of the wrong shape is a ValueError naming it."""
    try:
        return list(read_cases(path))
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(
            f"{path}: not a rate-evaluation file ({type(exc).__name__}: {exc})"
        ) from exc


def evaluate_rates(
    paths: list[Path], max_failures: int = 50, skippable: frozenset[Path] = frozenset()
) -> dict[str, Any]:
    """Exact-match rate of (pay_kind, low, high) against the footer fields in `paths`.

    Postings whose footer states no pay but whose text states a rate are not footer cases:
    they are returned in `free_text_reports` for a person to judge, not scored.
    """
    n = exact = 0
    failures: list[dict[str, Any]] = []
    free_text: list[dict[str, Any]] = []
    by_kind: dict[str, list[int]] = {}
    skipped: list[dict[str, str]] = []
    for path in paths:
        try:
            cases = read_file_cases(path)
        except ValueError as exc:
            if path not in skippable:
                raise
            skipped.append({"path": str(path), "reason": str(exc)})
            continue
        for case in cases:
            pay = parse_pay(case.text)
            got: Truth = (pay.pay_kind, pay.amount_low, pay.amount_high)
            if case.truth[0] == "none" and pay.rule.startswith("free_text"):
                # no footer pay, but the client wrote a rate: not a footer case; listed for
                # review (the footer cannot say whether it is right)
                free_text.append({"origin": case.origin, "got": got, "raw_text": pay.raw_text})
                continue
            ok = got == case.truth
            n += 1
            exact += ok
            counts = by_kind.setdefault(case.truth[0], [0, 0])
            counts[0] += 1
            counts[1] += ok
            if not ok and len(failures) < max_failures:
                failures.append(
                    {"origin": case.origin, "expected": case.truth, "got": got,
                     "rule": pay.rule, "raw_text": pay.raw_text}
                )  # fmt: skip
    return {
        "n": n,
        "exact": exact,
        "exact_rate": round(exact / n, 5) if n else 0.0,
        "by_kind": {k: {"n": v[0], "exact": v[1]} for k, v in sorted(by_kind.items())},
        "failures": failures,
        "free_text_reports": free_text,
        "skipped": skipped,
    }
