"""Every source adapter end to end (parse -> store -> enrich) against expected results: the
real recorded responses of ../shared/data (tests/expected/sources, one file per response) and
the hand-written ones in each format (tests/fixtures/sources, always run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, SHARED_DATA
from tests.source_cases import compute_case_results

EXPECTED = Path(__file__).parent / "expected" / "sources"
HAND_WRITTEN = FIXTURES / "sources"
ITEM_FIELDS = ("posted", "engagement", "seeker", "category", "category_rule", "pay")


def _check(case: dict[str, Any], results: dict[str, dict[str, Any]]) -> None:
    expected = case["items"]
    assert sorted(results) == sorted(expected), "a posting was lost, added or re-keyed"
    for key, want in expected.items():
        got = results[key]
        title_field = "title" if "title" in want else "title_sha1"
        where = f"{case['data']} item {want.get('title') or key}"
        assert got[title_field] == want[title_field], where
        if "link" in want:
            assert got["link"] == want["link"], where
        for name in ITEM_FIELDS:
            assert got[name] == want[name], f"{where}: {name}"


@pytest.mark.parametrize("case_path", sorted(EXPECTED.glob("*.json")), ids=lambda p: p.stem)
def test_real_recorded_response(case_path: Path) -> None:
    case = json.loads(case_path.read_text(encoding="utf-8"))
    data = SHARED_DATA / case["data"]
    if not data.exists():
        pytest.skip(f"real data {case['data']} not here ({SHARED_DATA} absent)")
    _check(case, compute_case_results(data, case))


@pytest.mark.parametrize(
    "case_path", sorted(HAND_WRITTEN.glob("*.expected.json")), ids=lambda p: p.stem
)
def test_hand_written_response(case_path: Path) -> None:
    case = json.loads(case_path.read_text(encoding="utf-8"))
    _check(case, compute_case_results(HAND_WRITTEN / case["data"], case))


def test_every_kind_has_a_hand_written_case() -> None:
    from collector.sources import SOURCE_KINDS

    kinds = {json.loads(p.read_text())["kind"] for p in HAND_WRITTEN.glob("*.expected.json")}
    assert set(SOURCE_KINDS) - {"upwork-rss"} <= kinds  # upwork-rss: tests/fixtures/feeds
