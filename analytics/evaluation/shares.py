"""How right the category *counts* are: share errors and planted drops, plain and adjusted.

The service publishes how many postings each category has per window and how much that moved,
so this scores the counts, not the postings. On a labelled file the tagger never saw:
- share error: |tagged share - true share| per named category, in percentage points, for
  classify-and-count (the tagged counts) and for the adjusted counts (analytics/trends/adjusted);
- planted drop: remove PLANTED_DROP of one category's true postings at random and count again;
  the reported change should be -30%. Repeated PLANT_SEEDS times per category (mean and sd).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analytics.trends.adjusted import (
    ConfusionMatrix,
    compute_adjusted_shares,
    compute_bootstrap_matrices,
    compute_change_reason,
    compute_level_cv,
    compute_unstable_reason,
)

PLANTED_DROP = 0.30  # the test: a 30% decline, about the size the studies report
PLANT_SEEDS = 20  # repetitions per category: the mean's sd is about 1/4.5 of one draw's
MATRIX_REPS = 200  # labelled-set bootstrap replicates for the interval of one planted draw


def _counts(values: Sequence[str] | np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    out = np.zeros(len(labels))
    for v in values:
        out[index[v]] += 1
    return out


def compute_share_errors(
    truths: Sequence[str], predictions: Sequence[str], matrix: ConfusionMatrix,
    names: tuple[str, ...],
) -> dict[str, Any]:  # fmt: skip
    """Per named category: true, tagged and adjusted share (pp); the two mean absolute errors."""
    labels = matrix.labels
    true = _counts(truths, labels) / len(truths)
    tagged = _counts(predictions, labels)
    plain = tagged / tagged.sum()
    adjusted = compute_adjusted_shares(matrix.rates, tagged)
    rows = {
        name: {
            "true_pp": round(100 * true[k], 3),
            "tagged_pp": round(100 * plain[k], 3),
            "adjusted_pp": round(100 * adjusted[k], 3),
        }
        for k, name in enumerate(labels)
        if name in names
    }
    keep = [k for k, name in enumerate(labels) if name in names]
    return {
        "share_mae_pp": round(float(100 * np.abs(plain - true)[keep].mean()), 4),
        "share_mae_pp_adjusted": round(float(100 * np.abs(adjusted - true)[keep].mean()), 4),
        "shares": rows,
    }


def compute_planted_drops(
    truths: Sequence[str], predictions: Sequence[str], matrix: ConfusionMatrix,
    names: tuple[str, ...], seed: int = 30,
) -> dict[str, dict[str, float]]:  # fmt: skip
    """Per named category: mean and sd of the reported change (%) after a planted -30%, and
    two 95% bootstrap intervals of the first draw:
    - `matrix_interval_pct` redraws the labelled set only (the matrix's own uncertainty);
    - `interval_pct` also redraws which postings the drop removed (one new draw per
      replicate), the part the `sd` column measures: the analogue of share_adjusted redrawing
      days, and `covered` says whether it holds the truth.

    A category the matrix cannot correct (trends/adjusted.compute_unstable_reason) or whose
    change is too uncertain (compute_change_reason, on `interval_pct`) gets `refused` with the
    reason instead of adjusted numbers, as share_adjusted would publish.
    """
    labels = matrix.labels
    rates = matrix.rates
    truth = np.asarray(truths)
    pred = np.asarray(predictions)
    base_tagged = _counts(pred, labels)
    index = {label: i for i, label in enumerate(labels)}
    codes = np.array([index[v] for v in pred], dtype=np.int64)
    base_adjusted = compute_adjusted_shares(rates, base_tagged) * len(pred)
    rng = np.random.default_rng(seed)
    out: dict[str, dict[str, float]] = {}
    for k, name in enumerate(labels):
        if name not in names:
            continue
        members = np.flatnonzero(truth == name)
        drop = int(round(PLANTED_DROP * len(members)))
        if drop == 0 or base_tagged[k] == 0 or base_adjusted[k] <= 0:
            continue  # nothing to plant, or nothing tagged to compare with
        plain, adjusted = [], []
        first: np.ndarray | None = None
        for _ in range(PLANT_SEEDS):
            keep = np.ones(len(pred), dtype=bool)
            keep[rng.choice(members, size=drop, replace=False)] = False
            tagged = np.bincount(codes[keep], minlength=len(labels)).astype(float)
            first = tagged if first is None else first
            plain.append(100 * (tagged[k] / base_tagged[k] - 1))
            after = compute_adjusted_shares(rates, tagged)[k] * keep.sum()
            adjusted.append(100 * (after / base_adjusted[k] - 1))
        true_pct = -100 * drop / len(members)
        row: dict[str, Any] = {
            "true_pct": round(true_pct, 2),
            "plain_pct": round(float(np.mean(plain)), 2),
        }
        reason = compute_unstable_reason(matrix, name)
        if reason is not None:
            out[name] = row | {"refused": reason}
            continue
        assert first is not None
        ratios, full, levels = [], [], []
        n_before, n_after = len(pred), len(pred) - drop
        for sample in compute_bootstrap_matrices(matrix.counts, MATRIX_REPS, rng):
            before = compute_adjusted_shares(sample, base_tagged)[k] * n_before
            after = compute_adjusted_shares(sample, first)[k] * n_after
            ratios.append(100 * (after / before - 1) if before > 0 else np.nan)
            levels.append(before)
            keep = np.ones(len(pred), dtype=bool)
            keep[rng.choice(members, size=drop, replace=False)] = False
            redrawn = np.bincount(codes[keep], minlength=len(labels)).astype(float)
            after = compute_adjusted_shares(sample, redrawn)[k] * n_after
            full.append(100 * (after / before - 1) if before > 0 else np.nan)
        cv = float(compute_level_cv(np.asarray(levels)[:, None])[0])
        low, high = np.nanpercentile(ratios, [2.5, 97.5])
        full_low, full_high = np.nanpercentile(full, [2.5, 97.5])
        intervals = {
            "matrix_interval_pct": [round(float(low), 1), round(float(high), 1)],
            "interval_pct": [round(float(full_low), 1), round(float(full_high), 1)],
            "level_cv": round(cv, 3),
        }
        reason = compute_change_reason(name, float(full_low), float(full_high))
        if reason is not None:  # share_adjusted's own check, on this interval
            out[name] = row | {"refused": reason} | intervals
            continue
        out[name] = (
            row
            | {
                "adjusted_pct": round(float(np.mean(adjusted)), 2),
                "adjusted_sd_pct": round(float(np.std(adjusted)), 2),
                "covered": bool(full_low <= true_pct <= full_high),
            }
            | intervals
        )
    return out
