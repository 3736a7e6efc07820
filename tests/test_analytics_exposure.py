"""The shipped exposure table covers every category; the correlation needs scored categories."""

from __future__ import annotations

import pandas as pd

from analytics.simulation.counts import BASE_DAILY
from analytics.trends.exposure import compute_exposure_correlation, read_exposure


def test_every_category_is_mapped_to_isco() -> None:
    table = read_exposure()
    assert set(table["category"]) == set(BASE_DAILY)
    mapped = table[table["category"] != "Other"]
    assert mapped["isco08_codes"].str.fullmatch(r"\d{4}(;\d{4})*").all()  # "4222;4229"
    assert mapped["soc2018_code"].str.fullmatch(r"\d{2}-\d{4}").all()  # "27-3043"
    assert mapped["exposure_score"].between(0, 1).all()
    assert (mapped["score_source"] == "tomlinson-2025-ai-applicability").all()


def test_most_exposed_categories_per_the_source() -> None:
    scores = read_exposure().set_index("category")["exposure_score"]
    assert scores.idxmax() == "Translation"  # 0.5058, Interpreters and Translators
    assert scores.idxmin() == "Video Editing & Production"  # 0.0994, Film and Video Editors


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


def test_exposure_command_prints_every_scored_category_and_rho(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from jobtrends.cli import cli
    from warehouse.db import open_warehouse

    db = tmp_path / "w.duckdb"
    with open_warehouse(db) as conn:
        table = read_exposure()
        for i, row in enumerate(table[table["category"] != "Other"].itertuples()):
            conn.execute(
                "INSERT INTO a_event_deltas (event_date, as_of, kind, subject, method, "
                "estimate_pct, meaningful, computed_at) VALUES "
                "('2022-11-30', '2024-01-01', 'category', ?, 'did', ?, true, now())",
                [row.category, -100.0 * row.exposure_score + i * 0.01],
            )
    result = CliRunner().invoke(cli, ["--db", str(db), "exposure", "--json"])
    assert result.exit_code == 0, result.output
    import json

    out = json.loads(result.output)
    assert out["n"] == 12 and len(out["rows"]) == 12
    assert out["spearman_rho"] < -0.95  # effects planted as minus exposure
