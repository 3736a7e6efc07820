"""Rebuild the title model artefact from labelled Upwork titles.

    python -m analytics.evaluation.train_title_model PATH [--out FILE]  # write the model
    python -m analytics.evaluation.train_title_model --cv PATH  # 5-fold check, writes nothing

The model is analytics/tagging/data/title_model.npz.

PATHS: both files of ../shared/data/upwork-jobs-2023-01-labeled (the shipped model, issue 13).

Labels are mapped to our categories through the same table the enrichment uses, so the model
learns exactly what `jobtrends eval categories` scores. Training is deterministic: a fixed
vocabulary order, L-BFGS from zeros with a fixed iteration cap, weights stored as float32.
scipy (already installed for statsmodels) is used here only; the runtime model needs numpy.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from analytics.evaluation.categories import compute_category_report, read_labelled
from analytics.tagging.categories import (
    OTHER,
    apply_title_model,
    classify_text,
    map_platform_label,
    read_taxonomy,
)
from analytics.tagging.title_model import (
    MODEL_FILE,
    TitleModel,
    compute_char_mask,
    compute_feature_rows,
    compute_feature_values,
    parse_title_features,
    write_title_model,
)

# Chosen by 5-fold cross-validation on 1_1_2023_general only (`--cv`; docs/enrichment.md):
L2_C = 10.0  # inverse L2 strength; 3 and 30 were within 0.01 macro F1
MIN_TITLES = 2  # a feature seen in one training title only is noise (and bloats the artefact)
THRESHOLD = 0.5  # abstain to Other below this probability: 0.4..0.7 gave the same macro F1
# weight each title by n / (labels * titles of its label), sklearn's class_weight="balanced":
# macro F1 counts a 70-posting category as much as Writing, so its errors should too
BALANCED = False
MAX_ITERATIONS = 300  # L-BFGS iterations: converged well before on 5k titles
CV_FOLDS = 5
CV_SEED = 0


def read_training_titles(paths: list[Path]) -> tuple[list[str], list[str]]:
    """Titles and their mapped category (the 12 or Other), one per unique posting."""
    titles: list[str] = []
    truths: list[str] = []
    seen: set[str] = set()
    for path in paths:
        frame = read_labelled(path)
        uids = frame["uid"] if "uid" in frame.columns else [""] * len(frame)
        for uid, title, top, sub in zip(
            uids,
            frame["title"],
            frame["occupations_category_pref_label"],
            frame["occupations_oservice_pref_label"],
            strict=True,
        ):
            if uid and uid in seen:
                continue
            seen.add(uid)
            titles.append(title)
            truths.append(map_platform_label(sub, top) or OTHER)
    return titles, truths


def compute_vocabulary(titles: list[str]) -> dict[str, int]:
    """Features seen in at least MIN_TITLES titles, in sorted order (deterministic ids)."""
    counts = Counter(f for t in titles for f in parse_title_features(t))
    kept = sorted(f for f, n in counts.items() if n >= MIN_TITLES)
    return {f: i for i, f in enumerate(kept)}


def compute_design_matrix(titles: list[str], vocabulary: dict[str, int]) -> sp.csr_matrix:
    """Binary title features, each block of a row scaled to unit L2 norm (as the runtime)."""
    ids, offsets = compute_feature_rows(titles, vocabulary)
    values = compute_feature_values(ids, offsets, compute_char_mask(vocabulary))
    return sp.csr_matrix((values, ids, offsets), shape=(len(titles), len(vocabulary)))


def compute_title_model(
    titles: list[str], truths: list[str], labels: tuple[str, ...]
) -> TitleModel:
    """Fit the L2-regularised multinomial logistic regression on (title, category) pairs."""
    vocabulary = compute_vocabulary(titles)
    x = compute_design_matrix(titles, vocabulary)
    index = {label: k for k, label in enumerate(labels)}
    y = np.array([index[t] for t in truths])
    n, d = x.shape
    k = len(labels)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    per_label = np.bincount(y, minlength=k)
    sample = n / (k * np.maximum(per_label, 1))[y] if BALANCED else np.ones(n)

    def loss_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w = flat[: d * k].reshape(d, k)
        b = flat[d * k :]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -(sample * log_p[np.arange(n), y]).sum() + 0.5 / L2_C * float((w * w).sum())
        g = (np.exp(log_p) - onehot) * sample[:, None]
        grad_w = x.T @ g + w / L2_C
        return loss, np.concatenate([np.asarray(grad_w).ravel(), g.sum(axis=0)])

    result = minimize(
        loss_and_gradient,
        np.zeros(d * k + k),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": MAX_ITERATIONS},
    )
    weights = result.x[: d * k].reshape(d, k)
    return TitleModel(
        labels=labels,
        vocabulary=vocabulary,
        weights=np.round(weights, 4).astype(np.float32),
        bias=np.round(result.x[d * k :], 4).astype(np.float32),
        threshold=THRESHOLD,
    )


def compute_combined(titles: list[str], model: TitleModel) -> list[str]:
    """The title-only classifier: a rules match decides, else the model, else Other."""
    rules = [classify_text(t, None, read_taxonomy()) for t in titles]
    return [tag.category for tag in apply_title_model(rules, titles, model)]


def compute_cross_validation(titles: list[str], truths: list[str]) -> dict[str, float]:
    """Macro F1 and the lowest per-category precision of rules and rules+model, out of fold."""
    names = read_taxonomy().categories
    labels = names + (OTHER,)
    fold = np.random.default_rng(CV_SEED).integers(0, CV_FOLDS, len(titles))
    predicted = [""] * len(titles)
    for k in range(CV_FOLDS):
        train = [i for i in range(len(titles)) if fold[i] != k]
        test = [i for i in range(len(titles)) if fold[i] == k]
        model = compute_title_model([titles[i] for i in train], [truths[i] for i in train], labels)
        for i, p in zip(test, compute_combined([titles[i] for i in test], model), strict=True):
            predicted[i] = p
    taxonomy = read_taxonomy()
    rules = [classify_text(t, None, taxonomy).category for t in titles]
    out: dict[str, float] = {}
    for name, pred in (("rules", rules), ("rules+model", predicted)):
        report = compute_category_report(truths, pred, names)
        out[f"{name} macro_f1"] = round(report.macro_f1, 4)
        out[f"{name} min_precision"] = min(report.per_category[c]["precision"] for c in names)
    return out


def main(argv: list[str] | None = None) -> None:
    """Train on the given labelled CSVs and write the artefact (or cross-validate with --cv)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="labelled CSV(s), gzip allowed")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="artefact path")
    parser.add_argument("--cv", action="store_true", help="cross-validate only, write nothing")
    args = parser.parse_args(argv)
    titles, truths = read_training_titles(args.paths)
    if args.cv:
        for key, value in compute_cross_validation(titles, truths).items():
            print(f"{key} = {value}")
        return
    labels = read_taxonomy().categories + (OTHER,)
    model = compute_title_model(titles, truths, labels)
    write_title_model(model, args.out)
    size_kb = args.out.stat().st_size / 1024
    print(
        f"trained on {len(titles)} titles, {len(model.vocabulary)} features -> {args.out}"
        f" ({size_kb:.0f} KiB)"
    )


if __name__ == "__main__":
    main()
