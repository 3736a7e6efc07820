"""The RE2-assisted scanner gives exactly Python re's finditer matches."""

from __future__ import annotations

import pytest

from analytics.tagging.categories import read_taxonomy
from analytics.tagging.keywords import compile_scanner, translate_for_re2
from analytics.tagging.skills import read_skill_taxonomy

TEXTS = [
    "wordpress website designer needed for our shop",
    "translator: english to español, traducción of 20 pages; scrapéd data entry",
    "full-stack developer (php/laravel) + seo + data entry + bookkeeping in quickbooks",
    "we build ai agents and chatbots with langchain. no ai-written content!",
    "café logo désign — ünïcode wordpress—website ✓ 💡 graphic design",
    "",
    "rewrite capital apical translation",
]


@pytest.mark.parametrize("text", TEXTS)
def test_scan_equals_finditer_on_shipped_taxonomies(text: str) -> None:
    for scanner in (read_taxonomy().scanner, read_skill_taxonomy().scanner):
        assert scanner.finder is not None  # the shipped taxonomies translate to RE2
        got = [(m.span(), m.lastgroup) for m in scanner.scan(text)]
        want = [(m.span(), m.lastgroup) for m in scanner.pattern.finditer(text)]
        assert got == want


def test_unicode_word_characters_bound_matches_like_python() -> None:
    scanner = compile_scanner(["scrap\\w+", "ai"], ["a", "b"])
    text = "scrapé éai ai"  # "éai": é is a word character for Python, so no "ai" there
    assert [m.group(0) for m in scanner.scan(text)] == ["scrapé", "ai"]


def test_untranslatable_pattern_falls_back_to_python() -> None:
    assert translate_for_re2("(?<=x)y") is None
    assert translate_for_re2("[\\w-]+") is None
    assert translate_for_re2("data\\bentry") == "dataentry"
    # a lookahead is a zero-width constraint: dropped, the RE2 pattern only widens
    assert translate_for_re2("ai (?!(?:or|and) )x") == "ai x"
    lookahead = compile_scanner(["ai (?!or )[a-z]+ app"], ["a"])
    assert lookahead.finder is not None
    assert [m.group(0) for m in lookahead.scan("ai or app, ai cool app")] == ["ai cool app"]
    scanner = compile_scanner(["(?<=a )b", "c"], ["x", "y"])
    assert scanner.finder is None
    assert [m.group(0) for m in scanner.scan("a b c")] == ["b", "c"]
