"""Report figures and headline, tested on their data (traces, values), not HTML bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboards import figures, headline, inputs, published, secondary_figures
from dashboards.pay_table import compute_pay_table
from dashboards.quality import compute_gap_ranges, render_gap_text
from dashboards.report import AI_SKILLS, CATEGORIES, EVENT_DATE
from tests.report_fixtures import AS_OF, PLANTED, START, XSS_IMG, build_report_warehouse


@pytest.fixture
def filled(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    build_report_warehouse(conn)
    return conn


def test_trend_selector_has_raw_and_ma_per_category_and_marks_event(filled) -> None:
    series = inputs.read_daily_series(filled, "category", AS_OF)
    fig = figures.figure_trend_selector(series, CATEGORIES, EVENT_DATE, "t")
    assert len(fig.data) == 2 * len(CATEGORIES)
    writing_raw, writing_ma = fig.data[0], fig.data[1]
    assert "Writing" in writing_raw.name and "moving average" in writing_ma.name
    days = (AS_OF - START).days + 1
    assert len(writing_raw.y) == days and writing_raw.x0 == START.isoformat()
    expected = series[series["subject"] == "Writing"]["n"].to_numpy()
    np.testing.assert_array_equal(np.asarray(writing_raw.y), expected)
    # the MA after the event reflects the planted -33%
    ma = np.asarray(writing_ma.y)
    before = np.nanmean(ma[(EVENT_DATE - START).days - 5 : (EVENT_DATE - START).days])
    assert ma[-1] / before - 1 == pytest.approx(PLANTED["Writing"] / 100, abs=0.08)
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == [
        figures.plain(c) for c in CATEGORIES
    ]
    assert fig.layout.shapes[0].x0 == EVENT_DATE.isoformat()
    assert fig.layout.yaxis.title.text == "Postings per day"
    visible = [t.visible for t in fig.data]
    assert visible[:2] == [True, True] and not any(visible[2:])


def test_missing_days_are_gaps_not_zeros() -> None:
    frame = pd.DataFrame(
        {"date": [dt.date(2024, 1, 1), dt.date(2024, 1, 3)], "n": [5, 7], "ma_n": [5.0, 6.0]}
    )
    raw, _ = figures.compute_daily_arrays(frame, dt.date(2024, 1, 1), dt.date(2024, 1, 3))
    assert raw[0] == 5 and np.isnan(raw[1]) and raw[2] == 7


def test_a_second_event_never_mixes_into_the_chatgpt_charts(filled) -> None:
    filled.execute(
        "INSERT INTO a_event_deltas (event_date, as_of, kind, subject, method, estimate_pct, "
        "meaningful, computed_at) VALUES ('2023-03-14', ?, 'category', 'Writing', "
        "'ma_endpoints', 999.0, true, now())",
        [AS_OF],
    )
    pairs = figures.compute_delta_pairs(inputs.read_event_deltas(filled, AS_OF), "category")
    assert pairs.set_index("subject").loc["Writing", "study_pct"] == pytest.approx(-33.0)


def test_delta_pairs_pick_study_and_honest_interval(filled) -> None:
    deltas = inputs.read_event_deltas(filled, AS_OF)
    pairs = figures.compute_delta_pairs(deltas, "category")
    assert list(pairs["study_pct"]) == sorted(pairs["study_pct"])
    writing = pairs[pairs["subject"] == "Writing"].iloc[0]
    assert writing["study_pct"] == pytest.approx(-33.0)
    assert writing["honest_method"] == "did"
    assert writing["honest_low"] < writing["honest_pct"] < writing["honest_high"]
    fig = figures.figure_delta_bars(pairs, "t")
    assert list(fig.data[0].x) == list(pairs["study_pct"])
    assert fig.data[1].error_x.array is not None


def test_honest_method_skips_unmeaningful() -> None:
    rows = [
        dict(
            kind="category",
            subject="Writing",
            method="ma_endpoints",
            estimate_pct=-30.0,
            ci_low_pct=None,
            ci_high_pct=None,
            meaningful=True,
        ),
        dict(
            kind="category",
            subject="Writing",
            method="did",
            estimate_pct=None,
            ci_low_pct=None,
            ci_high_pct=None,
            meaningful=False,
        ),
        dict(
            kind="category",
            subject="Writing",
            method="its",
            estimate_pct=-20.0,
            ci_low_pct=-25.0,
            ci_high_pct=-15.0,
            meaningful=True,
        ),
    ]
    pairs = figures.compute_delta_pairs(pd.DataFrame(rows), "category")
    assert pairs.iloc[0]["honest_method"] == "its"


def test_published_comparison_matches_only_shared_subjects(filled) -> None:
    pub = published.read_published_figures()
    assert {"Writing", "Video Editing & Production", "chatbot_development"} <= set(pub["subject"])
    deltas = inputs.read_event_deltas(filled, AS_OF)
    ours = figures.compute_delta_pairs(deltas, "category")
    fig = figures.figure_published_comparison(ours, pub, "category", "t")
    bloomberry = next(t for t in fig.data if t.name == "published: bloomberry-2024")
    values = dict(zip(bloomberry.y, bloomberry.x, strict=True))
    assert values["Writing"] == -33.0 and values["Translation"] == -19.0
    assert "Other" not in set(fig.data[0].y)
    # AI skills on their own axis (a +2000% skill squeezed every category into a blob),
    # labelled with display names, not slugs
    skills = figures.compute_delta_pairs(deltas, "ai_skill", {"chatbot_development": "Chatbots"})
    fig = figures.figure_published_comparison(skills, pub, "ai_skill", "t")
    assert "Chatbots" in set(fig.data[0].y) and "Writing" not in set(fig.data[0].y)
    assert max(abs(x) for t in fig.data for x in t.x if x == x) > 1000


def test_postings_per_source_flags_simulated_and_escapes_source(filled) -> None:
    weekly = inputs.read_postings_per_source_week(filled, AS_OF)
    fig = secondary_figures.figure_postings_per_source(weekly)
    names = [t.name for t in fig.data]
    assert any(n.endswith("(SIMULATED)") for n in names)
    assert all("<img" not in n for n in names)
    assert any("&lt;img" in n for n in names)
    assert sum(int(np.sum(t.y)) for t in fig.data) == 400


def test_pay_and_exposure_figures(filled, tmp_path: Path) -> None:
    pay = inputs.read_pay_deltas(filled, AS_OF)
    assert set(pay["method"]) == {"median", "median_mix_fixed"}
    assert 99.0 not in set(pay["change_pct"])  # the GPT-4 event's rows are never mixed in
    fig = secondary_figures.figure_pay(pay[pay["method"] == "median"])
    assert fig.data[0].name.startswith("Median before")
    assert len(fig.data[0].x) == len(CATEGORIES) - 1
    assert "USD/hour" in fig.layout.xaxis.title.text
    table = compute_pay_table(pay)  # one row per category, the methods as columns
    assert len(table) == len(CATEGORIES) - 1 and table["category"].is_unique
    writing = table.set_index("category").loc["Writing"]
    assert writing["change, plain median"] == "+5.0% [-2.0, +12.0]"
    assert writing["change, mix fixed"] == "+4.0% [-2.0, +12.0]"
    assert inputs.read_exposure_scores(tmp_path / "none.csv") is None
    path = tmp_path / "exposure.csv"
    path.write_text("category,exposure\nWriting,0.9\nData Entry,0.7\n")
    exposure = inputs.read_exposure_scores(path)
    assert exposure is not None
    pairs = figures.compute_delta_pairs(inputs.read_event_deltas(filled, AS_OF), "category")
    scatter = secondary_figures.figure_exposure_scatter(exposure, pairs)
    # rows least exposed first, the score in the label, the honest estimate on x
    assert list(scatter.data[0].y) == ["Data Entry (0.70)", "Writing (0.90)"]
    honest = pairs.set_index("subject")["honest_pct"]
    assert list(scatter.data[0].x) == [honest["Data Entry"], honest["Writing"]]
    shipped = inputs.read_exposure_scores()  # the shipped table, column exposure_score
    assert shipped is not None and len(shipped) == 12 and shipped["exposure"].between(0, 1).all()


def test_headline_names_biggest_movers_with_counts(filled) -> None:
    deltas = inputs.read_event_deltas(filled, AS_OF)
    pairs = figures.compute_delta_pairs(deltas, "ai_skill", {"chatbot_development": "Chatbots"})
    sentence = headline.render_event_sentence(pairs, "AI skill")
    # leads with the honest estimate, its interval and counts; the study's figure beside it,
    # here n/m (its 84-day base is 23 postings) instead of skipping the skill
    assert sentence.startswith(
        "Since the event, the AI skill that moved most is Chatbots: +1600.0%"
    )
    assert "95% interval +1116.0% to +2084.0%" in sentence
    assert "postings in the before window" in sentence
    assert "The study's statistic is n/m here: only 23 postings in its 84-day base." in sentence
    cats = figures.compute_delta_pairs(deltas, "category")
    sentence = headline.render_event_sentence(cats, "category")
    assert "The study's statistic (84-day moving average, no interval) is +39.0%." in sentence
    series = pd.DataFrame(
        {
            "date": [AS_OF - dt.timedelta(days=d) for d in range(14)] * 2,
            "subject": ["Writing"] * 14 + ["Data Entry"] * 14,
            "n": [20] * 7 + [10] * 7 + [30] * 14,
        }
    )
    changes = headline.compute_week_changes(series, AS_OF)
    assert changes.iloc[0]["subject"] == "Writing"
    assert changes.iloc[0]["this_week"] == 140 and changes.iloc[0]["last_week"] == 70
    text = headline.render_week_sentence(changes, "category")
    assert "+100.0%" in text and "140 postings" in text
    # Poisson interval of the ratio 140/70: exp(log 2 +- 1.96 sqrt(1/140 + 1/70))
    assert "95% interval +50.1% to +166.5%" in text


def test_gaps_totals_and_rejects(filled) -> None:
    gaps = inputs.read_coverage_gaps(filled, AS_OF)
    assert gaps and all(d.day in (3, 4) for d in gaps)
    ranges = compute_gap_ranges(gaps)  # each month's 3rd and 4th: one range per month
    assert len(ranges) == len(gaps) // 2 and all((b - a).days == 1 for a, b in ranges)
    assert render_gap_text(gaps).startswith("2023-12-03 to 2023-12-04 (2 days); 2024-01-03")
    totals = inputs.read_totals(filled, AS_OF)
    assert totals["postings"] == 400 and totals["simulated"] == 100
    assert 0 < totals["other"] < totals["categorized"] == 400
    rejects = inputs.read_recent_rejects(filled, AS_OF)
    assert XSS_IMG in set(rejects["location"])
    assert inputs.read_simulate_runs(filled) == 1
    assert len(AI_SKILLS) == 9


def test_report_up_to_a_day_reads_the_analysis_as_of_the_next(filled) -> None:
    """`analyze --as-of D` covers complete days up to D - 1; the service analyses as of today
    and reports up to yesterday, so that report must find today's analysis (it once found
    none on a first start), and a report up to D - 2 must not use it."""
    day = dt.timedelta(days=1)
    yesterday = AS_OF - day  # the fixture's analysis is stamped as of AS_OF
    assert not inputs.read_event_deltas(filled, yesterday).empty
    assert not inputs.read_pay_deltas(filled, yesterday).empty
    assert inputs.read_event_deltas(filled, yesterday - day).empty
    assert inputs.read_pay_deltas(filled, yesterday - day).empty


def test_a_category_added_to_the_taxonomy_gets_its_chart(filled) -> None:
    """Subjects come from the taxonomy files, then from the data: a category an analyst adds
    (and re-tags history with) is charted without a code change."""
    from dashboards.report import with_present

    assert CATEGORIES[:3] == ["Writing", "Translation", "Customer Service"]
    assert CATEGORIES[-1] == "Other" and len(CATEGORIES) == 13
    filled.execute(
        "INSERT INTO a_daily_counts SELECT date, kind, 'Prompt Writing', n, share"
        " FROM a_daily_counts WHERE kind = 'category' AND subject = 'Writing'"
    )
    series = inputs.read_daily_series(filled, "category", AS_OF)
    subjects = with_present(CATEGORIES, series)
    assert subjects == [*CATEGORIES, "Prompt Writing"]
    fig = figures.figure_trend_selector(series, subjects, EVENT_DATE, "t")
    assert any("Prompt Writing" in t.name for t in fig.data)


def test_headline_names_the_controls_a_did_estimate_is_relative_to(filled) -> None:
    """A did number means 'relative to these categories': the headline says which."""
    filled.execute(
        "UPDATE a_event_deltas SET note = 'controls: Video Editing & Production, Back-End "
        "Development; log-difference DiD' WHERE method = 'did'"
    )
    deltas = inputs.read_event_deltas(filled, AS_OF)
    pairs = figures.compute_delta_pairs(deltas, "ai_skill")
    assert pairs.set_index("subject").loc["chatbot_development", "honest_method"] == "did"
    sentence = headline.render_event_sentence(pairs, "AI skill")
    assert "by did against Video Editing & Production, Back-End Development (95% interval" in (
        sentence
    )


def test_methods_text_states_the_real_default_control() -> None:
    """The Methods section once said the default control was 'the three categories least
    exposed' while DEFAULT_CONTROLS is empty (the typical donors, analytics/trends/controls.py):
    it must say what runs."""
    from analytics.trends.controls import ALL_OTHER_POSTINGS, MIN_DONORS
    from analytics.trends.deltas import DEFAULT_CONTROLS
    from dashboards.page import METHODS

    assert DEFAULT_CONTROLS == ()  # if the default changes, so must the sentence below
    text = " ".join(METHODS.substitute(controls="X").split())
    assert "by default the typical donor categories" in text and "least exposed" not in text
    assert f"{ALL_OTHER_POSTINGS} when fewer than three qualify" in text and MIN_DONORS == 3


def test_pay_changes_never_print_minus_zero() -> None:
    from dashboards.pay_table import render_change

    assert render_change(0.0, -0.04, 6.5) == "+0.0% [+0.0, +6.5]"
    assert render_change(-17.64, -20.61, float("nan")) == "-17.6%"
    assert render_change(float("nan"), 1.0, 2.0) == "—"
