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
# itself cost half of a description's conversion.
SPACES_RE = re.compile(r" [ \t\r\f\v\xa0]+|[\t\r\f\v\xa0][ \t\r\f\v\xa0]*")


def parse_html_text(markup: str | None) -> str | None:
    """Plain text from HTML, line breaks kept: "<b>Budget</b>: $1,500<br />" -> "Budget: $1,500".

    Regexes rather than an HTML parser: 4x faster on feed snippets, and the text only feeds
    searches and the footer parsers (the HTML itself is kept verbatim).
    """
    if markup is None:
        return None
    text = SCRIPT_RE.sub("", markup)
    text = BLOCK_TAG_RE.sub("\n", text)
    text = html.unescape(ANY_TAG_RE.sub("", text))
    # one pass over the whole text instead of one per line: joined by "\n" alone (which
    # SPACES_RE leaves), the lines split exactly where splitlines() split them
    text = SPACES_RE.sub(" ", "\n".join(text.splitlines()))
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line) or None
