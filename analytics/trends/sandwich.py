"""Ordinary least squares with its variance from a persistent error model (a sandwich).

GLS under the error model the restricted likelihood picks (persistent.py) is efficient when
the design is right, but it changes what is estimated when it is not. Under a drifting
(integrated) error model GLS works on the weekly changes, so a before/after contrast is read
from the weeks next to the event: an effect that ramps in over months (the study's was
gradual) is then read as a fraction of its size (the README demo: Writing -13.7% by GLS for a
planted -33%, the window contrast -30.7%). The published estimate is therefore the plain OLS
coefficient (for `did`, mean(after) - mean(before) of the weekly log differences: every week
counts the same), and its variance is what the chosen error model says OLS's is:

    Var(b) = (X'X)^-1 X' Sigma X (X'X)^-1,   Sigma = s2 V  (V from the model, s2 by REML)

computed as s2 ||W^-T c||^2 for each coefficient's weights c = X (X'X)^-1 e_i, where W is the
whitening the Kalman filter applies (W V W' = I: the filter run over the identity). The model
choice is unchanged (REML over the families) and so is Berger-Boos: the widest OLS variance
over the plausible models is kept.

The diffuse level of an integrated model: the filter starts the walk at zero and lets the
regression's constant carry its level. Every coefficient but the constant has weights c with
c'1 = 0 ((X'X)^-1 X'X = I), so a level of any variance, k 11' added to Sigma, adds
c' k 11' c = 0: the contrast does not depend on where the walk started
(tests/test_analytics_sandwich.py checks the variance against an explicit Sigma, with and
without such a level).
"""

from __future__ import annotations

import numpy as np

from analytics.trends.persistent import (
    DEFAULT_MODELS,
    DESIGN_CACHE_KEYS,
    NUISANCE_DROP,
    ErrorModels,
    PersistentFit,
    _cached_path,
    compute_restricted,
)

_unit_variances: dict[bytes, tuple[np.ndarray, ...]] = {}  # per (design, times, models)


def compute_unit_variances(x: np.ndarray, t: np.ndarray, models: ErrorModels) -> np.ndarray:
    """compute_ols_variances at s2 = 1 for every model, remembered per (x, t, models): every
    subject of an event shares its design and times, only s2 differs (it scales linearly)."""

    def build() -> tuple[np.ndarray, ...]:
        return (compute_ols_variances(x, t, models, np.ones(len(models.lam))),)

    parts = (x, t.astype(float), models.persistence, models.lam, models.integrated)
    return _cached_path(parts, build, _unit_variances, DESIGN_CACHE_KEYS)[0]


def compute_ols_variances(
    x: np.ndarray, t: np.ndarray, models: ErrorModels, s2: np.ndarray
) -> np.ndarray:
    """(models x k) OLS coefficient variances under each model's covariance s2 V.

    c'Vc in closed form, the models' own definitions (persistent.py), for every coefficient's
    weights c at once:
    - stationary: V_ij = phi^|t_i - t_j| + lam [i = j];
    - integrated: u_w = v_0 + ... + v_w over whole weeks w (gaps rounded, as the filter
      does), v a stationary AR(1) of variance 1 / (1 - rho^2), so c'Vc = d'R d / (1 - rho^2)
      + lam c'c with R_sr = rho^|s - r| and d_s = sum of c_i over the weeks at or after s.
    Only the distinct persistence values need a matrix (15 + 5 in the default grid).
    """
    weights = x @ np.linalg.inv(x.T @ x)  # n x k: column i is coefficient i's weights c
    t = t.astype(float)
    white = (weights * weights).sum(axis=0)  # c'c per coefficient
    steps = np.maximum(np.rint(np.diff(t)), 1).astype(int)
    week = np.concatenate([[0], np.cumsum(steps)])  # the filter's whole-week clock
    tails = np.zeros((int(week[-1]) + 1, x.shape[1]))
    np.add.at(tails, week, weights)
    tails = np.cumsum(tails[::-1], axis=0)[::-1]  # d_s: weights at or after week s
    lags = np.abs(np.subtract.outer(t, t))
    week_lags = np.abs(np.subtract.outer(np.arange(len(tails)), np.arange(len(tails))))
    out = np.empty((len(models.lam), x.shape[1]))
    for integrated in (False, True):
        chosen = models.integrated == integrated
        for c in np.unique(models.persistence[chosen]):
            if integrated:
                quad = (tails * ((c**week_lags) @ tails)).sum(axis=0) / (1 - c * c)
            else:
                quad = (weights * ((c**lags) @ weights)).sum(axis=0)
            rows = chosen & (models.persistence == c)
            out[rows] = quad[None, :] + models.lam[rows][:, None] * white[None, :]
    return s2[:, None] * out


def compute_persistent_contrast(
    y: np.ndarray, x: np.ndarray, t: np.ndarray, models: ErrorModels = DEFAULT_MODELS
) -> PersistentFit:
    """OLS of y on x (n x k) at times t (weeks), intervals from the persistent error model."""
    n, k = x.shape
    restricted, s2, _gls = compute_restricted(y, x, t, models)
    best = int(np.argmax(restricted))
    plausible = np.flatnonzero(restricted >= restricted[best] - NUISANCE_DROP)
    variances = s2[plausible, None] * compute_unit_variances(x, t, models)[plausible]
    params = np.linalg.lstsq(x, y, rcond=None)[0]
    return PersistentFit(
        params=params,
        bse=np.sqrt(variances.max(axis=0)),
        df=n - k,
        phi=float(models.persistence[best]),
        lam=float(models.lam[best]),
        errors=models.describe(best) + ", OLS estimate with the model's variance",
    )
