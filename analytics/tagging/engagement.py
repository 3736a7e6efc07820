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
CUES = re.compile(
    r"\b(?:(?P<full_time>full[- ]?time|permanent)|(?P<part_time>part[- ]?time)"
    r"|(?P<freelance>freelance(?:r)?)|(?P<contract>contract(?:or)?|fixed[- ]term)"
    r"|(?P<internship>intern(?:ship)?))\b",
)  # matched on lower-cased text: without IGNORECASE the scan is several times cheaper
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
    match = CUES.search(text.lower())
    return match.lastgroup if match else None


def parse_engagement(title: str | None, description: str | None, source: str | None) -> Engagement:
    """The posting's engagement and seeker flag."""
    title, description = title or "", description or ""
    seeker = bool(SEEKER_RE.match(title))
    site = [parse_site_job_type(v) for v in JOB_TYPE_RE.findall(description)]
    found = next((s for s in reversed(site) if s), None)
    if found:
        return Engagement(found, "source", seeker)
    if (source or "") in FREELANCE_MARKETPLACES:
        return Engagement("freelance", "platform", seeker)
    cue = parse_cue(title) or parse_cue(description[:CUE_CHARS])
    if cue:
        return Engagement(cue, "text", seeker)
    return Engagement("unknown", "none", seeker)
