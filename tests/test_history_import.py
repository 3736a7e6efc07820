"""Archive import and external series, on hand-written files in the real formats (and the real
files of ../shared/data where present) and a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from jobtrends.cli import cli
from tests.conftest import FIXTURES, SHARED_DATA

HISTORY = FIXTURES / "history"
POWERBI = SHARED_DATA / "upwork-rss-powerbi-2024"
REAL_SNAPSHOT = POWERBI / "json_snapshots" / "20240513_RSS_PowerBI.json"
REAL_FEED = POWERBI / "raw_xml" / "20240513_RSS_PowerBI.xml"
REAL_LABELED = SHARED_DATA / "upwork-jobs-2023-01-labeled" / "1_1_2023_general.csv.gz"
REAL_ITEMS = SHARED_DATA / "upwork-rss-2021-02-edn" / "test_feed_items.jsonl"
REAL_INDEED = (
    SHARED_DATA / "indeed-job-postings-index" / "job_postings_by_sector_US_2024-10-03.csv.gz"
)


def needs(*paths: Path) -> pytest.MarkDecorator:
    """Skip, naming the first missing file, when a real file of ../shared/data is absent."""
    missing = [p for p in paths if not p.exists()]
    return pytest.mark.skipif(bool(missing), reason=f"real data not present: {missing[:1]}")


def run(db: Path, *args: str | Path) -> tuple[int, str]:
    words = [str(a) for a in args]
    result = CliRunner().invoke(cli, [words[0], "--db", str(db), *words[1:]])
    return result.exit_code, result.output


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db)) as c:
        return c.execute(sql).fetchall()


def test_json_snapshot_import_keeps_footer_and_category(db_path: Path) -> None:
    code, out = run(db_path, "import", HISTORY / "upwork_snapshot_handwritten.json")
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
        code, out = run(db_path, "import", HISTORY / "labeled_handwritten.csv.gz")
        assert code == 0, out
    assert "stored 0, duplicates 30" in out
    assert rows(db_path, "SELECT count(*) FROM postings") == [(30,)]


def test_labeled_csv_maps_upwork_labels_and_pay(db_path: Path) -> None:
    run(
        db_path,
        "import",
        "--format",
        "upwork-labeled-csv",
        HISTORY / "labeled_handwritten.csv.gz",
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
    code, out = run(db_path, "import", "--format", "jsonl", HISTORY / "labeled_handwritten.csv.gz")
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "not a jsonl file" in errors[0]


def test_import_series_is_idempotent_and_cites_its_source(db_path: Path) -> None:
    for _ in range(2):
        code, out = run(db_path, "import-series", HISTORY / "indeed_sector_handwritten.csv")
        assert code == 0, out
    got = rows(
        db_path,
        "SELECT count(*), count(DISTINCT sector), min(licence), min(source) FROM external_series",
    )
    assert got == [(184, 2, "CC BY 4.0", got[0][3])]
    assert "Indeed Hiring Lab" in str(got[0][3])


def test_rss_file_overlapping_earlier_import_adds_only_new_postings(db_path: Path) -> None:
    run(db_path, "import", HISTORY / "upwork_snapshot_handwritten.json")
    code, out = run(db_path, "import", "--format", "rss", HISTORY / "upwork_feed_handwritten.xml")
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


@needs(REAL_SNAPSHOT, REAL_FEED)
def test_real_snapshot_then_the_same_days_feed(db_path: Path) -> None:
    """The real 2024-05-13 JSON snapshot and raw RSS of the same search hold the same 30."""
    code, out = run(db_path, "import", REAL_SNAPSHOT)
    assert code == 0 and "rows read 30, stored 30, duplicates 0, rejected 0" in out, out
    code, out = run(db_path, "import", "--format", "rss", REAL_FEED)
    assert code == 0 and "rows read 30, stored 0, duplicates 30, rejected 0" in out, out
    assert rows(db_path, "SELECT count(*) FROM postings WHERE platform_category IS NULL") == [(0,)]
    (desc,) = rows(db_path, "SELECT description FROM postings ORDER BY posted_at LIMIT 1")[0]
    assert "Posted On:" in str(desc) and "<b>" not in str(desc)


@needs(REAL_LABELED, REAL_ITEMS)
def test_real_labeled_csv_and_items(db_path: Path) -> None:
    code, out = run(db_path, "import", REAL_LABELED, REAL_ITEMS)
    assert code == 0, out
    assert "rows read 4,995, stored 4,994, duplicates 1, rejected 0" in out
    assert "rows read 90, stored 89, duplicates 1, rejected 0" in out
    got = rows(
        db_path,
        "SELECT description FROM postings WHERE title = 'Zoom Webinar'"
        " AND platform_category = 'Translation / Live Interpretation'",
    )
    assert got and "Hourly Range: $30.00" in str(got[0][0])


@needs(REAL_INDEED)
def test_real_indeed_series(db_path: Path) -> None:
    code, out = run(db_path, "import-series", REAL_INDEED)
    assert code == 0 and "78,246 daily values, 46 sector(s)" in out, out
    got = rows(db_path, "SELECT count(DISTINCT sector), min(date), max(date) FROM external_series")
    assert [(n, str(lo), str(hi)) for n, lo, hi in got] == [(46, "2020-02-01", "2024-09-27")]
