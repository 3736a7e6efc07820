"""A learned title classifier: multinomial logistic regression on title words and word pairs.

It fills the gap the keyword rules leave: a title with no rule match ("Need help with my
Shopify store", "Ms office specialist") is scored by the model, and tagged with the model's
category only when its probability reaches the shipped threshold; below it, the posting stays
Other (abstaining keeps precision). The weights are a small numpy artefact in the repository
(`analytics/tagging/data/title_model.npz`), rebuilt from the labelled Upwork titles by
`python -m analytics.evaluation.train_title_model` (see docs/enrichment.md). Runtime needs numpy
and scipy.sparse (one sparse product per batch).

Features, all binary, in two blocks each L2-normalised on its own: words, "w:<word>" for each
lower-cased token and "b:<word> <word>" for each adjacent pair ("Logo design for bakery" ->
w:logo w:design w:for w:bakery b:logo design b:design for b:for bakery); and character
n-grams, "c:<ngram>" of CHAR_NGRAMS lengths inside each space-padded token ("logo" -> c: l,
c:lo, c:og, c:go, c:o , c: lo, ...), which share evidence between spellings and compounds
("wordpress"/"word press", "bookkeeper"/"bookkeeping"). The character block is scaled by
CHAR_BLOCK_WEIGHT. Measured (issue 13, `jobtrends eval categories --fit`, fit one shared file,
score the other): the character block added about +0.01 macro F1 both ways.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import scipy.sparse as sp

MODEL_FILE = Path(__file__).parent / "data" / "title_model.npz"
# the tagger's out-of-fold confusion matrix, rebuilt with the model (`jobtrends eval confusion`)
CONFUSION_FILE = Path(__file__).parent / "data" / "confusion_matrix.json"
# "C++/C# dev, Node.js" -> ["c++", "c#", "dev", "node", "js"]: '+' and '#' belong to the
# language names clients write; '.' and '/' split
TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")
CHAR_NGRAMS = (2, 3, 4, 5)  # n-gram lengths inside a padded token (sklearn's char_wb 2..5)
CHAR_BLOCK_WEIGHT = 1.0  # the character block's norm beside the word block's (both 1)
CHAR_PREFIX = "c:"


@dataclass(frozen=True)
class TitleModel:
    """Weights (features x labels), per-label bias, the labels and the abstain threshold."""

    labels: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # float32, shape (len(vocabulary), len(labels))
    bias: np.ndarray  # float32, shape (len(labels),)
    threshold: float  # tag only when the top probability is at least this (0..1)

    @cached_property  # computed once per model (it writes the instance dict, frozen or not)
    def char_features(self) -> np.ndarray:
        """bool per vocabulary id: True for a character n-gram (the second block)."""
        return compute_char_mask(self.vocabulary)

    @cached_property
    def weights64(self) -> np.ndarray:
        """The float32 weights widened once to float64 (exact), the sparse product's operand."""
        return self.weights.astype(np.float64)


def compute_char_mask(vocabulary: dict[str, int]) -> np.ndarray:
    """bool per feature id: True where the feature is a character n-gram."""
    mask = np.zeros(len(vocabulary), dtype=bool)
    for name, j in vocabulary.items():
        mask[j] = name.startswith(CHAR_PREFIX)
    return mask


def compute_feature_values(ids: np.ndarray, offsets: np.ndarray, char: np.ndarray) -> np.ndarray:
    """The value of each known feature occurrence: 1/sqrt(words in its row's word block), or
    CHAR_BLOCK_WEIGHT/sqrt(n-grams in its row's character block): each block has unit norm.

    ids [0, 1, 2] in one row, feature 2 a character n-gram -> [1/sqrt(2), 1/sqrt(2), 1].
    """
    rows = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    is_char = char[ids]
    n_char = np.bincount(rows, weights=is_char, minlength=len(offsets) - 1)
    n_word = np.diff(offsets) - n_char
    per_row = np.where(is_char, n_char[rows], n_word[rows])
    scale = np.where(is_char, CHAR_BLOCK_WEIGHT, 1.0)
    return scale / np.sqrt(np.maximum(per_row, 1))


def parse_token_features(token: str) -> list[str]:
    """The word and character features one token gives: "me" -> w:me c: m c:me c:e  c: me
    c:me  c: me (a token shorter than n gives its whole padded form once)."""
    padded = f" {token} "
    names = [f"w:{token}"]
    for n in CHAR_NGRAMS:
        names.extend(f"c:{padded[i : i + n]}" for i in range(max(len(padded) - n, 0) + 1))
    return names


def parse_title_features(title: str) -> list[str]:
    """The distinct feature names of one title, in first-seen order: its tokens' features
    (parse_token_features), then the adjacent pairs."""
    tokens = TOKEN.findall(title.lower())
    pairs = zip(tokens, tokens[1:], strict=False)  # n-1 pairs: the shorter list ends it
    names = [f for t in dict.fromkeys(tokens) for f in parse_token_features(t)]
    names += [f"b:{a} {b}" for a, b in pairs]
    return list(dict.fromkeys(names))


def compute_feature_rows(
    titles: Sequence[str], vocabulary: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Known feature ids of all titles concatenated (each title's distinct ones, sorted: the
    same set as parse_title_features), and each title's offset into them.

    A token's ids are looked up once per call: words repeat across titles (a 10k chunk has
    ~10x fewer distinct tokens than tokens), so the ~30 character n-grams of a token are
    built once, not once per title. The loop only concatenates the ids, repeats included;
    scipy's `sum_duplicates` sorts and merges them per row in C (a set and a sort per title
    in Python cost ~12 us a title).
    """
    ids: list[int] = []
    ends = [0] * len(titles)
    lookup = vocabulary.get  # bound once: this loop runs for every open title at runtime
    by_token: dict[str, tuple[int, ...]] = {}
    extend = ids.extend
    for row, title in enumerate(titles):
        tokens = TOKEN.findall(title.lower())
        for token in tokens:
            known = by_token.get(token)
            if known is None:
                known = by_token[token] = tuple(
                    j for f in parse_token_features(token) if (j := lookup(f)) is not None
                )
            extend(known)
        extend(j for a, b in zip(tokens, tokens[1:], strict=False)
               if (j := lookup(f"b:{a} {b}")) is not None)  # fmt: skip
        ends[row] = len(ids)
    offsets = np.zeros(len(titles) + 1, dtype=np.int64)
    offsets[1:] = ends
    flat = np.asarray(ids, dtype=np.int64)
    # "logo for my logo": logo's ids twice -> once; the matrix only dedupes, its 1s are unused
    matrix = sp.csr_matrix(
        (np.ones(len(flat), dtype=np.int8), flat, offsets), shape=(len(titles), len(vocabulary))
    )
    matrix.sum_duplicates()  # sorts each row's ids and merges repeats (canonical CSR)
    return matrix.indices.astype(np.int64), matrix.indptr.astype(np.int64)


def compute_row_sums(values: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """(size x labels) float64 sums: row r is the sum, in order, of the `values` rows (one per
    feature occurrence, float32, features x labels) whose `rows` entry is r.

    `np.bincount` with weights adds each value in index order into a float64 total, as
    `np.add.at(scores, rows, values)` did, so the sums are the same to the last bit, ~13x
    faster (np.add.at is unbuffered). [[1, 2], [3, 4]] with rows [0, 0], size 2 ->
    [[4, 6], [0, 0]]. The reference for compute_title_scores' sparse product.
    """
    labels = values.shape[1]
    if not len(rows):
        return np.zeros((size, labels), dtype=np.float64)
    columns = [np.bincount(rows, weights=values[:, k], minlength=size) for k in range(labels)]
    return np.stack(columns, axis=1)


def compute_title_scores(model: TitleModel, titles: Sequence[str]) -> np.ndarray:
    """(titles x labels) float64 linear scores without the bias: one sparse product, the
    feature values (titles x features, CSR) times the weights in float64.

    scipy's CSR x dense product adds each row's value x weight terms in the row's (sorted id)
    order in float64, the order compute_row_sums adds them: the same sums to the last bit
    (tests/test_title_model.py), ~100x faster than gathering the weight rows.
    """
    ids, offsets = compute_feature_rows(titles, model.vocabulary)
    values = compute_feature_values(ids, offsets, model.char_features)
    matrix = sp.csr_matrix((values, ids, offsets), shape=(len(titles), len(model.vocabulary)))
    return np.asarray(matrix @ model.weights64)


def compute_title_probabilities(model: TitleModel, titles: Sequence[str]) -> np.ndarray:
    """Probabilities (titles x labels) for a batch of titles, in one vectorised pass."""
    scores = compute_title_scores(model, titles)
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
    """Save the model as an uncompressed .npz (fixed zip timestamps: same model, same bytes).

    The feature names are one UTF-8 blob, one name per line (a fixed-width numpy string array
    of 32k names took 4 bytes per character of the longest: 4.9 MB against 0.3 MB).
    """
    features = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    names = np.frombuffer("\n".join(features).encode("utf-8"), dtype=np.uint8)
    with path.open("wb") as fh:
        np.savez(
            fh,
            labels=np.array(model.labels),
            feature_names=names,
            weights=model.weights.astype(np.float32),
            bias=model.bias.astype(np.float32),
            threshold=np.array(model.threshold),
        )


@cache
def read_title_model(path: Path = MODEL_FILE) -> TitleModel:
    """The shipped (or given) title model."""
    with np.load(path, allow_pickle=False) as data:
        if "feature_names" in data:
            blob = data["feature_names"].tobytes().decode("utf-8")
            features = blob.split("\n") if blob else []
        else:  # the format before the character n-grams: a numpy string array
            features = [str(f) for f in data["features"]]
        return TitleModel(
            labels=tuple(str(label) for label in data["labels"]),
            vocabulary={f: i for i, f in enumerate(features)},
            weights=data["weights"].astype(np.float32),
            bias=data["bias"].astype(np.float32),
            threshold=float(data["threshold"]),
        )
