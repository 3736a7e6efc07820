"""A site's own labels -> our category, through one crosswalk file per source
(taxonomy/sites/<source>.toml, see its README), used before the keyword rules.

`parse_site_category` is pure: the labels, the crosswalk and the rules' scores in, a
CategoryTag with method 'site' (or None: no label listed, the rules decide) out.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SITES_DIR = Path(__file__).parent / "taxonomy" / "sites"
SITE_LABEL_SEPARATOR = " | "  # as collector/parsed.py joins them
# "Customer-Service" / "customer_service" / "Sales & Marketing" -> "customer service",
# "sales and marketing"
_PUNCT_RE = re.compile(r"[-_\s]+")


@dataclass(frozen=True)
class SiteRule:
    """What one site label says: `default` when the rules find none of `candidates`."""

    default: str
    candidates: tuple[str, ...] = ()


Crosswalk = dict[str, SiteRule]


def normalize_label(label: str) -> str:
    """ "HR &amp; Recruiting" -> "hr and recruiting"; "Full-Stack Programming" -> "full stack
    programming"."""
    text = html.unescape(label).replace("&", " and ").lower()
    return _PUNCT_RE.sub(" ", text).strip()


def parse_crosswalk(text: str, known: tuple[str, ...]) -> Crosswalk:
    """A crosswalk file's text; a category not in `known` is an error (a typo in review)."""
    table: Crosswalk = {}
    for label, value in tomllib.loads(text).get("labels", {}).items():
        names = [value] if isinstance(value, str) else list(value)
        unknown = [n for n in names if n not in known]
        if not names or unknown:
            raise ValueError(f"site label {label!r}: unknown category {unknown or names}")
        table[normalize_label(label)] = SiteRule(names[0], tuple(names[1:]))
    return table


@cache
def read_crosswalks(known: tuple[str, ...], directory: Path = SITES_DIR) -> dict[str, Crosswalk]:
    """{source: crosswalk} for every taxonomy/sites/<source>.toml."""
    return {
        path.stem: parse_crosswalk(path.read_text(encoding="utf-8"), known)
        for path in sorted(directory.glob("*.toml"))
    }


def crosswalk_files(directory: Path = SITES_DIR) -> list[Path]:
    """The crosswalk files (their bytes are part of the enrichment's rules version)."""
    return sorted(directory.glob("*.toml"))


def find_site_rule(labels: str | None, crosswalk: Crosswalk) -> tuple[str, SiteRule] | None:
    """The first of " | "-joined `labels` the crosswalk lists, with its rule."""
    for label in (labels or "").split(SITE_LABEL_SEPARATOR):
        rule = crosswalk.get(normalize_label(label)) if label.strip() else None
        if rule is not None:
            return label.strip(), rule
    return None


def compute_site_category(rule: SiteRule, scores: Counter[str], order: tuple[str, ...]) -> str:
    """The rule's answer: the best-scoring candidate (ties: taxonomy order), else default."""
    allowed = {c: s for c, s in scores.items() if c in rule.candidates and s > 0}
    if not allowed:
        return rule.default
    best = max(allowed.values())
    return next(n for n in order if allowed.get(n) == best)
