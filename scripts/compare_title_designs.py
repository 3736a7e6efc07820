"""Compare title-classifier designs fitting on one labelled file and scoring the other (issue 13,
fourth round, branch title5; nothing it measured is shipped: docs/enrichment.md).

For one DESIGN it prints, per direction (fit 1_1 -> score 1_3, fit 1_3 -> score 1_1), the 5-fold
CV macro F1 inside the fitting file (seed 0) and the macro F1 on the other file of a model fitted
on all of the fitting file, for each of the design's post-hoc variants (thresholds, mix weights):
choose a variant by the `cv` column, read its `other` column once.

    .venv/bin/python scripts/compare_title_designs.py DESIGN [DATA_DIR]

DESIGN: base (the trainer's model, rules first; also overriding the rules at p >= 0.9, 0.95),
subcategory (trained on Upwork sub-categories with >= 5 titles, probabilities summed into ours),
top_other (Other split by Upwork top level),
rule_features (the rules' decision and title votes as features; the model then fills the gap,
overrides the rules at p >= t, or decides every title), nb_mix (the model's probabilities mixed
geometrically with multinomial naive Bayes on the same features), extra_data (also trained on the
other shared sets that carry an Upwork sub-category), c3 / c30 (L2_C), char06 / char16 (the
character block's weight), halves (score each half of the other file, split by exact title,
with a model trained on the fitting file plus the other half: does more data help?).
About 3-6 CPU-minutes per design and direction.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

import analytics.tagging.title_model as title_model
from analytics.evaluation.categories import compute_category_report, read_labelled
from analytics.evaluation.train_title_model import (
    compute_design_matrix,
    compute_vocabulary,
    read_training_titles,
)
from analytics.tagging.categories import (
    OTHER,
    classify_text,
    compute_scores,
    map_platform_label,
    read_taxonomy,
)

DATA = Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/data")
LABELLED = DATA / "upwork-jobs-2023-01-labeled"
TAXONOMY = read_taxonomy()
LABELS = TAXONOMY.categories + (OTHER,)
INDEX = {label: k for k, label in enumerate(LABELS)}
# "Build a Resume Parsing software - Upwork" -> "Build a Resume Parsing software"
RSS_SUFFIX = re.compile(r"\s*-\s*Upwork\s*$")
FINE_MIN_TITLES = 5  # a sub-category with fewer training titles falls back to ours / the top level


def read_file(name: str) -> dict[str, Any]:
    """Titles, mapped truths, Upwork labels and the title-only rule tags of one labelled file."""
    path = LABELLED / f"{name}_2023_general.csv.gz"
    titles, truths = read_training_titles([path])
    frame = read_labelled(path)
    tags = [classify_text(t, None, TAXONOMY) for t in titles]
    votes = np.zeros((len(titles), len(TAXONOMY.names)))
    for i, title in enumerate(titles):
        for category, vote in compute_scores(title, "", TAXONOMY).items():
            votes[i, TAXONOMY.names.index(category)] = vote
    return {
        "titles": titles,
        "truths": truths,
        "tops": list(frame["occupations_category_pref_label"]),
        "subs": list(frame["occupations_oservice_pref_label"]),
        "rule": [t.category for t in tags],
        "open": np.array([t.method == "rules" and t.confidence is None for t in tags]),
        "votes": votes,
    }


def read_extra_titles() -> tuple[list[str], list[str]]:
    """(title, mapped sub-category) of the other shared sets that carry an Upwork sub-category."""
    pairs = [
        (x["title"], x["category"])
        for x in json.loads((DATA / "upwork-rss-ai-2023/upwork_rss_ai_ml_2023.json").read_text())
    ]
    extraction = DATA / "upwork-rss-powerbi-2024/third_party_extraction/extracted_jobs.csv.gz"
    with gzip.open(extraction, "rt") as fh:
        pairs += list({x["link"]: (x["title"], x["category"]) for x in csv.DictReader(fh)}.values())
    with (DATA / "upwork-rss-2022-06-parsed/jobs.csv").open() as fh:
        pairs += [(x["title"], x["category"]) for x in csv.DictReader(fh)]
    titles = [RSS_SUFFIX.sub("", html.unescape(t)).strip() for t, c in pairs if c]
    truths = [map_platform_label(html.unescape(c)) or OTHER for _, c in pairs if c]
    return titles, truths


def rule_features(d: dict[str, Any], rows: np.ndarray) -> sp.csr_matrix:
    """One-hot of the rules' title decision (the 13 names, or 'no match') and the votes / 3."""
    onehot = np.zeros((len(rows), len(TAXONOMY.names) + 1))
    for j, i in enumerate(rows):
        column = len(TAXONOMY.names) if d["open"][i] else TAXONOMY.names.index(d["rule"][i])
        onehot[j, column] = 1.0
    return sp.csr_matrix(np.hstack([onehot, np.minimum(d["votes"][rows] / 3, 3)]))


def softmax(z: np.ndarray) -> np.ndarray:
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(p / p.sum(axis=1, keepdims=True))


def fit_predict(design: str, train: dict[str, Any], tr: np.ndarray, test: dict[str, Any],
                te: np.ndarray) -> dict[str, np.ndarray]:  # fmt: skip
    """Probabilities over LABELS of `test` rows `te` from a model fitted on `train` rows `tr`,
    one array per model the design compares (the design's post-hoc variants use them)."""
    titles = [train["titles"][i] for i in tr]
    truths = [train["truths"][i] for i in tr]
    fine = truths
    if design == "subcategory" or design == "top_other":
        tops = [train["tops"][i] for i in tr]
        subs = [train["subs"][i] for i in tr]
        counts = Counter(subs)
        fine = [
            f"S:{s}" if design == "subcategory" and counts[s] >= FINE_MIN_TITLES
            else (t if t != OTHER else f"O:{top}")
            for t, top, s in zip(truths, tops, subs, strict=True)
        ]  # fmt: skip
    if design == "extra_data":
        extra_titles, extra_truths = read_extra_titles()
        titles, truths, fine = titles + extra_titles, truths + extra_truths, truths + extra_truths
    names = list(LABELS) if all(f in INDEX for f in fine) else sorted(set(fine))
    collapse = np.zeros((len(names), len(LABELS)))
    majority: dict[str, Counter[str]] = {}
    for f, t in zip(fine, truths, strict=True):
        majority.setdefault(f, Counter())[t] += 1
    for k, name in enumerate(names):
        collapse[k, INDEX[name if name in INDEX else majority[name].most_common(1)[0][0]]] = 1
    vocabulary = compute_vocabulary(titles)
    x = compute_design_matrix(titles, vocabulary)
    x_test = compute_design_matrix([test["titles"][i] for i in te], vocabulary)
    if design == "rule_features":
        x = sp.hstack([x, rule_features(train, np.asarray(tr))]).tocsr()
        x_test = sp.hstack([x_test, rule_features(test, np.asarray(te))]).tocsr()
    y = np.array([names.index(f) for f in fine])
    w, b = fit_matrix(x, y, len(names))
    out = {"lr": softmax(np.asarray(x_test @ w) + b) @ collapse}
    if design == "nb_mix":
        counts_nb = np.vstack(
            [np.asarray(x[y == k].sum(axis=0)).ravel() for k in range(len(names))]
        )
        log_theta = np.log((counts_nb.T + 0.1) / (counts_nb.T + 0.1).sum(axis=0, keepdims=True))
        prior = np.log(np.maximum(np.bincount(y, minlength=len(names)), 1) / len(y))
        out["nb"] = softmax(np.asarray(x_test @ log_theta) + prior)
    return out


L2_C_BY_DESIGN = {"c3": 3.0, "c30": 30.0}
CHAR_WEIGHT_BY_DESIGN = {"char06": 0.6, "char16": 1.6}
DESIGN = sys.argv[1] if len(sys.argv) > 1 else "base"


def fit_matrix(x: sp.csr_matrix, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The trainer's L2 multinomial logistic regression on a given design matrix."""
    from scipy.optimize import minimize

    from analytics.evaluation.train_title_model import L2_C, MAX_ITERATIONS

    c = L2_C_BY_DESIGN.get(DESIGN, L2_C)
    n, d = x.shape
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = flat[: d * k].reshape(d, k), flat[d * k :]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -log_p[np.arange(n), y].sum() + 0.5 / c * float((w * w).sum())
        g = np.exp(log_p) - onehot
        return value, np.concatenate([np.asarray(x.T @ g + w / c).ravel(), g.sum(axis=0)])

    r = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B",
                 options={"maxiter": MAX_ITERATIONS})  # fmt: skip
    return r.x[: d * k].reshape(d, k), r.x[d * k :]


def cascade(d: dict[str, Any], rows: np.ndarray, p: np.ndarray, threshold: float,
            override: float | None = None) -> list[str]:  # fmt: skip
    """Rules first; the model (>= threshold) where no rule matched; optionally a model at
    >= override replaces a rule's category."""
    out = []
    for j, i in enumerate(rows):
        k = int(p[j].argmax())
        if d["open"][i]:
            out.append(LABELS[k] if p[j, k] >= threshold else OTHER)
        elif override is not None and p[j, k] >= override:
            out.append(LABELS[k])
        else:
            out.append(d["rule"][i])
    return out


def mix(p: np.ndarray, q: np.ndarray, a: float) -> np.ndarray:
    return softmax((1 - a) * np.log(p + 1e-12) + a * np.log(q + 1e-12))


def variants(d: dict[str, Any], rows: np.ndarray,
             probs: dict[str, np.ndarray]) -> dict[str, list[str]]:  # fmt: skip
    """The design's post-hoc variants: name -> predicted category per row."""
    lr = probs["lr"]
    out = {f"threshold {t}": cascade(d, rows, lr, t) for t in (0.4, 0.5, 0.6)}
    if DESIGN == "base":
        out |= {f"override {o}": cascade(d, rows, lr, 0.5, o) for o in (0.9, 0.95)}
    if DESIGN == "rule_features":
        out |= {f"override {o}": cascade(d, rows, lr, 0.5, o) for o in (0.7, 0.9)}
        out["model decides every title"] = [LABELS[int(k)] for k in lr.argmax(axis=1)]
    if DESIGN == "nb_mix":
        out |= {f"nb weight {a}": cascade(d, rows, mix(lr, probs["nb"], a), 0.5)
                for a in (0.1, 0.2, 0.5, 1.0)}  # fmt: skip
    return out


def macro_f1(truths: list[str], predicted: list[str]) -> float:
    return round(compute_category_report(truths, predicted, TAXONOMY.categories).macro_f1, 4)


def main() -> None:
    title_model.CHAR_BLOCK_WEIGHT = CHAR_WEIGHT_BY_DESIGN.get(DESIGN, 1.0)
    files = {name: read_file(name) for name in ("1_1", "1_3")}
    for fit_name, score_name in (("1_1", "1_3"), ("1_3", "1_1")):
        fit, score = files[fit_name], files[score_name]
        every_fit, every_score = np.arange(len(fit["titles"])), np.arange(len(score["titles"]))
        if DESIGN == "halves":
            half = np.array([int(hashlib.md5(t.strip().lower().encode()).hexdigest(), 16) % 2
                             for t in score["titles"]])  # fmt: skip
            predicted = [""] * len(score["titles"])
            for h in (0, 1):
                tr, te = np.flatnonzero(half != h), np.flatnonzero(half == h)
                both = {k: (fit[k] + [score[k][i] for i in tr]) if isinstance(fit[k], list)
                        else np.concatenate([fit[k], score[k][tr]]) for k in fit}  # fmt: skip
                lr = fit_predict("base", both, np.arange(len(both["titles"])), score, te)["lr"]
                for i, c in zip(te, cascade(score, te, lr, 0.5), strict=True):
                    predicted[i] = c
            print(json.dumps({"design": DESIGN, "fit": f"{fit_name} + half of {score_name}",
                              "score": f"other half of {score_name}",
                              "other": macro_f1(score["truths"], predicted)}))  # fmt: skip
            continue
        fold = np.random.default_rng(0).integers(0, 5, len(fit["titles"]))
        cv: dict[str, list[str]] = {}
        for k in range(5):
            tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
            for name, tags in variants(fit, te, fit_predict(DESIGN, fit, tr, fit, te)).items():
                cv.setdefault(name, [""] * len(fit["titles"]))
                for i, c in zip(te, tags, strict=True):
                    cv[name][i] = c
        probs = fit_predict(DESIGN, fit, every_fit, score, every_score)
        for name, tags in variants(score, every_score, probs).items():
            print(json.dumps({"design": DESIGN, "variant": name, "fit": fit_name,
                              "cv": macro_f1(fit["truths"], cv[name]),
                              "other": macro_f1(score["truths"], tags)}), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
