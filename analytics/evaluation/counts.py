"""`jobtrends eval categories`: per-posting scores plus how right the category counts are.

Without `fit`, the shipped title model and confusion matrix score the files (a file they were
fitted on is flagged in-sample). With `fit`, both are fitted on those files (the matrix out of
fold) and the scored files are ones they never saw: the honest number.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from analytics.evaluation.categories import CategoryReport, evaluate_categories
from analytics.evaluation.confusion import compute_confusion, compute_out_of_fold
from analytics.evaluation.shares import (
    PLANT_SEEDS,
    compute_planted_drops,
    compute_share_errors,
)
from analytics.tagging.categories import OTHER, read_taxonomy
from analytics.tagging.title_model import CONFUSION_FILE, TitleModel, read_title_model
from analytics.trends.adjusted import ConfusionMatrix
from warehouse.confusion import read_confusion_file


def read_shipped_matrix(path: Path = CONFUSION_FILE) -> tuple[ConfusionMatrix, str]:
    """The shipped confusion matrix and the source it was built from."""
    stored = read_confusion_file(path)
    matrix = ConfusionMatrix(stored.labels, np.asarray(stored.counts), stored.tagger_version)
    return matrix, stored.source


def compute_fitted(fit: Sequence[Path]) -> tuple[TitleModel, ConfusionMatrix]:
    """A title model trained on `fit` and its out-of-fold confusion matrix there."""
    from analytics.evaluation.train_title_model import compute_title_model, read_training_titles

    titles, truths = read_training_titles(list(fit))
    labels = read_taxonomy().categories + (OTHER,)
    model = compute_title_model(titles, truths, labels)
    matrix = compute_confusion(truths, compute_out_of_fold(titles, truths))
    return model, matrix


def evaluate_counts(paths: Sequence[Path], fit: Sequence[Path] = ()) -> CategoryReport:
    """The category report with share errors, planted drops and the matrix used."""
    if fit:
        model, matrix = compute_fitted(fit)
        source = ", ".join(p.name for p in fit) + " (fitted here, matrix out of fold)"
    else:
        model = read_title_model()
        matrix, source = read_shipped_matrix()
    report, frame = evaluate_categories(list(paths), model=model)
    names = read_taxonomy().categories
    truths, predictions = list(frame["truth"]), list(frame["predicted"])
    counts: dict[str, Any] = compute_share_errors(truths, predictions, matrix, names)
    drops = compute_planted_drops(truths, predictions, matrix, names)
    counts["planted_drop"] = drops
    published = [d for d in drops.values() if "adjusted_pct" in d]
    errors = [abs(d["adjusted_pct"] - d["true_pct"]) for d in published]
    counts["planted_drop_max_error_pp"] = round(max(errors), 2) if errors else None
    counts["planted_drop_within_3pp"] = sum(e <= 3.0 for e in errors)
    counts["planted_drop_refused"] = len(drops) - len(published)
    counts["planted_drop_covered"] = sum(d["covered"] for d in published)
    counts["planted_drop_draws"] = PLANT_SEEDS
    counts["matrix"] = {
        "source": source,
        "tagger_version": matrix.tagger_version,
        "condition": round(matrix.condition, 2),
        "labels": list(matrix.labels),
        "counts": matrix.counts.tolist(),
    }
    overlap = [p.name for p in paths if not fit and p.name in source]
    counts["in_sample"] = overlap
    return CategoryReport(report.n, report.macro_f1, report.per_category, report.confusion, counts)


def render_counts(report: CategoryReport) -> str:
    """Plain-text share errors and planted drops (appended to the category table)."""
    c = report.counts or {}
    if not c:
        return ""
    lines = ["", f"confusion matrix: {c['matrix']['source']}, cond {c['matrix']['condition']}"]
    if c["in_sample"]:
        lines.append(
            "WARNING: scored on " + ", ".join(c["in_sample"]) + ", which the shipped model and"
            " matrix were fitted on: in-sample numbers; use --fit with another file"
        )
    lines += ["", f"{'category':32} {'true pp':>8} {'tagged':>8} {'adjusted':>8}"]
    for name, row in c["shares"].items():
        lines.append(
            f"{name:32} {row['true_pp']:8.2f} {row['tagged_pp']:8.2f} {row['adjusted_pp']:8.2f}"
        )
    lines.append(
        f"share MAE (pp): classify-and-count {c['share_mae_pp']:.3f}, "
        f"adjusted {c['share_mae_pp_adjusted']:.3f}"
    )
    lines += [
        "",
        f"planted -30% drop per category (mean and sd of {PLANT_SEEDS} draws; 95% intervals of"
        " one draw: matrix, scored postings and removed postings redrawn, and the matrix alone):",
    ]
    lines.append(
        f"{'category':32} {'true %':>7} {'plain %':>8} {'adjusted %':>11} {'sd':>5}  interval"
        "        matrix only"
    )
    for name, d in c["planted_drop"].items():
        head = f"{name:32} {d['true_pct']:7.1f} {d['plain_pct']:8.1f}"
        if "refused" in d:
            lines.append(f"{head}  refused: {d['refused']}")
            continue
        low, high = d["interval_pct"]
        m_low, m_high = d["matrix_interval_pct"]
        mark = "" if d["covered"] else "  (misses the truth)"
        lines.append(
            f"{head} {d['adjusted_pct']:11.1f} {d['adjusted_sd_pct']:5.1f}"
            f"  [{low:.1f}, {high:.1f}]  [{m_low:.1f}, {m_high:.1f}]{mark}"
        )
    published = len(c["planted_drop"]) - c["planted_drop_refused"]
    lines.append(
        f"within +/-3 pp: {c['planted_drop_within_3pp']} of {published} published "
        f"({c['planted_drop_refused']} refused); largest error {c['planted_drop_max_error_pp']} pp;"
        f" intervals covering the truth: {c['planted_drop_covered']} of {published}"
    )
    return "\n".join(lines)
