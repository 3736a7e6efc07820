"""AI-skill tags against a hand-labelled set of real postings: precision and recall per skill.

The labels file (analytics/evaluation/labels/ai_skills_labelled.csv, rule in LABELLING.md
beside it) holds `set,id,skills` rows only; the texts stay in ../shared/data and are read here
by id: `upwork-rss-ai-2023` by the job cipher in `link`, `upwork-rss-powerbi-2024` by the
cipher in the item link (JSON snapshots, first copy of each). Each text is what enrichment
sees: title, newline, plain description with the Upwork footer as `Label: value` lines.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analytics.tagging.skills import parse_skills, read_skill_taxonomy

LABELS_FILE = Path(__file__).parent / "labels" / "ai_skills_labelled.csv"
DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
MIN_POSITIVES = 10  # a skill with fewer labelled positives gets no precision/recall target
AI_2023 = "upwork-rss-ai-2023"
POWERBI_2024 = "upwork-rss-powerbi-2024"
# "<br />" and "<b>Skills</b>:" -> newline and "Skills:"; any other tag is dropped
_BREAK = re.compile(r"<br\s*/?>|</p>|</li>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
# ".../jobs/Title_%7E01ec8934d454ff0ef3?source=rss" -> "%7E01ec8934d454ff0ef3"
_CIPHER = re.compile(r"(%7E[0-9a-f]+)", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")


def parse_html_lines(fragment: str) -> str:
    """Plain text with one line per <br />: "Hi<br /><b>Budget</b>: $5" -> "Hi\\nBudget: $5"."""
    text = _TAG.sub("", _BREAK.sub("\n", fragment or ""))
    lines = (_SPACES.sub(" ", html.unescape(line)).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _strip_title(title: str) -> str:
    return title.removesuffix(" - Upwork").strip()


def read_ai_2023(data: Path) -> Iterator[tuple[str, str]]:
    """(id, text) of the AI/ML 2023 dump, with its category and skills fields as footer lines."""
    for item in json.loads((data / AI_2023 / "upwork_rss_ai_ml_2023.json").read_text("utf-8")):
        footer = [f"Category: {item['category']}"] if item.get("category") else []
        if item.get("skills"):
            footer.append("Skills: " + ", ".join(item["skills"]))
        body = "\n".join([parse_html_lines(item.get("content") or ""), *footer])
        yield item["link"], f"{_strip_title(item['title'])}\n{body}"


def read_powerbi_2024(data: Path) -> Iterator[tuple[str, str]]:
    """(id, text) of the 2024 snapshots, each posting once (first snapshot that has it)."""
    seen: set[str] = set()
    for path in sorted((data / POWERBI_2024 / "json_snapshots").glob("*.json")):
        items = json.loads(path.read_text("utf-8"))["rss"]["channel"].get("item") or []
        for item in items if isinstance(items, list) else [items]:
            match = _CIPHER.search(item.get("link") or "")
            if not match or match.group(1) in seen:
                continue
            seen.add(match.group(1))
            body = parse_html_lines(item.get("description") or "")
            yield match.group(1), f"{_strip_title(item.get('title') or '')}\n{body}"


READERS = {AI_2023: read_ai_2023, POWERBI_2024: read_powerbi_2024}


def read_texts(data: Path, sets: set[str]) -> dict[tuple[str, str], str]:
    """Texts by (set, id) for the named sets; ValueError for a set we cannot read."""
    unknown = sets - set(READERS)
    if unknown:
        raise ValueError(f"unknown labelled set(s): {', '.join(sorted(unknown))}")
    return {(name, pid): text for name in sorted(sets) for pid, text in READERS[name](data)}


def read_labels(path: Path) -> list[tuple[str, str, set[str]]]:
    """(set, id, skills) rows; ValueError naming the line when a row is malformed."""
    rows = []
    slugs = set(read_skill_taxonomy().slugs)
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                skills = {s for s in (row["skills"] or "").split(";") if s}
                name, pid = row["set"], row["id"]
            except (KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{line}: needs columns set,id,skills") from exc
            if skills - slugs:
                raise ValueError(f"{path}:{line}: unknown skill(s) {sorted(skills - slugs)}")
            rows.append((name, pid, skills))
    return rows


def evaluate_skills(labels: Path, data: Path = DEFAULT_DATA) -> dict[str, Any]:
    """Per-skill tp/fp/fn, precision, recall and whether the targets are met (>= 10 positives)."""
    rows = read_labels(labels)
    texts = read_texts(data, {name for name, _, _ in rows})
    taxonomy = read_skill_taxonomy()
    per = {slug: {"tp": 0, "fp": 0, "fn": 0} for slug in taxonomy.slugs}
    errors = []
    for name, pid, truth in rows:
        if (name, pid) not in texts:
            raise ValueError(f"{labels}: posting {name}/{pid} not found under {data}")
        found = {tag.skill for tag in parse_skills(texts[(name, pid)], taxonomy)}
        for slug in taxonomy.slugs:
            hit, real = slug in found, slug in truth
            key = "tp" if hit and real else "fp" if hit else "fn" if real else None
            if key:
                per[slug][key] += 1
        if found != truth:
            errors.append({"id": f"{name}/{pid}", "missed": sorted(truth - found),
                           "extra": sorted(found - truth)})  # fmt: skip
    out: dict[str, Any] = {"n": len(rows), "per_skill": {}, "errors": errors}
    for slug, c in per.items():
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        positives = tp + fn
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / positives if positives else None
        target = positives >= MIN_POSITIVES
        out["per_skill"][slug] = {
            "positives": positives, "tagged": tp + fp, "tp": tp,
            "precision": None if precision is None else round(precision, 3),
            "recall": None if recall is None else round(recall, 3),
            "meets_target": (precision or 0) >= 0.85 and (recall or 0) >= 0.70 if target else None,
        }  # fmt: skip
    tp = sum(c["tp"] for c in per.values())
    fp = sum(c["fp"] for c in per.values())
    fn = sum(c["fn"] for c in per.values())
    out["micro_precision"] = round(tp / (tp + fp), 3) if tp + fp else None
    out["micro_recall"] = round(tp / (tp + fn), 3) if tp + fn else None
    return out


def render_skill_report(result: dict[str, Any]) -> str:
    """Plain-text table of precision and recall per skill."""
    lines = [f"n = {result['n']} hand-labelled postings (title + description)", ""]
    lines.append(f"{'skill':28} {'pos':>4} {'tagged':>6} {'prec':>6} {'rec':>6}  target")
    for slug, m in result["per_skill"].items():
        p = "-" if m["precision"] is None else f"{m['precision']:.3f}"
        r = "-" if m["recall"] is None else f"{m['recall']:.3f}"
        t = {True: "met", False: "MISSED", None: f"< {MIN_POSITIVES} positives"}[m["meets_target"]]
        lines.append(f"{slug:28} {m['positives']:4d} {m['tagged']:6d} {p:>6} {r:>6}  {t}")
    lines.append("")
    lines.append(f"micro precision {result['micro_precision']}, recall {result['micro_recall']}")
    return "\n".join(lines)
