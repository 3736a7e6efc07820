"""AI-skill tags: keyword patterns from taxonomy/ai_skills.toml, with negation handled.

A posting that says "no AI-written content" or "do not use ChatGPT" is not an AI job: a
match preceded, within NEGATION_WINDOW characters of the same sentence, by a negation cue is
dropped. All skills compile into one alternation, so a text is scanned once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analytics.tagging.keywords import Scanner, compile_scanner

AI_SKILLS_FILE = Path(__file__).parent / "taxonomy" / "ai_skills.toml"
NEGATION_WINDOW = 40  # characters before a match: about six words, the reach of "no ... "

# "no AI-written content" / "not ChatGPT" / "without AI" / "don't use" / "avoid"
NEGATION_CUE = re.compile(
    r"\b(?:no|not|never|without|don'?t|do not|avoid|ban(?:ned)?|prohibited|free of|"
    r"instead of|rather than)\b",
    re.IGNORECASE,
)
# a sentence or clause break ends a negation's reach: "No agencies. We build AI agents"
CLAUSE_BREAK = re.compile(r"[.!?;\n]|\bbut\b", re.IGNORECASE)


@dataclass(frozen=True)
class SkillTaxonomy:
    """Skill slugs in order, display names, and the compiled one-pass pattern."""

    slugs: tuple[str, ...]
    names: dict[str, str]
    scanner: Scanner

    @property
    def pattern(self) -> re.Pattern[str]:
        """The exact one-pass Python pattern (the scanner's result equals its finditer)."""
        return self.scanner.pattern


@dataclass(frozen=True)
class SkillTag:
    """One AI skill found in a posting and the phrase that matched."""

    skill: str
    evidence: str


def parse_skill_taxonomy(text: str) -> SkillTaxonomy:
    """Compile ai_skills.toml text into a SkillTaxonomy (matched on lower-cased text)."""
    data = tomllib.loads(text)
    slugs = tuple(s["slug"] for s in data["skill"])
    names = {s["slug"]: s["name"] for s in data["skill"]}
    alternatives = ["|".join(f"(?:{p})" for p in s["patterns"]) for s in data["skill"]]
    scanner = compile_scanner(alternatives, [f"s{i}" for i in range(len(alternatives))])
    return SkillTaxonomy(slugs=slugs, names=names, scanner=scanner)


@cache
def read_skill_taxonomy(path: Path = AI_SKILLS_FILE) -> SkillTaxonomy:
    """The shipped (or given) AI-skill taxonomy."""
    return parse_skill_taxonomy(path.read_text(encoding="utf-8"))


def is_negated(text: str, start: int) -> bool:
    """True when a negation cue governs the match starting at `start`.

    "We want no AI-written content" -> True; "No agencies. We build AI agents" -> False.
    """
    window = text[max(0, start - NEGATION_WINDOW) : start]
    breaks = list(CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return NEGATION_CUE.search(window) is not None


def parse_skills(text: str | None, taxonomy: SkillTaxonomy) -> list[SkillTag]:
    """The AI skills a text asks for, one tag per skill (first non-negated evidence)."""
    if not text:
        return []
    found: dict[str, SkillTag] = {}
    text = text.lower()  # patterns are lower-case, compiled without IGNORECASE (~4x faster)
    for match in taxonomy.scanner.scan(text):
        if not match.lastgroup:
            continue
        slug = taxonomy.slugs[int(match.lastgroup[1:])]
        if slug in found or is_negated(text, match.start()):
            continue
        found[slug] = SkillTag(skill=slug, evidence=match.group(0)[:200])
    return list(found.values())
