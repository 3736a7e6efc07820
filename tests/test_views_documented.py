"""Every analyst view and every one of its columns is documented in the database (COMMENT ON),
and the README's view table lists exactly the views that exist."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_view_and_column_has_a_comment(conn: duckdb.DuckDBPyConnection) -> None:
    views = conn.execute(
        "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
    ).fetchall()
    assert len(views) >= 10
    assert [v for v, c in views if not c] == []
    missing = conn.execute(
        """SELECT c.table_name || '.' || c.column_name FROM duckdb_columns() c
           JOIN duckdb_views() v ON v.view_name = c.table_name AND v.schema_name = c.schema_name
           WHERE NOT v.internal AND v.schema_name = 'main' AND coalesce(c.comment, '') = ''"""
    ).fetchall()
    assert missing == []


def test_readme_view_table_matches_the_database(conn: duckdb.DuckDBPyConnection) -> None:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| view | one row per |") :].split("\n\n", 1)[0]
    listed = set(re.findall(r"^\| `(\w+)` \|", table, flags=re.M))
    views = {
        r[0]
        for r in conn.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
        ).fetchall()
    }
    assert listed == views
    columns = {
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'postings_dated'"
        ).fetchall()
    }
    assert "category" not in columns  # the README once said postings_dated carried one
