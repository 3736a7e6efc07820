"""What the source adapters make of the real recorded responses in ../shared/data/
live-feeds-2026: per file, items, how many have pay (and of which kind), the engagement mix
and which rule set each category. Prints one line per file and a total.

    python scripts/measure_sources.py [DATA_DIR]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics.tagging.enrich import compute_chunk  # noqa: E402
from collector.sources import parse_source_bytes  # noqa: E402

FILES = {  # file -> (kind, source), as feeds.toml would poll them
    "wwr_all_2026-02-22.rss": ("rss", "weworkremotely"),
    "wwr_programming_2020-10-28.rss": ("rss", "weworkremotely"),
    "remotive_api_2026-07.json": ("remotive-api", "remotive"),
    "remoteok_api_2020-10.json": ("remoteok-api", "remoteok"),
    "remoteok_api_2026-02_opencruit.json": ("remoteok-api", "remoteok"),
    "jobicy_api_2026-02_opencruit.json": ("jobicy-api", "jobicy"),
    "himalayas_api_2026-02_opencruit.json": ("himalayas-api", "himalayas"),
    "hn_api_2026-07-10_ikevinxie.json": ("hn-algolia", "hackernews"),
    "reddit_pics_atom_2025-12-30_newsyacht.xml": ("atom", "reddit"),
}


def render_counts(counts: Counter[str]) -> str:
    return " ".join(f"{k}={v}" for k, v in counts.most_common())


def main(data_dir: Path) -> None:
    total: Counter[str] = Counter()
    for name, (kind, source) in FILES.items():
        path = data_dir / name
        if not path.exists():
            print(f"{name}: absent")
            continue
        entries = parse_source_bytes(kind, path.read_bytes(), path.stem, source).entries
        rows = [(i, e.title, e.description, e.platform_category, 2026, source)
                for i, e in enumerate(entries)]  # fmt: skip
        tags = compute_chunk(rows)
        pay = Counter(p[1] for p in tags.pay if p[1] != "none")
        engagement = Counter(e[1] for e in tags.engagement)
        methods = Counter(c[3] for c in tags.categories)
        total.update({"items": len(entries), "with_pay": sum(pay.values())})
        total.update({f"method_{k}": v for k, v in methods.items()})
        print(
            f"{name}: items={len(entries)} pay={sum(pay.values())} ({render_counts(pay)}) "
            f"engagement: {render_counts(engagement)} category_by: {render_counts(methods)}"
        )
    print(f"total: {render_counts(total)}")


if __name__ == "__main__":
    main(
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else ROOT.parent / "shared" / "data" / "live-feeds-2026"
    )
