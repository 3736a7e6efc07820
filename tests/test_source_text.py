"""The text a source adapter stores: plain text beside the verbatim HTML (and the columns say
which is which), boilerplate lines dropped, a site's list fields read as data only."""

from __future__ import annotations

import duckdb

from collector.parsed import parse_list, parse_text, parse_title_text
from collector.sources import parse_source_bytes
from tests.conftest import FIXTURES
from warehouse.migrate import apply_migrations


def test_titles_are_plain_text() -> None:
    assert parse_title_text("<b>Go</b> &amp;amp; Rust  developer") == "Go & Rust developer"
    assert parse_title_text("&lt;img src=x onerror=alert(1)&gt;Designer") == "Designer"


def test_boilerplate_lines_are_dropped_and_the_html_kept() -> None:
    body = (FIXTURES / "sources" / "remoteok.json").read_bytes()
    entry = parse_source_bytes("remoteok-api", body, "remoteok", "remoteok").entries[0]
    assert "Please mention the word" not in (entry.description or "")
    assert "Please mention the word" in (entry.summary_html or "")  # verbatim, as sent
    assert parse_text("<p>Logo work</p><p>Apply now!</p>") == "Logo work"


def test_list_fields_are_read_as_literals_only() -> None:
    assert parse_list("['a', 'b']") == ["a", "b"]
    assert parse_list(["HR &amp; Recruiting"]) == ["HR & Recruiting"]
    assert parse_list("[__import__('os').system('true')]") == ["[__import__('os').system('true')]"]


def test_columns_say_which_is_plain_text_and_which_html() -> None:
    conn = duckdb.connect(":memory:")
    apply_migrations(conn)
    comments = dict(
        conn.execute(
            "SELECT table_name || '.' || column_name, comment FROM duckdb_columns()"
            " WHERE comment IS NOT NULL"
        ).fetchall()
    )
    assert comments["postings.title"].startswith("plain text")
    assert comments["postings.description"].startswith("plain text")
    assert "verbatim HTML" in comments["raw_entries.summary_html"]
    assert "verbatim HTML" in comments["raw_entries.content_html"]
