"""A page too big for the collector's DuckDB cap (a large recorded file) is saved under the
larger cap instead of failing every time; without one it fails and nothing of it is saved."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from collector.benchmark import render_page
from collector.cycle import CycleOptions, collect_files
from tests.conftest import T0

ENTRIES = 10000  # one page; under 8MB DuckDB runs out of memory saving it
CAP = "8MB"  # (16MB was enough since a page is joined with postings once, not three times)


def test_a_page_that_runs_out_of_memory_is_saved_under_the_larger_cap(
    db_path: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(render_page(0, ENTRIES, datetime(2024, 5, 13, 12, tzinfo=UTC)))
    with pytest.raises(duckdb.OutOfMemoryException):
        collect_files(db_path, [big], T0, options=CycleOptions(memory_limit=CAP))
    with duckdb.connect(str(db_path), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM postings").fetchone() == (0,)

    options = CycleOptions(memory_limit=CAP, retry_memory_limit="512MB")
    summary = collect_files(db_path, [big], T0, options=options)
    assert summary.counts["postings_new"] == ENTRIES
