"""Least squares with Newey-West (HAC) standard errors, in plain numpy.

Normal equations via einsum keep every BLAS/LAPACK call tiny: statsmodels' QR/SVD on
the full n x k design spun up OpenBLAS threads that fought DuckDB's for 2 cores (10x slower).
Matches statsmodels OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": L}) (Bartlett kernel,
no small-sample correction); tests/test_analytics_hac.py checks that.
"""

from __future__ import annotations

import numpy as np


def compute_ols_hac(y: np.ndarray, x: np.ndarray, lags: int) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and their Newey-West standard errors (Bartlett weights 1 - l/(lags+1))."""
    xtx_inv = np.linalg.inv(_cross(x, x))
    beta = xtx_inv @ np.einsum("ti,t->i", x, y)
    scores = x * (y - np.einsum("ti,i->t", x, beta))[:, None]
    meat = _cross(scores, scores)
    for lag in range(1, lags + 1):
        gamma = _cross(scores[lag:], scores[:-lag])
        meat += (1 - lag / (lags + 1)) * (gamma + gamma.T)
    cov = xtx_inv @ meat @ xtx_inv
    return beta, np.sqrt(np.diag(cov))


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a.T @ b without BLAS threads (einsum loops in C; k is under 20 here)."""
    return np.einsum("ti,tj->ij", a, b)
