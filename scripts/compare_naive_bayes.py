"""Compare the rules categorizer with a naive Bayes model on Upwork titles (not shipped).

Trains a multinomial naive Bayes on binary title unigrams + bigrams (numpy only) on the
1 Jan 2023 labelled file, tests on the 3 Jan file minus postings also in 1 Jan, and prints
macro F1 and the lowest per-category precision for several smoothing values and confidence
thresholds (below the threshold the posting is Other), then the rules on the same rows.

    .venv/bin/python scripts/compare_naive_bayes.py [DATA_DIR]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.evaluation.categories import compute_category_report
from analytics.tagging.categories import OTHER, classify_text, map_platform_label, read_taxonomy

DATA = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/upwork-jobs-2023-01-labeled")
TOKEN = re.compile(r"[a-z0-9+#]+")  # "Node.js & C# dev" -> node, js, c#, dev
MIN_DOCS = 2  # a token must appear in two training titles to enter the vocabulary


def tokens(title: str) -> list[str]:
    words = TOKEN.findall(title.lower())
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


def labels(frame: pd.DataFrame) -> list[str]:
    return [
        map_platform_label(sub, top) or OTHER
        for sub, top in zip(
            frame.occupations_oservice_pref_label, frame.occupations_category_pref_label,
            strict=True,
        )
    ]  # fmt: skip


def main() -> None:
    read = lambda name: pd.read_csv(DATA / name, dtype=str, keep_default_na=False)  # noqa: E731
    train = read("1_1_2023_general.csv.gz").drop_duplicates("uid")
    test = read("1_3_2023_general.csv.gz").drop_duplicates("uid")
    test = test[~test.uid.isin(train.uid)]
    names = read_taxonomy().categories
    classes = [*names, OTHER]
    counts: dict[str, int] = {}
    for title in train.title:
        for tok in set(tokens(title)):
            counts[tok] = counts.get(tok, 0) + 1
    vocab = {t: i for i, t in enumerate(t for t, c in counts.items() if c >= MIN_DOCS)}

    def matrix(titles: list[str]) -> np.ndarray:
        out = np.zeros((len(titles), len(vocab)))
        for row, title in enumerate(titles):
            for tok in tokens(title):
                if tok in vocab:
                    out[row, vocab[tok]] = 1
        return out

    x_train, x_test = matrix(list(train.title)), matrix(list(test.title))
    y = np.array([classes.index(label) for label in labels(train)])
    truth = labels(test)
    prior = np.log(np.bincount(y, minlength=len(classes)) / len(y))
    for alpha in (0.1, 0.3, 1.0):
        count = np.stack([x_train[y == k].sum(0) for k in range(len(classes))]) + alpha
        log_p = np.log(count / count.sum(1, keepdims=True))
        score = x_test @ log_p.T + prior
        prob = np.exp(score - score.max(1, keepdims=True))
        prob /= prob.sum(1, keepdims=True)
        for threshold in (0.5, 0.7, 0.9):
            best = prob.argmax(1)
            predicted = [
                classes[k] if prob[i, k] >= threshold else OTHER for i, k in enumerate(best)
            ]
            report = compute_category_report(truth, predicted, names)
            low = min(report.per_category[n]["precision"] for n in names)
            print(f"naive Bayes alpha={alpha} threshold={threshold}: macro F1 "
                  f"{report.macro_f1:.3f}, min precision {low:.3f}")  # fmt: skip
    taxonomy = read_taxonomy()
    rules = [classify_text(t, None, taxonomy).category for t in test.title]
    report = compute_category_report(truth, rules, names)
    print(f"rules: macro F1 {report.macro_f1:.3f} on {len(truth)} titles")


if __name__ == "__main__":
    main()
