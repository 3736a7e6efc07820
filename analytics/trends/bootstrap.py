"""`window` and `share`: mean daily value after vs before, with a moving-block bootstrap.

The block length is chosen from the data (Politis and White 2004, with Patton, Politis and
White's 2009 correction, as `arch.bootstrap.optimal_block_length` implements it) instead of a
fixed two weeks: persistent series need longer blocks. The resampling itself stays a
vectorised numpy moving-block draw (arch's bootstrap classes loop in Python per rep).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

BOOTSTRAP_REPS = 400  # percentile intervals stable to ~0.5 pp at this count
MIN_BLOCK_DAYS = 14  # two weeks at least: keeps the weekly cycle inside a block


def compute_block_days(values: np.ndarray) -> int:
    """Data-chosen block length (days) for a moving-block bootstrap of `values`."""
    from arch.bootstrap import optimal_block_length

    if len(values) < 3 * MIN_BLOCK_DAYS or np.ptp(values) == 0:
        return min(MIN_BLOCK_DAYS, len(values))
    chosen = float(optimal_block_length(values)["circular"].iloc[0])
    return int(max(MIN_BLOCK_DAYS, np.ceil(chosen)))


def compute_block_index(length: int, block: int, reps: int, rng: np.random.Generator) -> np.ndarray:
    """(reps, length) day positions of a moving-block resample: random starts, whole blocks."""
    size = min(block, length)
    n_blocks = -(-length // size)
    starts = rng.integers(0, length - size + 1, size=(reps, n_blocks))
    return (starts[:, :, None] + np.arange(size)).reshape(reps, -1)[:, :length]


def compute_block_bootstrap_ratio(
    before: np.ndarray, after: np.ndarray, rng: np.random.Generator
) -> tuple[float, float, int]:
    """95% percentile interval (percent) of mean(after)/mean(before) - 1 and the block used."""
    # one selection on both windows (each minus its mean, so a level shift is not persistence)
    block = compute_block_days(np.concatenate([before - before.mean(), after - after.mean()]))
    block = min(block, len(before) // 3 or 1, len(after) // 3 or 1)
    draws = [
        values[compute_block_index(len(values), block, BOOTSTRAP_REPS, rng)].mean(axis=1)
        for values in (before, after)
    ]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 100 * (draws[1] / draws[0] - 1)
    low, high = np.nanpercentile(ratio, [2.5, 97.5])
    return float(low), float(high), block


def compute_window(before: pd.Series, after: pd.Series, rng: np.random.Generator) -> dict[str, Any]:
    """Mean daily value after vs before (percent) over collected days, with its interval."""
    b, a = before.dropna().to_numpy(), after.dropna().to_numpy()
    if len(b) == 0 or len(a) == 0 or b.mean() == 0:
        return {"meaningful": False, "note": "no postings before"}
    low, high, block = compute_block_bootstrap_ratio(b, a, rng)
    return {
        "estimate_pct": 100 * (a.mean() / b.mean() - 1),
        "ci_low_pct": low,
        "ci_high_pct": high,
        "note": f"block bootstrap, {block}-day blocks (data-chosen), {BOOTSTRAP_REPS} reps",
    }
