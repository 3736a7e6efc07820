"""Rebuild analytics/simulation/vocabulary.json from ../shared/data (run from the repo root).

Derives, per simulator category: its share of postings, the most frequent title words, and the
pay distribution (share hourly / fixed / none; lognormal fit of hourly rate and fixed budget)
from the Upwork search-API export (upwork-jobs-2023-01-labeled), and a pooled list of frequent
description words from the Upwork RSS archives. Only word counts and distribution parameters
are written, never a posting.

    python scripts/build_sim_vocabulary.py [--shared ../shared/data] [--out PATH]
"""

from __future__ import annotations

import argparse
import collections
import html
import json
import math
import re
from pathlib import Path

import pandas as pd

OUT = Path("analytics/simulation/vocabulary.json")
TITLE_WORDS = 80  # per category
DESCRIPTION_WORDS = 400
MIN_WORD_CHARS = 3
# "Need a WordPress developer!" -> ["need", "wordpress", "developer"]
WORD_RE = re.compile(r"[A-Za-z][A-Za-z+#.\-]*[A-Za-z+#]")
STOPWORDS = frozenset(
    "the and for with you your our are will this that have from need looking who can not "
    "all but any has was were been into out about more some they them their there what when "
    "which would should could also just like than then only other each such per very its "
    "upwork posted category skills country hourly range budget click apply".split()
)
# Upwork label -> our category: top-level labels first, then sub-categories.
TOP_LEVEL = {
    "Writing": "Writing",
    "Translation": "Translation",
    "Customer Service": "Customer Service",
}
SUB = {
    "Video Editing": "Video Editing & Production",
    "Video Production": "Video Editing & Production",
    "Graphic Design": "Graphic Design",
    "Web Design": "Web Design",
    "Front-End Development": "Front-End Development",
    "Back-End Development": "Back-End Development",
    "Accounting": "Accounting & Bookkeeping",
    "Bookkeeping": "Accounting & Bookkeeping",
    "Sales & Business Development": "Sales & Business Development",
    "Market Research": "Market Research",
    "Data Entry": "Data Entry",
}


def words(text: str) -> list[str]:
    return [
        w.lower()
        for w in WORD_RE.findall(text)
        if len(w) >= MIN_WORD_CHARS and w.lower() not in STOPWORDS
    ]


def lognormal(values: pd.Series) -> dict[str, float]:
    logs = values[values > 0].map(math.log)
    return {"mu": round(float(logs.mean()), 4), "sigma": round(float(logs.std()), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    labelled = args.shared / "upwork-jobs-2023-01-labeled"
    frames = [pd.read_csv(p) for p in sorted(labelled.glob("*.csv.gz"))]
    jobs = pd.concat(frames).drop_duplicates("uid")
    top = jobs["occupations_category_pref_label"].map(TOP_LEVEL)
    sub = jobs["occupations_oservice_pref_label"].map(SUB)
    jobs["category"] = top.fillna(sub).fillna("Other")
    categories = {}
    for name, group in jobs.groupby("category"):
        counts = collections.Counter(w for t in group["title"].astype(str) for w in words(t))
        kinds = group["type"].value_counts(normalize=True)
        categories[name] = {
            "share": round(len(group) / len(jobs), 5),
            "title_words": [[w, n] for w, n in counts.most_common(TITLE_WORDS)],
            "pay": {
                "hourly_share": round(float(kinds.get("hourly", 0.0)), 4),
                "fixed_share": round(float(kinds.get("fixed_budget", 0.0)), 4),
                "hourly_usd": lognormal(group.loc[group["type"] == "hourly", "hourly_rate"]),
                "budget_usd": lognormal(
                    group.loc[group["type"] == "fixed_budget", "amount_amount"]
                ),
            },
        }
    description = collections.Counter()
    for path in sorted((args.shared / "upwork-rss-powerbi-2024" / "json_snapshots").glob("*.json")):
        items = json.loads(path.read_text())["rss"]["channel"]["item"]
        for item in items if isinstance(items, list) else [items]:
            body = html.unescape(re.sub(r"<[^>]+>", " ", item.get("description") or "")).split(
                "Posted On"
            )[0]
            description.update(words(body))
    with open(args.shared / "upwork-rss-2021-02-edn" / "test_feed_items.jsonl") as f:
        for line in f:
            body = json.loads(line).get("description_html") or ""
            description.update(
                words(html.unescape(re.sub(r"<[^>]+>", " ", body)).split("Posted On")[0])
            )
    out = {
        "derived_from": [
            "upwork-jobs-2023-01-labeled (titles, type, hourly_rate, amount_amount, labels)",
            "upwork-rss-powerbi-2024/json_snapshots and upwork-rss-2021-02-edn (description words)",
        ],
        "categories": dict(sorted(categories.items())),
        "description_words": [[w, n] for w, n in description.most_common(DESCRIPTION_WORDS)],
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {args.out}: {len(categories)} categories, {len(jobs)} labelled postings")


if __name__ == "__main__":
    main()
