"""The actor network as a networkx graph: entities and topics as nodes, article facts as edges.

Every edge carries the evidence sentence(s) that state it and who said it, so views built from the
network (GraphML, the HTML page) keep the trace back to the text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from kg.namespaces import BACKGROUND_GRAPH, GRAPH, KG, ONTOLOGY_GRAPH, REGISTRY_GRAPH, SCHEMA, TOPIC
from kg.ontology import to_rdflib

# facts that are attributes of a node in the network rather than edges
ATTRIBUTE_PREDICATES = {KG.modality, KG.quotation, KG.description, KG.date, KG.notBefore, KG.notAfter}
SOURCE_SIDE = {KG.Assertion, KG.TextSpan, KG.Sentence, KG.Article}
BACKGROUND_EDGES = {KG.memberOf, KG.partOf}
MAX_MENTIONS = 3  # sentences quoted in a node's ``mentions`` attribute


def _by_graph(dataset: Dataset, predicate: Node, obj: Node | None = None) -> dict[Node | None, list[tuple[Node, Node]]]:
    """(subject, object) pairs of ``predicate`` in each named graph, from one pass over the dataset.

    Asking each graph of an rdflib Dataset for a predicate scans that predicate in every graph, so a
    loop over graphs costs graphs × triples; this costs the triples once. Order within a graph is
    the order the graph itself would give.
    """
    grouped: dict[Node | None, list[tuple[Node, Node]]] = defaultdict(list)
    for s, _p, o, g in dataset.quads((None, predicate, obj, None)):
        grouped[g.identifier if isinstance(g, Graph) else g].append((s, o))
    return grouped


def _local(iri: Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class _Describer:
    """Labels, most specific kg class and identifiers of the nodes of a dataset (or of a store)."""

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.subclass_of: dict[Node, set[Node]] = defaultdict(set)
        self.labels: dict[Node, str] = {}
        self.types: dict[Node, set[Node]] = defaultdict(set)
        self.wikidata: dict[Node, str] = {}
        self.iso3166: dict[Node, str] = {}
        if dataset is None:
            return
        ontology = dataset.graph(ONTOLOGY_GRAPH)
        registry = dataset.graph(REGISTRY_GRAPH)
        for s, o in ontology.subject_objects(RDFS.subClassOf):
            self.subclass_of[s].add(o)
        labels, types, pref_labels = (_by_graph(dataset, p) for p in (RDFS.label, RDF.type, SKOS.prefLabel))
        for graph in dataset.graphs():
            name = graph.identifier
            for s, o in labels.get(name, ()):
                self.labels.setdefault(s, str(o))
            for s, o in types.get(name, ()):
                self.types[s].add(o)
            for s, o in pref_labels.get(name, ()):
                self.labels.setdefault(s, str(o))
        for s, o in registry.subject_objects(SCHEMA.sameAs):
            self.wikidata[s] = _local(o)
        for s, o in registry.subject_objects(KG.iso3166Alpha2):
            self.iso3166[s] = str(o)

    def label(self, node: Node) -> str:
        return self.labels.get(node, _local(node))

    def node_type(self, node: Node) -> str:
        classes = {c for c in self.types.get(node, set()) if str(c).startswith(str(KG._NS))}
        # the most specific class: one that no other class of the node is a subclass of
        specific = [c for c in classes if not any(c in self.subclass_of[d] for d in classes if d != c)]
        if specific:
            return sorted(_local(c) for c in specific)[0]
        return "Topic" if str(node).startswith(str(TOPIC)) else "Thing"

    def attrs(self, node: Node) -> dict[str, str]:
        attrs = {"label": self.label(node), "type": self.node_type(node), "iri": str(node)}
        if node in self.wikidata:
            attrs["wikidata"] = self.wikidata[node]
        if node in self.iso3166:
            attrs["iso3166"] = self.iso3166[node]
        return attrs


# an article fact on its way into the network: subject key, object key, edge attributes, subject, object
_Edge = tuple[str, str, dict[str, str], Node, Node]


def build_network(dataset: Dataset, describe: _Describer | None = None) -> nx.MultiDiGraph:
    """The network of the article facts in ``dataset``, plus registry membership among its nodes.

    Node attributes: ``label``, ``type`` (kg class local name), ``iri``, ``wikidata``, ``iso3166``,
    ``mentions`` (the first sentences that mention the node, each as ``[article sN] text``).
    Edge attributes: ``predicate``, ``label``, ``article``, ``evidence`` (sentences, joined),
    ``stated_by``, ``origin`` (``article`` or ``registry``).
    """
    background = dataset.graph(BACKGROUND_GRAPH)
    article_prefix = str(GRAPH["article/"])
    describe = describe or _Describer(dataset)
    labels, types = describe.labels, describe.types
    mentioned: dict[Node, set[tuple[str, int, str]]] = defaultdict(set)
    edges: list[_Edge] = []
    texts, in_sentence, mentions = (_by_graph(dataset, p) for p in (KG.text, KG.inSentence, KG.mentions))
    assertions = _by_graph(dataset, RDF.type, KG.Assertion)
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        name = str(graph.identifier)
        if not name.startswith(article_prefix):
            continue
        article = name[len(article_prefix) :]
        sentence_text: dict[Node, str] = {s: str(t) for s, t in texts.get(graph.identifier, ())}
        span_sentence: dict[Node, Node] = dict(in_sentence.get(graph.identifier, ()))
        for span, node in mentions.get(graph.identifier, ()):
            sentence = span_sentence.get(span)
            if sentence is not None:
                mentioned[node].add((article, int(_local(sentence)), sentence_text.get(sentence, "")))
        for assertion, _type in assertions.get(graph.identifier, ()):
            subj = graph.value(assertion, RDF.subject)
            pred = graph.value(assertion, RDF.predicate)
            obj = graph.value(assertion, RDF.object)
            if subj is None or pred is None or obj is None or pred in ATTRIBUTE_PREDICATES or isinstance(obj, Literal):
                continue
            if types.get(obj, set()) & SOURCE_SIDE:
                continue
            sentences = sorted(
                {sentence_text.get(span_sentence.get(span), "") for span in graph.objects(assertion, KG.evidence)}  # type: ignore[arg-type]
            )
            stated = sorted(labels.get(w, _local(w)) for w in graph.objects(assertion, KG.statedBy))
            stated += sorted(labels.get(w, _local(w)) for w in graph.objects(assertion, KG.statedIn))
            edges.append(
                (
                    str(subj),
                    str(obj),
                    {
                        "predicate": _local(pred),
                        "label": labels.get(pred, _local(pred)),
                        "article": article,
                        "evidence": "\n".join(t for t in sentences if t),
                        "stated_by": "; ".join(stated),
                        "origin": "article",
                    },
                    subj,
                    obj,
                )
            )
    membership = [(s, p, o) for s, p, o in sorted(background) if p in BACKGROUND_EDGES]
    return _assemble(describe, mentioned, edges, membership)


def _assemble(
    describe: _Describer,
    mentioned: dict[Node, set[tuple[str, int, str]]],
    edges: list[_Edge],
    membership: list[tuple[Node, Node, Node]],
) -> nx.MultiDiGraph:
    """The network of gathered facts: nodes of the facts, then registry membership among them."""
    net = nx.MultiDiGraph()

    def add_node(node: Node) -> None:
        key = str(node)
        if key not in net:
            attrs = describe.attrs(node)
            sentences = sorted(mentioned.get(node, set()))
            if sentences:
                attrs["mentions"] = "\n".join(f"[{a} s{n}] {text}" for a, n, text in sentences[:MAX_MENTIONS])
            net.add_node(key, **attrs)

    for s_key, o_key, attrs, s, o in sorted(edges, key=lambda e: (e[0], e[2]["predicate"], e[1])):
        add_node(s)
        add_node(o)
        net.add_edge(s_key, o_key, key=f"{attrs['predicate']}@{attrs['article']}", **attrs)
    present = set(net.nodes)
    for s, p, o in membership:
        if str(s) in present and str(o) in present:
            net.add_edge(
                str(s),
                str(o),
                key=f"{_local(p)}@registry",
                predicate=_local(p),
                label=describe.labels.get(p, _local(p)),
                article="",
                evidence="",
                stated_by="",
                origin="registry",
            )
    return net


def _rows(store: ox.Store, query: str) -> Iterator[list[Any]]:
    """The solutions of a SELECT on ``store`` as lists of rdflib terms (None when unbound)."""
    result = store.query(f"PREFIX kg: <{KG._NS}> PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> {query}")
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    for row in result:
        yield [None if term is None else to_rdflib(term) for term in row]


def _describer_of_store(store: ox.Store) -> _Describer:
    """The describer of a built store, from a few SPARQL queries (nothing is copied into rdflib)."""
    describe = _Describer()
    for s, o in _rows(store, f"SELECT ?s ?o {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s rdfs:subClassOf ?o }} }}"):
        describe.subclass_of[s].add(o)
    # the first label found wins, graph by graph in the order a built dataset holds them
    order = f"IF(?g = <{ONTOLOGY_GRAPH}>, 0, IF(?g = <{REGISTRY_GRAPH}>, 1, IF(?g = <{BACKGROUND_GRAPH}>, 2, 3)))"
    labels = (
        f"SELECT ?s ?l {{ GRAPH ?g {{ {{ ?s rdfs:label ?l BIND(0 AS ?k) }} UNION "
        f"{{ ?s <{SKOS.prefLabel}> ?l BIND(1 AS ?k) }} }} }} ORDER BY ({order}) STR(?g) ?k"
    )
    for s, label in _rows(store, labels):
        describe.labels.setdefault(s, str(label))
    kinds = f'SELECT DISTINCT ?s ?t {{ GRAPH ?g {{ ?s a ?t }} FILTER(STRSTARTS(STR(?t), "{KG._NS}")) }}'
    for s, t in _rows(store, kinds):
        describe.types[s].add(t)
    for s, o in _rows(store, f"SELECT ?s ?o {{ GRAPH <{REGISTRY_GRAPH}> {{ ?s <{SCHEMA.sameAs}> ?o }} }}"):
        describe.wikidata[s] = _local(o)
    for s, o in _rows(store, f"SELECT ?s ?o {{ GRAPH <{REGISTRY_GRAPH}> {{ ?s kg:iso3166Alpha2 ?o }} }}"):
        describe.iso3166[s] = str(o)
    return describe


def network_from_store(store: ox.Store) -> tuple[nx.MultiDiGraph, _Describer]:
    """The network ``build_network`` gives for the dataset of a built store, read in place.

    A few SPARQL queries on pyoxigraph gather the same facts build_network reads from rdflib, so a
    store of a million triples is drawn without copying it into rdflib. Returns the network and the
    describer of its nodes (for ``network_from_triples``).
    """
    describe = _describer_of_store(store)
    labels, types = describe.labels, describe.types
    in_articles = f'FILTER(STRSTARTS(STR(?g), "{GRAPH["article/"]}"))'
    prefix = len(str(GRAPH["article/"]))
    mentioned: dict[Node, set[tuple[str, int, str]]] = defaultdict(set)
    mentions = (
        "SELECT ?g ?node ?sentence ?text { GRAPH ?g { ?span kg:mentions ?node ; kg:inSentence ?sentence "
        f"OPTIONAL {{ ?sentence kg:text ?text }} }} {in_articles} }}"
    )
    for g, node, sentence, text in _rows(store, mentions):
        mentioned[node].add((str(g)[prefix:], int(_local(sentence)), "" if text is None else str(text)))
    evidence: dict[tuple[Node, Node], set[str]] = defaultdict(set)
    spans = (
        "SELECT ?g ?a ?text { GRAPH ?g { ?a a kg:Assertion ; kg:evidence ?span "
        f"OPTIONAL {{ ?span kg:inSentence ?sentence OPTIONAL {{ ?sentence kg:text ?text }} }} }} {in_articles} }}"
    )
    for g, assertion, text in _rows(store, spans):
        evidence[(g, assertion)].add("" if text is None else str(text))
    stated: dict[tuple[Node, Node], tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    who = (
        "SELECT ?g ?a ?k ?w { GRAPH ?g { ?a a kg:Assertion ; ?k ?w VALUES ?k { kg:statedBy kg:statedIn } } "
        f"{in_articles} }}"
    )
    for g, assertion, kind, w in _rows(store, who):
        stated[(g, assertion)][0 if kind == KG.statedBy else 1].append(labels.get(w, _local(w)))
    facts = (
        "SELECT ?g ?a ?s ?p ?o { GRAPH ?g { ?a a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } "
        f"{in_articles} }} ORDER BY STR(?g)"
    )
    edges: list[_Edge] = []
    for g, assertion, subj, pred, obj in _rows(store, facts):
        if pred in ATTRIBUTE_PREDICATES or isinstance(obj, Literal) or types.get(obj, set()) & SOURCE_SIDE:
            continue
        by, where = stated.get((g, assertion), ([], []))
        edges.append(
            (
                str(subj),
                str(obj),
                {
                    "predicate": _local(pred),
                    "label": labels.get(pred, _local(pred)),
                    "article": str(g)[prefix:],
                    "evidence": "\n".join(t for t in sorted(evidence.get((g, assertion), set())) if t),
                    "stated_by": "; ".join(sorted(by) + sorted(where)),
                    "origin": "article",
                },
                subj,
                obj,
            )
        )
    membership = (
        f"SELECT ?s ?p ?o {{ GRAPH <{BACKGROUND_GRAPH}> {{ ?s ?p ?o VALUES ?p {{ kg:memberOf kg:partOf }} }} }}"
    )
    background = sorted(tuple(row) for row in _rows(store, membership))
    return _assemble(describe, mentioned, edges, background), describe


def to_graphml(net: nx.MultiDiGraph) -> bytes:
    """GraphML of the network; nodes and edges in a stable order."""
    ordered = nx.MultiDiGraph()
    for node in sorted(net.nodes):
        ordered.add_node(node, **net.nodes[node])
    for s, o, key, attrs in sorted(net.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        ordered.add_edge(s, o, key=key, **attrs)
    return ("\n".join(nx.generate_graphml(ordered, named_key_ids=True)) + "\n").encode("utf-8")


def network_from_triples(
    dataset: Dataset | None,
    triples: Iterable[tuple[Node, Node, Node]],
    full: nx.MultiDiGraph | None = None,
    describe: _Describer | None = None,
) -> nx.MultiDiGraph:
    """The part of the network that a set of triples (a CONSTRUCT result) describes.

    A triple between two resources becomes an edge; where the full network has that edge, its
    evidence comes with it. Triples with a literal object and ``rdf:type`` only bring in their
    subject as a node, so a query can select nodes without edges. Give either ``dataset``, or the
    ``full`` network with its ``describe``r (as ``network_from_store`` returns them).
    """
    if describe is None:
        if dataset is None:
            raise TypeError("network_from_triples needs the dataset, or the full network and its describer")
        describe = _Describer(dataset)
    if full is None:
        if dataset is None:
            raise TypeError("network_from_triples needs the dataset, or the full network and its describer")
        full = build_network(dataset, describe)
    net = nx.MultiDiGraph()

    def add_node(node: Node) -> str:
        key = str(node)
        if key not in net:
            net.add_node(key, **(dict(full.nodes[key]) if key in full else describe.attrs(node)))
        return key

    for s, p, o in sorted(triples):
        if isinstance(s, Literal):
            continue
        add_node(s)
        if isinstance(o, Literal) or p == RDF.type:
            continue
        add_node(o)
        predicate = _local(p)
        known = full.get_edge_data(str(s), str(o)) or {}
        matches = {key: attrs for key, attrs in known.items() if attrs.get("predicate") == predicate}
        if not matches:
            matches = {
                f"{predicate}@query": {
                    "predicate": predicate,
                    "label": describe.label(p),
                    "article": "",
                    "evidence": "",
                    "stated_by": "",
                    "origin": "query",
                }
            }
        for key, attrs in sorted(matches.items()):
            net.add_edge(str(s), str(o), key=key, **attrs)
    return net
