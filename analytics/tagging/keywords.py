"""One-pass keyword scanning: RE2 finds where a match can start, Python `re` names it.

A taxonomy compiles into one alternation of named groups, matched word-bounded on lower-cased
text. Python's `re` tries all ~150 alternatives at every word of every posting, which was
~75% of enrichment time. RE2 (a DFA, linear in the text) runs a *superset* pattern (the same
alternatives, with no boundaries and no groups) to jump to the next position where any
alternative can begin; only there does the exact Python pattern run. The matches are the
same as `python_pattern.finditer(text)`: leftmost, first alternative wins, non-overlapping.

Why the result is identical: every Python match starting at `s` makes the superset match
starting at `s` (it has the same alternatives without the `\\b` / lookaround constraints, and
its `\\w` is Unicode like Python's), and RE2 reports the leftmost start, so no Python match
is skipped; a candidate where the exact pattern fails is just passed by one character.
If a pattern cannot be translated (RE2 lacks lookaround and backreferences), the scanner
falls back to Python `re` alone: slower, same result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

try:  # google-re2 (PyPI wheel); without it the scanner falls back to Python re alone
    import re2
except ImportError:  # pragma: no cover - the dependency is declared in pyproject.toml
    re2 = None

# Python's str `\w` is Unicode letters, digits and "_"; RE2's `\w` is ASCII only. A superset
# is enough here: ASCII word characters or any non-ASCII character (a small DFA, where
# [\p{L}\p{N}_] made RE2's DFA run out of memory on the full taxonomy).
UNICODE_WORD = r"[\w\x{80}-\x{10FFFF}]"


def translate_for_re2(pattern: str) -> str | None:
    """A superset of `pattern` that RE2 accepts, or None when it cannot be made.

    `\\b` and lookaheads are dropped (zero-width constraints: dropping them only widens),
    `\\w` outside character classes becomes Unicode: "scrap\\w+" ->
    "scrap[\\w\\x{80}-\\x{10FFFF}]+"; "ai (?!or )\\w+" -> "ai [\\w\\x{80}-\\x{10FFFF}]+".
    """
    if "(?<" in pattern.replace("(?P<", ""):
        return None  # lookbehind: RE2 has none, and a start-finder must not look back
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if not in_class and pattern.startswith(("(?=", "(?!"), i):
            i = _group_end(pattern, i)
            continue
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt.isdigit():
                return None  # a backreference
            if in_class and nxt in "wWdDsSb":
                return None  # a shorthand inside [...]: keep Python semantics exactly
            if not in_class and nxt == "b":
                i += 2
                continue
            if not in_class and nxt == "w":
                out.append(UNICODE_WORD)
                i += 2
                continue
            if nxt in "WdDsS":
                return None  # Unicode-vs-ASCII classes differ: keep Python semantics exactly
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _group_end(pattern: str, start: int) -> int:
    """The index just past the group opened at `start`: "(?!a(b))c", 0 -> 8."""
    depth = 0
    in_class = False
    i = start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "(" and not in_class:
            depth += 1
        elif char == ")" and not in_class:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(pattern)  # unbalanced: re.compile rejects the pattern anyway


RE2_MAX_MEM = 64 << 20  # bytes for RE2's lazily built DFA: the taxonomies need a few MB


NO_START = -1  # what a start-finder returns when no candidate is left


def _make_start_finder(compiled: Any) -> Callable[[bytes, int], int]:
    """`find(data, pos)`: the byte offset where `compiled` next matches in `data` from `pos`,
    or NO_START.

    google-re2's `search` wraps each call in a generator and a Match object (~3.5 us, more
    than the DFA scan of a posting); its pybind11 core `_regexp.Match` returns the spans
    directly. The wrapper is used when the core is not there (another re2 version).
    """
    core = getattr(compiled, "_regexp", None)
    unanchored = getattr(getattr(re2, "_re2", None), "RE2", None)
    if core is not None and unanchored is not None:
        match_spans = core.Match
        anchor = unanchored.Anchor.UNANCHORED

        def find(data: bytes, pos: int) -> int:
            return int(match_spans(anchor, data, pos, len(data))[0][0])  # (-1, -1): none

        return find
    search = compiled.search  # pragma: no cover - another re2 binding

    def find_slow(data: bytes, pos: int) -> int:  # pragma: no cover
        hit = search(data, pos)
        return NO_START if hit is None else int(hit.start())

    return find_slow


@dataclass(frozen=True)
class Scanner:
    """The exact Python pattern and, when RE2 is available, its RE2 start-finder."""

    pattern: re.Pattern[str]
    finder: Any  # re2 compiled pattern or None
    find_start: Callable[[bytes, int], int] | None = None  # from `finder`: see above

    def scan(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of `pattern` in `text`, in order, as `pattern.finditer(text)` gives."""
        find_start = self.find_start
        if find_start is None:
            yield from self.pattern.finditer(text)
            return
        # RE2 on str re-encodes the whole text on every call: search UTF-8 bytes instead
        data = text.encode("utf-8")
        size = len(data)
        ascii_only = size == len(text)
        pos = 0  # byte offset in `data`
        match = self.pattern.match
        while pos <= size:
            byte_start = find_start(data, pos)
            if byte_start < 0:
                return
            start = byte_start if ascii_only else len(data[:byte_start].decode("utf-8"))
            found = match(text, start)
            if found is not None:
                yield found
            # on to the end of the match, or one character on (never into a UTF-8 sequence)
            resume = found.end() if found is not None and found.end() > start else start + 1
            pos = resume if ascii_only else len(text[:resume].encode("utf-8"))


def compile_scanner(alternatives: list[str], groups: list[str]) -> Scanner:
    """A word-bounded scanner over `alternatives`, each alternative a named group.

    alternatives[i] is one regex alternation ("translat\\w*|subtitl\\w*"), groups[i] its
    group name ("c3"); a match's `lastgroup` says which alternative matched.
    """
    body = "|".join(f"(?P<{g}>{a})" for g, a in zip(groups, alternatives, strict=True))
    pattern = re.compile(r"(?<![\w])(?:" + body + r")(?![\w])")
    finder = None
    if re2 is not None:
        translated = [translate_for_re2(a) for a in alternatives]
        if all(t is not None for t in translated):
            options = re2.Options()
            options.never_capture = True
            options.max_mem = RE2_MAX_MEM
            try:
                finder = re2.compile("|".join(f"(?:{t})" for t in translated), options)
            except re2.error:
                finder = None
    find_start = _make_start_finder(finder) if finder is not None else None
    return Scanner(pattern=pattern, finder=finder, find_start=find_start)
