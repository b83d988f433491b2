"""Compiling the ontology, the registry and reviewed annotations into one RDF dataset.

Named graphs: ``graph/ontology`` (ontology and topic scheme), ``graph/registry`` (actors, names,
identifiers), ``graph/registry-background`` (memberships and parent bodies: registry knowledge),
and ``graph/article/<id>`` per article: its facts, and for every fact a ``kg:Assertion`` (an
``rdf:Statement``) naming the evidence spans, their sentences, who stated it and how.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.annotation import load_annotation
from kg.errors import DuplicateId, MissingInput, SchemaError, SpanMismatch, UnknownEntity
from kg.model import Annotation, Registry, Span
from kg.namespaces import (
    BACKGROUND_GRAPH,
    ID,
    KG,
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
    if not data_dir.is_dir():
        raise MissingInput(
            f"data folder {data_dir} does not exist", str(data_dir), "pass --data DIR or run in the project folder"
        )
    ontology = load_ontology(ontology_dir)
    registry_path = data_dir / REGISTRY_FILE
    if not registry_path.is_file():
        raise MissingInput("the actor registry is missing", str(registry_path), "restore data/registry.yaml")
    registry = load_registry(registry_path)
    annotations_dir = data_dir / ANNOTATIONS_DIR
    if not annotations_dir.is_dir():
        raise MissingInput("the annotations folder is missing", str(annotations_dir), "create it and add annotations")
    annotations: list[Annotation] = []
    seen: dict[str, str] = {}
    for path in sorted(p for p in annotations_dir.iterdir() if p.suffix in ANNOTATION_SUFFIXES):
        annotation = load_annotation(path, data_dir)
        article_id = annotation.article.id
        if article_id in seen:
            raise DuplicateId(
                f"article id `{article_id}` is annotated twice",
                f"{path} and {seen[article_id]}",
                "give each article its own id",
            )
        seen[article_id] = str(path)
        annotations.append(annotation)

    ds = new_dataset()
    _add(ds.graph(ONTOLOGY_GRAPH), ontology.graph)
    registry_graph, background = registry_graphs(registry)
    _add(ds.graph(REGISTRY_GRAPH), registry_graph)
    _add(ds.graph(BACKGROUND_GRAPH), background)
    for annotation in annotations:
        _add(ds.graph(article_graph(annotation.article.id)), compile_annotation(annotation, registry, ontology))
    return BuildResult(ds, ontology, registry, annotations)


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
        self.g = Graph()
        self.entities: dict[str, URIRef] = {}
        self.entity_where: dict[str, str] = {}

    def run(self) -> Graph:
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
        if (node, RDF.type, KG.TextSpan) in self.g:
            return node
        index = next((i for i, (s, e) in enumerate(self.a.sentences) if s <= span.start and span.end <= e), None)
        if index is None:
            raise SpanMismatch(
                f"span {span.start}–{span.end} {span.text!r} of article {self.aid} is not inside one sentence",
                span.where,
                "split the evidence into one span per sentence, or fix `sentences`",
            )
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
            for mention in entity.mentions:
                self.g.add((self.span(mention), KG.mentions, node))

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


def compile_annotation(annotation: Annotation, registry: Registry, ontology: Ontology) -> Graph:
    """The triples of one article's named graph.

    Raises:
        UnknownEntity, DuplicateId, SchemaError, SpanMismatch: the annotation is inconsistent.
    """
    return _Compiler(annotation, registry, ontology).run()
