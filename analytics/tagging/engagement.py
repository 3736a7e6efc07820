"""How a posting engages its worker (freelance, contract, part_time, full_time, internship,
unknown), and whether it is a person seeking work rather than a job (a seeker).

Order: the site's own job-type field (the "Job Type:" line the collector writes from WWR's
<type>, Remotive's job_type, Jobicy's jobType, Himalayas' employmentType, Freelancer.com),
then a freelance marketplace's own postings (every Upwork job is freelance work), then clear
cues in the title and the opening of the text (the earliest cue wins: "Full time or Full time
contract" is full time). `parse_engagement` is pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analytics.tagging.keywords import compile_scanner

ENGAGEMENTS = ("freelance", "contract", "part_time", "full_time", "internship", "unknown")
FREELANCE_MARKETPLACES = ("upwork", "freelancer")  # every posting there is freelance work
CUE_CHARS = 300  # the opening of a body states the terms; later mentions are about others
# "Job Type: Full-Time" -> "Full-Time" (the last such line is the collector's)
JOB_TYPE_RE = re.compile(r"^Job Type:\s*(.+?)\s*$", re.MULTILINE)
# the site's words -> ours: "Full Time", "full_time", "Permanent" -> full_time
SITE_WORDS = {
    "full time": "full_time", "fulltime": "full_time", "permanent": "full_time",
    "contract": "contract", "contractor": "contract", "temporary": "contract",
    "freelance": "freelance", "freelancer": "freelance",
    "part time": "part_time", "parttime": "part_time",
    "internship": "internship", "intern": "internship",
}  # fmt: skip
# cues in free text: "Full-time", "full time" -> full_time; "Contract role" -> contract;
# "Freelance" -> freelance; "Part-time" -> part_time; "Internship" -> internship
CUE_GROUPS = {
    "full_time": "full[- ]?time|permanent",
    "part_time": "part[- ]?time",
    "freelance": "freelance(?:r)?",
    "contract": "contract(?:or)?|fixed[- ]term",
    "internship": "intern(?:ship)?",
}
# one word-bounded pass on lower-cased text, RE2 finding where a cue can start (the keyword
# scanner the taxonomies use): ~4x cheaper than a \b-anchored re.search at every position
CUES = compile_scanner(list(CUE_GROUPS.values()), list(CUE_GROUPS))
# a person offering work, not a job: "[For Hire] Logo designer" (r/forhire),
# "SEEKING WORK | Python | Remote" (HN freelancer thread)
SEEKER_RE = re.compile(r"^\s*(?:[\[(]\s*for\s*hire\s*[\])]|seeking\s+work\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Engagement:
    engagement: str  # one of ENGAGEMENTS
    rule: str  # 'source' | 'platform' | 'text' | 'none'
    is_seeker: bool = False


def parse_site_job_type(value: str) -> str | None:
    """ "Full-Time" -> "full_time"; "Full-Time, Contract" -> "full_time"; "Other" -> None."""
    for part in re.split(r"[,/;|]| or ", value):
        word = re.sub(r"[-_\s]+", " ", part).strip().lower()
        if word in SITE_WORDS:
            return SITE_WORDS[word]
    return None


def parse_cue(text: str) -> str | None:
    """The earliest engagement cue in `text`: "Remote | Full-time" -> "full_time"."""
    match = next(CUES.scan(text.lower()), None)
    return match.lastgroup if match else None


def parse_engagement(title: str | None, description: str | None, source: str | None) -> Engagement:
    """The posting's engagement and seeker flag."""
    title, description = title or "", description or ""
    seeker = bool(SEEKER_RE.match(title))
    # the regex needs the literal label: a substring test skips its line scan (most postings)
    fields = JOB_TYPE_RE.findall(description) if "Job Type:" in description else []
    site = [parse_site_job_type(v) for v in fields]
    found = next((s for s in reversed(site) if s), None)
    if found:
        return Engagement(found, "source", seeker)
    if (source or "") in FREELANCE_MARKETPLACES:
        return Engagement("freelance", "platform", seeker)
    cue = parse_cue(title) or parse_cue(description[:CUE_CHARS])
    if cue:
        return Engagement(cue, "text", seeker)
    return Engagement("unknown", "none", seeker)
