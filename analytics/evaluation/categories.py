"""Accuracy of the categorizer and the pay extractor against real labelled postings.

Category metrics: every labelled posting counts. Upwork labels are mapped to ours through the
same table the enrichment uses (`map_platform_label`), the classifier sees the title only,
and macro F1 is the unweighted mean of F1 over the twelve named categories. "Other" gets a row
and a confusion column but is not averaged: it is the rest of the market, not a category whose
trend we report; its false positives still count against every named category's precision.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.tagging.categories import (
    OTHER,
    Taxonomy,
    apply_title_model,
    classify_text,
    map_platform_label,
    read_taxonomy,
)
from analytics.tagging.title_model import TitleModel, read_title_model

LABEL_COLUMNS = ("title", "occupations_category_pref_label", "occupations_oservice_pref_label")


def read_labelled(path: Path) -> pd.DataFrame:
    """The labelled CSV (gzip allowed) with one row per unique posting (by `uid` if present)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a labelled CSV ({exc})") from exc
    missing = [c for c in LABEL_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    if "uid" in frame.columns:
        frame = frame.drop_duplicates("uid")
    return frame


@dataclass(frozen=True)
class CategoryReport:
    """Per-category precision/recall/F1 (0..1), the confusion counts and macro F1."""

    n: int
    macro_f1: float
    per_category: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]  # truth -> predicted -> count
    # share errors and planted drops (analytics/evaluation/shares.py), when a matrix was given
    counts: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON object `jobtrends eval categories --json` prints."""
        out = {
            "n": self.n,
            "macro_f1": round(self.macro_f1, 4),
            "per_category": self.per_category,
            "confusion": self.confusion,
            "averaged_over": [c for c in self.per_category if c != OTHER],
        }
        return out | (self.counts or {})


def compute_category_report(
    truths: list[str], predictions: list[str], names: tuple[str, ...]
) -> CategoryReport:
    """Precision, recall, F1 per category and macro F1 over `names` (Other not averaged)."""
    pairs = Counter(zip(truths, predictions, strict=True))
    labels = list(names) + [OTHER]
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = pairs[(label, label)]
        predicted = sum(v for (_, p), v in pairs.items() if p == label)
        actual = sum(v for (t, _), v in pairs.items() if t == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": actual,
            "predicted": predicted,
        }
    macro = sum(per[n]["f1"] for n in names) / len(names)
    confusion = {t: {p: pairs[(t, p)] for p in labels} for t in labels}
    return CategoryReport(len(truths), macro, per, confusion)


def evaluate_categories(
    paths: list[Path], taxonomy: Taxonomy | None = None, model: TitleModel | None = None
) -> tuple[CategoryReport, pd.DataFrame]:
    """Classify each labelled title (labels hidden) as enrichment does, rules then the title
    model, and score it; also return the rows (columns truth, predicted, method)."""
    taxonomy = taxonomy or read_taxonomy()
    model = model or read_title_model()
    frame = pd.concat([read_labelled(p) for p in paths], ignore_index=True)
    if "uid" in frame.columns:
        frame = frame.drop_duplicates("uid")
    truths = [
        map_platform_label(sub, top) or OTHER
        for sub, top in zip(
            frame["occupations_oservice_pref_label"],
            frame["occupations_category_pref_label"],
            strict=True,
        )
    ]
    titles = list(frame["title"])
    tags = apply_title_model([classify_text(t, None, taxonomy) for t in titles], titles, model)
    predictions = [tag.category for tag in tags]
    frame = frame.assign(truth=truths, predicted=predictions, method=[t.method for t in tags])
    return compute_category_report(truths, predictions, taxonomy.categories), frame


def render_category_report(report: CategoryReport) -> str:
    """Plain-text table: per-category P/R/F1, macro F1 and the confusion matrix."""
    lines = [f"n = {report.n} labelled titles (title only, labels hidden)", ""]
    lines.append(f"{'category':32} {'prec':>6} {'rec':>6} {'F1':>6} {'support':>8} {'pred':>6}")
    for name, m in report.per_category.items():
        lines.append(
            f"{name:32} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}"
            f" {int(m['support']):8d} {int(m['predicted']):6d}"
        )
    lines += ["", f"macro F1 (12 categories, Other excluded) = {report.macro_f1:.3f}", ""]
    labels = list(report.confusion)
    short = [label[:5] for label in labels]
    lines.append("confusion (rows = truth, columns = predicted)")
    lines.append(f"{'':32} " + " ".join(f"{s:>5}" for s in short))
    for truth in labels:
        row = report.confusion[truth]
        lines.append(f"{truth:32} " + " ".join(f"{row[p]:5d}" for p in labels))
    return "\n".join(lines)
