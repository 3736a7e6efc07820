"""The report as a reader sees it: headless Chromium at desktop (1400 px) and phone (390 px)
width, screenshots in test-artifacts/, and assertions on the layout itself: no text overflows
its box or the page, nothing covers a chart title, no text of a chart is clipped or overlaps
other text, no tick label is rotated; and every chart's CSV downloads offline."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from dashboards.report import figure_count, write_weekly_report
from tests.report_fixtures import AS_OF, build_report_warehouse
from tests.test_report_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from warehouse.db import connect

NOW = dt.datetime(2024, 2, 15, 6, tzinfo=dt.UTC)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed"),
]

# Runs in the page: every layout fault as one line of text (an empty list is a clean page).
LAYOUT_FAULTS = r"""
() => {
  const faults = [];
  const width = document.documentElement.clientWidth;
  const box = (el) => el.getBoundingClientRect();
  const visible = (r) => r.width > 0.5 && r.height > 0.5;
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                            Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const label = (el) => (el.textContent || "").trim().slice(0, 50);
  if (document.documentElement.scrollWidth > width + 1) {
    faults.push("page scrolls sideways: " + document.documentElement.scrollWidth);
  }
  // HTML text: nothing wider than its box (tables may scroll inside their wrapper)
  document.querySelectorAll("h1, h2, h3, p, li, summary").forEach((el) => {
    if (el.closest(".tablewrap")) return;
    if (el.scrollWidth > el.clientWidth + 1) faults.push("text overflows: " + label(el));
    if (box(el).right > width + 1) faults.push("text off the page: " + label(el));
  });
  // chart titles: whole, and the top element at every sample point is the title itself
  document.querySelectorAll("h3.figtitle").forEach((title) => {
    title.scrollIntoView();
    const r = box(title);
    if (r.right > width + 1 || r.left < -1) faults.push("title cut: " + label(title));
    for (const fx of [0.02, 0.25, 0.5, 0.75, 0.98]) {
      for (const fy of [0.3, 0.7]) {
        const x = r.left + fx * r.width, y = r.top + fy * r.height;
        if (x >= width) continue;
        const top = document.elementFromPoint(x, y);
        if (top && top !== title && !title.contains(top)) {
          faults.push("element over title '" + label(title) + "': " + top.className);
          return;
        }
      }
    }
  });
  // inside each chart: text within the chart, not overlapping other text, never rotated
  document.querySelectorAll("div.plot.js-plotly-plot").forEach((plot) => {
    const name = plot.getAttribute("aria-label");
    const frame = box(plot);
    const texts = Array.from(plot.querySelectorAll(
      "g.xtick text, g.ytick text, text.xtitle, text.ytitle, g.annotation text, " +
      "g.textpoint text, g.updatemenu-header-group text, g.updatemenu-item-text"))
      .filter((t) => visible(box(t)) && t.closest("g.updatemenu-dropdown-button-group") === null);
    texts.forEach((t) => {
      const r = box(t);
      if (r.left < frame.left - 1 || r.right > frame.right + 1 ||
          r.top < frame.top - 1 || r.bottom > frame.bottom + 1) {
        faults.push(name + ": text clipped: " + label(t));
      }
      const turn = (t.getAttribute("transform") || "") +
                   (t.parentNode.getAttribute("transform") || "");
      if (/rotate\(\s*-?[1-9]/.test(turn) && !t.classList.contains("ytitle")) {
        faults.push(name + ": rotated text: " + label(t));
      }
    });
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (overlap(box(texts[i]), box(texts[j]))) {
          faults.push(name + ": overlapping text: '" + label(texts[i]) + "' / '" +
                      label(texts[j]) + "'");
        }
      }
    }
    const bar = plot.querySelector(".modebar");
    const title = plot.closest("figure").querySelector("h3.figtitle");
    if (bar && visible(box(bar)) && overlap(box(bar), box(title))) {
      faults.push(name + ": toolbar over the title");
    }
  });
  return faults;
}
"""


def open_report(page_path: Path, width: int, label: str) -> tuple[list[str], Any, Any]:
    """Load the report at `width`, screenshot it, return (faults, playwright, browser)."""
    from playwright.sync_api import sync_playwright

    p = sync_playwright().start()
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri())
    page.wait_for_selector("body[data-charts-drawn]", timeout=60_000)
    page.wait_for_timeout(300)  # responsive relayout settles
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout-{label}.png"), full_page=True)
    faults = page.evaluate(LAYOUT_FAULTS)
    return errors + faults, p, (browser, page)


@pytest.fixture(scope="module")
def filled_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layout")
    db = root / "w.duckdb"
    conn = connect(db)
    from warehouse.migrate import apply_migrations

    apply_migrations(conn)
    build_report_warehouse(conn)
    conn.close()
    return write_weekly_report(db, root / "out", AS_OF, NOW)


@pytest.fixture(scope="module")
def empty_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layout-empty")
    db = root / "w.duckdb"
    conn = connect(db)
    from warehouse.migrate import apply_migrations

    apply_migrations(conn)
    conn.close()
    return write_weekly_report(db, root / "out", AS_OF, NOW)


@pytest.mark.parametrize(
    "width,label,which",
    [(1400, "desktop", "filled"), (390, "phone", "filled"), (390, "phone-empty", "empty")],
)
def test_layout_has_no_overflow_overlap_or_covered_title(
    filled_page: Path, empty_page: Path, width: int, label: str, which: str
) -> None:
    page_path = filled_page if which == "filled" else empty_page
    faults, p, (browser, _) = open_report(page_path, width, label)
    browser.close()
    p.stop()
    assert faults == [], "\n".join(faults)


def test_every_chart_downloads_its_csv_offline(filled_page: Path) -> None:
    faults, p, (browser, page) = open_report(filled_page, 1400, "csv")
    try:
        buttons = page.locator("button.csvlink")
        expected = figure_count(filled_page.read_text(encoding="utf-8"))
        assert buttons.count() == expected
        names = []
        for i in range(expected):
            with page.expect_download() as info:
                buttons.nth(i).click()
            download = info.value
            text = Path(download.path()).read_text(encoding="utf-8")
            rows = list(csv.DictReader(io.StringIO(text)))
            assert rows, download.suggested_filename
            names.append(download.suggested_filename)
        assert len(set(names)) == expected and all(n.endswith(".csv") for n in names)
        assert "daily-postings-by-category" in names[0]
    finally:
        browser.close()
        p.stop()
