"""Our numpy Newey-West OLS equals statsmodels' on the same data."""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm

from analytics.trends.hac import compute_ols_hac


def test_matches_statsmodels_hac() -> None:
    rng = np.random.default_rng(5)
    x = np.column_stack([np.ones(400), rng.normal(size=400), np.arange(400) / 400])
    noise = np.convolve(rng.normal(size=410), np.ones(10) / 3, mode="valid")[:400]
    y = x @ np.array([1.0, 2.0, -0.5]) + noise
    beta, se = compute_ols_hac(y, x, 14)
    fit = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": 14, "use_correction": False})
    np.testing.assert_allclose(beta, fit.params, rtol=1e-10)
    np.testing.assert_allclose(se, fit.bse, rtol=1e-8)
