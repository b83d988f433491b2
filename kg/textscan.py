"""Low-level text scanning for the extractor: sentences, quotations and registry names.

Offsets are Python string indices (Unicode code points), as in annotations. Everything here is
deterministic and offline: the registry gazetteer is an Aho–Corasick automaton (pyahocorasick)
built from the registry's names, aliases, demonym phrases and metonyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import ahocorasick  # type: ignore[import-not-found]

from kg.model import Registry

# abbreviations after which a full stop does not end a sentence
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sen", "rep", "st", "no", "nos", "vs", "etc",
    "e.g", "i.e", "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "approx", "inc", "ltd", "co", "art",
}  # fmt: skip
# ("[.!?…][.!?…]*" rather than "[.!?…]+": a pattern that opens with a character class lets re skip
# to the next such character; a repeat first makes it try every position)
_BOUNDARY = re.compile(r"([.!?…][.!?…]*)([\"”’»)\]]*)(\s+)(?=[\"“‘«(\[]?[A-Z0-9À-Þ-])")
QUOTE_PAIRS = {'"': '"', "“": "”", "«": "»"}
_OPENING_QUOTE = re.compile("[" + "".join(QUOTE_PAIRS) + "]")
# the attribution a quotation goes on to: '…," she said', '…." Meloni said.', '…," said Meloni.'
_SPEECH_VERBS = r"(?:said|says|added|told|stressed|insisted|warned|wrote|declared|explained|asked)"
_ATTRIBUTION = re.compile(
    rf"\s*(?:[,;]|[a-z]|(?:[A-Z][\w'’.-]*\s+){{1,4}}{_SPEECH_VERBS}\b(?:\s+reporters)?\s*[.,;!?])"
)
# nouns that, after a demonym, name the state's government: "Tunisian authorities", "the Italian side"
DEMONYM_HEADS = (
    "authorities", "government", "side", "officials", "delegation", "administration", "executive",
    "coast guard", "coastguard", "border police", "police", "security forces", "leadership", "cabinet",
    "presidency", "ministry of the interior", "interior ministry",
)  # fmt: skip
# words before a capital that make it a place rather than its government
PLACE_CUES = re.compile(r"(?:\b(?:in|at|near|outside|to|from|into|via|visit(?:ed|ing)?|arrived in)\s+)$", re.I)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split at line breaks and at sentence-final punctuation before a capital.

    Leading and trailing whitespace is left out of every span; empty lines give no sentence.
    A full stop inside a quotation that goes on to its attribution does not end the sentence:
    '"We must act. Lives are lost," she said.' and '"Lives are lost." Meloni said.' are one sentence each.
    """
    out: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        chunk = line.group()
        pieces = []
        cursor = 0
        quotes = find_quotes(chunk, 0, len(chunk)) if _OPENING_QUOTE.search(chunk) else []
        for m in _BOUNDARY.finditer(chunk):
            # the word before the punctuation: the letters, digits, "_" and "." that end
            # chunk[cursor : m.start()] (a loop back from its end: a regex search for "[\w.]+$"
            # would try every position of the sentence)
            first = m.start()
            while first > cursor and (chunk[first - 1].isalnum() or chunk[first - 1] in "_."):
                first -= 1
            last = chunk[first : m.start()].lower().rstrip(".")
            if m.group(1) == "." and (last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
                continue
            if quotes and _quoted_and_attributed(chunk, quotes, m):
                continue
            end = m.end(2)
            pieces.append((cursor, end))
            cursor = m.end(3)
        pieces.append((cursor, len(chunk)))
        for a, b in pieces:
            segment = chunk[a:b]
            left = len(segment) - len(segment.lstrip())
            right = len(segment.rstrip())
            if right > left:
                out.append((start + a + left, start + a + right))
    return out


def _quoted_and_attributed(chunk: str, quotes: list[Quote], m: re.Match[str]) -> bool:
    """The sentence-final punctuation ``m`` is inside a quotation whose closing mark is followed by
    its attribution (or by the rest of a sentence in lower case)."""
    for q in quotes:
        if q.start < m.start(1) < q.end:
            return bool(_ATTRIBUTION.match(chunk, q.end if q.end > m.end(2) else m.end(3)))
    return False


@dataclass(frozen=True)
class Quote:
    """A quotation: the span with its marks, and the inner span without them."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def find_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Quotations inside ``text[start:end]`` (straight or curly double quotes, guillemets)."""
    quotes = []
    i = start
    while opening := _OPENING_QUOTE.search(text, i, end):
        i = opening.start()
        close = text.find(QUOTE_PAIRS[text[i]], i + 1, end)
        if close == -1:
            break
        if close > i + 1:
            quotes.append(Quote(i, close + 1, i + 1, close))
        i = close + 1
    return quotes


@dataclass(frozen=True)
class NameHit:
    """A registry actor named in the text: ``kind`` is name, alias, demonym or metonym."""

    start: int
    end: int
    actor: str
    kind: str


class Gazetteer:
    """Finds registry actors by name, alias, demonym phrase and metonym."""

    def __init__(self, registry: Registry, extra: dict[str, str] | None = None) -> None:
        self.registry = registry
        self.automaton = ahocorasick.Automaton()
        self.demonyms: dict[str, str] = {}
        entries: dict[str, tuple[str, str]] = {}

        def add(key: str, actor: str, kind: str) -> None:
            if len(key) < 2 or (key in entries and entries[key][1] != "metonym"):
                return
            entries[key] = (actor, kind)

        for actor in sorted(registry.actors.values(), key=lambda a: a.id):
            add(actor.label, actor.id, "name")
            if actor.full_name:
                add(actor.full_name, actor.id, "name")
            for alias in actor.aliases:
                add(alias, actor.id, "alias")
            for demonym in actor.demonyms:
                self.demonyms.setdefault(demonym, actor.id)
                for head in DEMONYM_HEADS:
                    add(f"{demonym} {head}", actor.id, "demonym")
                    add(f"the {demonym} {head}", actor.id, "demonym")
            for metonym in actor.metonyms:
                add(metonym, actor.id, "metonym")
        for key, actor_id in (extra or {}).items():
            if actor_id in registry.actors:
                add(key, actor_id, "alias")
        for key, (actor_id, kind) in entries.items():
            self.automaton.add_word(key, (len(key), actor_id, kind))
        if entries:
            self.automaton.make_automaton()
        self.empty = not entries
        self.demonym_re = (
            re.compile(r"\b(" + "|".join(re.escape(d) for d in sorted(self.demonyms, key=len, reverse=True)) + r")\b")
            if self.demonyms
            else None
        )

    def find(self, text: str) -> list[NameHit]:
        """Longest non-overlapping matches that start and end at word boundaries."""
        if self.empty:
            return []
        candidates = []
        for end_index, (length, actor, kind) in self.automaton.iter(text):
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-_"):
                continue
            if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                continue
            candidates.append((start, -length, actor, kind))
        candidates.sort(key=itemgetter(0, 1))  # by start, the longest first
        hits: list[NameHit] = []
        last_end = -1
        for start, minus_length, actor, kind in candidates:
            if start >= last_end:
                last_end = start - minus_length
                hits.append(NameHit(start, last_end, actor, kind))
        return hits

    @staticmethod
    def place_context(text: str, start: int) -> bool:
        """True when the words before ``start`` make a capital a place ("in Rome", "visited Tunis")."""
        return bool(PLACE_CUES.search(text[max(0, start - 25) : start]))


# ---------------------------------------------------------------------------------------------
# keyword gate: skip a regular expression on a sentence that lacks every word its matches need

# characters that a case-insensitive pattern matches to an ASCII letter but whose ``lower()`` is
# not that letter (re's special cases: ſ matches s, ı and İ match i); tests check it is complete
_FOLD = {"ſ": "s", "ı": "i", "İ": "i"}
_MIN_WORD = 3  # shorter required words ("in", "'s") would let almost every sentence through
_MAX_STRINGS = 64  # the most spellings of a literal stretch followed ("organi[sz]ed": 2)


def fold(text: str) -> str:
    """``text`` in lower case, one character for one, with every character a case-insensitive
    pattern matches to an ASCII letter turned into that letter."""
    if not text.isascii():  # (str.replace is much faster than str.translate)
        for char, letter in _FOLD.items():
            text = text.replace(char, letter)
    return text.lower()


def required_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Words (lower-case ASCII) of which every match of ``pattern`` contains at least one, as
    ``fold`` gives it; None when the pattern has no such literal words.

    Only characters a match consumes count: lookarounds may look outside a sentence.

    >>> sorted(required_words(re.compile(r"\\b(?:signed|agreed on)\\b|\\bMoU\\b", re.I)))
    ['agreed on', 'mou', 'signed']
    """
    # Python's own parser of regular expressions is private (re._parser, 3.11+): should it change,
    # a pattern is never gated (slower, never wrong); tests check every gated pattern's words
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        return _required(list(_parser.parse(pattern.pattern, pattern.flags)), _constants)
    except Exception:
        return None


def _required(items: list[tuple[Any, Any]], c: Any) -> frozenset[str] | None:
    """The best required word set of a sequence of parsed items (see ``required_words``)."""
    options: list[frozenset[str]] = []
    run = frozenset({""})  # what the literal items consumed one after another so far can be

    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the characters either side are still adjacent
        exact = _exact([(op, av)], c)
        if exact is not None and len(run) * len(exact) <= _MAX_STRINGS:
            run = frozenset(a + b for a in run for b in exact)
            continue
        options.append(run)
        run = frozenset({""}) if exact is None else exact
        if exact is None:
            inner: frozenset[str] | None = None
            if op is c.SUBPATTERN:
                inner = _required(list(av[-1]), c)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
                inner = _required(list(av[2]), c)
            elif op is c.BRANCH:
                branches = [_required(list(b), c) for b in av[1]]
                if all(b is not None for b in branches):
                    inner = frozenset().union(*branches)  # type: ignore[arg-type]
            if inner is not None:
                options.append(inner)
    options.append(run)
    options = [o for o in options if min(map(len, o)) >= _MIN_WORD]
    # the most selective option: longest shortest word, then fewest words
    return max(options, key=lambda o: (min(map(len, o)), -len(o)), default=None)


def _exact(items: list[tuple[Any, Any]], c: Any) -> frozenset[str] | None:
    """Every string (folded) that parsed items can consume, when they are literal characters,
    small classes of them ("[sz]") and groups or alternatives of such: "(?:Fund|Facility)"."""
    strings = frozenset({""})
    for op, av in items:
        options: frozenset[str] | None = None
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL and chr(av).isascii():
            options = frozenset({chr(av).lower()})
        elif op is c.IN and all(o is c.LITERAL and chr(v).isascii() for o, v in av):
            options = frozenset(chr(v).lower() for _o, v in av)
        elif op is c.SUBPATTERN:
            options = _exact(list(av[-1]), c)
        elif op is c.BRANCH:
            branches = [_exact(list(b), c) for b in av[1]]
            if all(b is not None for b in branches):
                options = frozenset().union(*branches)  # type: ignore[arg-type]
        if options is None or len(strings) * len(options) > _MAX_STRINGS:
            return None
        strings = frozenset(a + b for a in strings for b in options)
    return strings


class KeywordGate:
    """Which patterns cannot match a text, from one Aho–Corasick pass over it.

    Built from patterns; each gets its ``required_words`` (patterns without any are never ruled out).
    Patterns are known by their ``id``: a set or dict of compiled patterns hashes the pattern at
    every look-up, and ``re`` computes that hash from the whole compiled code each time (some
    microseconds for a long alternation, more than many a search). The gate keeps the patterns
    (``words``), so their ids stay theirs.
    """

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        self.words: dict[re.Pattern[str], frozenset[str]] = {}
        for pattern in patterns:
            words = required_words(pattern)
            if words:
                self.words[pattern] = words
        self.gated = frozenset(map(id, self.words))
        patterns_of: dict[str, set[int]] = {}
        for pattern, words in self.words.items():
            for word in words:
                patterns_of.setdefault(word, set()).add(id(pattern))
        self.automaton = ahocorasick.Automaton()
        for word, needing in sorted(patterns_of.items()):
            self.automaton.add_word(word, frozenset(needing))
        if patterns_of:
            self.automaton.make_automaton()

    def ruled_out(self, text: str, folded: str | None = None) -> frozenset[int]:
        """The ids of the gated patterns none of whose required words occurs in ``text`` (``folded``
        is ``fold(text)`` when the caller has it)."""
        if not self.words:
            return frozenset()
        return self.gated.difference(*map(itemgetter(1), self.automaton.iter(fold(text) if folded is None else folded)))


# ---------------------------------------------------------------------------------------------
# folded twins: a case-insensitive pattern searched for in folded text, without IGNORECASE

# the character classes a twin may use: ``fold`` keeps a character in or out of each (tests check it)
_TWIN_CATEGORIES = {
    "CATEGORY_WORD", "CATEGORY_NOT_WORD", "CATEGORY_SPACE", "CATEGORY_NOT_SPACE", "CATEGORY_DIGIT",
    "CATEGORY_NOT_DIGIT",
}  # fmt: skip


def folded_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``pattern`` compiled without IGNORECASE, when it then matches ``fold(text)`` exactly where
    ``pattern`` matches ``text``, with the same spans; None when that does not follow from its parts.

    ``re`` compares each character case-insensitively by a table lookup, so a case-insensitive
    pattern runs about half as fast as the same pattern on text already in lower case. It follows
    when every literal character is its own fold (a case-insensitive pattern matches exactly the
    characters that fold to it: tests check it for each such character of the twins in use), every
    class is made of those and of ``\\w``, ``\\s``, ``\\d`` and their opposites (which ``fold``
    keeps a character in or out of), and nothing else compares characters (no ranges, no
    back-references, no scoped flags). ``fold`` keeps one character for one, so offsets agree.

    >>> folded_twin(re.compile(r"\\b(?:met|took part)\\b", re.I))
    re.compile('\\\\b(?:met|took part)\\\\b')
    >>> folded_twin(re.compile(r"\\bMet\\b", re.I)) is None  # "M" is not its own fold
    True
    """
    if not pattern.flags & re.IGNORECASE or pattern.flags & (re.ASCII | re.LOCALE):
        return None
    try:  # Python's private parser, as in required_words: should it change, no pattern has a twin
        from re import _constants, _parser  # type: ignore[attr-defined]

        foldable = _foldable(list(_parser.parse(pattern.pattern, pattern.flags)), _constants)
    except Exception:
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE) if foldable else None


def twin_literals(pattern: re.Pattern[str]) -> set[str]:
    """The literal characters of a pattern (those a twin relies on ``fold`` for; for tests)."""
    from re import _constants, _parser  # type: ignore[attr-defined]

    found: set[str] = set()

    def walk(items: Any) -> None:
        for op, av in items:
            if op in (_constants.LITERAL, _constants.NOT_LITERAL):
                found.add(chr(av))
            elif op is _constants.IN:
                found.update(chr(v) for o, v in av if o is _constants.LITERAL)
            elif op is _constants.SUBPATTERN:
                walk(av[-1])
            elif op is _constants.BRANCH:
                for branch in av[1]:
                    walk(branch)
            elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
                walk(av[2])
            elif op in (_constants.ASSERT, _constants.ASSERT_NOT):
                walk(av[1])

    walk(_parser.parse(pattern.pattern, pattern.flags))
    return found


def _foldable(items: list[tuple[Any, Any]], c: Any) -> bool:
    """Parsed items whose every comparison of characters gives the same answer on folded text."""

    def own_fold(code: int) -> bool:
        return fold(chr(code)) == chr(code)

    for op, av in items:
        if op in (c.LITERAL, c.NOT_LITERAL):
            ok = own_fold(av)
        elif op in (c.ANY, c.AT):
            ok = True
        elif op is c.IN:
            ok = all(
                (o is c.LITERAL and own_fold(v)) or o is c.NEGATE or (o is c.CATEGORY and str(v) in _TWIN_CATEGORIES)
                for o, v in av
            )
        elif op is c.SUBPATTERN:
            ok = not av[1] and not av[2] and _foldable(list(av[-1]), c)  # no scoped flags: (?-i:...)
        elif op is c.BRANCH:
            ok = all(_foldable(list(branch), c) for branch in av[1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            ok = _foldable(list(av[2]), c)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            ok = _foldable(list(av[1]), c)
        else:
            ok = False
        if not ok:
            return False
    return True
