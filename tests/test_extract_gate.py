"""The extractor's keyword gate: a pattern is skipped on a sentence only when it cannot match there.

A wrong gate would silently lose facts, so the gate is checked three ways: the words of every gated
pattern are truly required (texts generated from the pattern contain one), case folding agrees with
`re.IGNORECASE` for every character, and the gated and ungated extractors give identical drafts.
"""

from __future__ import annotations

import doctest
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg.textscan
from kg.draft import extractor_for
from kg.extract import _GATE, GATED, SPEECH, Extractor, topic_lexicon
from kg.ontology import load_ontology
from kg.textscan import KeywordGate, fold, required_words, split_sentences

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted(
    p for folder in ("data", "eval/dev", "eval/heldout") for p in (ROOT / folder / "articles").glob("*.txt")
)
# every code point but the surrogates, which no str from a UTF-8 file holds
EVERY_CHARACTER = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)


@cache
def gated() -> Extractor:
    return extractor_for(ROOT / "data" / "registry.yaml")


@cache
def ungated() -> Extractor:
    extractor = gated()
    return Extractor(extractor.registry, topic_lexicon(load_ontology(None).graph), gate=False)


def test_required_words_count_only_what_every_match_consumes() -> None:
    def words(pattern: str, flags: int = re.I) -> set[str] | None:
        found = required_words(re.compile(pattern, flags))
        return None if found is None else set(found)

    assert words(r"\b(?:met|took part)\b") == {"met", "took part"}
    assert words(r"(?<=\bfor )talks\b") == {"talks"}  # a lookbehind may look outside the sentence
    assert words(r"visit(?:ed|ing)?") == {"visit"}  # an optional group is not required
    assert words(r"organi[sz]ed") == {"organised", "organized"}
    assert words(r"(?:Fund|Facility)\b", 0) == {"fund", "facility"}  # case-sensitive words are folded too
    assert words(r"communiqu[eé]") == {"communiqu"}  # non-ASCII letters are left out
    assert words(r"\b(?:not|no)\b") is None  # one alternative has no word of three letters
    assert words(r"[A-Z]\w+") is None
    assert words(r"(?:signed|agreed)\s+(?:it|them)") == {"signed", "agreed"}
    assert doctest.testmod(kg.textscan).failed == 0


def test_every_gated_pattern_has_words_and_the_gate_skips_most_searches() -> None:
    assert set(_GATE.words) == set(GATED)
    skipped = searched = 0
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        for a, b in split_sentences(text):
            out = len(_GATE.ruled_out(text[a:b]))
            skipped += out
            searched += len(GATED) - out
    assert skipped > 3 * searched


@pytest.mark.parametrize("code", range(0x20, 0x7F), ids=lambda code: repr(chr(code)))
def test_fold_gives_the_ascii_character_a_case_insensitive_pattern_matches(code: int) -> None:
    # "ſ" matches "s" and "K" (Kelvin sign) matches "k" under re.IGNORECASE: fold must say so
    matched = set(re.findall(re.escape(chr(code)), EVERY_CHARACTER, re.I))
    assert {fold(c) for c in matched} == {chr(code).lower()}


def test_fold_keeps_one_character_for_one() -> None:
    assert len(fold(EVERY_CHARACTER)) == len(EVERY_CHARACTER)
    assert SPEECH.search("The minister ſaid so.") and id(SPEECH) not in _GATE.ruled_out("The minister ſaid so.")


@pytest.mark.parametrize("pattern", GATED, ids=lambda p: p.pattern[:40])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_text_a_gated_pattern_matches_holds_one_of_its_words(pattern: re.Pattern[str], data: st.DataObject) -> None:
    text = data.draw(st.from_regex(pattern))
    assert pattern.search(text)
    assert id(pattern) not in _GATE.ruled_out(text)


def test_an_empty_gate_rules_nothing_out() -> None:
    assert KeywordGate([]).ruled_out("The ministers met in Rome.") == frozenset()
    assert ungated().gate.words == {}


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_gated_and_ungated_drafts_are_identical_on_the_articles(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for published in (None, "2023-07-24"):
        assert gated().extract(text, path.stem, published) == ungated().extract(text, path.stem, published)


TEXTS = [p.read_text(encoding="utf-8") for p in ARTICLES]
SENTENCES = sorted({text[a:b] for text in TEXTS for a, b in split_sentences(text)})
CUES = sorted(set().union(*_GATE.words.values()))
PIECES = st.one_of(
    st.sampled_from(SENTENCES),
    st.sampled_from(CUES).map(lambda w: f" {w} "),
    st.sampled_from(CUES).map(lambda w: f" {w.title()} "),
    st.sampled_from(CUES).map(lambda w: f" {w.upper().replace('S', 'ſ')} "),
    st.text(alphabet='abcdefghijklmnopqrstuvwxyz ,.;:"“”«»()-–ſıİ\n0123456789', max_size=30),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=20), st.sampled_from(["", " ", "\n", ". "]), st.sampled_from([None, "2023-07-24"]))
def test_gated_and_ungated_drafts_are_identical_on_random_texts(
    pieces: list[str], separator: str, published: str | None
) -> None:
    text = separator.join(pieces)
    assert outcome(gated(), text, published) == outcome(ungated(), text, published)


def outcome(extractor: Extractor, text: str, published: str | None) -> object:
    """The draft (an error here is a crash of the extractor, and fails the test)."""
    return extractor.extract(text, "t", published)
