"""Archive import and external series, on vendored real files and a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner

from jobtrends.cli import cli
from tests.conftest import FIXTURES

HISTORY = FIXTURES / "history"


def run(db: Path, *args: str | Path) -> tuple[int, str]:
    words = [str(a) for a in args]
    result = CliRunner().invoke(cli, [words[0], "--db", str(db), *words[1:]])
    return result.exit_code, result.output


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db)) as c:
        return c.execute(sql).fetchall()


def test_json_snapshot_import_keeps_footer_and_category(db_path: Path) -> None:
    code, out = run(db_path, "import", HISTORY / "powerbi_20240513_slice.json")
    assert code == 0, out
    assert "rows read 5, stored 5, duplicates 0, rejected 0" in out
    (desc, cat, posted), *_ = rows(
        db_path, "SELECT description, platform_category, posted_at FROM postings ORDER BY posted_at"
    )
    assert cat and "Category: " + cat in desc
    assert "Posted On:" in desc and "<b>" not in desc
    assert posted is not None


def test_importing_twice_adds_no_duplicate(db_path: Path) -> None:
    for _ in range(2):
        code, out = run(db_path, "import", HISTORY / "labeled_1_1_2023_slice.csv.gz")
        assert code == 0, out
    assert "stored 0, duplicates 30" in out
    assert rows(db_path, "SELECT count(*) FROM postings") == [(30,)]


def test_labeled_csv_maps_upwork_labels_and_pay(db_path: Path) -> None:
    run(
        db_path,
        "import",
        "--format",
        "upwork-labeled-csv",
        HISTORY / "labeled_1_1_2023_slice.csv.gz",
    )
    got = rows(
        db_path,
        "SELECT platform_category, description FROM postings "
        "WHERE platform_category = 'Translation / Live Interpretation'",
    )
    assert got and "Hourly Range: $30.00" in got[0][1]


def test_malformed_rows_go_to_rejects_with_line_numbers(db_path: Path) -> None:
    code, out = run(
        db_path, "import", HISTORY / "labeled_malformed.csv", HISTORY / "items_malformed.jsonl"
    )
    assert code == 0, out
    got = rows(db_path, "SELECT origin, location, reason FROM rejects ORDER BY origin, location")
    where = {(Path(o).name, loc) for o, loc, _ in got}
    assert where == {
        ("labeled_malformed.csv", "line 3"),
        ("labeled_malformed.csv", "line 5"),
        ("items_malformed.jsonl", "line 3"),
        ("items_malformed.jsonl", "line 6"),
    }
    assert rows(db_path, "SELECT count(*) FROM postings") == [(5 + 4,)]


def test_wrong_format_is_a_one_line_error_and_nothing_usable_exits_1(db_path: Path) -> None:
    code, out = run(
        db_path, "import", "--format", "jsonl", HISTORY / "labeled_1_1_2023_slice.csv.gz"
    )
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "not a jsonl file" in errors[0]


def test_import_series_is_idempotent_and_cites_its_source(db_path: Path) -> None:
    for _ in range(2):
        code, out = run(db_path, "import-series", HISTORY / "indeed_sector_slice.csv")
        assert code == 0, out
    got = rows(
        db_path,
        "SELECT count(*), count(DISTINCT sector), min(licence), min(source) FROM external_series",
    )
    assert got == [(184, 2, "CC BY 4.0", got[0][3])]
    assert "Indeed Hiring Lab" in str(got[0][3])


def test_rss_file_overlapping_earlier_import_adds_only_new_postings(db_path: Path) -> None:
    run(db_path, "import", HISTORY / "powerbi_20240513_slice.json")
    code, out = run(db_path, "import", "--format", "rss", HISTORY / "powerbi_20240513_slice.xml")
    assert code == 0, out
    assert "rows read 8, stored 3, duplicates 5, rejected 0" in out
    assert rows(db_path, "SELECT count(*), max(times_seen) FROM postings") == [(8, 2)]
    assert rows(db_path, "SELECT count(*) FROM postings WHERE platform_category IS NULL") == [(0,)]


def test_parquet_with_column_mapping(db_path: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "jobs.parquet"
    pq.write_table(
        pa.table(
            {
                "url": [
                    "https://www.upwork.com/jobs/a_~01",
                    "https://www.upwork.com/jobs/b_~02",
                    None,
                ],
                "job_title": ["Writer needed", "Translator", "No identity"],
                "date": ["2022-10-01T10:00:00Z", "2022-10-02T11:00:00Z", "2022-10-03T00:00:00Z"],
            }
        ),
        path,
    )
    code, out = run(
        db_path,
        "import",
        path,
        "--map",
        "link=url",
        "--map",
        "title=job_title",
        "--map",
        "published_at=date",
    )
    assert code == 0, out
    assert "rows read 3, stored 2, duplicates 0, rejected 1" in out
    assert rows(db_path, "SELECT location FROM rejects") == [("line 3",)]
