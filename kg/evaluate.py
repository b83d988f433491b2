"""Scoring drafts against reviewed (gold) annotations: precision, recall and F1.

Entities: a draft entity matches a gold entity when both name the same registry actor (identifier
linking), or, for entities of the article, when they have the same class and overlapping mention
spans (persons also by the same id). Each gold entity matches at most one draft entity.

Facts: gold and draft relations (lists already expanded to one fact per pair) are compared after
mapping draft entity ids to their gold counterparts; literals are compared with case, spacing and
surrounding quotes folded. ``description`` literals are the reviewer's paraphrase and are not scored.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kg.model import Annotation, Entity

UNSCORED = {"description"}
Fact = tuple[str, str, str]


def _fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().strip("\"“”'‘’ ,.").casefold()


def _overlaps(a: Entity, b: Entity) -> int:
    return sum(max(0, min(x.end, y.end) - max(x.start, y.start)) for x in a.mentions for y in b.mentions)


def align(gold: Annotation, draft: Annotation) -> dict[str, str]:
    """Draft entity id -> gold entity id, one to one."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    gold_by_registry = {e.registry: e.id for e in gold.entities if e.registry}
    for ent in draft.entities:
        if ent.registry and ent.registry in gold_by_registry:
            mapping[ent.id] = gold_by_registry[ent.registry]
            taken.add(gold_by_registry[ent.registry])
    pairs = []
    for d in draft.entities:
        if d.registry:
            continue
        for g in gold.entities:
            if g.registry or g.id in taken:
                continue
            same_person = d.type == "Person" == g.type and d.id == g.id
            overlap = _overlaps(d, g) if d.type == g.type else 0
            if same_person or overlap:
                pairs.append((-(overlap + (10**6 if same_person else 0)), d.id, g.id))
    for _score, d_id, g_id in sorted(pairs):
        if d_id not in mapping and g_id not in taken:
            mapping[d_id] = g_id
            taken.add(g_id)
    return mapping


def facts(annotation: Annotation, mapping: dict[str, str] | None = None) -> set[Fact]:
    """The scored facts of an annotation, with ids renamed by ``mapping`` (unmapped ids marked)."""

    def name(ref: str) -> str:
        if mapping is None or ref.startswith(("topic:", "modality:")):
            return ref
        return mapping.get(ref, f"draft:{ref}")

    out = set()
    for r in annotation.relations:
        if r.predicate in UNSCORED:
            continue
        obj = f"literal:{_fold(r.object)}" if r.object_is_literal else name(r.object)
        out.add((name(r.subject), r.predicate, obj))
    return out


@dataclass
class Counts:
    """True positives, false positives and false negatives, with precision, recall and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    """The score of drafts against gold, overall and per relation type, with the errors listed."""

    entities: Counts = field(default_factory=Counts)
    relations: dict[str, Counts] = field(default_factory=dict)
    misses: list[tuple[str, Fact]] = field(default_factory=list)
    false_positives: list[tuple[str, Fact]] = field(default_factory=list)
    entity_misses: list[tuple[str, str]] = field(default_factory=list)
    entity_false_positives: list[tuple[str, str]] = field(default_factory=list)
    forbidden: list[tuple[str, Fact]] = field(default_factory=list)
    articles: int = 0

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.relations.values():
            total.add(counts)
        return total

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.relations.values()) / len(self.relations) if self.relations else 1.0


def score_article(gold: Annotation, draft: Annotation, score: Score, forbidden: set[Fact] = frozenset()) -> None:  # type: ignore[assignment]
    """Add one article's comparison to ``score``."""
    article = gold.article.id
    mapping = align(gold, draft)
    matched_gold = set(mapping.values())
    score.articles += 1
    score.entities.tp += len(mapping)
    for ent in draft.entities:
        if ent.id not in mapping:
            score.entities.fp += 1
            score.entity_false_positives.append((article, f"{ent.id} ({ent.registry or ent.type})"))
    for ent in gold.entities:
        if ent.id not in matched_gold:
            score.entities.fn += 1
            score.entity_misses.append((article, f"{ent.id} ({ent.registry or ent.type})"))
    gold_facts = facts(gold)
    draft_facts = facts(draft, mapping)
    for fact in sorted(gold_facts | draft_facts):
        counts = score.relations.setdefault(fact[1], Counts())
        if fact in gold_facts and fact in draft_facts:
            counts.tp += 1
        elif fact in draft_facts:
            counts.fp += 1
            score.false_positives.append((article, fact))
        else:
            counts.fn += 1
            score.misses.append((article, fact))
    for fact in sorted(forbidden & draft_facts):
        score.forbidden.append((article, fact))


def format_score(score: Score, show_errors: int = 50) -> str:
    """The score as a readable report."""

    def row(name: str, c: Counts) -> str:
        return f"{name:28} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:5d} {c.fp:5d} {c.fn:5d}"

    lines = [f"{score.articles} article(s)", f"{'':28} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"]
    lines.append(row("entities", score.entities))
    for name in sorted(score.relations):
        lines.append(row(f"  {name}", score.relations[name]))
    lines.append(row("relations (micro)", score.micro))
    lines.append(f"{'relations (macro F1)':28} {'':6} {'':6} {score.macro_f1:6.3f}")
    lines.append(f"negated or distractor facts asserted: {len(score.forbidden)}")
    for article, fact in score.forbidden:
        lines.append(f"  FORBIDDEN {article}: {' '.join(fact)}")
    for title, items in (
        ("missed entities", score.entity_misses),
        ("false-positive entities", score.entity_false_positives),
        ("missed facts", [(a, " ".join(f)) for a, f in score.misses]),
        ("false-positive facts", [(a, " ".join(f)) for a, f in score.false_positives]),
    ):
        lines.append(f"{title}: {len(items)}")
        lines += [f"  {a}: {what}" for a, what in items[:show_errors]]
        if len(items) > show_errors:
            lines.append(f"  … and {len(items) - show_errors} more")
    counts = Counter(a for a, _ in score.misses)
    if counts:
        lines.append("missed facts per article: " + ", ".join(f"{a} {n}" for a, n in sorted(counts.items())))
    return "\n".join(lines) + "\n"
