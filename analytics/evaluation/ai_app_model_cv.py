"""Does a trained model find AI apps better than the patterns? Cross-validated on the
development set only (issue 13): `python -m analytics.evaluation.ai_app_model_cv`.

The model is an L2 logistic regression (class-balanced, fitted with scipy's L-BFGS) on binary
features of the text enrichment scans, each row L2-normalised: words and adjacent word pairs of
the title and description ("w:", "b:"), title words apart ("t:"), and the pattern votes, one
feature per AI skill the patterns tag ("v:ai_app_development" among them). It is scored only
on postings that look like AI work at all (the patterns found some AI skill, or the text says
"AI", "A.I." or "artificial intelligence"), alone and OR-ed with the patterns, over
repeated stratified folds; the evaluation set is never read.
Measured (docs/enrichment.md): at no threshold does it beat the patterns alone at their
precision, so the tagger ships without it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from analytics.evaluation.skills import DEFAULT_DATA, read_labels, read_texts
from analytics.tagging.skills import FOOTER_LINE, URL, parse_skills, read_skill_taxonomy
from analytics.tagging.title_model import TOKEN  # the title model's tokens: words, c++, c#

DEV_FILE = Path(__file__).parent / "labels" / "ai_skills_dev.csv"
SKILL = "ai_app_development"
FOLDS = 10
REPEATS = 3  # fold draws (seeds 0..2): the spread between them is the noise of the estimate
MIN_DF = 2  # a word or pair seen in one training posting only says nothing about another
C_VALUES = (1.0, 3.0, 10.0, 30.0)  # inverse L2 strength
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
# the AI words that open the model's gate: "AI app", "a.i.", "artificial intelligence"
CUE = re.compile(r"\b(?:ai|a\.i|artificial intelligence)\b")


def compute_features(text: str) -> tuple[set[str], bool, bool]:
    """(binary features, the patterns tag the skill, the gate is open) of one posting."""
    tags = {t.skill for t in parse_skills(text, read_skill_taxonomy())}
    clean = URL.sub(" ", FOOTER_LINE.sub("", text.lower()))
    title, _, body = clean.partition("\n")
    title_words, body_words = TOKEN.findall(title), TOKEN.findall(body)
    features = {"v:" + s for s in tags} | {"t:" + w for w in title_words}
    for words in (title_words, body_words):
        features |= {"w:" + w for w in words}
        features |= {"b:" + a + " " + b for a, b in zip(words, words[1:], strict=False)}
    return features, SKILL in tags, bool(tags) or CUE.search(clean) is not None


def compute_matrix(
    rows: Sequence[set[str]], vocabulary: dict[str, int] | None = None
) -> tuple[sp.csr_matrix, dict[str, int]]:
    """Row-normalised binary matrix; the vocabulary is made from `rows` when not given."""
    if vocabulary is None:
        df = Counter(f for row in rows for f in row)
        kept = sorted(f for f, n in df.items() if n >= MIN_DF or f.startswith("v:"))
        vocabulary = {f: j for j, f in enumerate(kept)}
    cells = [(i, vocabulary[f]) for i, row in enumerate(rows) for f in row if f in vocabulary]
    r = np.array([i for i, _ in cells], dtype=np.int64)
    c = np.array([j for _, j in cells], dtype=np.int64)
    x = sp.csr_matrix((np.ones(len(cells)), (r, c)), shape=(len(rows), len(vocabulary)))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1 / np.where(norms == 0, 1, norms)) @ x), vocabulary


def compute_logistic_fit(x: sp.csr_matrix, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Weights and bias of a class-balanced L2 logistic regression."""
    weight = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))

    def loss(wb: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = wb[:-1], wb[-1]
        z = x @ w + b
        g = weight * (1 / (1 + np.exp(-z)) - y)
        value = float(np.sum(weight * (np.logaddexp(0, z) - y * z)) + 0.5 / c * w @ w)
        return value, np.concatenate([x.T @ g + w / c, [g.sum()]])

    res = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B")
    return res.x[:-1], float(res.x[-1])


def compute_folds(y: np.ndarray, seed: int) -> np.ndarray:
    """A fold number per posting, positives and negatives spread evenly (stratified)."""
    rng = np.random.default_rng(seed)
    out = np.zeros(len(y), dtype=int)
    for label in (0, 1):
        members = rng.permutation(np.flatnonzero(y == label))
        out[members] = np.arange(len(members)) % FOLDS
    return out


def compute_precision_recall(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(precision, recall) of boolean predictions against 0/1 labels."""
    tp = int((pred & (y == 1)).sum())
    return tp / max(int(pred.sum()), 1), tp / max(int(y.sum()), 1)


def compute_cv(labels: Path = DEV_FILE, data: Path = DEFAULT_DATA) -> dict[str, Any]:
    """Patterns' precision/recall, and the model's (alone and OR-ed with the patterns) per C
    and threshold, averaged over REPEATS fold draws."""
    rows = read_labels(labels)
    texts = read_texts(data, {name for name, _, _ in rows})
    parsed = [compute_features(texts[(name, pid)]) for name, pid, _ in rows]
    y = np.array([SKILL in skills for _, _, skills in rows], dtype=float)
    features = [p[0] for p in parsed]
    patterns = np.array([p[1] for p in parsed])
    gate = np.array([p[2] for p in parsed])
    out: dict[str, Any] = {"n": len(y), "positives": int(y.sum())}
    out["patterns"] = tuple(round(v, 3) for v in compute_precision_recall(patterns, y))
    for c in C_VALUES:
        probs = np.zeros((REPEATS, len(y)))
        for seed in range(REPEATS):
            folds = compute_folds(y, seed)
            for k in range(FOLDS):
                train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
                x_train, vocabulary = compute_matrix([features[i] for i in train])
                x_test, _ = compute_matrix([features[i] for i in test], vocabulary)
                w, b = compute_logistic_fit(x_train, y[train], c)
                probs[seed, test] = 1 / (1 + np.exp(-(x_test @ w + b)))
        for t in THRESHOLDS:
            alone = [compute_precision_recall((p >= t) & gate, y) for p in probs]
            either = [compute_precision_recall(((p >= t) & gate) | patterns, y) for p in probs]
            out[f"C={c:g} t={t:g}"] = {
                "model": tuple(round(float(v), 3) for v in np.mean(alone, axis=0)),
                "model_or_patterns": tuple(round(float(v), 3) for v in np.mean(either, axis=0)),
            }
    return out


if __name__ == "__main__":
    for key, value in compute_cv().items():
        print(key, value)
