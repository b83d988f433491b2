"""Low-level text scanning for the extractor: sentences, quotations and registry names.

Offsets are Python string indices (Unicode code points), as in annotations. Everything here is
deterministic and offline: the registry gazetteer is an Aho–Corasick automaton (pyahocorasick)
built from the registry's names, aliases, demonym phrases and metonyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick  # type: ignore[import-not-found]

from kg.model import Registry

# abbreviations after which a full stop does not end a sentence
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sen", "rep", "st", "no", "nos", "vs", "etc",
    "e.g", "i.e", "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "approx", "inc", "ltd", "co", "art",
}  # fmt: skip
_BOUNDARY = re.compile(r"([.!?…]+)([\"”’»)\]]*)(\s+)(?=[\"“‘«(\[]?[A-Z0-9À-Þ-])")
QUOTE_PAIRS = {'"': '"', "“": "”", "«": "»"}
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
    """
    out: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        chunk = line.group()
        pieces = []
        cursor = 0
        for m in _BOUNDARY.finditer(chunk):
            before = chunk[cursor : m.start()]
            word = re.search(r"([\w.]+)$", before)
            last = (word.group(1) if word else "").lower().rstrip(".")
            if m.group(1) == "." and (last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
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
    while i < end:
        char = text[i]
        if char in QUOTE_PAIRS:
            close = text.find(QUOTE_PAIRS[char], i + 1, end)
            if close == -1:
                break
            if close > i + 1:
                quotes.append(Quote(i, close + 1, i + 1, close))
            i = close + 1
        else:
            i += 1
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
            candidates.append(NameHit(start, end, actor, kind))
        candidates.sort(key=lambda h: (h.start, -(h.end - h.start)))
        hits: list[NameHit] = []
        last_end = -1
        for hit in candidates:
            if hit.start >= last_end:
                hits.append(hit)
                last_end = hit.end
        return hits

    @staticmethod
    def place_context(text: str, start: int) -> bool:
        """True when the words before ``start`` make a capital a place ("in Rome", "visited Tunis")."""
        return bool(PLACE_CUES.search(text[max(0, start - 25) : start]))
