"""The extractor's shortcuts: each must give what the plain way gives.

The keyword gate skips a pattern on a sentence only when it cannot match there; a folded twin
searches the folded sentence without IGNORECASE in place of the pattern itself. A wrong shortcut
would silently lose facts, so they are checked several ways: the words of every gated pattern are
truly required (texts generated from the pattern contain one), case folding agrees with
`re.IGNORECASE` for every character and every literal a twin relies on, twins find what their
patterns find, and the gated extractor (with twins) and the ungated one (plain searches) give
identical drafts. The topic finder, the surname search and the clause of a negation are each
compared with the regular expression they replace.
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
from kg.extract import (
    _GATE,
    _TWINS,
    COMMITMENT,
    GATED,
    MEETING_NOUNS,
    NEGATION,
    PARTICIPATION,
    SEARCHED_FOLDED,
    SPEECH,
    TITLE_BEFORE,
    Extractor,
    _boundary,
    _Sentence,
    _surname_spans,
    topic_lexicon,
)
from kg.ontology import load_ontology
from kg.textscan import KeywordGate, fold, folded_twin, required_words, split_sentences, twin_literals

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


# ---------------------------------------------------------------------------------------------
# folded twins

TWINNED = [pattern for pattern in SEARCHED_FOLDED if id(pattern) in _TWINS]


def test_the_long_case_insensitive_patterns_have_twins() -> None:
    # (should Python's private parser change, folded_twin gives none: slower, and this test says so)
    for pattern in (PARTICIPATION, MEETING_NOUNS, NEGATION, COMMITMENT, TITLE_BEFORE, SPEECH):
        assert _TWINS[id(pattern)].pattern == pattern.pattern
        assert not _TWINS[id(pattern)].flags & re.IGNORECASE
    assert folded_twin(re.compile(r"\bMoU\b", re.I)) is None  # a capital is not its own fold
    assert folded_twin(re.compile(r"[a-z]+ed", re.I)) is None  # nor is a range shown to fold
    assert folded_twin(re.compile(r"(?-i:[A-Z])\w+ day", re.I)) is None
    assert folded_twin(re.compile(r"\bmet\b")) is None  # nothing to gain


@cache
def folds() -> dict[str, set[str]]:
    """Every character, by its fold."""
    out: dict[str, set[str]] = {}
    for char in EVERY_CHARACTER:
        out.setdefault(fold(char), set()).add(char)
    return out


LITERALS = sorted(
    set().union(*map(twin_literals, TWINNED)) | {c for word in gated().topic_of for c in word}
)  # (the topic finder relies on the same for the topic words)


@pytest.mark.parametrize("char", LITERALS, ids=repr)
def test_a_case_insensitive_literal_matches_exactly_the_characters_that_fold_to_it(char: str) -> None:
    assert fold(char) == char
    alone = set(re.findall(re.escape(char), EVERY_CHARACTER, re.I))
    in_class = set(re.findall(f"[{re.escape(char)}]", EVERY_CHARACTER, re.I))
    assert alone == in_class == folds()[char]


@pytest.mark.parametrize("category", [r"\w", r"\s", r"\d"])
def test_fold_keeps_every_character_in_or_out_of_each_class(category: str) -> None:
    members = re.compile(category)
    assert [bool(members.match(c)) for c in EVERY_CHARACTER] == [bool(members.match(fold(c))) for c in EVERY_CHARACTER]


def test_a_word_character_is_a_letter_digit_or_underscore() -> None:
    # kg.textscan.split_sentences and kg.extract._boundary test word characters without a regex
    assert [c.isalnum() or c == "_" for c in EVERY_CHARACTER] == [bool(re.match(r"\w", c)) for c in EVERY_CHARACTER]
    boundary = re.compile(r"\b")
    for text in ("a-b c", "", "_x ", "é1 ,", "ſ İ"):
        positions = range(len(text) + 1)
        assert [_boundary(text, i) for i in positions] == [bool(boundary.match(text, i)) for i in positions]


def odd_case(text: str, flips: list[int]) -> str:
    """``text`` with some letters in the other case and some turned into the characters re folds
    to ASCII letters ("ſ" for "s", "K" for "k", "ı" and "İ" for "i")."""
    chars = list(text)
    for i in flips:
        if chars and (c := chars[i % len(chars)]).isalpha():
            chars[i % len(chars)] = {"s": "ſ", "k": "K", "i": "ı", "I": "İ"}.get(c, c.swapcase())
    return "".join(chars)


def spans(matches: object) -> list[tuple[tuple[int, int], ...]]:
    return [tuple(m.span(g) for g in range(m.re.groups + 1)) for m in matches]  # type: ignore[attr-defined]


@pytest.mark.parametrize("pattern", TWINNED, ids=lambda p: p.pattern[:40])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_twin_finds_in_the_folded_text_what_its_pattern_finds(pattern: re.Pattern[str], data: st.DataObject) -> None:
    twin = _TWINS[id(pattern)]
    pieces = data.draw(st.lists(st.one_of(st.from_regex(pattern), st.sampled_from(SENTENCES)), max_size=4))
    text = odd_case(" ".join(pieces), data.draw(st.lists(st.integers(0, 10_000), max_size=8)))
    assert spans(twin.finditer(fold(text))) == spans(pattern.finditer(text))


@pytest.mark.parametrize("text", TEXTS[:4], ids=lambda t: t[:20])
def test_a_twin_finds_what_its_pattern_finds_in_the_articles(text: str) -> None:
    for pattern in TWINNED:
        assert spans(_TWINS[id(pattern)].finditer(fold(text))) == spans(pattern.finditer(text))
        assert spans(_TWINS[id(pattern)].finditer(fold(text.upper()))) == spans(pattern.finditer(text.upper()))


# ---------------------------------------------------------------------------------------------
# the topic finder, the surname search and the clause of a negation, against the regular
# expressions they replace


def topics_by_regex(text: str) -> set[str]:
    words = sorted(gated().topic_of, key=len, reverse=True)
    found: set[str] = set()
    for m in re.finditer(r"\b(?:" + "|".join(map(re.escape, words)) + r")", text, re.I):
        found |= gated().topic_of[fold(m.group())]
    return found


TOPIC_PIECES = st.one_of(
    st.sampled_from(sorted(gated().topic_of)),
    st.sampled_from(SENTENCES),
    st.text(alphabet="abcdefgilmnorstu -'’_1ſıİK\n", max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOPIC_PIECES, max_size=8), st.sampled_from(["", " ", "-"]), st.lists(st.integers(0, 500), max_size=6))
def test_the_topic_finder_finds_what_the_regex_of_all_topic_words_finds(
    pieces: list[str], separator: str, flips: list[int]
) -> None:
    text = odd_case(separator.join(pieces), flips)
    assert gated()._topic_ids(text) == topics_by_regex(text)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["Meloni", "von der Leyen", "Saïed", "O'Neil", "Ab", "de la de la", "Anan"]),
    st.lists(st.one_of(st.sampled_from(["Meloni", "meloni", "MELONI", "eloni", "von der Leyen", "Von der Leyen",
                                         "de la de la de la", "Saïed", "ANAnan", "Anan", "nan"]),
                       st.text(alphabet="aAmM -'_.\nö", max_size=4)), max_size=10),
)  # fmt: skip
def test_the_surname_search_finds_what_its_regex_finds(surname: str, pieces: list[str]) -> None:
    text = "".join(pieces)
    first = f"[{surname[0].upper()}{surname[0].lower()}]"
    pattern = rf"{first}(?<![\w-]{first}){re.escape(surname[1:])}(?![\w-])"
    assert list(_surname_spans(text, surname)) == [m.span() for m in re.finditer(pattern, text)]


def test_no_negation_holds_a_clause_edge() -> None:
    # Extractor._negated looks for NEGATION's matches of the whole sentence inside a clause
    assert not twin_literals(NEGATION) & set(",;:()")
    assert "[" not in NEGATION.pattern and "." not in NEGATION.pattern and "\\S" not in NEGATION.pattern


CLAUSES = [
    "Italy,not Libya;(never) Tunisia:no Malta), Spain did not attend,nor France (neither) Greece",
    "Without Libya,neither;nor:not(no)never",
    *SENTENCES[::7],
]


@pytest.mark.parametrize("sentence", CLAUSES, ids=lambda t: t[:30])
def test_a_negated_mention_is_one_whose_clause_a_negation_matches(sentence: str) -> None:
    s = _Sentence(100, 100 + len(sentence), sentence, False, [])
    for start in range(len(sentence)):
        for end in (start + 1, start + 7):
            left = max(sentence.rfind(c, 0, start) for c in ",;:(") + 1
            rights = [i for i in (sentence.find(c, end) for c in ",;:)") if i != -1]
            clause = sentence[left : min(rights) if rights else len(sentence)]
            assert gated()._negated(s, 100 + start, 100 + end) == bool(NEGATION.search(clause))
