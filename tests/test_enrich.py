"""The enrichment step on a real DuckDB warehouse: new-only, --all, simulated rows kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb

from analytics.tagging.enrich import compute_rules_version, enrich_postings
from tests.conftest import T0
from warehouse.db import transaction
from warehouse.postings import EntryRecord, save_entries
from warehouse.runs import finish_run, start_run


def entry(i: int, title: str, description: str, category: str | None = None) -> EntryRecord:
    return EntryRecord(
        feed_name="f1",
        source="upwork",
        guid=f"https://www.upwork.com/jobs/job-{i}?source=rss",
        link=f"https://www.upwork.com/jobs/job-{i}?source=rss",
        title=title,
        description=description,
        published_at=T0 - timedelta(hours=i),
        platform_category=category,
    )


def store(conn: duckdb.DuckDBPyConnection, entries: list[EntryRecord]) -> None:
    with transaction(conn):
        run = start_run(conn, "poll", T0)
        result = save_entries(conn, run, entries, T0)
        counts = {"postings_new": result.new_postings}
        finish_run(conn, run, finished_at=T0, status="ok", counts=counts)


VIDEO = "Edit vlogs.\nHourly Range: $15.00-$30.00\nCategory: Video Editing"
ENTRIES = [
    entry(1, "Video editor for YouTube", VIDEO, "Video Editing"),
    entry(2, "Build a chatbot with the OpenAI API", "Budget: $1,500"),
    entry(3, "Blog writer", "We want no AI-written content. Pay £20 per hour."),
    entry(4, "Fix my car", "Hourly Range: $5,000.00"),
]

CATEGORIES_SQL = """
SELECT p.title, c.category, c.method
FROM posting_categories c JOIN postings p USING (posting_id)
"""
PAY_SQL = """
SELECT p.title, y.pay_kind, y.currency, y.usd_hourly_mid, y.usd_budget, y.flag, y.rule
FROM posting_pay y JOIN postings p USING (posting_id)
"""


def rows(conn: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return conn.execute(sql, list(params)).fetchall()


def test_enrich_tags_new_postings(conn: duckdb.DuckDBPyConnection) -> None:
    store(conn, ENTRIES)
    summary = enrich_postings(conn, now=T0)
    assert summary.postings == 4 and summary.mode == "new"
    cats = {r[0]: r[1:] for r in rows(conn, CATEGORIES_SQL)}
    assert cats["Video editor for YouTube"] == ("Video Editing & Production", "platform")
    assert cats["Blog writer"] == ("Writing", "rules")
    assert cats["Fix my car"] == ("Other", "rules")
    skills = rows(conn, "SELECT skill FROM posting_ai_skills ORDER BY skill")
    assert skills == [("chatbot_development",), ("llm_api_integration",)]
    pay = {r[0]: r[1:] for r in rows(conn, PAY_SQL)}
    assert pay["Video editor for YouTube"] == (
        "hourly", "USD", 22.5, None, None, "upwork_footer_hourly_range",
    )  # fmt: skip
    assert pay["Build a chatbot with the OpenAI API"][:4] == ("budget", "USD", None, 1500.0)
    assert pay["Blog writer"][1] == "GBP" and pay["Blog writer"][2] is not None
    assert pay["Fix my car"][4] == "implausible_high" and pay["Fix my car"][2] is None
    versions = rows(conn, "SELECT DISTINCT rules_version FROM posting_pay")
    assert versions == [(compute_rules_version(),)]
    assert enrich_postings(conn, now=T0).postings == 0  # nothing new the second time
    runs = rows(conn, "SELECT mode, postings FROM enrichment_runs ORDER BY postings")
    assert runs == [("new", 0), ("new", 4)]


def test_retag_all_keeps_simulated_rows(conn: duckdb.DuckDBPyConnection) -> None:
    store(conn, ENTRIES)
    enrich_postings(conn, now=T0)
    pid = rows(conn, "SELECT posting_id FROM postings WHERE title = ?", "Fix my car")[0][0]
    conn.execute(
        "UPDATE posting_categories SET method = 'simulated', category = 'Data Entry'"
        " WHERE posting_id = ?",
        [pid],
    )
    later = T0 + timedelta(days=1)
    summary = enrich_postings(conn, now=later, retag_all=True)
    assert summary.postings == 3 and summary.mode == "all"
    kept = rows(conn, "SELECT category, method FROM posting_categories WHERE posting_id = ?", pid)
    assert kept == [("Data Entry", "simulated")]
    retagged = rows(conn, "SELECT count(*) FROM posting_categories WHERE tagged_at = ?", later)
    assert retagged == [(3,)]
    assert rows(conn, "SELECT count(*) FROM posting_ai_skills") == [(2,)]


def test_parallel_workers_give_the_same_tags(conn: duckdb.DuckDBPyConnection) -> None:
    store(conn, ENTRIES)
    summary = enrich_postings(conn, now=T0, workers=2)
    assert summary.postings == 4
    assert summary.categories["Writing"] == 1


def test_postings_enriched_view(conn: duckdb.DuckDBPyConnection) -> None:
    store(conn, ENTRIES)
    enrich_postings(conn, now=T0)
    got = rows(
        conn,
        "SELECT category, pay_kind, ai_skills FROM postings_enriched WHERE title = ?",
        "Build a chatbot with the OpenAI API",
    )
    assert got == [("Other", "budget", ["chatbot_development", "llm_api_integration"])]


def test_a_posting_that_raises_is_rejected_not_fatal(conn: duckdb.DuckDBPyConnection) -> None:
    from analytics.tagging.enrich import ENRICH_ERROR_RULE, compute_chunk_tables, save_chunk

    good = (1, "Logo for a bakery", "Budget: $50", None, 2024)
    bad = (2, 12345, "not text", None, 2024)  # a title that is not a string raises in the rules
    tags = compute_chunk_tables([good, bad])
    assert [e[0] for e in tags.errors] == [2]
    save_chunk(conn, tags, [1, 2], "test", T0)
    cats = rows(conn, "SELECT posting_id, category FROM posting_categories ORDER BY 1")
    assert cats == [(1, "Graphic Design"), (2, "Other")]
    pay = rows(conn, "SELECT rule FROM posting_pay WHERE posting_id = 2")
    assert pay == [(ENRICH_ERROR_RULE,)]
    rejects = rows(conn, "SELECT stage, location, reason FROM rejects")
    assert rejects[0][:2] == ("enrich", "posting_id 2") and "AttributeError" in rejects[0][2]
