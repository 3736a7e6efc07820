"""The report page: escaping of feed text, one embedded plotly.js, snapshot reads, index, CLI."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboards.markup import NO_DATA
from dashboards.quality import NO_FEEDS, NO_REJECTS
from dashboards.report import figure_count, report_filename, write_index, write_weekly_report
from jobtrends.cli import cli
from tests.report_fixtures import AS_OF, XSS_IMG, XSS_SCRIPT, build_report_warehouse
from warehouse.db import connect
from warehouse.snapshot import snapshot_path_for

NOW = dt.datetime(2024, 2, 15, 6, 0, tzinfo=dt.UTC)
PAGE_BUDGET_BYTES = 5_000_000  # issue 6: under 5 MB


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("report")
    db = root / "w.duckdb"
    conn = connect(db)
    from warehouse.migrate import apply_migrations

    apply_migrations(conn)
    build_report_warehouse(conn)
    conn.close()
    path = write_weekly_report(db, root / "out", AS_OF, NOW)
    return path, path.read_text(encoding="utf-8")


def html_outside_scripts(page: str) -> str:
    return re.sub(r"<script\b.*?</script>", "", page, flags=re.S)


def test_feed_strings_are_escaped_everywhere(report_page) -> None:
    _, page = report_page
    assert XSS_SCRIPT not in page and XSS_IMG not in page
    visible = html_outside_scripts(page)
    assert "&lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;" in visible
    assert "&lt;img src=x onerror=" in visible
    assert "<img" not in visible
    # plotly, bootstrap, and per figure its spec and its CSV
    assert page.count("<script") == 2 + 2 * figure_count(page)


def test_one_offline_plotly_and_size_budget(report_page) -> None:
    path, page = report_page
    assert page.count('id="plotly-gz"') == 1
    assert "cdn.plot.ly" not in page and "fonts.googleapis" not in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)
    assert path.stat().st_size < PAGE_BUDGET_BYTES
    assert path.name == "report-2024-W07.html"
    # 2 trends, 2 delta bars, 2 published (categories, skills), pay, exposure (shipped
    # scores), per-source
    assert figure_count(page) == 9


def test_simulated_banner_and_sections(report_page) -> None:
    _, page = report_page
    assert "SIMULATED DATA: 100 of 400 postings" in page
    assert page.count("[includes SIMULATED data]") == 2 * figure_count(page)  # aria + title
    for anchor in (
        "headline",
        "categories",
        "skills",
        "deltas",
        "published",
        "pay",
        "quality",
        "methods",
    ):
        assert f"id='{anchor}'" in page or f'id="{anchor}"' in page
    assert "Since the event, the category that moved most is Video Editing &amp; Production" in (
        page
    )


def test_exposure_section_only_when_file_present(tmp_path: Path, db_path: Path) -> None:
    conn = connect(db_path)
    build_report_warehouse(conn, simulated=False)
    conn.close()
    without = write_weekly_report(db_path, tmp_path / "a", AS_OF, NOW, tmp_path / "missing.csv")
    text = without.read_text()
    assert "id='exposure'" not in text and "SIMULATED DATA" not in text
    exposure = tmp_path / "exposure.csv"
    exposure.write_text("category,exposure\nWriting,0.9\nTranslation,0.8\n")
    with_it = write_weekly_report(db_path, tmp_path / "b", AS_OF, NOW, exposure)
    assert "id='exposure'" in with_it.read_text()


def test_empty_warehouse_says_no_data_instead_of_blank_axes(tmp_path: Path, db_path: Path) -> None:
    page = write_weekly_report(db_path, tmp_path / "out", AS_OF, NOW).read_text()
    titles = re.findall(r"<h3 class='figtitle'>", page)
    # only the published studies' figures have rows before anything is collected
    assert len(titles) == 7 and figure_count(page) == 2
    assert page.count(NO_DATA) == len(titles) - figure_count(page)
    assert page.count("Download this chart") == figure_count(page)
    assert NO_FEEDS in page and NO_REJECTS in page  # not tables of headers only
    assert "Newest rejects" not in page


def test_reads_snapshot_when_published(tmp_path: Path, db_path: Path) -> None:
    filled = tmp_path / "filled.duckdb"
    conn = connect(filled)
    from warehouse.migrate import apply_migrations

    apply_migrations(conn)
    build_report_warehouse(conn)
    conn.close()
    shutil.copyfile(filled, snapshot_path_for(db_path))  # live file stays empty
    held = connect(db_path)  # the collector holds the live file for writing
    try:
        page = write_weekly_report(db_path, tmp_path / "out", AS_OF, NOW).read_text()
    finally:
        held.close()
    assert "SIMULATED DATA" in page and "snapshot.duckdb" in page


def test_index_lists_every_report_newest_first(tmp_path: Path) -> None:
    for name in ("report-2024-W01.html", "report-2024-W07.html", "notes.html"):
        (tmp_path / name).write_text("x")
    index = write_index(tmp_path).read_text()
    assert index.index("report-2024-W07") < index.index("report-2024-W01")
    assert "notes.html" not in index


def test_iso_week_filename() -> None:
    assert report_filename(dt.date(2026, 11, 23)) == "report-2026-W48.html"
    assert report_filename(dt.date(2021, 1, 3)) == "report-2020-W53.html"


def test_cli_report_writes_file_and_index(tmp_path: Path, db_path: Path) -> None:
    conn = connect(db_path)
    build_report_warehouse(conn)
    conn.close()
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "report", "--as-of", "2024-02-14", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "report-2024-W07.html").exists()
    assert "report-2024-W07.html" in (out / "index.html").read_text()
    assert "MB" in result.output


def test_empty_warehouse_still_renders(tmp_path: Path, db_path: Path) -> None:
    page = write_weekly_report(db_path, tmp_path, AS_OF, NOW).read_text()
    assert "No category has an event delta yet." in page
    assert "No postings yet: no collection has run." in page
    assert "SIMULATED" not in page


def test_empty_first_report_says_every_feed_failed_and_why(tmp_path: Path, db_path: Path) -> None:
    conn = connect(db_path)
    conn.execute(
        "INSERT INTO collection_runs (run_id, kind, started_at, status, feeds_failed) "
        "VALUES (1, 'poll', TIMESTAMPTZ '2024-02-14 12:39:00+00', 'failed', 10)"
    )
    for i in range(10):
        error = "ConnectError" if i < 9 else "HTTP 503"
        conn.execute(
            "INSERT INTO fetch_log (run_id, feed_name, fetched_at, outcome, error_class) "
            "VALUES (1, ?, TIMESTAMPTZ '2024-02-14 12:39:00+00', 'failed', ?)",
            [f"feed-{i}", error],
        )
    conn.close()
    page = write_weekly_report(db_path, tmp_path, AS_OF, NOW).read_text()
    assert (
        "No postings yet: every feed failed in the last collection run (2024-02-14 12:39 UTC): "
        "10 of 10 feeds failed (ConnectError x9, HTTP 503 x1)."
    ) in page


def test_page_says_which_file_it_read_and_as_of_when(tmp_path: Path, db_path: Path) -> None:
    page = write_weekly_report(db_path, tmp_path, AS_OF, NOW).read_text()
    assert re.search(
        r"read from warehouse\.duckdb \(live, written \d{4}-\d\d-\d\d \d\d:\d\d UTC\)", page
    )
