"""AI-skill tags: keyword patterns from taxonomy/ai_skills.toml, with negation handled.

A posting that says "no AI-written content" or "do not use ChatGPT" is not an AI job: a
match preceded, within NEGATION_WINDOW characters of the same sentence, by a negation cue is
dropped. All skills compile into one alternation, so a text is scanned once.

Upwork's footer (`Category: Machine Learning`, `Skills: Artificial Intelligence, Python`) is
fields, not the client's words: it is split off (`parse_footer`) and never scanned as text.
Its Category is the platform's sub-category and its Skills are tags picked from a list (often
"Artificial Intelligence" on a Django job); measured on the hand-labelled set, scanning them
tagged machine_learning on 236 postings of which 96 asked for it (issue 13).
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
# a sentence or clause break ends a negation's reach: "No agencies. We build AI agents";
# the dots of "a.i." or "e.g." are no break: "no use of a.i. tools" stays negated
CLAUSE_BREAK = re.compile(r"(?<!\b\w)[.!?](?=\s|$)|[;\n]|\bbut\b", re.IGNORECASE)
# a heading line the list below it belongs to: "Preferred Skills:", "Nice to have:"
HEADING_WINDOW = 400  # characters before a match searched for the heading of its list
HEADING_CHARS = 60  # a line ending in ':' longer than this is a sentence, not a heading
OPTIONAL_WINDOW = 60  # characters after a match: "<skill> experience is a big plus"
# a skill the client only welcomes is not one the job asks for (LABELLING.md's rule):
# "Bonus: machine learning", "nice-to-have: Midjourney", "preferred skills: ... ML"
OPTIONAL_BEFORE = re.compile(r"\b(?:bonus|nice[- ]to[- ]have|preferred|optional)\b", re.IGNORECASE)
# "... machine learning is a big plus", "... is highly desirable", "... will come in handy"
OPTIONAL_AFTER = re.compile(
    r"\b(?:is|are|would be|will be)(?: an?)?(?: big| huge| great| strong| highly)?"
    r" (?:plus|bonus|advantage|desirable|asset)\b|\bcome in handy\b|\bnice[- ]to[- ]have\b",
    re.IGNORECASE,
)
# one footer field per line, as the collector writes them (collector/upwork_footer.py):
# "Skills: Python, Machine Learning" -> ("skills", "Python, Machine Learning")
FOOTER_FIELD = re.compile(
    r"^(posted on|category|skills|country|hourly range|budget|location requirement)"
    r"\s*:\s*(.*)$",
    re.IGNORECASE | re.MULTILINE,
)

# "https://www.youtube.com/@OpenAI/featured" -> removed before the scan: a channel or an
# article named in a link ("build-a-capable-machine-for-llm") is not the work asked for
URL = re.compile(r"\b(?:https?|ftp)://\S+")

IGNORED_GROUP = "ignored"  # the scanner group of taxonomy [ignore] patterns
# the same field lines on lower-cased text, with their newline, for the scan (one pass, no
# IGNORECASE: ~10x cheaper than parse_footer, which also keeps the values)
FOOTER_LINE = re.compile(
    r"^(?:posted on|category|skills|country|hourly range|budget|location requirement)"
    r"[ \t]*:.*$\n?",
    re.MULTILINE,
)


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
    groups = [f"s{i}" for i in range(len(alternatives))]
    # product names that contain a skill's words ("Azure Machine Learning"): listed first, so
    # at one position they win and are skipped
    ignored = data.get("ignore", {}).get("patterns", [])
    if ignored:
        alternatives = ["|".join(f"(?:{p})" for p in ignored), *alternatives]
        groups = [IGNORED_GROUP, *groups]
    scanner = compile_scanner(alternatives, groups)
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


def is_optional(text: str, start: int, end: int) -> bool:
    """True when the clause around a match says the skill is only welcome, not asked for.

    "Bonus: experience with machine learning" -> True; "Experience in ML is a big plus" ->
    True; "Machine learning engineer. Bonus: Django" -> False.
    """
    before = text[max(0, start - NEGATION_WINDOW) : start]
    breaks = list(CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    if OPTIONAL_BEFORE.search(before) or is_under_optional_heading(text, start):
        return True
    after = text[end : end + OPTIONAL_WINDOW]
    cut = CLAUSE_BREAK.search(after)
    return OPTIONAL_AFTER.search(after[: cut.start()] if cut else after) is not None


def is_under_optional_heading(text: str, start: int) -> bool:
    """True when the nearest heading line above the match's line (a short line ending in
    ':') says what follows is only welcome.

    "Preferred Skills:\nFamiliarity with wearables\nExperience with machine learning" -> True;
    "Requirements:\nMachine learning" -> False.
    """
    lines = text[max(0, start - HEADING_WINDOW) : start].split("\n")[:-1]
    for line in reversed(lines):
        line = line.strip()
        if line.endswith(":") and len(line) <= HEADING_CHARS:
            return OPTIONAL_BEFORE.search(line) is not None
    return False


def parse_footer(text: str) -> tuple[str, dict[str, str]]:
    """The text without its footer field lines, and the fields (lower-case names; a repeated
    field keeps its first value).

    "Build a bot\nCategory: Machine Learning\nSkills: Python" ->
    ("Build a bot", {"category": "Machine Learning", "skills": "Python"})
    """
    if ":" not in text:  # most non-Upwork texts: skip the scan
        return text, {}
    fields: dict[str, str] = {}
    for match in FOOTER_FIELD.finditer(text):
        fields.setdefault(match.group(1).lower(), match.group(2).strip())
    if not fields:
        return text, {}
    return FOOTER_FIELD.sub("", text), fields


def parse_skills(text: str | None, taxonomy: SkillTaxonomy) -> list[SkillTag]:
    """The AI skills a text asks for, one tag per skill (first non-negated evidence).

    The footer fields are not scanned (see the module doc).
    """
    if not text:
        return []
    found: dict[str, SkillTag] = {}
    text = text.lower()  # patterns are lower-case, compiled without IGNORECASE (~4x faster)
    if ":" in text:  # the footer's field lines, as parse_footer finds them
        text = FOOTER_LINE.sub("", text)
        if "://" in text:  # a link's words are an address, not the client's request
            text = URL.sub(" ", text)
    for match in taxonomy.scanner.scan(text):
        if not match.lastgroup or match.lastgroup == IGNORED_GROUP:
            continue
        slug = taxonomy.slugs[int(match.lastgroup[1:])]
        if slug in found or is_negated(text, match.start()):
            continue
        if is_optional(text, match.start(), match.end()):
            continue
        found[slug] = SkillTag(skill=slug, evidence=match.group(0)[:200])
    return list(found.values())
