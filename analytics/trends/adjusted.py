"""Adjusted classify-and-count: category shares corrected with the tagger's confusion matrix.

A tagger with precision below 1 damps every trend: a category's count is its true postings
times its recall plus false positives from the other categories, and those do not move when
it does. With C[i, j] = P(tagged j | truly i), estimated out of fold on labelled postings, the
tagged shares q of a window satisfy C^T p = q in expectation, p being the true shares. We solve
that for p >= 0, sum(p) = 1 (non-negative least squares with the sum as a heavily weighted
extra row), per window, on the postings the rules or the title model tagged; postings tagged
by their platform's own label (or the simulator's truth) are counted as they are.

The matrix is data (table tagger_confusion, written by `jobtrends eval confusion` and by
`jobtrends enrich`): this module never imports the tagger. Intervals come from a bootstrap
that redraws both the matrix (each row from its Dirichlet posterior given the labelled postings,
so a leak never seen still has a chance) and the window's days (moving blocks, as `share`).
Corrections add variance: below MIN_ADJUSTED_POSTINGS tagged postings in a window, with a
matrix whose condition number exceeds MAX_CONDITION, or where the change's own interval is
wider than MAX_CHANGE_HALF_WIDTH_PP either side, nothing is published and the note says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from analytics.trends.bootstrap import compute_block_index

# Measured (issue 13): on the held-out labelled file the correction was worse than plain
# counting below about 5,000 tagged postings per window; see docs/enrichment.md.
MIN_ADJUSTED_POSTINGS = 5_000
MAX_CONDITION = 30.0  # cond(C) above this: a 1 pp error in q can move p by ~30 pp; refuse
MIN_ROW_SUPPORT = 30  # labelled postings of a category: fewer and its row is mostly noise
# the correction divides by about the tagger's recall: below 0.3 a 1-posting error in the tagged
# count is more than 3 corrected postings (Back-End Development today, 0.24: a planted -30%
# read -27% and -36% in the two cross-file checks, sd 11-14 pp)
MIN_RECALL = 0.30
# A change is refused when its own bootstrap interval (matrix and days redrawn together)
# is wider than this either side: +/-15 pp cannot tell the studies' effects (-10% to -35%) from
# one another. It is the change's uncertainty, not its level's, that decides: an error in the
# matrix shifts both windows' corrected levels alike and largely cancels in their ratio (a
# relative level error e moves a -30% change by about 30e pp and a 0% change not at all).
# Refusing on the level's spread (sd > 10% of it) refused 11 of 24 planted drops whose
# published estimates were all within 3 pp (docs/enrichment.md).
MAX_CHANGE_HALF_WIDTH_PP = 15.0
# Each matrix row's prior: Dirichlet(1/K per cell), one pseudo-posting per row (Perks 1947),
# near the 0.8/K Berger, Bernardo & Sun (2015, Bayesian Analysis 10(1)) recommend for a sparse
# multinomial. Resampling the observed cells (rounds two and three) gives a cell seen 0 times
# no spread at all: fitted on 1_3, 2 of Market Research's 16 tags were leaks; scored on 1_1, 13
# of 17 were, from cells the matrix had seen 0 or 1 times (docs/enrichment.md). Jeffreys' 0.5
# per cell (6.5 pseudo-postings a row) also moves the 60-100-posting rows' recall: it widened
# Customer Service's and Front-End's planted-drop intervals to +/-20 pp, Perks' to +/-13-17.
MATRIX_PRIOR_PER_ROW = 1.0
SUM_WEIGHT = 1_000.0  # weight of the sum(p) = 1 row in the least-squares solve
ADJUSTED_REPS = 400  # bootstrap replicates, as the other deltas
ADJUSTED_BLOCK_DAYS = 14  # moving blocks of two weeks, as the `share` method


@dataclass(frozen=True)
class ConfusionMatrix:
    """Out-of-fold counts: counts[i, j] = labelled postings of truth labels[i] tagged labels[j]."""

    labels: tuple[str, ...]
    counts: np.ndarray  # int, (k, k)
    tagger_version: str = ""

    @property
    def rates(self) -> np.ndarray:
        """Row-normalised C = P(tagged j | truly i); a row without support is the identity."""
        return compute_rates(self.counts)

    @property
    def condition(self) -> float:
        return float(np.linalg.cond(self.rates))


def compute_rates(counts: np.ndarray) -> np.ndarray:
    """[[3, 1], [0, 0]] -> [[0.75, 0.25], [0, 1]]: rows sum to 1, an empty row is identity."""
    counts = np.asarray(counts, dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    rates = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    empty = totals[:, 0] == 0
    rates[empty, :] = np.eye(len(counts))[empty]
    return rates


def compute_adjusted_shares(rates: np.ndarray, tagged: np.ndarray) -> np.ndarray:
    """True shares p (>= 0, sum 1) from tagged shares or counts q: least squares on C^T p = q.

    With C = identity the answer is q / sum(q).
    """
    q = np.asarray(tagged, dtype=float)
    total = q.sum()
    if total <= 0:
        return np.zeros(len(q))
    a = np.vstack([rates.T, SUM_WEIGHT * np.ones(len(q))])
    b = np.concatenate([q / total, [SUM_WEIGHT]])
    p, _ = nnls(a, b)
    return p / p.sum()


def compute_bootstrap_matrices(
    counts: np.ndarray, reps: int, rng: np.random.Generator
) -> np.ndarray:
    """`reps` rate matrices drawn from each row's posterior: Dirichlet(counts + MATRIX_PRIOR).

    For well-filled cells this is the multinomial resampling of the labelled postings; unlike
    it, a cell seen 0 or 1 times can still draw a leak of a few postings in a hundred, so a
    category whose corrected level rests on thin cells gets the wide interval it deserves. A
    row with no labelled posting stays the identity, as in compute_rates.
    """
    counts = np.asarray(counts, dtype=float)
    size = len(counts)
    prior = MATRIX_PRIOR_PER_ROW / size
    draws = rng.gamma(counts + prior, size=(reps, *counts.shape))
    rates = draws / draws.sum(axis=2, keepdims=True)
    empty = counts.sum(axis=1) == 0
    rates[:, empty, :] = np.eye(size)[empty]
    return rates


@dataclass
class AdjustedInputs:
    """What share_adjusted needs: the matrix and the daily counts split by how they were tagged.

    `tagged` and `exact` are date-indexed frames with one column per matrix label: postings the
    rules/model tagged (corrected) and postings tagged by a platform label or the simulator
    (counted as they are).
    """

    matrix: ConfusionMatrix
    tagged: pd.DataFrame
    exact: pd.DataFrame
    tags_version: str | None = None  # the rules_version most tagged postings carry
    cache: dict[Any, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False)


def compute_unstable_reason(matrix: ConfusionMatrix, subject: str) -> str | None:
    """Why the matrix cannot correct `subject`'s share, or None when it can."""
    if subject not in matrix.labels:
        return f"the confusion matrix has no row for {subject}"
    support = int(matrix.counts[matrix.labels.index(subject)].sum())
    if support < MIN_ROW_SUPPORT:
        return (
            f"confusion matrix unstable for {subject}: {support} labelled postings "
            f"(needs {MIN_ROW_SUPPORT})"
        )
    recall = float(matrix.rates[matrix.labels.index(subject), matrix.labels.index(subject)])
    if recall < MIN_RECALL:
        return (
            f"confusion matrix unstable for {subject}: the tagger finds {recall:.0%} of its "
            f"postings (needs {MIN_RECALL:.0%}), so the correction would amplify noise"
        )
    if matrix.condition > MAX_CONDITION:
        return (
            f"confusion matrix unstable: condition number {matrix.condition:.0f} "
            f"(max {MAX_CONDITION:.0f})"
        )
    return None


def compute_level_cv(shares: np.ndarray) -> np.ndarray:
    """Per label (columns): sd / mean of the corrected share over bootstrap replicates (rows);
    infinite where the mean is zero. [[0.1, 0], [0.3, 0]] -> [0.5, inf] (to rounding)."""
    mean = shares.mean(axis=0)
    sd = shares.std(axis=0)
    return np.divide(sd, mean, out=np.full_like(mean, np.inf), where=mean > 0)


def compute_change_reason(subject: str, low: float, high: float) -> str | None:
    """Why the corrected change of `subject` is too uncertain to publish, or None.

    (-38.0, -22.0) -> None; (-60.0, -5.0) -> the reason (half-width 27.5 pp > 15).
    """
    half = (high - low) / 2
    if np.isfinite(half) and half <= MAX_CHANGE_HALF_WIDTH_PP:
        return None
    return (
        f"correction too uncertain for {subject} in this window: the 95% bootstrap interval "
        f"of the change is {low:+.0f}% to {high:+.0f}% (wider than +/-"
        f"{MAX_CHANGE_HALF_WIDTH_PP:.0f} pp), so its size cannot be told"
    )


def _block_day_sums(values: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    """(reps, labels) column sums over days resampled in moving blocks."""
    return values[compute_block_index(len(values), ADJUSTED_BLOCK_DAYS, reps, rng)].sum(axis=1)


def _window(frame: pd.DataFrame, start: date, end: date, labels: tuple[str, ...]) -> np.ndarray:
    part = frame.loc[pd.Timestamp(start) : pd.Timestamp(end)]
    return part.reindex(columns=list(labels), fill_value=0).to_numpy(dtype=float)


def compute_window_shares(
    inputs: AdjustedInputs, start: date, end: date
) -> tuple[np.ndarray, np.ndarray, float]:
    """(adjusted shares of all postings, plain shares, tagged postings) for one window."""
    labels = inputs.matrix.labels
    tagged = _window(inputs.tagged, start, end, labels).sum(axis=0)
    exact = _window(inputs.exact, start, end, labels).sum(axis=0)
    total = tagged.sum() + exact.sum()
    if total <= 0:
        zeros = np.zeros(len(labels))
        return zeros, zeros, 0.0
    p = compute_adjusted_shares(inputs.matrix.rates, tagged)
    return (p * tagged.sum() + exact) / total, (tagged + exact) / total, float(tagged.sum())


def compute_adjusted_deltas(
    inputs: AdjustedInputs, before: tuple[date, date], after: tuple[date, date], seed: int
) -> dict[str, dict[str, Any]]:
    """Per label: share_adjusted's row values (estimate_pct, interval, meaningful, note).

    Cached per window pair: every category of one refresh shares the same solves.
    """
    key = (before, after, seed)
    if key in inputs.cache:
        return inputs.cache[key]
    labels = inputs.matrix.labels
    rng = np.random.default_rng(seed)
    share_b, _, n_b = compute_window_shares(inputs, *before)
    share_a, _, n_a = compute_window_shares(inputs, *after)
    small = min(n_b, n_a) < MIN_ADJUSTED_POSTINGS
    out: dict[str, dict[str, Any]] = {}
    if small:
        note = (
            f"window too small for the correction: {int(n_b)} tagged postings before, "
            f"{int(n_a)} after (needs {MIN_ADJUSTED_POSTINGS} per side)"
        )
        if n_b == 0 and n_a == 0:
            note = "no postings tagged by rules or the title model: nothing to correct (see share)"
        out = {label: {"meaningful": False, "note": note} for label in labels}
        inputs.cache[key] = out
        return out
    matrices = compute_bootstrap_matrices(inputs.matrix.counts, ADJUSTED_REPS, rng)
    draws = []
    for start, end in (before, after):
        tagged = _block_day_sums(_window(inputs.tagged, start, end, labels), ADJUSTED_REPS, rng)
        exact = _block_day_sums(_window(inputs.exact, start, end, labels), ADJUSTED_REPS, rng)
        shares = np.empty_like(tagged)
        for r in range(ADJUSTED_REPS):
            p = compute_adjusted_shares(matrices[r], tagged[r])
            total = tagged[r].sum() + exact[r].sum()
            shares[r] = (p * tagged[r].sum() + exact[r]) / total if total else 0.0
        draws.append(shares)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = 100 * (draws[1] / draws[0] - 1)
    version = inputs.matrix.tagger_version or "unversioned"
    stale = ""
    if inputs.tags_version and inputs.tags_version != inputs.matrix.tagger_version:
        stale = (
            f"; STALE: the tags are {inputs.tags_version}, rebuild the matrix "
            "(jobtrends eval confusion)"
        )
    for k, label in enumerate(labels):
        reason = compute_unstable_reason(inputs.matrix, label)
        if reason is None and share_b[k] <= 0:
            reason = "adjusted share is zero before"
        if reason is None:
            low, high = np.nanpercentile(ratios[:, k], [2.5, 97.5])
            reason = compute_change_reason(label, float(low), float(high))
        if reason is not None:
            out[label] = {"meaningful": False, "note": reason}
            continue
        out[label] = {
            "estimate_pct": float(100 * (share_a[k] / share_b[k] - 1)),
            "ci_low_pct": float(low),
            "ci_high_pct": float(high),
            "note": (
                f"adjusted classify-and-count (confusion matrix {version}, cond "
                f"{inputs.matrix.condition:.1f}); bootstrap over the matrix posterior and "
                f"{ADJUSTED_BLOCK_DAYS}-day blocks, {ADJUSTED_REPS} reps{stale}"
            ),
        }
    inputs.cache[key] = out
    return out


def compute_share_adjusted(
    inputs: AdjustedInputs | None, subject: tuple[str, str], w: Any, seed: int
) -> dict[str, Any]:
    """share_adjusted's values for one (kind, subject) and windows `w` (a Windows)."""
    if subject[0] != "category":
        return {"meaningful": False, "note": "share_adjusted corrects categories only"}
    if inputs is None:
        return {
            "meaningful": False,
            "note": "no confusion matrix stored: run `jobtrends eval confusion` or `enrich`",
        }
    deltas = compute_adjusted_deltas(
        inputs, (w.before_start, w.before_end), (w.after_start, w.after_end), seed
    )
    return deltas.get(subject[1], {"meaningful": False, "note": "not in the confusion matrix"})
