"""RE2 scans must give exactly the spans Python's re gives, rule for rule, on any text.

The speed-up is only worth having if nobody can tell it is there: a rule that matched one
character further, or missed a match next to an accented name or a curly quote, would change
what a rep sees. So every rule is run both ways over text full of the characters where the
engines differ (non-ASCII letters, Unicode spaces and digits, punctuation, emoji).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import fastscan
from extractors.pipeline import SEPARATOR, MatchBatch
from extractors.rules_io import default_rules, lower_same_length, lowered_source

pytestmark = pytest.mark.skipif(not fastscan.enabled(), reason="google-re2 is not installed")

RULES = default_rules()
ALL_RULES = [*RULES.signals, *RULES.entities]

WORDS = [
    "we", "budget", "is", "approved", "£40k", "€60.000", "next", "quarter", "Zoë", "Müller",
    "CFO", "signs", "off", "don’t", "can’t", "SOC\u00a02", "SSO", "Okta", "call", "Tuesday",
    "works", "—", "–", "“quoted”", "emoji😀", "naïve", "façade", "Ångström", "data",
    "must", "stay", "in", "Köln", "\u2009", "\u3000", "\x0b", "\x1c", "ß", "Ørsted",
    "let’s", "book", "a", "demo", "spreadsheets", "are", "killing", "us", "pen", "test", "by",
    "March", "31st", ",", ".", "?", "!", ";", "\n", "$", "5", "k", "grand", "per", "month",
    "\x02", "\x0e", "\x01", "…", "•", "₹", "¥", "‘", "’", "50’000", "£2.5m", "€", "–", "—",
]


def _spans(rule, text: str, views: fastscan.Views | None) -> list[tuple[int, int]]:
    lowered = lower_same_length(text)
    return [m.span() for m in rule.finditer(text, lowered, views)]


def _assert_same(text: str) -> None:
    lowered = lower_same_length(text)
    assert lowered is not None  # every word above lowercases to the same length
    views = fastscan.Views(text, lowered)
    for rule in ALL_RULES:
        assert _spans(rule, text, views) == _spans(rule, text, None), rule.id


def test_the_view_keeps_every_offset_and_character_class() -> None:
    text = "Zoë’s café — naïve\u00a0ß😀 data\x0b\x1cend “£5” \x02"
    view = fastscan.ascii_view(text)
    assert view is not None and len(view) == len(text)
    for ch, stand in zip(text, view.decode("ascii"), strict=True):
        assert bool(re.match(r"\w", ch)) == bool(re.match(r"\w", stand)), repr(ch)
        assert bool(re.match(r"\s", ch)) == bool(re.match(r"\s", stand)), repr(ch)


def test_a_non_ascii_digit_sends_the_document_to_re() -> None:
    assert fastscan.ascii_view("budget ٣٤ lakh") is None


def test_patterns_re2_would_read_differently_are_left_to_re() -> None:
    assert fastscan.compiled(r"(?<!no )budget") is None  # lookbehind
    assert fastscan.compiled(r"^budget") is None  # anchors: newline handling differs
    assert fastscan.compiled("caf\u00e9") is None  # non-ASCII literal
    assert fastscan.compiled(r"[^.?!;]{0,30}budget") is not None
    assert fastscan.compiled(r"[$£€]\d+k|don['’]t") is not None  # signs with stand-ins
    assert fastscan.compiled(r"[\x02]") is None  # names a stand-in


def test_configuration_turns_re2_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALIFY_REGEX_ENGINE", "re")
    assert not fastscan.enabled()
    assert fastscan.scan("budget", re.compile("budget"), "budget", b"budget") is None


def test_most_rules_run_on_re2() -> None:
    """The speed figure in the README depends on it: if rule edits made most patterns
    RE2-incompatible, the benchmark would quietly fall back to re."""
    sources = [lowered_source(rule.pattern) for rule in ALL_RULES if not rule.case_sensitive]
    on_re2 = [s for s in sources if s is not None and fastscan.compiled(s) is not None]
    assert len(on_re2) / len(ALL_RULES) >= 0.6


def test_a_whole_document_gives_the_same_spans_both_ways() -> None:
    lines = [
        "Priya: Honestly the money’s there — £40k, signed off by Zoë Müller (our CFO).",
        "Dan: So, could we book a demo for Tuesday?",
        "Priya: Tuesday works. Data must stay in Köln; SSO via Okta is a must\u00a0for us.",
        "Priya: We’re on spreadsheets and they’re killing us 😩 — 6 hours a week.",
        "Priya: naïve question: does the pen test cover Ørsted? ß",
    ]
    _assert_same(SEPARATOR.join(lines))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=60))
def test_any_mix_of_characters_gives_the_same_spans_both_ways(words: list[str]) -> None:
    _assert_same(" ".join(words))


def test_lookarounds_are_checked_by_re_where_re2_finds_a_candidate() -> None:
    pattern = r"(?<!not )\bbudget\b(?! (?:cut|freeze))"
    assert fastscan.without_lookarounds(pattern) == r"\bbudget\b"
    assert fastscan.without_lookarounds(r"a(?=[)(])b[(?!]c") == r"ab[(?!]c"
    text = "not budget, budget cut, budget freeze, and a budget we own; budgetary"
    rx = re.compile(pattern)
    found = fastscan.scan(pattern, rx, text, fastscan.ascii_view(text))
    assert found is not None
    assert [m.span() for m in found] == [m.span() for m in rx.finditer(text)] == [(45, 51)]


def test_text_whose_lowercase_changes_length_never_reaches_re2() -> None:
    """"İ" lowercases to two characters: offsets would shift, so such a document has no
    lowered view and every case-insensitive rule runs on re."""
    batch = MatchBatch(["Our office in İstanbul", "budget is approved"])
    assert batch.lower is None and batch.views is not None and batch.views.lower is None
