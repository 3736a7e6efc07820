"""compute_chunk tags stage by stage over a chunk: the rows are the ones tagging each posting
on its own gives, and a posting that fails in any stage is rejected cleanly."""

from __future__ import annotations

from analytics.evaluation.bench_enrich import _template_rows
from analytics.tagging.enrich import ENRICH_ERROR_RULE, ChunkTags, compute_chunk


def _one_by_one(rows: list[tuple[object, ...]]) -> ChunkTags:
    out = ChunkTags()
    for row in rows:
        tags = compute_chunk([row])  # type: ignore[list-item]
        out.categories += tags.categories
        out.skills += tags.skills
        out.pay += tags.pay
        out.engagement += tags.engagement
        out.errors += tags.errors
    return out


def test_chunk_equals_each_posting_tagged_alone() -> None:
    """The bench's postings with footers (the real 2022-06 sample, or the hand-written one in
    its format), with and without a platform label, and a few that fail: a chunk gives exactly
    the per-posting rows, in order."""
    templates = _template_rows()
    rows: list[tuple[object, ...]] = [
        (i, title, description, "Video Editing" if i % 7 == 0 else None, 2022)
        for i, (title, description) in enumerate(templates)
    ]
    rows.insert(5, (1000, 12345, "not text", None, 2024))  # raises in the categories stage
    rows.insert(9, (1001, "AI chatbot developer", "We build chatbots", None, "x"))  # pay stage
    chunk = compute_chunk(rows)  # type: ignore[arg-type]
    assert chunk == _one_by_one(rows)
    assert len(chunk.categories) == len(rows) and chunk.skills and chunk.pay


def test_a_posting_failing_in_a_later_stage_gets_one_clean_set_of_rows() -> None:
    good = (1, "Logo for a bakery", "Budget: $50", None, 2024)
    early = (2, 12345, "not text", None, 2024)  # fails in categories
    late = (3, "AI chatbot developer", "We build an AI chatbot. Budget: $500", None, "x")
    tags = compute_chunk([good, late, early])  # type: ignore[list-item]
    assert [e.posting_id for e in tags.errors] == [3, 2]  # in row order, whatever the stage
    assert tags.errors[0].reason.startswith("ValueError")
    assert "AttributeError" in tags.errors[1].reason
    assert [c.posting_id for c in tags.categories] == [1, 3, 2]  # one category row per posting
    assert [c.category for c in tags.categories[1:]] == ["Other", "Other"]
    assert not [s for s in tags.skills if s.posting_id in (2, 3)]
    assert [p.rule for p in tags.pay] == [
        "upwork_footer_budget",
        ENRICH_ERROR_RULE,
        ENRICH_ERROR_RULE,
    ]
