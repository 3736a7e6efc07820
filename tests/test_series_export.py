"""`jobtrends export --series DIR`: the published series as tidy CSV + Parquet with a column
README, read back by pandas and DuckDB exactly as the warehouse holds them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from jobtrends.cli import cli
from tests.report_fixtures import build_report_warehouse
from warehouse.db import connect
from warehouse.series_export import BASE_COLUMNS


@pytest.fixture
def analysed(db_path: Path) -> Path:
    conn = connect(db_path)
    build_report_warehouse(conn)
    conn.close()
    return db_path


def export_series(db: Path, out: Path) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), "export", "--series", str(out)], env={})
    assert result.exit_code == 0, result.output
    return result.output


def test_series_csv_parquet_and_readme_agree_with_the_warehouse(
    analysed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "series"
    text = export_series(analysed, out)
    csv = pd.read_csv(out / "series.csv")
    parquet = pd.read_parquet(out / "series.parquet")
    assert list(csv.columns) == list(parquet.columns) == BASE_COLUMNS  # no adjusted rows stored
    assert len(csv) == len(parquet) and f"series: {len(csv):,} rows" in text
    conn = connect(analysed, read_only=True)
    expected = conn.execute("SELECT count(*), sum(n) FROM daily_counts").fetchone()
    ma = conn.execute(
        "SELECT ma_n FROM moving_averages WHERE kind = 'category' AND subject = 'Writing' "
        "AND date = DATE '2024-02-14' AND window_days = 84 AND NOT seasonally_adjusted"
    ).fetchone()
    conn.close()
    assert expected is not None and ma is not None
    assert (len(csv), int(csv["n"].sum())) == expected
    writing = csv[(csv["subject"] == "Writing") & (csv["date"] == "2024-02-14")]
    assert writing["ma_n"].iloc[0] == pytest.approx(ma[0])
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert all(f"| `{c}` |" in readme for c in BASE_COLUMNS)
    assert "simulated postings" in readme  # the fixture holds 100 simulated postings
    typed = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{out / 'series.parquet'}')")  # noqa: S608
    types = dict(typed.fetchall()[i][:2] for i in range(len(BASE_COLUMNS)))
    assert types["date"] == "DATE" and types["n"] == "BIGINT"


def test_seasonally_adjusted_columns_appear_when_stored(analysed: Path, tmp_path: Path) -> None:
    conn = connect(analysed)
    conn.execute(
        "INSERT INTO a_moving_averages SELECT date, kind, subject, window_days, ma_n * 0.9, "
        "ma_share, true FROM a_moving_averages WHERE NOT seasonally_adjusted"
    )
    conn.close()
    out = tmp_path / "series"
    export_series(analysed, out)
    frame = pd.read_parquet(out / "series.parquet")
    assert list(frame.columns) == [*BASE_COLUMNS, "ma_n_adjusted", "ma_share_adjusted"]
    known = frame.dropna(subset=["ma_n"])
    assert (known["ma_n_adjusted"] - 0.9 * known["ma_n"]).abs().max() < 1e-9
    assert "ma_n_adjusted" in (out / "README.md").read_text(encoding="utf-8")


def test_series_export_never_replaces_a_foreign_folder(analysed: Path, tmp_path: Path) -> None:
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep")
    result = CliRunner().invoke(
        cli, ["--db", str(analysed), "export", "--series", str(precious)], env={}
    )
    assert result.exit_code == 1 and "not a jobtrends series export" in result.output
    assert (precious / "notes.txt").read_text() == "keep"
    export_series(analysed, tmp_path / "s")
    export_series(analysed, tmp_path / "s")  # its own folder is replaced


def test_export_without_a_target_is_a_usage_error(analysed: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(analysed), "export"], env={})
    assert result.exit_code == 2 and "--parquet DIR and/or --series DIR" in result.output
