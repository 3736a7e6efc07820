"""Screenshot the top of a report page in headless Chromium, at desktop and phone width.

    python scripts/screenshot_report.py reports/report-2024-W07.html docs/img/report-demo.png

writes docs/img/report-demo.png (1400 px wide) and docs/img/report-demo-phone.png (390 px).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
WIDTHS = ((1400, 1250, ""), (390, 1500, "-phone"))  # (width, height shown, file suffix)


def write_screenshots(page_path: Path, target: Path) -> list[Path]:
    """One PNG per width in WIDTHS, the page's top `height` pixels once every chart is drawn."""
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for width, height, suffix in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(page_path.resolve().as_uri())
                page.wait_for_selector("body[data-charts-drawn]", timeout=60_000)
                page.wait_for_timeout(300)
                out = target.with_name(target.stem + suffix + target.suffix)
                page.screenshot(path=str(out))
                written.append(out)
                page.close()
        finally:
            browser.close()
    return written


if __name__ == "__main__":
    for path in write_screenshots(Path(sys.argv[1]), Path(sys.argv[2])):
        print(path)
