"""How right the category *counts* are: share errors and planted drops, plain and adjusted.

The service publishes how many postings each category has per window and how much that moved,
so this scores the counts, not the postings. On a labelled file the tagger never saw:
- share error: |tagged share - true share| per named category, in percentage points, for
  classify-and-count (the tagged counts) and for the adjusted counts (analytics/trends/adjusted);
- planted drop: remove PLANTED_DROP of one category's true postings at random and count again;
  the reported change should be -30%. Repeated PLANT_SEEDS times per category (mean and sd).
  The mean is the method's bias on this file (which postings were removed averaged out); the
  sd is one draw's spread.
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
# repetitions per category: the mean's own sd is one draw's over 14; with 20 it was over 4.5,
# 1.1 pp for Customer Service's 5 pp, a third of the 3 pp tolerance spent on which postings
# happened to be removed (the means of 400 draws moved its error from +4.8 to +2.5 pp)
PLANT_SEEDS = 200
MATRIX_REPS = 400  # bootstrap replicates for the intervals of one planted draw, as share_adjusted


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


def _tagged_counts(codes: np.ndarray, keep: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(codes[keep], minlength=size).astype(float)


def _remove(members: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A mask over `size` postings with PLANTED_DROP of `members` removed at random."""
    keep = np.ones(size, dtype=bool)
    keep[rng.choice(members, size=int(round(PLANTED_DROP * len(members))), replace=False)] = False
    return keep


def compute_planted_drops(
    truths: Sequence[str], predictions: Sequence[str], matrix: ConfusionMatrix,
    names: tuple[str, ...], seed: int = 30,
) -> dict[str, dict[str, float]]:  # fmt: skip
    """Per named category: mean and sd of the reported change (%) after a planted -30%, and
    two 95% bootstrap intervals of the first draw:
    - `matrix_interval_pct` redraws the matrix only (its rows from their posterior,
      trends/adjusted.compute_bootstrap_matrices);
    - `interval_pct` also redraws the scored postings (resampled with replacement: the count
      noise share_adjusted's day blocks carry, which a matrix draw cannot see, since the
      postings of the scored file that leak into a category are themselves a random number)
      and which of them the drop removed, the part the `sd` column measures; `covered` says
      whether it holds the truth.

    A category the matrix cannot correct (trends/adjusted.compute_unstable_reason) or whose
    change is too uncertain (compute_change_reason, on `interval_pct`) gets `refused` with the
    reason instead of adjusted numbers, as share_adjusted would publish. The draws behind the
    mean come from their own stream per category, so the intervals' settings do not move it.
    """
    labels = matrix.labels
    rates = matrix.rates
    size = len(labels)
    truth = np.asarray(truths)
    pred = np.asarray(predictions)
    n = len(pred)
    index = {label: i for i, label in enumerate(labels)}
    codes = np.array([index[v] for v in pred], dtype=np.int64)
    truth_codes = np.array([index.get(v, index[labels[-1]]) for v in truth], dtype=np.int64)
    base_tagged = np.bincount(codes, minlength=size).astype(float)
    base_adjusted = compute_adjusted_shares(rates, base_tagged) * n
    rng = np.random.default_rng(seed)
    out: dict[str, dict[str, float]] = {}
    for k, name in enumerate(labels):
        if name not in names:
            continue
        members = np.flatnonzero(truth_codes == k)
        drop = int(round(PLANTED_DROP * len(members)))
        if drop == 0 or base_tagged[k] == 0 or base_adjusted[k] <= 0:
            continue  # nothing to plant, or nothing tagged to compare with
        plain, adjusted = [], []
        first: np.ndarray | None = None
        draws = np.random.default_rng([seed, k])
        for _ in range(PLANT_SEEDS):
            keep = _remove(members, n, draws)
            tagged = _tagged_counts(codes, keep, size)
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
        for sample in compute_bootstrap_matrices(matrix.counts, MATRIX_REPS, rng):
            before = compute_adjusted_shares(sample, base_tagged)[k] * n
            after = compute_adjusted_shares(sample, first)[k] * (n - drop)
            ratios.append(100 * (after / before - 1) if before > 0 else np.nan)
            levels.append(before)
            # the scored postings redrawn, then the drop planted among the redrawn ones
            picked = rng.integers(0, n, n)
            redrawn_members = np.flatnonzero(truth_codes[picked] == k)
            if len(redrawn_members) == 0:
                full.append(np.nan)
                continue
            keep = _remove(redrawn_members, n, rng)
            redrawn = codes[picked]
            before = compute_adjusted_shares(sample, np.bincount(redrawn, minlength=size))[k] * n
            after = compute_adjusted_shares(sample, _tagged_counts(redrawn, keep, size))[k]
            after *= keep.sum()
            # centred on this file's truth: the redrawn file's own drop differs by rounding
            redrawn_true = -100 * (n - keep.sum()) / len(redrawn_members)
            change = 100 * (after / before - 1) if before > 0 else np.nan
            full.append(change - redrawn_true + true_pct)
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
