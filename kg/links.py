"""Cross-article identity: links between the meetings and documents that different articles report.

Registry actors, persons, posts and places get one IRI across articles, so the same actor in two
articles is already one node. Meetings and agreement documents are minted per article
(``id/<article>/<entity>``): two reports of one summit are two nodes, each with its own article's
evidence. This module finds the pairs that are probably the same, and links them in a graph of
their own, ``graph/links``, with ``kg:reportedSameAs`` (a ``skos:closeMatch``, never
``owl:sameAs``: nothing is merged) and a ``kg:IdentityLink`` record saying how the link was found.

The rules (also stated in ontology/kg.ttl, ``kg:SameMeetingRule`` and ``kg:SameDocumentRule``):

- same class: Meeting with Meeting; Treaty, MemorandumOfUnderstanding or JointStatement with
  the same class (commitments and claims are not linked: an article has many, worded its own way);
- different articles;
- compatible dates: the intervals overlap. An entity's interval spans all its ``kg:date`` values
  (one day each; ``YYYY-MM`` or ``YYYY`` literals count as the whole month or year); an entity
  without one whose text gave only a period ("last week") spans its ``kg:notBefore`` to its
  ``kg:notAfter`` (a single bound is no interval); a document with neither takes the interval of
  the meeting it was adopted at. Undated entities are never linked by rule;
- shared actors: at least MIN_SHARED actors in common and a Jaccard similarity of at least
  MIN_JACCARD, over the actors that took part in, organised or hosted a meeting, or are party to
  or signed a document (a person counts as the actors they represent or hold a post in);
- documents only: labels compatible (see ``label_similarity``).

A reviewer overrides the rules in an annotation: ``same_as: ["<article>/<entity>"]`` on an entity
makes a confirmed link, ``not_same_as:`` a rejected one (kept as a record, without the link).

Facts are read per article (``facts_from_triples``), from compiled annotations or from the store
(``store_facts``), so that an incremental build recomputes every link without recompiling
unchanged articles. Candidates are blocked by class and sorted by date: only entities whose
intervals overlap are compared.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD
from rdflib.term import Node

from kg.errors import DuplicateId, SchemaError, UnknownEntity
from kg.model import Registry
from kg.namespaces import ARTICLE_GRAPH_PREFIX, ID, KG

MIN_SHARED = 2
MIN_JACCARD = 0.5
MIN_LABEL_SIMILARITY = 0.3

# the classes whose per-article nodes are linked, with the rule that links them
RULES = {
    str(KG.Meeting): KG.SameMeetingRule,
    str(KG.Treaty): KG.SameDocumentRule,
    str(KG.MemorandumOfUnderstanding): KG.SameDocumentRule,
    str(KG.JointStatement): KG.SameDocumentRule,
}
LINKABLE_NAMES = frozenset(c[len(str(KG._NS)) :] for c in RULES)
# classes with one IRI across articles besides registry actors: their labels must agree
SHARED_CLASSES = frozenset(str(KG[c]) for c in ("Person", "Post", "Place", "OnlinePlace"))
STATUSES = {"candidate": KG.CandidateLink, "confirmed": KG.ConfirmedLink, "rejected": KG.RejectedLink}

ACTOR_PREFIX = str(ID["actor/"])
PERSON_PREFIX = str(ID["person/"])
# predicates whose subject is an actor of the object (meeting or document), and the inverse ones
_ACTOR_OF = frozenset(str(p) for p in (KG.participatedIn, KG.organized, KG.hosted, KG.partyTo, KG.signed))
_HAS_ACTOR = frozenset(str(p) for p in (KG.hasParty, KG.signatory))
_TYPE, _LABEL, _DATE = str(RDF.type), str(RDFS.label), str(KG.date)
_NOT_BEFORE, _NOT_AFTER = str(KG.notBefore), str(KG.notAfter)
_REPRESENTS, _HOLDS, _POST_IN, _ADOPTED = (str(p) for p in (KG.represents, KG.holdsPost, KG.postIn, KG.adoptedAt))
_SAME, _NOT_SAME = str(KG.reviewedSameAs), str(KG.reviewedNotSameAs)
# the predicates an article's facts are read from
PREDICATES = frozenset(
    {_TYPE, _LABEL, _DATE, _NOT_BEFORE, _NOT_AFTER, _REPRESENTS, _HOLDS, _POST_IN, _ADOPTED, _SAME, _NOT_SAME}
    | _ACTOR_OF
    | _HAS_ACTOR
)
TYPES = frozenset(RULES) | SHARED_CLASSES

# words that say what kind of document a label names, not which one
_GENERIC = frozenset((
    "a", "an", "and", "the", "of", "on", "in", "for", "to", "with", "between", "by", "at", "from", "its",
    "their", "new", "joint", "statement", "declaration", "memorandum", "understanding", "mou", "treaty",
    "agreement", "accord", "deal", "pact", "plan", "text", "intent", "letter", "protocol", "signed",
    "meeting", "talks", "summit",
))  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")

Triple = tuple[str, str, str]


@dataclass
class Report:
    """A meeting or document as one article reports it."""

    iri: str
    article: str
    kind: str  # class IRI
    label: str = ""
    dates: tuple[int, int] | None = None  # first and last day (proleptic ordinals), inclusive
    actors: frozenset[str] = frozenset()


@dataclass
class ArticleFacts:
    """What one article graph says that cross-article identity needs."""

    article: str
    reports: dict[str, Report] = field(default_factory=dict)
    shared: dict[str, tuple[str, str]] = field(default_factory=dict)  # person/post/place IRI -> (class, label)
    reviews: list[tuple[bool, str, str]] = field(default_factory=list)  # (same?, own entity, other's entity)
    where: dict[str, str] = field(default_factory=dict)  # entity IRI or review key -> file:line:column
    source: str = ""  # the annotation file, for messages about articles not read in this build

    def place(self, key: str) -> str:
        return self.where.get(key) or self.source or f"article {self.article}"


@dataclass(frozen=True)
class Link:
    """A candidate, confirmed or rejected identity link between two reports (``a`` < ``b``)."""

    a: Report
    b: Report
    status: str  # candidate | confirmed | rejected
    rules: tuple[URIRef, ...]
    score: float | None = None
    shared: tuple[str, ...] = ()
    reviewed_in: tuple[str, ...] = ()

    @property
    def iri(self) -> URIRef:
        return ID[f"link/{_local(self.a.iri)}/{_local(self.b.iri)}"]


def _local(iri: str) -> str:
    return iri[len(str(ID)) :]


def review_key(same: bool, own: str, other: str) -> str:
    """The key under which ``ArticleFacts.where`` records where a review was written."""
    return f"{'same_as' if same else 'not_same_as'} {own} {other}"


def interval(value: str) -> tuple[int, int] | None:
    """The days a date literal covers: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; None if it is none.

    >>> a, b = interval("2019-09")
    >>> b - a
    29
    """
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            day = date(*parts).toordinal()
            return day, day
        if len(parts) == 2:
            year, month = parts
            last = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
            return date(year, month, 1).toordinal(), last
        if len(parts) == 1:
            return date(parts[0], 1, 1).toordinal(), date(parts[0], 12, 31).toordinal()
    except (ValueError, TypeError):
        pass
    return None


def facts_from_triples(article: str, triples: Iterable[Triple]) -> ArticleFacts:
    """Read one article graph's reports, shared-entity labels and reviews from its triples.

    Triples are (subject, predicate, object) as strings: IRIs, or a literal's lexical form.
    """
    types: dict[str, str] = {}
    labels: dict[str, str] = {}
    dates: dict[str, list[tuple[int, int]]] = defaultdict(list)
    bounds: dict[str, dict[str, list[int]]] = {}  # node -> kg:notBefore / kg:notAfter -> days
    actors: dict[str, set[str]] = defaultdict(set)
    speaks_for: dict[str, set[str]] = defaultdict(set)  # person -> actors represented
    posts: dict[str, set[str]] = defaultdict(set)  # person -> posts
    post_of: dict[str, set[str]] = defaultdict(set)  # post -> actors
    adopted: dict[str, set[str]] = defaultdict(set)  # document -> meetings
    facts = ArticleFacts(article)
    for s, p, o in triples:
        if p == _TYPE:
            if o in TYPES:
                types[s] = o
        elif p == _LABEL:
            labels[s] = o
        elif p == _DATE:
            days = interval(o)
            if days:
                dates[s].append(days)
        elif p in (_NOT_BEFORE, _NOT_AFTER):
            days = interval(o)
            if days and days[0] == days[1]:
                bounds.setdefault(s, {}).setdefault(p, []).append(days[0])
        elif p in _ACTOR_OF:
            actors[o].add(s)
        elif p in _HAS_ACTOR:
            actors[s].add(o)
        elif p == _REPRESENTS:
            speaks_for[s].add(o)
        elif p == _HOLDS:
            posts[s].add(o)
        elif p == _POST_IN:
            post_of[s].add(o)
        elif p == _ADOPTED:
            adopted[s].add(o)
        elif p in (_SAME, _NOT_SAME):
            facts.reviews.append((p == _SAME, s, o))

    def resolve(node: str) -> set[str]:
        if node.startswith(ACTOR_PREFIX):
            return {node}
        stands_for = speaks_for[node] | {a for post in posts[node] for a in post_of[post]}
        found = {a for a in stands_for if a.startswith(ACTOR_PREFIX)}
        return found or ({node} if node.startswith(PERSON_PREFIX) else set())

    def span(node: str) -> tuple[int, int] | None:
        days = dates.get(node)
        if days:
            return min(d[0] for d in days), max(d[1] for d in days)
        # only the bounds of a period: both are needed, and the widest they allow is taken
        given = bounds.get(node, {})
        earliest, latest = given.get(_NOT_BEFORE), given.get(_NOT_AFTER)
        if earliest and latest and min(earliest) <= max(latest):
            return min(earliest), max(latest)
        return None

    for node, kind in types.items():
        if kind in RULES:
            days = span(node)
            if days is None and kind != str(KG.Meeting):
                found = [d for m in sorted(adopted[node]) if (d := span(m))]
                days = (min(d[0] for d in found), max(d[1] for d in found)) if found else None
            who = frozenset(a for x in actors[node] for a in resolve(x))
            facts.reports[node] = Report(node, article, kind, labels.get(node, ""), days, who)
        else:
            facts.shared[node] = (kind, labels.get(node, ""))
    facts.reviews.sort()
    return facts


def store_facts(store: object, graphs: Mapping[str, str]) -> dict[str, ArticleFacts]:
    """The facts of article graphs held in a pyoxigraph store.

    Args:
        store: a ``pyoxigraph.Store``.
        graphs: article graph IRI -> its annotation file (named in messages); other graphs are skipped.
    """
    import pyoxigraph as ox

    assert isinstance(store, ox.Store)
    triples: dict[str, list[Triple]] = defaultdict(list)

    def collect(quads: Iterable[ox.Quad]) -> None:
        for quad in quads:
            name = quad.graph_name
            if isinstance(name, ox.NamedNode) and name.value in graphs:
                subject, obj = quad.subject, quad.object
                if not isinstance(subject, ox.Triple) and not isinstance(obj, ox.Triple):
                    triples[name.value].append((subject.value, quad.predicate.value, obj.value))

    for kind in sorted(TYPES):
        collect(store.quads_for_pattern(None, ox.NamedNode(_TYPE), ox.NamedNode(kind), None))
    # labels only of the typed nodes: an article's sentences and spans have none, but it has many
    typed = {(g, s) for g, rows in triples.items() for s, _p, _o in rows}
    label = ox.NamedNode(_LABEL)
    for graph, subject in sorted(typed):
        collect(store.quads_for_pattern(ox.NamedNode(subject), label, None, ox.NamedNode(graph)))
    for predicate in sorted(PREDICATES - {_TYPE, _LABEL}):
        collect(store.quads_for_pattern(None, ox.NamedNode(predicate), None, None))
    out = {}
    for graph, source in graphs.items():
        article = graph[len(ARTICLE_GRAPH_PREFIX) :]
        out[article] = facts_from_triples(article, triples.get(graph, ()))
        out[article].source = source
    return out


def check_identity(facts: Mapping[str, ArticleFacts]) -> None:
    """Check what articles say about each other's nodes.

    A person, post or place (one IRI across articles) must have the same class and label in every
    article; every ``same_as`` / ``not_same_as`` must name a meeting or document of the same class
    in another article of the data, and no pair may be reviewed both ways.

    Raises:
        DuplicateId: a shared entity is described differently by two articles.
        UnknownEntity: a review names an article or entity that does not exist.
        SchemaError: a review names a node of another class, or contradicts another review.
    """
    first: dict[str, tuple[str, str, str]] = {}  # shared IRI -> (class, label, article)
    for article in sorted(facts):
        here = facts[article]
        for iri, (kind, label) in sorted(here.shared.items()):
            seen = first.setdefault(iri, (kind, label, article))
            if seen[:2] != (kind, label):
                other = facts[seen[2]]
                # report the place that was read in this build when there is one
                place = here.where.get(iri) or other.where.get(iri) or here.place(iri)
                name = iri.rsplit("/", 1)[-1]
                raise DuplicateId(
                    f"`{name}` is a {_name(kind)} labelled {label!r} in article {article}, "
                    f"but a {_name(seen[0])} labelled {seen[1]!r} in article {seen[2]}",
                    place,
                    "one id names one person, post or place in every article: use the same label and type, "
                    "or give different ones different ids",
                )
    verdicts: dict[tuple[str, str], tuple[bool, str]] = {}
    for article in sorted(facts):
        here = facts[article]
        for same, own, theirs in here.reviews:
            key = review_key(same, own, theirs)
            field_name = "same_as" if same else "not_same_as"
            ref = _local(theirs)
            target_article = ref.split("/", 1)[0]
            if target_article not in facts:
                raise UnknownEntity(
                    f"{field_name} `{ref}` of `{own.rsplit('/', 1)[-1]}` in article {article} names article "
                    f"`{target_article}`, which is not in the data",
                    here.place(key),
                    "fix the reference, or remove it with the article it named",
                )
            target = facts[target_article].reports.get(theirs)
            if target is None:
                raise UnknownEntity(
                    f"{field_name} `{ref}` in article {article} is not a meeting or document of article "
                    f"{target_article}",
                    here.place(key),
                    "name an entity of type " + ", ".join(sorted(LINKABLE_NAMES)) + " by its id",
                )
            mine = here.reports.get(own)
            if mine is None or mine.kind != target.kind:
                kinds = (_name(mine.kind) if mine else "?", _name(target.kind))
                raise SchemaError(
                    f"{field_name} `{ref}` in article {article} links a {kinds[0]} with a {kinds[1]}",
                    here.place(key),
                    "link a meeting with a meeting, a document with a document of the same class",
                )
            pair = (min(own, theirs), max(own, theirs))
            earlier = verdicts.setdefault(pair, (same, here.place(key)))
            if earlier[0] != same:
                raise SchemaError(
                    f"`{_local(pair[0])}` and `{_local(pair[1])}` are reviewed both as the same and as not the same",
                    f"{here.place(key)} and {earlier[1]}",
                    "keep one judgement",
                )


def _name(kind: str) -> str:
    return kind.rsplit("#", 1)[-1]


def actor_words(registry: Registry) -> frozenset[str]:
    """Lower-case words of the registry's names, aliases and demonyms: they name parties, not documents."""
    words: set[str] = set()
    for actor in registry.actors.values():
        for name in (actor.label, actor.full_name or "", *actor.aliases, *actor.demonyms, *actor.metonyms):
            words.update(_WORD.findall(name.lower()))
    return frozenset(words)


def content_words(label: str, names: frozenset[str]) -> frozenset[str]:
    """The words of a label that tell one document from another of the same parties."""
    return frozenset(w for w in _WORD.findall(label.lower()) if w not in _GENERIC and w not in names)


def label_similarity(a: str, b: str, names: frozenset[str]) -> float | None:
    """Jaccard similarity of two labels' content words; None when either has none (no evidence either way).

    >>> label_similarity("Italy–Libya memorandum on migration", "MoU on migration and border control",
    ...                  frozenset({"italy", "libya"}))
    0.3333333333333333
    """
    x, y = content_words(a, names), content_words(b, names)
    if not x or not y:
        return None
    return len(x & y) / len(x | y)


def find_links(facts: Mapping[str, ArticleFacts], names: frozenset[str] = frozenset()) -> list[Link]:
    """Candidate links by the rules, merged with the reviewers' judgements; sorted by the two IRIs.

    Args:
        facts: the facts of every article of the data, by article id (check them first).
        names: words that name actors (``actor_words``), left out when comparing document labels.
    """
    by_kind: dict[str, list[Report]] = defaultdict(list)
    reports: dict[str, Report] = {}
    for article_facts in facts.values():
        for report in article_facts.reports.values():
            reports[report.iri] = report
            if report.dates is not None and len(report.actors) >= MIN_SHARED:
                by_kind[report.kind].append(report)
    found: dict[tuple[str, str], tuple[float, tuple[str, ...]]] = {}
    for kind, items in by_kind.items():
        is_meeting = kind == str(KG.Meeting)
        # sweep by date: each report is compared with the earlier-starting ones still running
        items.sort(key=lambda r: (r.dates or (0, 0), r.iri))
        running: list[Report] = []
        for report in items:
            assert report.dates is not None
            start = report.dates[0]
            running = [r for r in running if r.dates is not None and r.dates[1] >= start]
            for other in running:
                if other.article == report.article:
                    continue
                common = report.actors & other.actors
                if len(common) < MIN_SHARED:
                    continue
                jaccard = len(common) / len(report.actors | other.actors)
                if jaccard < MIN_JACCARD:
                    continue
                if not is_meeting:
                    similarity = label_similarity(report.label, other.label, names)
                    if similarity is not None and similarity < MIN_LABEL_SIMILARITY:
                        continue
                pair = (min(report.iri, other.iri), max(report.iri, other.iri))
                found[pair] = (jaccard, tuple(sorted(common)))
            running.append(report)
    reviewed: dict[tuple[str, str], tuple[bool, set[str]]] = {}
    for article_facts in facts.values():
        for same, own, theirs in article_facts.reviews:
            pair = (min(own, theirs), max(own, theirs))
            reviewed.setdefault(pair, (same, set()))[1].add(article_facts.article)
    links = []
    for pair in sorted(set(found) | set(reviewed)):
        a, b = reports[pair[0]], reports[pair[1]]
        score: float | None = None
        shared = tuple(sorted(a.actors & b.actors))
        if pair in found:
            score, shared = found[pair]
        rules: tuple[URIRef, ...] = (RULES[a.kind],) if pair in found else ()
        status, reviewed_in = "candidate", tuple[str, ...]()
        if pair in reviewed:
            same, where = reviewed[pair]
            status = "confirmed" if same else "rejected"
            reviewed_in = tuple(sorted(where))
            rules += (KG.ReviewRule,)
        links.append(Link(a, b, status, rules, score, shared, reviewed_in))
    return links


def decimal(value: float) -> str:
    """A score as the canonical xsd:decimal form pyoxigraph keeps (``1``, ``0.5``, ``0.6667``)."""
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def link_triples(links: Iterable[Link]) -> list[tuple[Node, Node, Node]]:
    """The triples of graph/links, sorted."""
    out: list[tuple[Node, Node, Node]] = []
    for link in links:
        a, b, node = URIRef(link.a.iri), URIRef(link.b.iri), link.iri
        if link.status != "rejected":
            out.append((a, KG.reportedSameAs, b))
        out += [
            (node, RDF.type, KG.IdentityLink),
            (node, RDF.subject, a),
            (node, RDF.predicate, KG.reportedSameAs),
            (node, RDF.object, b),
            (node, KG.linkStatus, STATUSES[link.status]),
            (node, PROV.wasDerivedFrom, ID[f"article/{link.a.article}"]),
            (node, PROV.wasDerivedFrom, ID[f"article/{link.b.article}"]),
        ]
        out += [(node, KG.linkRule, rule) for rule in link.rules]
        out += [(node, KG.sharedActor, URIRef(actor)) for actor in link.shared]
        out += [(node, KG.reviewedIn, ID[f"article/{article}"]) for article in link.reviewed_in]
        if link.score is not None:
            out.append((node, KG.matchScore, Literal(decimal(link.score), datatype=XSD.decimal)))
    return sorted(out)
