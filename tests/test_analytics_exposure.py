"""The shipped exposure table covers every category; the correlation needs scored categories."""

from __future__ import annotations

import pandas as pd

from analytics.exposure import compute_exposure_correlation, read_exposure
from analytics.synthetic import BASE_DAILY


def test_every_category_is_mapped_to_isco() -> None:
    table = read_exposure()
    assert set(table["category"]) == set(BASE_DAILY)
    mapped = table[table["category"] != "Other"]
    assert mapped["isco08_codes"].str.fullmatch(r"\d{4}(;\d{4})*").all()  # "4222;4229"


def test_rank_correlation_of_exposure_and_effect() -> None:
    exposure = pd.DataFrame({"category": list("ABCD"), "exposure_score": [0.9, 0.6, 0.3, None]})
    deltas = pd.DataFrame(
        {
            "subject": list("ABCD"),
            "kind": "category",
            "method": "did",
            "meaningful": True,
            "estimate_pct": [-30.0, -10.0, 5.0, 50.0],
        }
    )
    rho, used = compute_exposure_correlation(exposure, deltas)
    assert used == 3 and rho is not None and abs(rho + 1) < 1e-12
    assert compute_exposure_correlation(read_exposure(), deltas) == (None, 0)
