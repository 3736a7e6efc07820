"""Category rules, the platform-label table, AI skills with negation, and the eval report."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.evaluation.categories import compute_category_report, evaluate_categories
from analytics.tagging.categories import (
    OTHER,
    classify_text,
    map_platform_label,
    read_platform_map,
    read_taxonomy,
)
from analytics.tagging.skills import parse_skills, read_skill_taxonomy
from tests.conftest import LABELLED_HANDWRITTEN, LABELLED_REAL, write_real_labelled_sample

OUR_NAMES = (
    "Writing", "Translation", "Customer Service", "Video Editing & Production", "Graphic Design",
    "Web Design", "Front-End Development", "Back-End Development", "Accounting & Bookkeeping",
    "Sales & Business Development", "Market Research", "Data Entry",
)  # fmt: skip
SKILL_SLUGS = {
    "chatbot_development", "ai_content_generation", "ai_agent_development",
    "llm_api_integration", "ai_app_development", "prompt_engineering", "machine_learning",
    "data_annotation", "ai_image_video_generation",
}  # fmt: skip


def test_taxonomy_names_are_the_contract() -> None:
    assert set(read_taxonomy().categories) == set(OUR_NAMES)
    assert set(read_skill_taxonomy().slugs) == SKILL_SLUGS
    assert set(read_platform_map().values()) <= set(OUR_NAMES) | {OTHER}


@pytest.mark.parametrize(
    ("label", "top", "expected"),
    [
        ("Video Editing", None, "Video Editing & Production"),
        ("Bookkeeping", None, "Accounting & Bookkeeping"),
        ("Front-End Development", None, "Front-End Development"),
        ("Data Visualization", None, OTHER),
        ("Other Content Writing", "Writing", "Writing"),
        ("Scripting &amp; Automation", None, OTHER),
        ("Sales & Business Development", None, "Sales & Business Development"),
        (None, None, None),
    ],
)
def test_platform_labels(label: str | None, top: str | None, expected: str | None) -> None:
    assert map_platform_label(label, top) == expected


@pytest.mark.parametrize("name", OUR_NAMES + (OTHER,))
def test_our_own_names_map_to_themselves(name: str) -> None:
    assert map_platform_label(name) == name


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Translate 20 pages from English to Spanish", "Translation"),
        ("Bookkeeper for QuickBooks cleanup", "Accounting & Bookkeeping"),
        ("YouTube video editor needed", "Video Editing & Production"),
        ("Logo for a bakery", "Graphic Design"),
        ("React front-end developer", "Front-End Development"),
        ("Blog writer for fitness articles", "Writing"),
        ("Backend developer for a REST API", "Back-End Development"),
        # Upwork files these under Full Stack (Other) far more often than Back-End, so a
        # language name alone is not a Back-End vote (categories.toml, 1_1 measurements)
        ("Laravel PHP developer with MySQL", OTHER),
        ("Node.js developer", OTHER),
        ("Typing job", OTHER),
        ("Fix my car", OTHER),
    ],
)
def test_rules_on_titles(title: str, expected: str) -> None:
    assert classify_text(title, None, read_taxonomy()).category == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We want no AI-written content, human writers only.", set()),
        ("Do not use ChatGPT to write articles", set()),
        ("Prompt payment guaranteed", set()),
        ("No agencies. We need a machine learning engineer", {"machine_learning"}),
        (
            "Build a chatbot with the OpenAI API",
            {"chatbot_development", "llm_api_integration"},
        ),
        ("Image annotation with bounding boxes", {"data_annotation"}),
        ("Midjourney artist for AI art", {"ai_image_video_generation"}),
    ],
)
def test_ai_skills_with_negation(text: str, expected: set[str]) -> None:
    assert {t.skill for t in parse_skills(text, read_skill_taxonomy())} == expected


def test_report_metrics_by_hand() -> None:
    names = ("A", "B")
    report = compute_category_report(["A", "A", "B", OTHER], ["A", "B", "B", "A"], names)
    assert report.per_category["A"]["precision"] == 0.5
    assert report.per_category["A"]["recall"] == 0.5
    assert report.per_category["B"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert report.macro_f1 == pytest.approx((0.5 + 2 / 3) / 2, abs=1e-4)


def test_eval_on_handwritten_labelled_titles() -> None:
    report, frame = evaluate_categories([LABELLED_HANDWRITTEN])
    assert report.n == len(frame) == 96
    # a regression floor measured on these titles (0.808: 22 misses, mostly Other), not the
    # target (docs/enrichment.md)
    assert report.macro_f1 >= 0.78


@pytest.mark.skipif(not LABELLED_REAL.exists(), reason=f"real data not present: {LABELLED_REAL}")
def test_eval_on_a_real_labelled_sample(tmp_path: Path) -> None:
    report, frame = evaluate_categories([write_real_labelled_sample(tmp_path)])
    assert report.n == len(frame) >= 390  # 400 rows, a few duplicate uids
    # a regression floor measured on this sample (0.613; 0.647 before the rule review, whose
    # cost here is Back-End's 4 titles), not the target (docs/enrichment.md)
    assert report.macro_f1 >= 0.60


@pytest.mark.skipif(not LABELLED_REAL.exists(), reason=f"real data not present: {LABELLED_REAL}")
def test_eval_on_shared_labelled_file() -> None:
    report, _ = evaluate_categories([LABELLED_REAL])
    assert report.n > 4000
    assert report.macro_f1 >= 0.50
