"""Regression whose errors persist: y_t = x_t b + u_t + e_t, u persistent, e white noise.

Real demand is persistent (the Indeed sector series have weekly AR(1) 0.82-0.99), so errors
that forget after two weeks (Newey-West, 14 daily lags) make intervals far too narrow. Here
the error covariance is estimated with the coefficients, over two families of models for u:

- stationary: u_t = phi^dt u_(t-1) + eta, an AR(1) of stationary variance s2;
- integrated: u_t = u_(t-1) + v_t with v_t = rho v_(t-1) + eta (variance s2), a random walk
  (rho = 0) or one whose weekly changes persist (momentum, rho > 0): ARIMA(1,1,0).

plus e_t ~ N(0, lam * s2). On the Indeed sector series a stationary AR(1) fitted on a 13-week
window put phi near its bound and still excluded zero at 27% of placebo dates: the sector-to-
aggregate ratios of 2020-2022 drift, with trends that last months, which no stationary model
of a short window can express (its variance is capped by the window's own spread). With the
integrated family in the model set, the likelihood chooses a drifting error when the data
drift and a stationary one when they mean-revert (`jobtrends validate --null` checks the
simulator's stationary noise keeps its coverage and power, `--placebo-series` the real series).
Observations may be irregularly spaced (the gap between the windows, weeks lost to outages),
which the Kalman filter handles exactly (integrated models round a gap to whole weeks).

The likelihood is profiled over the grid of models with s2 concentrated out, restricted (REML:
the log det of X'V^-1 X is subtracted, which removes most of the downward bias of phi near a
unit root that plain maximum likelihood has), and every model is filtered at once with numpy
(a loop over time, vectorised over the grid: a two-element state written out elementwise):
a few ms for 150 weeks where statsmodels' UnobservedComponents/SARIMAX takes 0.4 s a fit;
tests/test_analytics_persistent.py checks the likelihood equals statsmodels
UnobservedComponents' (irregular + autoregressive=1, and local level). Intervals use Student t
with n - k degrees of freedom.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import stdtr, stdtrit  # Student t cdf/quantile: scipy.stats imports in 5 s

# weekly persistence grid: dense near 1, where intervals are most sensitive to it
PHI_GRID = np.array(
    [0.0, 0.2, 0.4, 0.55, 0.7, 0.8, 0.86, 0.9, 0.93, 0.95, 0.965, 0.975, 0.983, 0.99, 0.995]
)
# white-noise variance relative to the AR(1) variance: Poisson noise of small counts is white
LAMBDA_GRID = np.array([0.0, 0.05, 0.15, 0.4, 1.0, 2.5, 6.0, 15.0, 40.0, 1e3])
# integrated models: persistence of the weekly changes (0: a random walk) ...
RHO_GRID = np.array([0.0, 0.3, 0.6, 0.8, 0.9])
# ... and white noise relative to one week's change, which is small beside a level's spread
INTEGRATED_LAMBDA_GRID = np.array([0.0, 0.15, 1.0, 4.0, 15.0, 60.0, 250.0, 1e3, 1e4])
# Berger and Boos (1994): take the widest interval over the error models inside the 50%
# likelihood region of (phi, lam), chi2(2).ppf(0.5) / 2 log-likelihood units below the best.
# Best-fit-only intervals excluded zero in 14% of null cases at daily AR(1) 0.99 (weekly 0.93),
# because phi is estimated low in half the samples; `jobtrends validate --null` measures it.
NUISANCE_DROP = 0.6931


@dataclass(frozen=True)
class ErrorModels:
    """A grid of G error models as arrays: the persistence, the white noise, the family."""

    persistence: np.ndarray  # phi (stationary) or rho (integrated)
    lam: np.ndarray
    integrated: np.ndarray  # bool

    def describe(self, i: int) -> str:
        if self.integrated[i]:
            rho = float(self.persistence[i])
            return (
                "random-walk+noise errors"
                if rho == 0
                else (f"integrated AR(1)+noise errors (weekly changes rho {rho:.2f})")
            )
        return f"AR(1)+noise errors (weekly phi {self.persistence[i]:.2f})"


def compute_error_models(integrated: bool = True) -> ErrorModels:
    """The default grid: every stationary (phi, lam) and, unless told not, every integrated."""
    phi, lam = (a.ravel() for a in np.meshgrid(PHI_GRID, LAMBDA_GRID, indexing="ij"))
    kinds = np.zeros(len(phi), dtype=bool)
    if integrated:
        rho, ilam = (
            a.ravel() for a in np.meshgrid(RHO_GRID, INTEGRATED_LAMBDA_GRID, indexing="ij")
        )
        phi, lam = np.concatenate([phi, rho]), np.concatenate([lam, ilam])
        kinds = np.concatenate([kinds, np.ones(len(rho), dtype=bool)])
    return ErrorModels(phi, lam, kinds)


DEFAULT_MODELS = compute_error_models()


@dataclass(frozen=True)
class PersistentFit:
    """Coefficients, standard errors, residual degrees of freedom and the chosen error model."""

    params: np.ndarray
    bse: np.ndarray
    df: int
    phi: float
    lam: float
    errors: str = ""  # the chosen error model, in words

    def interval(self, i: int, level: float = 0.95) -> tuple[float, float]:
        """Coefficient i's two-sided Student-t interval."""
        half = float(stdtrit(max(self.df, 1), 0.5 + level / 2)) * float(self.bse[i])
        return float(self.params[i]) - half, float(self.params[i]) + half

    def p_value(self, i: int) -> float:
        """Two-sided p-value of coefficient i = 0."""
        if self.bse[i] == 0:
            return 0.0 if self.params[i] != 0 else 1.0
        return float(2 * stdtr(max(self.df, 1), -abs(self.params[i] / self.bse[i])))


Transition = tuple[np.ndarray, ...]  # t00, t01, t11, q00, q01, q11 per model


def compute_transition(models: ErrorModels, dt: float) -> Transition:
    """State transition T and noise Q over dt weeks, per model (T's lower left is 0)."""
    c, integrated = models.persistence, models.integrated
    steps = max(int(round(dt)), 1)
    # stationary: T = [[phi^dt, 0], [0, 0]], Q = [[1 - phi^2dt, 0], [0, 0]]
    decay = c**dt
    t00, t01, t11 = np.where(integrated, 1.0, decay), np.zeros_like(c), np.zeros_like(c)
    q00, q01, q11 = np.where(integrated, 0.0, 1 - decay**2), np.zeros_like(c), np.zeros_like(c)
    # integrated: one week is T = [[1, rho], [0, rho]], Q = ones; compose `steps` weeks
    i00, i01, i11 = np.ones_like(c), np.zeros_like(c), np.ones_like(c)
    j00, j01, j11 = np.zeros_like(c), np.zeros_like(c), np.zeros_like(c)
    for _ in range(steps):
        j00, j01, j11 = (
            j00 + 2 * c * j01 + c * c * j11 + 1,
            c * j01 + c * c * j11 + 1,
            c * c * j11 + 1,
        )
        i01, i11 = i01 + c * i11, c * i11
    t00, t01, t11 = (
        np.where(integrated, i00, t00),
        np.where(integrated, i01, t01),
        np.where(integrated, i11, t11),
    )
    q00, q01, q11 = (
        np.where(integrated, j00, q00),
        np.where(integrated, j01, q01),
        np.where(integrated, j11, q11),
    )
    return t00, t01, t11, q00, q01, q11


def compute_filtered(
    data: np.ndarray,
    t: np.ndarray,
    phi: np.ndarray | None = None,
    lam: np.ndarray | None = None,
    models: ErrorModels | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Standardised innovations of every column of `data` (n x m) and sum(log f_t), per model.

    The models are `models`, or stationary AR(1)s with these phi, lam. Returns (G x n x m
    innovations / sqrt(f), G log-det terms); the filter is linear in the data, so whitening
    y and X together is one pass. Stationary and integrated models are filtered apart (a
    stationary model's second state is always zero: no work is spent on it).
    """
    if models is None:
        assert phi is not None and lam is not None
        models = ErrorModels(phi, lam, np.zeros(len(phi), dtype=bool))
    out = np.empty((len(models.lam), len(t), data.shape[1]))
    logdet = np.empty(len(models.lam))
    stationary = ~models.integrated
    if stationary.any():
        out[stationary], logdet[stationary] = compute_stationary_filtered(
            data, t, models.persistence[stationary], models.lam[stationary]
        )
    if models.integrated.any():
        part = ErrorModels(
            models.persistence[models.integrated],
            models.lam[models.integrated],
            np.ones(int(models.integrated.sum()), dtype=bool),
        )
        out[models.integrated], logdet[models.integrated] = compute_integrated_filtered(
            data, t, part
        )
    return out, logdet


# The filter's variances, gains and log dets do not depend on the data, only on the times t
# and the models: every subject of an event shares them (22 subjects x 5 designs in analyze),
# so they are computed once per (t, models) and the per-fit loop only moves the states. The
# arithmetic is the same, in the same order: the innovations are bit for bit the one-pass
# filter's.
PATH_CACHE_KEYS = 64  # (t, models) paths kept, oldest dropped first (a few hundred kB each)
_paths: dict[bytes, tuple[np.ndarray, ...]] = {}
_designs: dict[bytes, tuple[np.ndarray, ...]] = {}  # compute_whitened_design's
DESIGN_CACHE_KEYS = 16  # designs kept (the event study's is ~4 MB)
_paths_lock = threading.Lock()


def _cached_path(
    key_parts: tuple[np.ndarray, ...],
    build: Callable[[], tuple[np.ndarray, ...]],
    store: dict[bytes, tuple[np.ndarray, ...]] | None = None,
    limit: int = PATH_CACHE_KEYS,
) -> tuple[np.ndarray, ...]:
    """`build()`, remembered in `store` (the paths) under the bytes of `key_parts`."""
    store = _paths if store is None else store
    key = b"|".join(a.tobytes() + f"{a.dtype}{a.shape}".encode() for a in key_parts)
    with _paths_lock:
        found = store.get(key)
    if found is None:
        found = build()
        with _paths_lock:
            while len(store) >= limit:
                del store[next(iter(store))]
            store[key] = found
    return found


def compute_whitened_design(
    x: np.ndarray, t: np.ndarray, models: ErrorModels
) -> tuple[np.ndarray, ...]:
    """Per model: the whitened design, X'V^-1 X, its log det, and sum(log f). None of them
    depends on y, so every subject fitted on one design at the same times shares them (the
    filter treats columns apart: the same numbers as whitening x beside y)."""

    def build() -> tuple[np.ndarray, ...]:
        xw, logdet = compute_filtered(x, t, models=models)
        xtx = xw.transpose(0, 2, 1) @ xw  # batched BLAS: einsum took most of a fit's time
        _sign, xtx_logdet = np.linalg.slogdet(xtx)
        return xw, xtx, xtx_logdet, logdet

    parts = (x, t, models.persistence, models.lam, models.integrated)
    return _cached_path(parts, build, _designs, DESIGN_CACHE_KEYS)


def compute_stationary_path(
    t: np.ndarray, phi: np.ndarray, lam: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Per week (n x g): the decay since the last week, the gain, sqrt(f); and sum(log f)."""
    n, g = len(t), len(phi)
    decay, gain, root = np.ones((n, g)), np.empty((n, g)), np.empty((n, g))
    p = np.ones(g)  # Var(u_t | past) / s2: the stationary variance to start
    logdet = np.zeros(g)
    for i in range(n):
        if i > 0:
            decay[i] = phi ** (t[i] - t[i - 1])
            p = decay[i] ** 2 * p + (1 - decay[i] ** 2)
        f = p + lam
        root[i] = np.sqrt(f)
        logdet += np.log(f)
        gain[i] = p / f
        p = p * (1 - gain[i])
    return decay, gain, root, logdet


def compute_stationary_filtered(
    data: np.ndarray, t: np.ndarray, phi: np.ndarray, lam: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """compute_filtered for AR(1) + noise models: a one-element state."""
    decay, gain, root, logdet = _cached_path(
        (t, phi, lam), lambda: compute_stationary_path(t, phi, lam)
    )
    n, g = len(t), len(phi)
    decay, gain = decay[:, :, None], gain[:, :, None]
    state = np.zeros((g, data.shape[1]))  # E[u_t | past], per model and column
    out = np.empty((g, n, data.shape[1]))  # the innovations, then standardised
    for i in range(n):
        if i > 0:
            state *= decay[i]
        innovation = np.subtract(data[i][None, :], state, out=out[:, i, :])
        state += gain[i] * innovation
    out /= root.T[:, :, None]
    return out, logdet.copy()


def compute_integrated_path(t: np.ndarray, models: ErrorModels) -> tuple[np.ndarray, ...]:
    """Per week (n x g): the transition t00, t01, t11 since the last week, the gains k0, k1,
    sqrt(f); and sum(log f)."""
    n, g = len(t), len(models.lam)
    # start: a walk that began one week before the first week (the regression's constant
    # takes its level), its changes at their stationary variance
    p00 = 1 / (1 - models.persistence**2)
    p01, p11 = p00.copy(), p00.copy()
    t00, t01, t11 = np.ones((n, g)), np.zeros((n, g)), np.ones((n, g))
    k0, k1, root = np.empty((n, g)), np.empty((n, g)), np.empty((n, g))
    logdet = np.zeros(g)
    cache: dict[float, Transition] = {}
    for i in range(n):
        if i > 0:
            dt = float(t[i] - t[i - 1])
            if dt not in cache:
                cache[dt] = compute_transition(models, dt)
            a, b, c, q00, q01, q11 = cache[dt]
            t00[i], t01[i], t11[i] = a, b, c
            p00, p01, p11 = (
                a * a * p00 + 2 * a * b * p01 + b * b * p11 + q00,
                a * c * p01 + b * c * p11 + q01,
                c * c * p11 + q11,
            )
        f = p00 + models.lam
        root[i] = np.sqrt(f)
        logdet += np.log(f)
        k0[i], k1[i] = p00 / f, p01 / f
        p00, p01, p11 = p00 - k0[i] * p00, p01 - k0[i] * p01, p11 - k1[i] * p01
    return t00, t01, t11, k0, k1, root, logdet


def compute_integrated_filtered(
    data: np.ndarray, t: np.ndarray, models: ErrorModels
) -> tuple[np.ndarray, np.ndarray]:
    """compute_filtered for integrated models: state (u_t, v_t), written out elementwise."""
    parts = (t, models.persistence, models.lam)
    t00, t01, t11, k0, k1, root, logdet = (
        a[:, :, None] if a.ndim == 2 else a
        for a in _cached_path(parts, lambda: compute_integrated_path(t, models))
    )
    n, g = len(t), len(models.lam)
    a0, a1 = np.zeros((g, data.shape[1])), np.zeros((g, data.shape[1]))
    out = np.empty((g, n, data.shape[1]))  # the innovations, then standardised
    for i in range(n):
        if i > 0:
            a0 = t00[i] * a0 + t01[i] * a1
            a1 *= t11[i]
        innovation = np.subtract(data[i][None, :], a0, out=out[:, i, :])
        a0 += k0[i] * innovation
        a1 += k1[i] * innovation
    out /= root[:, :, 0].T[:, :, None]
    return out, logdet.copy()


def compute_restricted(
    y: np.ndarray, x: np.ndarray, t: np.ndarray, models: ErrorModels = DEFAULT_MODELS
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Per model: the restricted log-likelihood, the REML scale s2, and (GLS beta, X'V^-1 X)."""
    n, k = x.shape
    t = t.astype(float)
    xw, xtx, xtx_logdet, logdet = compute_whitened_design(x, t, models)  # shared across y
    yw = compute_filtered(np.asarray(y, dtype=float)[:, None], t, models=models)[0][:, :, 0]
    xwt = xw.transpose(0, 2, 1)
    beta = np.linalg.solve(xtx, xwt @ yw[:, :, None])[:, :, 0]
    residual = yw - (xw @ beta[:, :, None])[:, :, 0]
    rss = (residual * residual).sum(axis=1)
    df = n - k
    s2 = np.maximum(rss, 1e-300) / df
    restricted = -0.5 * (df * np.log(s2) + logdet + xtx_logdet)
    return restricted, s2, (beta, xtx)


def compute_persistent_ols(
    y: np.ndarray, x: np.ndarray, t: np.ndarray, models: ErrorModels = DEFAULT_MODELS
) -> PersistentFit:
    """GLS of y on x (n x k) at times t (weeks, increasing) under persistent + noise errors."""
    n, k = x.shape
    restricted, s2, (beta, xtx) = compute_restricted(y, x, t, models)
    best = int(np.argmax(restricted))
    # Berger-Boos: the largest variance over the error models the data cannot reject
    plausible = restricted >= restricted[best] - NUISANCE_DROP
    variances = s2[:, None] * np.diagonal(np.linalg.inv(xtx), axis1=1, axis2=2)
    bse = np.sqrt(np.where(plausible[:, None], variances, 0.0).max(axis=0))
    return PersistentFit(
        params=beta[best],
        bse=bse,
        df=n - k,
        phi=float(models.persistence[best]),
        lam=float(models.lam[best]),
        errors=models.describe(best),
    )
