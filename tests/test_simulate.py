"""The simulator on a real DuckDB file: reproducible, ground truth, cycles, planted effects."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from analytics.simulation.plan import read_plan
from analytics.simulation.postings import save_simulation
from tests.conftest import SHARED_DATA
from warehouse.db import transaction
from warehouse.runs import start_run

NOW = datetime(2024, 3, 1, tzinfo=UTC)


def simulate(conn: duckdb.DuckDBPyConnection, seed: int, postings: int = 40_000) -> int:
    plan = read_plan()
    with transaction(conn):
        run = start_run(conn, "simulate", NOW)
    save_simulation(
        conn,
        run,
        plan,
        start=date(2022, 11, 1),
        end=date(2024, 2, 14),
        postings=postings,
        seed=seed,
        now=NOW,
    )
    return run


def fingerprint(conn: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return conn.execute(
        "SELECT posting_id, title, description, posted_at FROM postings "
        "ORDER BY posting_id LIMIT 50"
    ).fetchall()


@pytest.mark.slow
def test_same_seed_same_postings_other_seed_different(tmp_path: Path) -> None:
    from warehouse.db import connect
    from warehouse.migrate import apply_migrations

    prints = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        c = connect(tmp_path / f"{name}.duckdb")
        apply_migrations(c)
        simulate(c, seed, postings=5_000)
        prints.append(fingerprint(c))
        c.close()
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_ground_truth_and_pretags_are_written(conn: duckdb.DuckDBPyConnection) -> None:
    run = simulate(conn, 1, postings=10_000)
    effects = conn.execute(
        "SELECT subject, volume_pct, pay_pct FROM simulation_effects WHERE sim_run_id = ?", [run]
    ).fetchall()
    assert ("Writing", -33.0, None) in effects and ("Translation", -19.0, -20.0) in effects
    n, simulated, cats, pays = conn.execute(
        "SELECT count(*), count(*) FILTER (is_simulated AND source = 'simulated'), "
        "(SELECT count(*) FROM posting_categories WHERE method = 'simulated'), "
        "(SELECT count(*) FROM posting_pay WHERE rule = 'simulated') FROM postings"
    ).fetchone()  # type: ignore[misc]
    assert 9_000 < n < 11_000 and simulated == n == cats == pays


@pytest.mark.slow
def test_weekends_are_quieter_and_writing_falls(conn: duckdb.DuckDBPyConnection) -> None:
    simulate(conn, 2, postings=60_000)
    weekday, weekend = conn.execute(
        "SELECT avg(n) FILTER (dow BETWEEN 1 AND 5), avg(n) FILTER (dow IN (0, 6)) FROM ("
        " SELECT dayofweek(posted_at AT TIME ZONE 'UTC') AS dow, "
        "        (posted_at AT TIME ZONE 'UTC')::DATE AS d, count(*) AS n "
        " FROM postings GROUP BY ALL)"
    ).fetchone()  # type: ignore[misc]
    assert weekend < 0.8 * weekday
    share = dict(
        conn.execute(
            "SELECT posted_at < '2022-11-30' AS before, "
            "avg((platform_category = 'Writing')::INT) FROM postings "
            "WHERE posted_at < '2022-11-30' OR posted_at >= '2023-09-01' GROUP BY 1"
        ).fetchall()
    )
    change = share[False] / share[True] - 1
    assert -0.45 < change < -0.20  # planted -33% of Writing's volume (total shifts a little)
    before, after = conn.execute(
        "SELECT median(usd_hourly_mid) FILTER (p.posted_at < '2022-11-30'), "
        "       median(usd_hourly_mid) FILTER (p.posted_at >= '2023-09-01') "
        "FROM postings p JOIN posting_pay USING (posting_id) "
        "WHERE p.platform_category = 'Translation' AND pay_kind = 'hourly'"
    ).fetchone()  # type: ignore[misc]
    assert -0.32 < after / before - 1 < -0.08  # planted -20% Translation pay


def test_daily_category_counts_are_the_generators_own_draws(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    """Text, reposts, duplicates and pre-tags change no count: every (day, category) count
    the analysis reads is the generator's Poisson draw for that day and stream (skill streams
    in Other). So an estimate's miss on a small untouched category (Market Research, 8 a day
    at validate's size) is the estimator's or that category's own draws, not the pipeline's."""
    import numpy as np
    import pandas as pd

    from analytics.simulation.plan import CATEGORIES, compute_expected
    from analytics.simulation.postings import _word_tables, draw_month
    from analytics.trends.series import read_daily_counts

    seed, postings, start, end = 6, 20_000, date(2022, 11, 1), date(2024, 2, 14)
    simulate(conn, seed, postings=postings)
    plan, rng = read_plan(), np.random.default_rng(seed)
    days, expected = compute_expected(start, end, plan, postings, rng)
    _titles, _desc, title_probs, desc_probs = _word_tables(plan)
    months, first, drawn = days.astype("datetime64[M]"), 0, []
    for month in np.unique(months):  # the same draws in the same order as save_simulation
        sel = months == month
        batch = draw_month(
            rng, plan, days[sel], expected[sel], first, seed, title_probs, desc_probs
        )
        first += batch.num_rows
        drawn.append(
            pd.DataFrame(
                {
                    "date": pd.to_datetime(batch.column("posted").to_numpy()).normalize(),
                    "subject": np.array(CATEGORIES)[batch.column("stream_cat").to_numpy()],
                }
            )
        )
    want = pd.concat(drawn).groupby(["date", "subject"]).size()
    counts = read_daily_counts(conn, since=start, until=end + timedelta(days=1), simulated=True)
    got = counts[counts["kind"] == "category"].set_index(["date", "subject"])["n"]
    assert abs(want.sum() - postings) < 5 * postings**0.5
    assert got.sort_index().equals(want.rename("n").sort_index().astype(got.dtype))


def test_simulation_truth_view_lists_the_run(conn: duckdb.DuckDBPyConnection) -> None:
    run = simulate(conn, 5, postings=2_000)
    got = conn.execute(
        "SELECT count(*), min(seed) FROM simulation_truth WHERE sim_run_id = ?", [run]
    ).fetchone()
    assert got == (9, 5)


def test_simulate_command_without_pretags(db_path: Path) -> None:
    from click.testing import CliRunner

    from jobtrends.cli import cli

    args = ["simulate", "--db", str(db_path), "--postings", "3000", "--seed", "9", "--no-pretag"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "rows/s" in result.output and "(seed 9, run 1)" in result.output
    with duckdb.connect(str(db_path)) as c:
        n, tagged, status = c.execute(
            "SELECT (SELECT count(*) FROM postings WHERE is_simulated), "
            "(SELECT count(*) FROM posting_categories), "
            "(SELECT status FROM collection_runs WHERE kind = 'simulate')"
        ).fetchone()  # type: ignore[misc]
    assert 2_500 < n < 3_500 and tagged == 0 and status == "ok"
    again = CliRunner().invoke(cli, args)  # same seed: same ids, refused with a clear line
    assert again.exit_code == 1
    assert "seed 9 is already in" in again.output and "simulation run 1" in again.output
    assert "Traceback" not in again.output
    with duckdb.connect(str(db_path)) as c:
        (after,) = c.execute("SELECT count(*) FROM postings").fetchone()  # type: ignore[misc]
    assert after == n  # nothing stored is lost or added


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="needs ../shared/data")
def test_vocabulary_file_rebuilds_from_shared_data(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "vocabulary.json"
    subprocess.run(
        [
            sys.executable,
            "scripts/build_sim_vocabulary.py",
            "--shared",
            str(SHARED_DATA),
            "--out",
            str(out),
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    assert out.read_text() == (root / "analytics/simulation/vocabulary.json").read_text()
