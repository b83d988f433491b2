"""The actor network as a networkx graph: entities and topics as nodes, article facts as edges.

Every edge carries the evidence sentence(s) that state it and who said it, so views built from the
network (GraphML, the HTML page) keep the trace back to the text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from kg.namespaces import BACKGROUND_GRAPH, GRAPH, KG, ONTOLOGY_GRAPH, REGISTRY_GRAPH, SCHEMA, TOPIC

# facts that are attributes of a node in the network rather than edges
ATTRIBUTE_PREDICATES = {KG.modality, KG.quotation, KG.description, KG.date}
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
    """Labels, most specific kg class and identifiers of the nodes of a dataset."""

    def __init__(self, dataset: Dataset) -> None:
        ontology = dataset.graph(ONTOLOGY_GRAPH)
        self.registry = dataset.graph(REGISTRY_GRAPH)
        self.subclass_of: dict[Node, set[Node]] = defaultdict(set)
        for s, o in ontology.subject_objects(RDFS.subClassOf):
            self.subclass_of[s].add(o)
        self.labels: dict[Node, str] = {}
        self.types: dict[Node, set[Node]] = defaultdict(set)
        labels, types, pref_labels = (_by_graph(dataset, p) for p in (RDFS.label, RDF.type, SKOS.prefLabel))
        for graph in dataset.graphs():
            name = graph.identifier
            for s, o in labels.get(name, ()):
                self.labels.setdefault(s, str(o))
            for s, o in types.get(name, ()):
                self.types[s].add(o)
            for s, o in pref_labels.get(name, ()):
                self.labels.setdefault(s, str(o))

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
        for qid in self.registry.objects(node, SCHEMA.sameAs):
            attrs["wikidata"] = _local(qid)
        for code in self.registry.objects(node, KG.iso3166Alpha2):
            attrs["iso3166"] = str(code)
        return attrs


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
    net = nx.MultiDiGraph()

    mentioned: dict[Node, set[tuple[str, int, str]]] = defaultdict(set)

    def add_node(node: Node) -> str:
        key = str(node)
        if key not in net:
            attrs = describe.attrs(node)
            sentences = sorted(mentioned.get(node, set()))
            if sentences:
                attrs["mentions"] = "\n".join(f"[{a} s{n}] {text}" for a, n, text in sentences[:MAX_MENTIONS])
            net.add_node(key, **attrs)
        return key

    edges = []
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
    for s_key, o_key, attrs, s, o in sorted(edges, key=lambda e: (e[0], e[2]["predicate"], e[1])):
        add_node(s)
        add_node(o)
        net.add_edge(s_key, o_key, key=f"{attrs['predicate']}@{attrs['article']}", **attrs)
    present = set(net.nodes)
    for s, p, o in sorted(background):
        if p in BACKGROUND_EDGES and str(s) in present and str(o) in present:
            net.add_edge(
                str(s),
                str(o),
                key=f"{_local(p)}@registry",
                predicate=_local(p),
                label=labels.get(p, _local(p)),
                article="",
                evidence="",
                stated_by="",
                origin="registry",
            )
    return net


def to_graphml(net: nx.MultiDiGraph) -> bytes:
    """GraphML of the network; nodes and edges in a stable order."""
    ordered = nx.MultiDiGraph()
    for node in sorted(net.nodes):
        ordered.add_node(node, **net.nodes[node])
    for s, o, key, attrs in sorted(net.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        ordered.add_edge(s, o, key=key, **attrs)
    return ("\n".join(nx.generate_graphml(ordered, named_key_ids=True)) + "\n").encode("utf-8")


def network_from_triples(
    dataset: Dataset, triples: Iterable[tuple[Node, Node, Node]], full: nx.MultiDiGraph | None = None
) -> nx.MultiDiGraph:
    """The part of the network that a set of triples (a CONSTRUCT result) describes.

    A triple between two resources becomes an edge; where the full network has that edge, its
    evidence comes with it. Triples with a literal object and ``rdf:type`` only bring in their
    subject as a node, so a query can select nodes without edges.
    """
    describe = _Describer(dataset)
    full = build_network(dataset, describe) if full is None else full
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
