"""Choose title-model settings by cross-validation inside one labelled file, then score the
other file once (issue 13, third round; not shipped: docs/enrichment.md).

For one fit setting (class-weight power `balanced`, weight of training titles a rule matches
`sw_rule`) it prints, for 12 post-hoc variants (threshold 0.4/0.5 x prior correction power
0/0.5/1 x rule override at p >= 0.9 or none), the 5-fold CV macro F1 inside FIT and the macro
F1 on SCORE of the model fitted on all of FIT (rules first, as enrichment does). About 15
CPU-minutes per setting and direction.

    .venv/bin/python scripts/compare_title_settings.py '{"balanced": 0.5}' 1_3 1_1 [DATA_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from analytics.evaluation.categories import compute_category_report, read_labelled
from analytics.evaluation.train_title_model import (
    L2_C,
    MAX_ITERATIONS,
    compute_vocabulary,
    read_training_titles,
)
from analytics.tagging.categories import (
    OTHER,
    CategoryTag,
    classify_text,
    map_platform_label,
    read_taxonomy,
)
from analytics.tagging.title_model import (
    compute_char_mask,
    compute_feature_rows,
    compute_feature_values,
)

DATA = Path(sys.argv[4] if len(sys.argv) > 4 else "../shared/data/upwork-jobs-2023-01-labeled")
TAXONOMY = read_taxonomy()
LABELS = TAXONOMY.categories + (OTHER,)
INDEX = {label: k for k, label in enumerate(LABELS)}
VARIANTS = [
    {"threshold": t, "prior": b, "override": o}
    for t in (0.4, 0.5)
    for b in (0.0, 0.5, 1.0)
    for o in (None, 0.9)
]
Model = tuple[dict[str, int], np.ndarray, np.ndarray]


def design(titles: list[str], vocabulary: dict[str, int]) -> sp.csr_matrix:
    ids, offsets = compute_feature_rows(titles, vocabulary)
    values = compute_feature_values(ids, offsets, compute_char_mask(vocabulary))
    return sp.csr_matrix((values, ids, offsets), shape=(len(titles), len(vocabulary)))


def fit(titles: list[str], truths: list[str], weight: np.ndarray, balanced: float) -> Model:
    """The trainer's L2 multinomial logistic regression with per-title weights."""
    vocabulary = compute_vocabulary(titles)
    x = design(titles, vocabulary)
    y = np.array([INDEX[t] for t in truths])
    n, d = x.shape
    k = len(LABELS)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    sample = weight * (n / (k * np.maximum(np.bincount(y, minlength=k), 1)))[y] ** balanced

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = flat[: d * k].reshape(d, k), flat[d * k :]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -(sample * log_p[np.arange(n), y]).sum() + 0.5 / L2_C * float((w * w).sum())
        g = (np.exp(log_p) - onehot) * sample[:, None]
        return value, np.concatenate([np.asarray(x.T @ g + w / L2_C).ravel(), g.sum(axis=0)])

    r = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B",
                 options={"maxiter": MAX_ITERATIONS})  # fmt: skip
    return vocabulary, r.x[: d * k].reshape(d, k), r.x[d * k :]


def probabilities(model: Model, titles: list[str]) -> np.ndarray:
    vocabulary, w, b = model
    z = np.asarray(design(titles, vocabulary) @ w) + b
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(p / p.sum(axis=1, keepdims=True))


def is_open(tag: CategoryTag) -> bool:
    return tag.method == "rules" and tag.confidence is None


def combine(rules: list[CategoryTag], p: np.ndarray, ratio: np.ndarray, v: Any) -> list[str]:
    """Rules first; the model (prior-corrected, thresholded) where no rule matched."""
    q = p * ratio ** v["prior"]
    q /= q.sum(axis=1, keepdims=True)
    out = []
    for i, tag in enumerate(rules):
        best = int(q[i].argmax())
        if is_open(tag):
            ok = q[i, best] >= v["threshold"] and LABELS[best] != OTHER
            out.append(LABELS[best] if ok else OTHER)
        elif v["override"] is not None and p[i].max() >= v["override"]:
            out.append(LABELS[int(p[i].argmax())])
        else:
            out.append(tag.category)
    return out


def prior_ratio(truths: list[str], open_rows: np.ndarray) -> np.ndarray:
    """Label share among titles no rule matched over the share among all (add-one)."""
    y = np.array([INDEX[t] for t in truths])
    every = np.bincount(y, minlength=len(LABELS)) + 1.0
    some = np.bincount(y[open_rows], minlength=len(LABELS)) + 1.0
    return np.asarray((some / some.sum()) / (every / every.sum()))


def macro_f1(truths: list[str], predicted: list[str]) -> float:
    return round(compute_category_report(truths, predicted, TAXONOMY.categories).macro_f1, 4)


def main() -> None:
    setting = json.loads(sys.argv[1])
    files = {n: DATA / f"{n}_2023_general.csv.gz" for n in (sys.argv[2], sys.argv[3])}
    titles, truths = read_training_titles([files[sys.argv[2]]])
    rules = [classify_text(t, None, TAXONOMY) for t in titles]
    open_rows = np.array([is_open(t) for t in rules])
    weight = np.where(open_rows, 1.0, float(setting.get("sw_rule", 1.0)))
    balanced = float(setting.get("balanced", 0.0))
    fold = np.random.default_rng(0).integers(0, 5, len(titles))
    cv: list[list[str]] = [[""] * len(titles) for _ in VARIANTS]
    for k in range(5):
        tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        model = fit([titles[i] for i in tr], [truths[i] for i in tr], weight[tr], balanced)
        p = probabilities(model, [titles[i] for i in te])
        ratio = prior_ratio([truths[i] for i in tr], open_rows[tr])
        for v, variant in enumerate(VARIANTS):
            for i, c in zip(te, combine([rules[i] for i in te], p, ratio, variant), strict=True):
                cv[v][i] = c
    frame = read_labelled(files[sys.argv[3]])
    scored = list(frame["title"])
    scored_truths = [
        map_platform_label(sub, top) or OTHER
        for sub, top in zip(frame["occupations_oservice_pref_label"],
                            frame["occupations_category_pref_label"], strict=True)
    ]  # fmt: skip
    model = fit(titles, truths, weight, balanced)
    p = probabilities(model, scored)
    scored_rules = [classify_text(t, None, TAXONOMY) for t in scored]
    ratio = prior_ratio(truths, open_rows)
    for v, variant in enumerate(VARIANTS):
        cross = macro_f1(scored_truths, combine(scored_rules, p, ratio, variant))
        print(json.dumps({**setting, **variant, "cv": macro_f1(truths, cv[v]), "other": cross}))


if __name__ == "__main__":
    main()
