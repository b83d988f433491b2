"""Compiling the ontology, the registry and reviewed annotations into one RDF dataset.

Named graphs: ``graph/ontology`` (ontology and topic scheme), ``graph/registry`` (actors, names,
identifiers), ``graph/registry-background`` (memberships and parent bodies: registry knowledge),
and ``graph/article/<id>`` per article: its facts, and for every fact a ``kg:Assertion`` (an
``rdf:Statement``) naming the evidence spans, their sentences, who stated it and how.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg import resources
from kg.annotation import load_annotation
from kg.errors import DuplicateId, KgError, MissingInput, SchemaError, SpanMismatch, UnknownEntity, ValidationFailed
from kg.links import (
    LINKABLE_NAMES,
    ArticleFacts,
    actor_words,
    check_identity,
    facts_from_triples,
    find_links,
    link_triples,
    review_key,
)
from kg.model import Annotation, Entity, Registry, Span
from kg.namespaces import (
    BACKGROUND_GRAPH,
    ID,
    KG,
    LINKS_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    REGISTRY_GRAPH,
    SCHEMA,
    TOPIC,
    WIKIDATA,
    article_graph,
)
from kg.ontology import Ontology, load_ontology
from kg.registry import load_registry

Triple = tuple[Node, Node, Node]

REGISTRY_FILE = "registry.yaml"
ANNOTATIONS_DIR = "annotations"
ANNOTATION_SUFFIXES = (".yaml", ".yml", ".json")

MODALITIES = {
    "agreed": KG.Agreed,
    "pledged": KG.Pledged,
    "stressed": KG.Stressed,
    "expressed-commitment": KG.ExpressedCommitment,
    "noted": KG.Noted,
    "stated": KG.Stated,
    "signed": KG.Signed,
}
STATUSES = {"existing": KG.Existing, "agreed": KG.AgreedCooperation, "proposed": KG.Proposed}
DATATYPES = {"string": XSD.string, "date": XSD.date, "integer": XSD.integer}

# classes whose instances keep one IRI across articles; all other entities are minted per article
GLOBAL_PREFIX = {
    "State": "actor",
    "SupranationalUnion": "actor",
    "IntergovernmentalOrganization": "actor",
    "Agency": "actor",
    "Institution": "actor",
    "Person": "person",
    "Post": "post",
    "Place": "place",
    "OnlinePlace": "place",
}
# classes an annotation may not create: they are the source side or come from the ontology
NOT_ANNOTATABLE = {
    "Actor",
    "Organization",
    "Agreement",
    "Article",
    "Sentence",
    "TextSpan",
    "Assertion",
    "Membership",
    "Topic",
    "Modality",
    "CooperationStatus",
    "IdentityLink",
    "LinkStatus",
}
# properties kg draws itself (graph/links) or from `same_as:` / `not_same_as:`, not from relations
NOT_RELATIONS = {
    "reportedSameAs",
    "reviewedSameAs",
    "reviewedNotSameAs",
    "linkStatus",
    "linkRule",
    "matchScore",
    "sharedActor",
    "reviewedIn",
}


def actor_iri(actor_id: str) -> URIRef:
    """IRI of a registry actor, e.g. ``.../id/actor/italy``."""
    return ID[f"actor/{actor_id}"]


def article_iri(article_id: str) -> URIRef:
    """IRI of an article node."""
    return ID[f"article/{article_id}"]


@dataclass
class BuildResult:
    """The built dataset and what went into it."""

    dataset: Dataset
    ontology: Ontology
    registry: Registry
    annotations: list[Annotation] = field(default_factory=list)

    def article_ids(self) -> list[str]:
        """Ids of the articles built, in order."""
        return [a.article.id for a in self.annotations]


def new_dataset() -> Dataset:
    """An empty dataset with kg's prefixes bound."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    return ds


def build_graph(data_dir: Path | str = "data", ontology_dir: Path | None = None) -> BuildResult:
    """Build the dataset from ``data_dir`` (registry.yaml, annotations/, articles/).

    Example::

        >>> from kg import build_graph
        >>> result = build_graph("data")          # doctest: +SKIP
        >>> len(result.dataset)                   # doctest: +SKIP

    Raises:
        MissingInput: the data folder, registry or annotations folder is absent.
        InputError subclasses: a file is wrong (the message names file and place).
    """
    data_dir = Path(data_dir)
    ontology, registry = load_inputs(data_dir, ontology_dir)
    annotations: list[Annotation] = []
    seen: dict[str, str] = {}
    for path in annotation_files(data_dir):
        annotation = load_annotation(path, data_dir)
        check_new_id(annotation.article.id, str(path), seen)
        annotations.append(annotation)

    ds = new_dataset()
    _add(ds.graph(ONTOLOGY_GRAPH), ontology.graph)
    registry_graph, background = registry_graphs(registry)
    _add(ds.graph(REGISTRY_GRAPH), registry_graph)
    _add(ds.graph(BACKGROUND_GRAPH), background)
    facts: dict[str, ArticleFacts] = {}
    for annotation in annotations:
        triples, facts[annotation.article.id] = compile_with_facts(annotation, registry, ontology)
        _add(ds.graph(article_graph(annotation.article.id)), triples)
    check_identity(facts)
    links = link_triples(find_links(facts, actor_words(registry)))
    if links:
        _add(ds.graph(LINKS_GRAPH), links)
    return BuildResult(ds, ontology, registry, annotations)


def load_inputs(data_dir: Path, ontology_dir: Path | None = None) -> tuple[Ontology, Registry]:
    """The ontology and the registry of a data folder, checked.

    Raises:
        MissingInput: the data folder or the registry is absent. InputError: a file is wrong.
    """
    if not data_dir.is_dir():
        raise MissingInput(
            f"data folder {data_dir} does not exist", str(data_dir), "pass --data DIR or run in the project folder"
        )
    ontology = load_ontology(ontology_dir)
    registry_path = data_dir / REGISTRY_FILE
    if not registry_path.is_file():
        raise MissingInput("the actor registry is missing", str(registry_path), "restore data/registry.yaml")
    return ontology, load_registry(registry_path)


def annotation_files(data_dir: Path) -> list[Path]:
    """The annotation files of a data folder, sorted.

    Raises:
        MissingInput: the annotations folder is absent.
    """
    annotations_dir = data_dir / ANNOTATIONS_DIR
    if not annotations_dir.is_dir():
        raise MissingInput("the annotations folder is missing", str(annotations_dir), "create it and add annotations")
    return sorted(p for p in annotations_dir.iterdir() if p.suffix in ANNOTATION_SUFFIXES)


def check_new_id(article_id: str, where: str, seen: dict[str, str]) -> None:
    """Record that ``where`` annotates ``article_id``; raise DuplicateId if another file already does."""
    if article_id in seen:
        raise DuplicateId(
            f"article id `{article_id}` is annotated twice",
            f"{where} and {seen[article_id]}",
            "give each article its own id",
        )
    seen[article_id] = where


def _add(target: Graph, source: Iterable[tuple[Node, Node, Node]]) -> None:
    # sorted insertion keeps the store's iteration order, and so every serialisation, stable
    for triple in sorted(source):
        target.add(triple)


def registry_graphs(registry: Registry) -> tuple[Graph, Graph]:
    """The registry as two graphs: names and identifiers, and background memberships."""
    names, background = Graph(), Graph()
    for actor in registry.actors.values():
        node = actor_iri(actor.id)
        names.add((node, RDF.type, KG[actor.type]))
        names.add((node, RDFS.label, Literal(actor.label, lang="en")))
        if actor.full_name:
            names.add((node, KG.fullName, Literal(actor.full_name)))
        for alias in actor.aliases:
            names.add((node, SKOS.altLabel, Literal(alias, lang="en")))
        for demonym in actor.demonyms:
            names.add((node, KG.demonym, Literal(demonym, lang="en")))
        for metonym in actor.metonyms:
            names.add((node, KG.metonym, Literal(metonym, lang="en")))
        if actor.iso3166:
            a2, a3, num = actor.iso3166
            names.add((node, KG.iso3166Alpha2, Literal(a2)))
            names.add((node, KG.iso3166Alpha3, Literal(a3)))
            names.add((node, KG.iso3166Numeric, Literal(num)))
        if actor.wikidata:
            names.add((node, SCHEMA.sameAs, WIKIDATA[actor.wikidata]))
            names.add((node, KG.identifierSource, Literal(actor.wikidata_source or "")))
        if actor.part_of:
            background.add((node, KG.partOf, actor_iri(actor.part_of)))
        counts: dict[str, int] = {}
        for membership in actor.member_of:
            counts[membership.of] = counts.get(membership.of, 0) + 1
            suffix = "" if counts[membership.of] == 1 else f"-{counts[membership.of]}"
            m = ID[f"membership/{actor.id}/{membership.of}{suffix}"]
            background.add((m, RDF.type, KG.Membership))
            background.add((m, KG.member, node))
            background.add((m, KG.organization, actor_iri(membership.of)))
            if membership.since:
                background.add((m, KG.since, Literal(membership.since, datatype=XSD.date)))
            if membership.until:
                background.add((m, KG.until, Literal(membership.until, datatype=XSD.date)))
            else:
                background.add((node, KG.memberOf, actor_iri(membership.of)))
    return names, background


@dataclass
class _Fact:
    subject: URIRef
    predicate: URIRef
    object: Node
    key: str
    evidence: set[Span] = field(default_factory=set)
    stated_by: set[URIRef] = field(default_factory=set)
    stated_in: set[URIRef] = field(default_factory=set)
    modality: set[URIRef] = field(default_factory=set)
    status: set[URIRef] = field(default_factory=set)
    role: set[URIRef] = field(default_factory=set)


class _Compiler:
    """Turns one annotation into the triples of its article graph."""

    def __init__(self, annotation: Annotation, registry: Registry, ontology: Ontology) -> None:
        self.a = annotation
        self.registry = registry
        self.ontology = ontology
        self.aid = annotation.article.id
        self.article = article_iri(self.aid)
        # a plain set: an rdflib Graph's indexes cost more than the whole compilation
        self.g: set[Triple] = set()
        self.spans: set[URIRef] = set()
        self.entities: dict[str, URIRef] = {}
        self.entity_where: dict[str, str] = {}
        self.review_where: dict[str, str] = {}

    def run(self) -> set[Triple]:
        self._article()
        self._entities()
        self._relations()
        return self.g

    def _article(self) -> None:
        meta, g, node = self.a.article, self.g, self.article
        g.add((node, RDF.type, KG.Article))
        g.add((node, RDFS.label, Literal(meta.title, lang="en")))
        g.add((node, KG.title, Literal(meta.title)))
        g.add((node, KG.sha256, Literal(meta.sha256)))
        if meta.published:
            g.add((node, KG.published, Literal(meta.published, datatype=XSD.date)))
        if meta.source:
            g.add((node, KG.sourceName, Literal(meta.source)))
        for index, (start, end) in enumerate(self.a.sentences):
            s = self.sentence_iri(index)
            g.add((s, RDF.type, KG.Sentence))
            g.add((s, KG.sentenceIndex, Literal(index, datatype=XSD.nonNegativeInteger)))
            g.add((s, KG.start, Literal(start, datatype=XSD.nonNegativeInteger)))
            g.add((s, KG.end, Literal(end, datatype=XSD.nonNegativeInteger)))
            g.add((s, KG.text, Literal(self.a.text[start:end])))
            g.add((s, KG.inArticle, node))

    def sentence_iri(self, index: int) -> URIRef:
        return ID[f"{self.aid}/sentence/{index}"]

    def span(self, span: Span) -> URIRef:
        """The span's node (created once), linked to the sentence that contains it."""
        node = ID[f"{self.aid}/span/{span.start}-{span.end}"]
        if node in self.spans:
            return node
        index = next((i for i, (s, e) in enumerate(self.a.sentences) if s <= span.start and span.end <= e), None)
        if index is None:
            raise SpanMismatch(
                f"span {span.start}–{span.end} {span.text!r} of article {self.aid} is not inside one sentence",
                span.where,
                "split the evidence into one span per sentence, or fix `sentences`",
            )
        self.spans.add(node)
        g = self.g
        g.add((node, RDF.type, KG.TextSpan))
        g.add((node, KG.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
        g.add((node, KG.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
        g.add((node, KG.anchorOf, Literal(span.text)))
        g.add((node, KG.inSentence, self.sentence_iri(index)))
        g.add((node, KG.inArticle, self.article))
        return node

    def _entities(self) -> None:
        for entity in self.a.entities:
            if entity.id in self.entities:
                raise DuplicateId(
                    f"entity id `{entity.id}` is defined twice in article {self.aid}",
                    entity.where,
                    f"first defined at {self.entity_where[entity.id]}; merge the two",
                )
            if entity.registry is not None:
                if entity.registry not in self.registry.actors:
                    raise UnknownEntity(
                        f"entity `{entity.id}` names registry actor `{entity.registry}`, which the registry lacks",
                        entity.where,
                        "add the actor to data/registry.yaml or fix the id",
                    )
                node = actor_iri(entity.registry)
            else:
                node = self._local_entity(entity.id, entity.type or "", entity.label or "", entity.where)
            self.entities[entity.id] = node
            self.entity_where[entity.id] = entity.where
            self._reviews(entity, node)
            for mention in entity.mentions:
                self.g.add((self.span(mention), KG.mentions, node))

    def _reviews(self, entity: Entity, node: URIRef) -> None:
        """A reviewer's same_as / not_same_as: a triple to the other article's node (checked across articles later)."""
        judged: dict[tuple[str, str], str] = {}
        for same, refs in ((True, entity.same_as), (False, entity.not_same_as)):
            field_name = "same_as" if same else "not_same_as"
            for ref in refs:
                if entity.registry is not None or entity.type not in LINKABLE_NAMES:
                    raise SchemaError(
                        f"entity `{entity.id}` of article {self.aid} has `{field_name}`, but only meetings and "
                        "documents of different articles are linked",
                        ref.where,
                        "use it on an entity of type " + ", ".join(sorted(LINKABLE_NAMES)),
                    )
                if ref.article == self.aid:
                    raise SchemaError(
                        f"`{field_name}` of `{entity.id}` names `{ref.article}/{ref.entity}` in its own article",
                        ref.where,
                        "one article describes one thing with one entity: merge the two entities",
                    )
                key = (ref.article, ref.entity)
                if key in judged and judged[key] != field_name:
                    raise SchemaError(
                        f"entity `{entity.id}` lists `{ref.article}/{ref.entity}` under both same_as and not_same_as",
                        ref.where,
                        "keep one judgement",
                    )
                judged[key] = field_name
                other = ID[f"{ref.article}/{ref.entity}"]
                self.g.add((node, KG.reviewedSameAs if same else KG.reviewedNotSameAs, other))
                self.review_where[review_key(same, str(node), str(other))] = ref.where

    def _local_entity(self, entity_id: str, type_name: str, label: str, where: str) -> URIRef:
        if type_name not in self.ontology.classes or type_name in NOT_ANNOTATABLE:
            allowed = sorted(self.ontology.classes - NOT_ANNOTATABLE)
            raise SchemaError(
                f"entity `{entity_id}` has type `{type_name}`, which is not an annotatable kg class",
                where,
                "use one of " + ", ".join(allowed),
            )
        prefix = GLOBAL_PREFIX.get(type_name)
        if prefix == "actor" and entity_id in self.registry.actors:
            raise DuplicateId(
                f"entity `{entity_id}` redefines registry actor `{entity_id}`",
                where,
                f'write `registry: "{entity_id}"` instead of type and label',
            )
        node = ID[f"{prefix}/{entity_id}"] if prefix else ID[f"{self.aid}/{entity_id}"]
        self.g.add((node, RDF.type, KG[type_name]))
        self.g.add((node, RDFS.label, Literal(label, lang="en")))
        return node

    def resolve(self, ref: str, where: str, role: str) -> URIRef:
        """An entity id, ``topic:<id>`` or ``modality:<name>`` as an IRI."""
        if ref.startswith("topic:"):
            name = ref[len("topic:") :]
            if name not in self.ontology.topics:
                raise UnknownEntity(
                    f"{role} `{ref}` is not in the topic scheme",
                    where,
                    "use one of " + ", ".join(sorted(self.ontology.topics)),
                )
            return TOPIC[name]
        if ref.startswith("modality:"):
            return self.concept(ref[len("modality:") :], MODALITIES, where, "modality")
        if ref not in self.entities:
            raise UnknownEntity(
                f"{role} `{ref}` is not an entity of article {self.aid}",
                where,
                "define it under `entities:` or fix the id",
            )
        return self.entities[ref]

    @staticmethod
    def concept(name: str, table: dict[str, URIRef], where: str, what: str) -> URIRef:
        if name not in table:
            raise SchemaError(f"unknown {what} `{name}`", where, "use one of " + ", ".join(table))
        return table[name]

    def _relations(self) -> None:
        facts: dict[tuple[Node, Node, Node], _Fact] = {}
        for rel in self.a.relations:
            predicate = self.ontology.property(rel.predicate)
            if rel.predicate in NOT_RELATIONS:
                raise SchemaError(
                    f"predicate `{rel.predicate}` is drawn by kg, not stated by articles",
                    rel.where,
                    "write `same_as:` or `not_same_as:` on the entity to review a link",
                )
            if predicate is None:
                raise SchemaError(
                    f"predicate `{rel.predicate}` is not a kg property",
                    rel.where,
                    "use a property of ontology/kg.ttl, e.g. participatedIn",
                )
            is_datatype = rel.predicate in self.ontology.datatype_properties
            if is_datatype != rel.object_is_literal:
                need = "a literal (object_is_literal: true)" if is_datatype else "an entity id"
                raise SchemaError(
                    f"`{rel.predicate}` needs {need} as object", rel.where, "fix `object` or `object_is_literal`"
                )
            subject = self.resolve(rel.subject, rel.where, "subject")
            obj: Node
            if rel.object_is_literal:
                datatype = DATATYPES[rel.datatype or "string"]
                obj = Literal(rel.object) if datatype == XSD.string else Literal(rel.object, datatype=datatype)
                object_key = "lit-" + hashlib.sha256(rel.object.encode("utf-8")).hexdigest()[:12]
            else:
                obj = self.resolve(rel.object, rel.where, "object")
                object_key = rel.object.replace(":", "-")
            triple = (subject, predicate, obj)
            fact = facts.get(triple)
            if fact is None:
                key = f"{rel.subject}.{rel.predicate}.{object_key}"
                fact = facts[triple] = _Fact(subject, predicate, obj, key)
            fact.evidence.update(rel.evidence)
            if rel.stated_by:
                fact.stated_by.add(self.resolve(rel.stated_by, rel.where, "stated_by"))
            if rel.stated_in:
                fact.stated_in.add(self.resolve(rel.stated_in, rel.where, "stated_in"))
            if rel.modality:
                fact.modality.add(self.concept(rel.modality, MODALITIES, rel.where, "modality"))
            if rel.status:
                fact.status.add(self.concept(rel.status, STATUSES, rel.where, "cooperation status"))
            if rel.role:
                fact.role.add(self.resolve(rel.role, rel.where, "role"))
        g = self.g
        for fact in facts.values():
            g.add((fact.subject, fact.predicate, fact.object))
            node = ID[f"{self.aid}/fact/{fact.key}"]
            g.add((node, RDF.type, KG.Assertion))
            g.add((node, RDF.subject, fact.subject))
            g.add((node, RDF.predicate, fact.predicate))
            g.add((node, RDF.object, fact.object))
            g.add((node, KG.inArticle, self.article))
            for span in fact.evidence:
                g.add((node, KG.evidence, self.span(span)))
            for value in fact.stated_by:
                g.add((node, KG.statedBy, value))
            for value in fact.stated_in:
                g.add((node, KG.statedIn, value))
            for value in fact.modality:
                g.add((node, KG.modality, value))
            for value in fact.status:
                g.add((node, KG.cooperationStatus, value))
            for value in fact.role:
                g.add((node, KG.inRole, value))


def compile_triples(annotation: Annotation, registry: Registry, ontology: Ontology) -> set[Triple]:
    """The triples of one article's named graph, as a set.

    Raises:
        UnknownEntity, DuplicateId, SchemaError, SpanMismatch: the annotation is inconsistent.
    """
    return _Compiler(annotation, registry, ontology).run()


def compile_with_facts(
    annotation: Annotation, registry: Registry, ontology: Ontology
) -> tuple[set[Triple], ArticleFacts]:
    """The triples of one article graph, and what they say for cross-article identity (kg.links).

    Raises:
        as ``compile_triples``.
    """
    compiler = _Compiler(annotation, registry, ontology)
    triples = compiler.run()
    facts = facts_from_triples(annotation.article.id, ((str(s), str(p), str(o)) for s, p, o in triples))
    facts.source = annotation.path
    facts.where = {str(compiler.entities[e]): w for e, w in compiler.entity_where.items()}
    facts.where.update(compiler.review_where)
    return triples, facts


def compile_annotation(annotation: Annotation, registry: Registry, ontology: Ontology) -> Graph:
    """The triples of one article's named graph, as an rdflib Graph (see ``compile_triples``)."""
    graph = Graph()
    _add(graph, compile_triples(annotation, registry, ontology))
    return graph


# --- compiling many annotations for the store: N-Quads per article, in worker processes ---

# below this many files the workers' start-up (imports, ontology, registry) costs more than it saves
PARALLEL_MIN_FILES = 200
# results travel back from a worker in chunks of this many articles
_CHUNK = 25


@dataclass(frozen=True)
class CompiledArticle:
    """One annotation compiled for the store: its article graph as N-Quads, and the content hashes."""

    index: int  # position of the file in the sorted list of annotation files
    annotation_file: str  # relative to the data folder, with "/" separators
    article_id: str
    annotation_sha256: str
    text_file: str  # relative to the data folder
    text_sha256: str
    nquads: bytes
    triples: int
    facts: ArticleFacts = field(default_factory=lambda: ArticleFacts(""))  # for cross-article identity


# a validation step: checks the named graphs of a pyoxigraph store that holds them with the ontology
# and registry graphs, calling the progress function with the number of articles checked; raises
# ValidationFailed for the first failing graph in sorted order (kg.shacl.validate_store_natively,
# kg.validate.validate_store_graphs). It must be a module-level function: workers receive it pickled.
Validator = Callable[[Any, Sequence[str], Ontology, Callable[[int], None]], None]
# compile workers validate what they compiled this many articles at a time, in a scratch store
VALIDATE_CHUNK = 1000


@dataclass
class CompileResult:
    """Compiled articles, and the verdict of validation when the workers validated them."""

    articles: list[CompiledArticle]
    validated: bool = False  # the article graphs were validated (not the registry)
    failure: ValidationFailed | None = None  # of the first failing article graph in sorted order


def validate_compiled(
    base: bytes,
    compiled: Sequence[CompiledArticle],
    ontology: Ontology,
    validator: Validator,
    progress: Callable[[int], None],
    registry: bool = False,
) -> None:
    """Validate compiled article graphs (and the registry, if asked) in a scratch in-memory store.

    The scratch store holds the shared graphs of ``base`` (ontology, registry) and the articles,
    so the real store is not touched before everything is known to be valid.

    Raises:
        ValidationFailed: the first failing graph, the registry before any article.
    """
    import pyoxigraph as ox

    scratch = ox.Store()
    scratch.load(base, format=ox.RdfFormat.N_QUADS)
    for item in compiled:
        scratch.load(item.nquads, format=ox.RdfFormat.N_QUADS)
    graphs = [str(article_graph(c.article_id)) for c in compiled]
    graphs += [str(REGISTRY_GRAPH)] if registry else []
    validator(scratch, graphs, ontology, progress)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs_digest(data_dir: Path, ontology_dir: Path | None = None) -> str:
    """A hash of everything besides the annotations that decides what an article graph holds.

    The registry, every ontology and shapes file, and the source of the modules that read and
    compile annotations: when any of them changes, every article is rebuilt and validated again.
    """
    from kg import annotation, ontology, registry, yamlfile

    folder = ontology_dir or resources.ontology_dir()
    parts = [data_dir / REGISTRY_FILE]
    parts += [
        folder / name for name in (*resources.ONTOLOGY_FILES, resources.SHAPES_FILE, resources.EVIDENCE_SHAPES_FILE)
    ]
    parts += [Path(m.__file__ or "") for m in (annotation, ontology, registry, yamlfile)] + [Path(__file__)]
    digest = hashlib.sha256()
    for path in parts:
        data = path.read_bytes()
        digest.update(f"{path.name}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def to_nquads(triples: Iterable[Triple], graph: URIRef) -> bytes:
    """The triples as N-Quads in ``graph`` (converted to pyoxigraph terms, serialised natively)."""
    import pyoxigraph as ox

    from kg.ontology import to_oxigraph

    name = ox.NamedNode(str(graph))
    iris: dict[Node, ox.NamedNode] = {}

    def term(node: Node) -> Any:
        if type(node) is URIRef:  # IRIs repeat (predicates, classes, the article): convert each once
            found = iris.get(node)
            if found is None:
                found = iris[node] = ox.NamedNode(str(node))
            return found
        return to_oxigraph(node)

    quads = [ox.Quad(term(s), term(p), term(o), name) for s, p, o in triples]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def base_nquads(ontology: Ontology, registry: Registry) -> bytes:
    """The ontology, registry and registry-background graphs as N-Quads."""
    names, background = registry_graphs(registry)
    return (
        to_nquads(ontology.graph, ONTOLOGY_GRAPH)
        + to_nquads(names, REGISTRY_GRAPH)
        + to_nquads(background, BACKGROUND_GRAPH)
    )


def compile_file(index: int, path: Path, data_dir: Path, registry: Registry, ontology: Ontology) -> CompiledArticle:
    """Read, check and compile one annotation file into its article graph.

    The annotation is hashed before it is read, so an edit made during the build can only make the
    next build rebuild the article, never keep a stale graph.

    Raises:
        InputError subclasses: the annotation or its text is wrong.
    """
    annotation_sha = file_sha256(path) if path.is_file() else ""
    annotation = load_annotation(path, data_dir)
    triples, facts = compile_with_facts(annotation, registry, ontology)
    aid = annotation.article.id
    return CompiledArticle(
        index=index,
        annotation_file=path.relative_to(data_dir).as_posix(),
        article_id=aid,
        annotation_sha256=annotation_sha,
        text_file=annotation.article.text_file,
        # load_annotation checked that the text's hash is the one the annotation records
        text_sha256=annotation.article.sha256,
        nquads=to_nquads(triples, article_graph(aid)),
        triples=len(triples),
        facts=facts,
    )


def compile_and_validate(
    files: list[tuple[int, Path]],
    data_dir: Path,
    registry: Registry,
    ontology: Ontology,
    ontology_dir: Path | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    validator: Validator | None = None,
) -> CompileResult:
    """Compile annotation files (with their indexes), in worker processes when there are many.

    Results come back in the order of ``files``. On bad input the error raised is the one of the
    first failing file in that order, as a build in one process would raise it. ``workers``:
    processes to use (default: one per CPU, and none below PARALLEL_MIN_FILES files);
    ``progress`` is called with the number of files done since its last call.

    When the files are compiled in worker processes and a ``validator`` is given, each worker
    validates its articles, VALIDATE_CHUNK at a time, in a scratch store of its own: validation
    runs on every CPU and no article graph travels twice. The result says whether that happened
    and which failure comes first (by graph name, as one validation of all the graphs reports it);
    the caller raises it after its own checks. Bad input still wins over a failed validation.

    Raises:
        InputError subclasses: an annotation is wrong.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES:
        out = []
        for index, path in files:
            out.append(compile_file(index, path, data_dir, registry, ontology))
            if progress:
                progress(1)
        return CompileResult(out)
    return _compile_in_workers(files, data_dir, ontology_dir, min(workers, len(files)), progress, validator)


def _compile_in_workers(
    files: list[tuple[int, Path]],
    data_dir: Path,
    ontology_dir: Path | None,
    workers: int,
    progress: Callable[[int], None] | None,
    validator: Validator | None,
) -> CompileResult:
    # Workers are fresh interpreters (subprocess), not multiprocessing's fork or spawn: a fork would
    # inherit the open store, its threads and the build's lock files; spawn would re-run the
    # caller's main script. Each worker reads its arguments pickled on stdin and sends results on a
    # pipe of its own.
    import pickle
    import subprocess
    import sys
    from multiprocessing.connection import Connection, wait

    package_root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    running: dict[Connection, subprocess.Popen[bytes]] = {}
    results: dict[int, CompiledArticle] = {}
    errors: list[tuple[int, KgError]] = []
    failures: list[tuple[str, ValidationFailed]] = []
    try:
        for w in range(workers):
            read_fd, write_fd = os.pipe()
            process = subprocess.Popen(
                [sys.executable, "-c", "from kg.build import _compile_worker; _compile_worker()", str(write_fd)],
                stdin=subprocess.PIPE,
                pass_fds=(write_fd,),
                env=env,
            )
            os.close(write_fd)
            running[Connection(read_fd, writable=False)] = process
            assert process.stdin is not None
            payload = (data_dir, ontology_dir, files[w::workers], validator, VALIDATE_CHUNK)
            process.stdin.write(pickle.dumps(payload))
            process.stdin.close()
        while running:
            for conn in wait(list(running)):
                assert isinstance(conn, Connection)
                try:
                    kind, payload = conn.recv()
                except EOFError:
                    code = running.pop(conn).wait()
                    raise RuntimeError(f"a build worker stopped unexpectedly (exit code {code})") from None
                if kind == "compiled":
                    for item in payload:
                        results[item.index] = item
                    if progress:
                        progress(len(payload))
                elif kind == "error":
                    errors.append(payload)
                elif kind == "invalid":
                    failures.append(payload)
                elif kind == "crash":
                    raise RuntimeError(f"a build worker failed:\n{payload}")
                else:  # "done"
                    running.pop(conn).wait()
                    conn.close()
    finally:
        for conn, process in running.items():
            process.kill()
            process.wait()
            conn.close()
    if errors:
        raise min(errors, key=lambda e: e[0])[1]
    failure = min(failures, key=lambda f: f[0])[1] if failures else None
    return CompileResult([results[index] for index, _path in files], validator is not None, failure)


def _compile_worker() -> None:
    """Entry point of a worker process: compile its share of the files, send results in chunks.

    It stops at its first bad file. If the parent has gone, sending fails and the worker ends.
    """
    import pickle
    import signal
    import sys
    import traceback
    from multiprocessing.connection import Connection

    conn = Connection(int(sys.argv[1]), readable=False)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops the workers
    os.dup2(2, 1)  # nothing printed by accident can reach the results pipe
    try:
        data_dir, ontology_dir, files, validator, validate_chunk = pickle.load(sys.stdin.buffer)
        ontology = load_ontology(ontology_dir)
        registry = load_registry(data_dir / REGISTRY_FILE)
        base = base_nquads(ontology, registry) if validator is not None else b""
        chunk: list[CompiledArticle] = []
        unchecked: list[CompiledArticle] = []

        def check(items: list[CompiledArticle]) -> None:
            if validator is not None and items:
                try:
                    validate_compiled(base, items, ontology, validator, lambda _n: None)
                except ValidationFailed as exc:
                    failing = exc.graph or min(str(article_graph(i.article_id)) for i in items)
                    conn.send(("invalid", (failing, exc)))
                items.clear()

        for index, path in files:
            try:
                item = compile_file(index, path, data_dir, registry, ontology)
            except KgError as exc:
                conn.send(("compiled", chunk))
                conn.send(("error", (index, exc)))
                break
            chunk.append(item)
            unchecked.append(item)
            if len(chunk) >= _CHUNK:
                conn.send(("compiled", chunk))
                chunk = []
            if len(unchecked) >= validate_chunk:
                check(unchecked)
        else:
            conn.send(("compiled", chunk))
            check(unchecked)
        conn.send(("done", None))
    except (BrokenPipeError, EOFError):  # the parent has gone: nothing left to do
        pass
    except Exception:
        conn.send(("crash", traceback.format_exc()))
    finally:
        conn.close()
