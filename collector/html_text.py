"""HTML to plain text for feed descriptions: block boundaries become line breaks, tags go,
entities are decoded, scripts and styles are dropped with their content."""

from __future__ import annotations

import html
import re

BLOCK_TAGS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "ul", "ol", "table"}
# "<script>x()</script>" / "<style>p{}</style>" -> "" (their content is not text)
SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
# "<br />", "</p>", "<li class=x>" -> a line break
BLOCK_TAG_RE = re.compile(r"</?(?:" + "|".join(sorted(BLOCK_TAGS)) + r")\b[^>]*>", re.I)
# "<b>", "<a href=\"x\">", "<!-- c -->" -> ""
ANY_TAG_RE = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
# "  a \t b " -> " a b ": runs of blanks become one space. Only the runs that change are matched
# (two or more, or one that is not a plain space): a single space matched and replaced by
# itself cost half of a description's conversion. Applied to stripped lines joined by "\n",
# so \r, \f and \v are gone (splitlines split there).
SPACES_RE = re.compile(r" [ \t\xa0]+|[\t\xa0][ \t\xa0]*")


def _has_blank_runs(text: str) -> bool:
    """Whether SPACES_RE would change `text` (a run needs two spaces, a tab or a no-break
    space): three substring searches cost a tenth of the regex scan that finds nothing."""
    return "  " in text or "\t" in text or "\xa0" in text


def parse_html_lines(markup: str) -> list[str]:
    """The non-empty lines of text in HTML, stripped, runs of blanks collapsed:
    "<p>Go  dev</p><p> Remote </p>" -> ["Go dev", "Remote"]."""
    text = SCRIPT_RE.sub("", markup) if "<" in markup else markup
    text = BLOCK_TAG_RE.sub("\n", text)
    text = html.unescape(ANY_TAG_RE.sub("", text))
    # strip, then collapse: a run next to a line's end is whitespace that strip() removes
    # either way, so the order changes nothing (and the collapse then runs on less text)
    lines = [stripped for line in text.splitlines() if (stripped := line.strip())]
    if any(_has_blank_runs(line) for line in lines):
        lines = [SPACES_RE.sub(" ", line) for line in lines]
    return lines


def parse_html_text(markup: str | None) -> str | None:
    """Plain text from HTML, line breaks kept: "<b>Budget</b>: $1,500<br />" -> "Budget: $1,500".

    Regexes rather than an HTML parser: 4x faster on feed snippets, and the text only feeds
    searches and the footer parsers (the HTML itself is kept verbatim).
    """
    if markup is None:
        return None
    return "\n".join(parse_html_lines(markup)) or None
