"""How far can any title-only classifier agree with Upwork's labels? (a label-noise ceiling)

Uses both labelled snapshots (no tuning: it only measures the labels). For every 3 Jan posting
whose normalised title also occurs in the 1 Jan file (a different posting, by uid), the
"repeat-title oracle" predicts the majority mapped label of those 1 Jan postings: a classifier
that has seen this very title labelled. Its macro F1 and per-category precision on those
postings bound what a title-only classifier can reach there. The same with the nearest 1 Jan
title by word-set Jaccard >= NEAR (near-identical titles), and the pairwise agreement per
category: P(the other posting is X | one posting with the same title is X).

    .venv/bin/python scripts/measure_title_label_noise.py [DATA_DIR]
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from analytics.evaluation.categories import compute_category_report, evaluate_categories
from analytics.tagging.categories import OTHER, read_taxonomy

DATA = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/upwork-jobs-2023-01-labeled")
NEAR = 0.75  # word-set Jaccard: "Logo design for bakery" ~ "Logo design for a bakery" (0.8)
WORD = re.compile(r"[a-z0-9+#]+")  # "Node.js dev" -> node, js, dev


def normalise(title: str) -> str:
    """Lower-cased words joined by one space: "Logo  Design!" -> "logo design"."""
    return " ".join(WORD.findall(title.lower()))


def report(name: str, truths: list[str], predictions: list[str]) -> None:
    names = read_taxonomy().categories
    present = tuple(c for c in names if c in truths)  # a category absent here is not averaged
    r = compute_category_report(truths, predictions, present)
    # "  . " absent from the truth here, "  - " present but never predicted
    cells = {
        c: f"{m['precision']:.2f}" if m["predicted"] else "  - " for c, m in r.per_category.items()
    }
    precisions = " ".join(cells.get(c, "  . ") for c in names)
    print(f"{name:40} n={r.n:4d} macro_f1({len(present)})={r.macro_f1:.3f} precision: {precisions}")


def main() -> None:
    names = read_taxonomy().categories
    _, early = evaluate_categories([DATA / "1_1_2023_general.csv.gz"])
    _, late = evaluate_categories([DATA / "1_3_2023_general.csv.gz"])
    late = late[~late["uid"].isin(set(early["uid"]))]
    by_title: dict[str, Counter[str]] = defaultdict(Counter)
    for title, truth in zip(early["title"], early["truth"], strict=True):
        by_title[normalise(title)][truth] += 1
    print("precision order:", ", ".join(names))

    exact = late[[normalise(t) in by_title for t in late["title"]]]
    oracle = [by_title[normalise(t)].most_common(1)[0][0] for t in exact["title"]]
    report("3 Jan titles in 1 Jan: oracle", list(exact["truth"]), oracle)
    report("  same postings: shipped classifier", list(exact["truth"]), list(exact["predicted"]))

    agree: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for title, truth in zip(exact["title"], exact["truth"], strict=True):
        for label, n in by_title[normalise(title)].items():
            total[truth] += n
            agree[truth] += n * (label == truth)
    pairs = sum(total.values())
    print(
        f"pairs (3 Jan x 1 Jan, same title): {pairs}, same label {sum(agree.values()) / pairs:.3f}"
    )
    for c in (*names, OTHER):
        if total[c]:
            print(f"  {c:32} pairs={total[c]:4d} agreement={agree[c] / total[c]:.2f}")

    early_sets = [
        (set(normalise(t).split()), truth)
        for t, truth in zip(early["title"], early["truth"], strict=True)
    ]
    truths, near, near_shipped = [], [], []
    for title, truth, shipped in zip(late["title"], late["truth"], late["predicted"], strict=True):
        words = set(normalise(title).split())
        if not words or normalise(title) in by_title:
            continue
        best, label = 0.0, OTHER
        for other, other_truth in early_sets:
            j = len(words & other) / len(words | other) if other else 0.0
            if j > best:
                best, label = j, other_truth
        if best >= NEAR:
            truths.append(truth)
            near.append(label)
            near_shipped.append(shipped)
    report(f"near-identical (Jaccard >= {NEAR}): oracle", truths, near)
    report("  same postings: shipped classifier", truths, near_shipped)


if __name__ == "__main__":
    main()
