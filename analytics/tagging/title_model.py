"""A learned title classifier: multinomial logistic regression on title words and word pairs.

It fills the gap the keyword rules leave: a title with no rule match ("Need help with my
Shopify store", "Ms office specialist") is scored by the model, and tagged with the model's
category only when its probability reaches the shipped threshold; below it, the posting stays
Other (abstaining keeps precision). The weights are a small numpy artefact in the repository
(`analytics/tagging/data/title_model.npz`), rebuilt from the labelled Upwork titles by
`python -m analytics.evaluation.train_title_model` (see docs/enrichment.md). Runtime needs numpy
only.

Features, all binary, one row L2-normalised: "w:<word>" for each lower-cased token,
"b:<word> <word>" for each adjacent pair. "Logo design for bakery" ->
w:logo w:design w:for w:bakery b:logo design b:design for b:for bakery.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).parent / "data" / "title_model.npz"
# the tagger's out-of-fold confusion matrix, rebuilt with the model (`jobtrends eval confusion`)
CONFUSION_FILE = Path(__file__).parent / "data" / "confusion_matrix.json"
# "C++/C# dev, Node.js" -> ["c++", "c#", "dev", "node", "js"]: '+' and '#' belong to the
# language names clients write; '.' and '/' split
TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")


@dataclass(frozen=True)
class TitleModel:
    """Weights (features x labels), per-label bias, the labels and the abstain threshold."""

    labels: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # float32, shape (len(vocabulary), len(labels))
    bias: np.ndarray  # float32, shape (len(labels),)
    threshold: float  # tag only when the top probability is at least this (0..1)


def parse_title_features(title: str) -> list[str]:
    """The distinct feature names of one title, in first-seen order."""
    tokens = TOKEN.findall(title.lower())
    pairs = zip(tokens, tokens[1:], strict=False)  # n-1 pairs: the shorter list ends it
    names = [f"w:{t}" for t in tokens] + [f"b:{a} {b}" for a, b in pairs]
    return list(dict.fromkeys(names))


def compute_feature_rows(
    titles: Sequence[str], vocabulary: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Known feature ids of all titles concatenated, and each title's offset into them."""
    ids: list[int] = []
    ends = [0] * len(titles)
    lookup = vocabulary.get  # bound once: this loop runs for every open title at runtime
    for row, title in enumerate(titles):
        ids.extend(j for f in parse_title_features(title) if (j := lookup(f)) is not None)
        ends[row] = len(ids)
    offsets = np.zeros(len(titles) + 1, dtype=np.int64)
    offsets[1:] = ends
    return np.asarray(ids, dtype=np.int64), offsets


def compute_row_sums(values: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """(size x labels) float64 sums: row r is the sum, in order, of the `values` rows (one per
    feature occurrence, float32, features x labels) whose `rows` entry is r.

    `np.bincount` with weights adds each value in index order into a float64 total, as
    `np.add.at(scores, rows, values)` did, so the sums are the same to the last bit, ~13x
    faster (np.add.at is unbuffered). [[1, 2], [3, 4]] with rows [0, 0], size 2 ->
    [[4, 6], [0, 0]].
    """
    labels = values.shape[1]
    if not len(rows):
        return np.zeros((size, labels), dtype=np.float64)
    columns = [np.bincount(rows, weights=values[:, k], minlength=size) for k in range(labels)]
    return np.stack(columns, axis=1)


def compute_title_probabilities(model: TitleModel, titles: Sequence[str]) -> np.ndarray:
    """Probabilities (titles x labels) for a batch of titles, in one vectorised pass."""
    ids, offsets = compute_feature_rows(titles, model.vocabulary)
    counts = np.diff(offsets)
    rows = np.repeat(np.arange(len(titles)), counts)
    scores = compute_row_sums(model.weights[ids], rows, len(titles))
    # each title's binary feature vector has unit L2 norm: divide the sum by sqrt(count)
    scores /= np.sqrt(np.maximum(counts, 1))[:, None]
    scores += model.bias
    scores -= scores.max(axis=1, keepdims=True)
    probabilities = np.exp(scores)
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def classify_titles(model: TitleModel, titles: Sequence[str]) -> list[tuple[str, float] | None]:
    """(category, probability) per title, or None where the model abstains (below threshold)."""
    if not titles:
        return []
    probabilities = compute_title_probabilities(model, titles)
    best = probabilities.argmax(axis=1)
    out: list[tuple[str, float] | None] = []
    for row, label in enumerate(best):
        p = float(probabilities[row, label])
        out.append((model.labels[label], round(p, 3)) if p >= model.threshold else None)
    return out


def write_title_model(model: TitleModel, path: Path) -> None:
    """Save the model as an uncompressed .npz (fixed zip timestamps: same model, same bytes)."""
    features = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    with path.open("wb") as fh:
        np.savez(
            fh,
            labels=np.array(model.labels),
            features=np.array(features),
            weights=model.weights.astype(np.float32),
            bias=model.bias.astype(np.float32),
            threshold=np.array(model.threshold),
        )


@cache
def read_title_model(path: Path = MODEL_FILE) -> TitleModel:
    """The shipped (or given) title model."""
    with np.load(path, allow_pickle=False) as data:
        features = [str(f) for f in data["features"]]
        return TitleModel(
            labels=tuple(str(label) for label in data["labels"]),
            vocabulary={f: i for i, f in enumerate(features)},
            weights=data["weights"].astype(np.float32),
            bias=data["bias"].astype(np.float32),
            threshold=float(data["threshold"]),
        )
