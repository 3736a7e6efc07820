"""The real report page in headless Chromium: charts drawn, no console errors, probes inert."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboards.report import figure_count, write_weekly_report
from tests.report_fixtures import AS_OF, build_report_warehouse
from warehouse.db import connect

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROBE = """
window.__xss = 0; window.__alerts = [];
window.alert = function (m) { window.__alerts.push(String(m)); };
"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed"),
]


@pytest.mark.parametrize(
    "width,height,label,filled",
    [(1280, 900, "desktop", True), (390, 844, "phone", True), (390, 844, "empty", False)],
)
def test_page_draws_every_chart_without_errors(
    db_path: Path, tmp_path: Path, width: int, height: int, label: str, filled: bool
) -> None:
    from playwright.sync_api import sync_playwright

    if filled:
        conn = connect(db_path)
        build_report_warehouse(conn)
        conn.close()
    page_path = write_weekly_report(
        db_path, tmp_path, AS_OF, dt.datetime(2024, 2, 15, 6, tzinfo=dt.UTC)
    )
    expected = figure_count(page_path.read_text(encoding="utf-8"))
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.add_init_script(PROBE)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_path.as_uri())
            page.wait_for_selector("body[data-charts-drawn]", timeout=30_000)
            drawn = page.locator(".js-plotly-plot").count()
            svgs = page.locator("div.plot svg.main-svg").count()
            xss = page.evaluate("window.__xss")
            alerts = page.evaluate("window.__alerts")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"report-{label}.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    # with the shipped exposure scores the exposure scatter is drawn too; an empty warehouse
    # draws only the published studies' figures (the others say there is no data yet)
    assert drawn == expected == (9 if filled else 2)
    assert svgs >= expected
    assert xss == 0 and alerts == []
    assert all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests
    assert scroll_width <= width + 1  # nothing forces sideways scrolling at phone width
