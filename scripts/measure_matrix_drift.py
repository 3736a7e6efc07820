"""Does the tagger's confusion matrix drift between the two labelled snapshots more than
sampling explains? (issue 13, fourth round; docs/enrichment.md)

For each file it builds the out-of-fold predictions `jobtrends eval confusion` uses, then
prints Pearson's chi-square per degree of freedom for "the rows of two matrices are the same
distribution" over: the two files, the two halves of each file split at its median
`published_on`, and random halves of each file. About 1 for pure sampling noise; drift the
share_adjusted bootstrap should carry as overdispersion would show as a between-file value
well above the within-file ones.

Then, fitting on one file and tagging the other (as `eval categories --fit`), the sampling
floor of each category's planted -30% drop: its error is about 30 pp times the error of the
leak estimate over the true postings tagged, and the leak count is Poisson both in the matrix
(fit file, scaled to the scored file's size) and in the scored file, so its sd is about
30 * sqrt(leaks_fit * scale^2 + leaks_scored) / true_tagged pp. About 6 CPU-minutes (twelve
title models).

    .venv/bin/python scripts/measure_matrix_drift.py [DATA_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.evaluation.categories import read_labelled
from analytics.evaluation.confusion import (
    compute_confusion,
    compute_out_of_fold,
    compute_title_predictions,
)
from analytics.evaluation.shares import PLANTED_DROP
from analytics.evaluation.train_title_model import compute_title_model, read_training_titles
from analytics.tagging.categories import OTHER, read_taxonomy

FILES = ("1_1_2023_general.csv.gz", "1_3_2023_general.csv.gz")
MIN_ROW = 5  # a row with fewer postings on either side has no usable expected counts
SPLIT_SEED = 0
DATA_DIR = Path("../shared/data/upwork-jobs-2023-01-labeled")


def compute_homogeneity(first: np.ndarray, second: np.ndarray) -> tuple[float, int]:
    """(chi-square / df, df) for equal row distributions of two (truth x tag) count matrices.

    Identical matrices -> (0.0, df); columns empty on both sides add no degree of freedom.
    """
    chi, df = 0.0, 0
    for a, b in zip(first, second, strict=True):
        if a.sum() < MIN_ROW or b.sum() < MIN_ROW:
            continue
        pooled = (a + b) / (a.sum() + b.sum())
        seen = pooled > 0
        for row in (a, b):
            expected = row.sum() * pooled[seen]
            chi += float((((row[seen] - expected) ** 2) / expected).sum())
        df += int(seen.sum()) - 1
    return (chi / df if df else float("nan")), df


def compute_leak_floor(counts_fit: np.ndarray, counts_scored: np.ndarray) -> list[float]:
    """Per label: sd (pp) of a planted -30% drop's error from Poisson leak counts.

    counts are (truth x tag) matrices: the fit file's out of fold, the scored file's.
    """
    scale = counts_scored.sum() / counts_fit.sum()
    out = []
    for k in range(len(counts_fit)):
        leaks_fit = counts_fit[:, k].sum() - counts_fit[k, k]
        leaks_scored = counts_scored[:, k].sum() - counts_scored[k, k]
        found = max(int(counts_scored[k, k]), 1)
        out.append(100 * PLANTED_DROP * float(np.sqrt(leaks_fit * scale**2 + leaks_scored)) / found)
    return out


def main(data_dir: Path) -> None:
    counts, halves, data = {}, {}, {}
    for name in FILES:
        path = data_dir / name
        titles, truths = read_training_titles([path])
        data[name] = (titles, truths)
        predicted = compute_out_of_fold(titles, truths)
        counts[name] = compute_confusion(truths, predicted).counts
        published = pd.to_datetime(read_labelled(path)["published_on"], utc=True, errors="coerce")
        early = (published <= published.median()).to_numpy()
        chance = np.random.default_rng(SPLIT_SEED).random(len(titles)) < 0.5
        pairs = np.array([truths, predicted]).T
        for split, mask in (("time", early), ("random", chance)):
            parts = [compute_confusion(*pairs[m].T).counts for m in (mask, ~mask)]
            halves[(name, split)] = compute_homogeneity(*parts)
    between = compute_homogeneity(*(counts[n] for n in FILES))
    print(f"between the files: chi2/df {between[0]:.2f} (df {between[1]})")
    for (name, split), (value, df) in halves.items():
        print(f"{name}, {split} halves: chi2/df {value:.2f} (df {df})")
    labels = read_taxonomy().categories + (OTHER,)
    for fit, scored in (FILES, FILES[::-1]):
        model = compute_title_model(*data[fit], labels)
        titles, truths = data[scored]
        tagged = compute_confusion(truths, compute_title_predictions(titles, model)).counts
        print(f"fit {fit} -> score {scored}: sd of a planted -30% drop's error from leak counts")
        for name, sd in zip(labels[:-1], compute_leak_floor(counts[fit], tagged), strict=False):
            print(f"  {name:32} {sd:5.1f} pp")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR)
