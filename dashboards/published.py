"""Published before/after figures (transcribed, with citations) matched to jobtrends' subjects.

dashboards/data/published_figures.csv is a copy of ../shared/data/published-figures/figures.csv;
published_figures.SOURCE.md beside it says where every number was read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

PUBLISHED_CSV = Path(__file__).parent / "data" / "published_figures.csv"

# The studies' own labels -> (kind, jobtrends subject). Only labels that mean the same thing are
# mapped; clusters such as "Automation-prone (writing, software/...)" are left out on purpose.
LABEL_TO_SUBJECT: dict[str, tuple[str, str]] = {
    "Writing": ("category", "Writing"),
    "Translation": ("category", "Translation"),
    "Customer Service": ("category", "Customer Service"),
    "Video Editing/Production": ("category", "Video Editing & Production"),
    "Graphic Design": ("category", "Graphic Design"),
    "Web Design": ("category", "Web Design"),
    "Back-end Development": ("category", "Back-End Development"),
    "Front-end/Web Development": ("category", "Front-End Development"),
    "AI skill: chatbot development": ("ai_skill", "chatbot_development"),
    "AI skill: AI-powered chatbot development": ("ai_skill", "chatbot_development"),
    "AI skill: machine learning programming": ("ai_skill", "machine_learning"),
}


def read_published_figures(path: Path = PUBLISHED_CSV) -> pd.DataFrame:
    """Posting-volume figures with a number whose label matches a jobtrends subject.

    Columns: study_id, kind, subject, value_pct (midpoint of low..high), value_pct_low,
    value_pct_high, qualifier, source_urls.
    """
    raw = pd.read_csv(path, dtype=str)
    raw = raw[raw["measure"].str.contains("job post", case=False, na=False)]
    raw = raw[raw["category_or_skill"].isin(list(LABEL_TO_SUBJECT))]
    raw = raw.dropna(subset=["value_pct_low", "value_pct_high"])
    low = raw["value_pct_low"].astype(float)
    high = raw["value_pct_high"].astype(float)
    mapped = raw["category_or_skill"].map(LABEL_TO_SUBJECT)
    return pd.DataFrame(
        {
            "study_id": raw["study_id"],
            "kind": [m[0] for m in mapped],
            "subject": [m[1] for m in mapped],
            "value_pct": (low + high) / 2,
            "value_pct_low": low,
            "value_pct_high": high,
            "qualifier": raw["qualifier"],
            "source_urls": raw["source_urls"],
        }
    ).reset_index(drop=True)
