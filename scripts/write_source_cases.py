"""Write (or refresh) the expected-result file of a recorded response: collect + enrich it
with today's code and write tests/expected/sources/<name>.json (real data, under ../shared)
or tests/fixtures/sources/<name>.expected.json (hand-written). Review the diff by eye before
committing it: the file is the truth the test holds the code to, not a snapshot to accept.

    python scripts/write_source_cases.py live-feeds-2026/wwr_all_2026-02-22.rss rss weworkremotely
    python scripts/write_source_cases.py --fixture tests/fixtures/sources/wwr.rss rss weworkremotely
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import SHARED_DATA  # noqa: E402
from tests.source_cases import compute_case_results, render_case  # noqa: E402


def write_case(data: str, kind: str, source: str, fixture: bool) -> Path:
    """Write one case file; returns its path."""
    case = {"data": data, "kind": kind, "source": source}
    path = (ROOT / data) if fixture else (SHARED_DATA / data)
    results = compute_case_results(path, case)
    if fixture:
        out = path.with_name(path.name.split(".")[0] + ".expected.json")
        case["data"] = path.name
    else:
        out = ROOT / "tests" / "expected" / "sources" / (Path(data).name.split(".")[0] + ".json")
    out.write_text(render_case(case, results, real=not fixture), encoding="utf-8")
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    fixture = "--fixture" in args
    args = [a for a in args if a != "--fixture"]
    print(write_case(args[0], args[1], args[2], fixture))
