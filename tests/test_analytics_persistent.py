"""The persistent-error GLS: its likelihood equals statsmodels', and it widens with persistence."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.trends.persistent import compute_filtered, compute_persistent_ols


def test_likelihood_matches_statsmodels_unobserved_components() -> None:
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    rng = np.random.default_rng(3)
    n, phi, lam, s2 = 80, 0.8, 0.5, 0.02
    u = np.zeros(n)
    for t in range(1, n):
        u[t] = phi * u[t - 1] + rng.normal(0, np.sqrt(s2 * (1 - phi**2)))
    y = u + rng.normal(0, np.sqrt(lam * s2), n)
    white, logdet = compute_filtered(
        y[:, None], np.arange(n, dtype=float), np.array([phi]), np.array([lam])
    )
    ours = -0.5 * (n * np.log(2 * np.pi * s2) + logdet[0] + (white[0, :, 0] ** 2).sum() / s2)
    model = UnobservedComponents(y, irregular=True, autoregressive=1)
    # params: irregular variance, AR innovation variance, AR coefficient
    theirs = model.loglike(np.array([lam * s2, s2 * (1 - phi**2), phi]))
    assert ours == pytest.approx(theirs, rel=1e-8)


def test_interval_widens_with_persistence_and_covers() -> None:
    rng = np.random.default_rng(4)
    t = np.concatenate([np.arange(52), 65 + np.arange(52)]).astype(float)
    x = np.column_stack([np.ones(len(t)), (t >= 65).astype(float)])
    widths = {}
    for phi in (0.0, 0.95):
        u = np.zeros(118)
        for i in range(1, 118):
            u[i] = phi * u[i - 1] + rng.normal(0, 0.05 * np.sqrt(1 - phi**2))
        fit = compute_persistent_ols(u[t.astype(int)], x, t)
        low, high = fit.interval(1)
        widths[phi] = high - low
    assert widths[0.95] > 2 * widths[0.0]


def test_generators_draw_persistent_noise_with_the_stated_spread() -> None:
    import dataclasses
    from datetime import date

    from analytics.simulation.counts import compute_ar1_noise
    from analytics.simulation.plan import compute_expected, read_plan

    noise = compute_ar1_noise(20_000, 0.97, 0.05, np.random.default_rng(1), 2)
    assert noise.std() == pytest.approx(0.05, rel=0.15)
    assert np.corrcoef(noise[1:, 0], noise[:-1, 0])[0, 1] == pytest.approx(0.97, abs=0.01)
    for persistence, low, high in ((0.97, 0.9, 1.0), (0.0, -0.1, 0.1)):
        plan = dataclasses.replace(read_plan(), noise_persistence=persistence, effects=())
        _days, rates = compute_expected(
            date(2022, 1, 1), date(2023, 12, 31), plan, 1_000_000, np.random.default_rng(2)
        )
        relative = np.log(rates[:, 0] / rates[:, 1])  # the calendar cancels between streams
        lag1 = np.corrcoef(relative[1:], relative[:-1])[0, 1]
        assert low < lag1 < high, persistence


def test_random_walk_likelihood_matches_statsmodels_local_level() -> None:
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    from analytics.trends.persistent import ErrorModels

    rng = np.random.default_rng(5)
    n, lam, s2 = 60, 2.0, 0.001
    y = np.cumsum(rng.normal(0, np.sqrt(s2), n)) + rng.normal(0, np.sqrt(lam * s2), n)
    t = np.arange(n, dtype=float)
    t[30:] += 5  # a gap of five weeks between the windows
    models = ErrorModels(np.array([0.0]), np.array([lam]), np.array([True]))
    white, logdet = compute_filtered(y[:, None], t, models=models)
    ours = -0.5 * (n * np.log(2 * np.pi * s2) + logdet[0] + (white[0, :, 0] ** 2).sum() / s2)
    # the same walk in statsmodels: weekly rows with the gap's weeks missing (NaN)
    weekly = np.full(int(t[-1]) + 1, np.nan)
    weekly[t.astype(int)] = y
    model = UnobservedComponents(weekly, level="llevel")
    model.ssm.initialize_known(np.zeros(1), np.array([[s2]]))
    model.ssm.loglikelihood_burn = 0  # its default skips the first week (diffuse start)
    theirs = model.loglike(np.array([lam * s2, s2]))
    assert ours == pytest.approx(theirs, rel=1e-8)


def _walk_with_momentum(rng: np.random.Generator, weeks: int, rho: float) -> np.ndarray:
    change = np.zeros(weeks)
    for i in range(1, weeks):
        change[i] = rho * change[i - 1] + rng.normal(0, 0.01)
    return np.cumsum(change)


def test_drifting_errors_choose_the_integrated_family_and_widen() -> None:
    """A hand-written series whose weekly changes persist (as the Indeed ratios do): the
    likelihood picks an integrated model, and the interval is wider than any stationary fit's;
    white noise keeps a stationary model and the same interval as the stationary grid."""
    from analytics.trends.persistent import compute_error_models

    t = np.concatenate([np.arange(13), 26 + np.arange(13)]).astype(float)
    x = np.column_stack([np.ones(len(t)), (t >= 26).astype(float)])
    stationary = compute_error_models(integrated=False)
    drifting = _walk_with_momentum(np.random.default_rng(6), 39, 0.8)[t.astype(int)]
    fit, narrow = (
        compute_persistent_ols(drifting, x, t),
        compute_persistent_ols(drifting, x, t, stationary),
    )
    assert "integrated" in fit.errors or "random-walk" in fit.errors
    assert fit.bse[1] > 1.3 * narrow.bse[1]
    white = np.random.default_rng(7).normal(0, 0.02, len(t))
    fit = compute_persistent_ols(white, x, t)
    assert fit.errors.startswith("AR(1)")
    assert fit.bse[1] == pytest.approx(compute_persistent_ols(white, x, t, stationary).bse[1])


def test_drifting_placebos_stay_near_five_percent() -> None:
    """No effect, errors that drift with momentum: about 5% of intervals exclude zero (the
    stationary grid alone excluded far more), on 13-week windows like the Indeed placebos."""
    from analytics.trends.persistent import compute_error_models

    t = np.concatenate([np.arange(13), 26 + np.arange(13)]).astype(float)
    x = np.column_stack([np.ones(len(t)), (t >= 26).astype(float)])
    rng = np.random.default_rng(8)
    hits, narrow_hits, cases = 0, 0, 200
    stationary = compute_error_models(integrated=False)
    for _ in range(cases):
        y = _walk_with_momentum(rng, 39, 0.6)[t.astype(int)]
        low, high = compute_persistent_ols(y, x, t).interval(1)
        hits += low > 0 or high < 0
        low, high = compute_persistent_ols(y, x, t, stationary).interval(1)
        narrow_hits += low > 0 or high < 0
    assert hits / cases <= 0.08
    assert narrow_hits / cases > 0.15


def test_cached_filter_paths_give_the_one_pass_filter_bit_for_bit() -> None:
    """The variances and gains are cached per (t, models) and shared by every subject: a fit
    on a cold cache, a warm one, and over other data in between are identical to the bit."""
    from analytics.trends import persistent

    rng = np.random.default_rng(7)
    t = np.concatenate([np.arange(52.0), 65 + np.arange(52.0)])  # a gap, as did's windows
    x = np.column_stack([np.ones(len(t)), (t >= 65).astype(float)])
    fits = []
    for clear in (True, False, False):
        if clear:
            persistent._paths.clear()
        y = np.cumsum(rng.normal(0, 0.05, len(t)))
        cold = compute_persistent_ols(y, x, t)
        compute_persistent_ols(rng.normal(size=len(t)), x, t)  # other data on the same path
        warm = compute_persistent_ols(y, x, t)
        assert warm.errors == cold.errors
        assert np.array_equal(warm.params, cold.params) and np.array_equal(warm.bse, cold.bse)
        fits.append(cold)
    assert len(persistent._paths) >= 1
    assert not np.array_equal(fits[0].params, fits[1].params)  # the data did differ
