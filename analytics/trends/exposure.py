"""Generative-AI exposure per category and its correlation with measured effects.

analytics/trends/data/exposure.csv maps each category to one 2018 SOC occupation and carries that
occupation's generative-AI applicability score from Tomlinson et al. (2025, arXiv:2507.07935,
CC BY 4.0); analytics/trends/data/EXPOSURE_SOURCE.md cites the file and argues the mapping. ISCO-08
equivalents are kept beside it. A category without a score (Other) is left out of the
correlation, and with fewer than three scored categories the correlation is None.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

MIN_SCORED_CATEGORIES = 3  # a rank correlation over fewer points says nothing


def read_exposure(path: Path | None = None) -> pd.DataFrame:
    """The exposure table at `path`, by default the shipped one: category, isco08_codes,
    isco08_titles, soc2018_code, exposure_score, ... (codes kept as text)."""
    source = path or resources.files("analytics.trends.data").joinpath("exposure.csv")
    with source.open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"isco08_codes": str, "soc2018_code": str})


LEAST_EXPOSED_CONTROLS = 3  # enough categories that one odd control does not steer the sum


def compute_least_exposed(
    exposure: pd.DataFrame, k: int = LEAST_EXPOSED_CONTROLS
) -> tuple[str, ...]:
    """The k scored categories least exposed to generative AI: the default DiD controls."""
    scored = exposure.dropna(subset=["exposure_score"]).sort_values("exposure_score")
    return tuple(scored["category"].head(k))


def compute_exposure_correlation(
    exposure: pd.DataFrame, deltas: pd.DataFrame, method: str = "did"
) -> tuple[float | None, int]:
    """Spearman rank correlation of exposure_score with `method`'s estimate_pct across
    categories that have both (meaningful rows only); returns (rho or None, categories used)."""
    effects = deltas[
        (deltas["method"] == method) & (deltas["kind"] == "category") & deltas["meaningful"]
    ].set_index("subject")["estimate_pct"]
    scores = exposure.set_index("category")["exposure_score"]
    both = pd.concat([scores, effects], axis=1, join="inner").dropna()
    if len(both) < MIN_SCORED_CATEGORIES:
        return None, len(both)
    ranks = both.rank()
    rho = float(np.corrcoef(ranks.iloc[:, 0], ranks.iloc[:, 1])[0, 1])
    return rho, len(both)
