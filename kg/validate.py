"""SHACL validation of a built dataset: the registry, then each article graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.errors import ValidationFailed
from kg.namespaces import BACKGROUND_GRAPH, GRAPH, PREFIXES, REGISTRY_GRAPH
from kg.ontology import Ontology

SH = "http://www.w3.org/ns/shacl#"
MAX_REPORTED = 20


def validate_dataset(dataset: Dataset, ontology: Ontology) -> None:
    """Validate the registry and every article graph against the shapes.

    An article graph is validated together with the registry's description of the actors it
    refers to (their types), and with the ontology (for subclass reasoning in sh:class).

    Raises:
        ValidationFailed: with a one-line summary and, in ``report``, one line per violation.
    """
    registry = dataset.graph(REGISTRY_GRAPH)
    _validate_registry(registry, dataset.graph(BACKGROUND_GRAPH), ontology)
    prefix = str(GRAPH["article/"])
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        name = str(graph.identifier)
        if name.startswith(prefix):
            _validate_article(name, graph, registry, ontology)


def validate_store_graphs(
    store: ox.Store, graphs: Sequence[str], ontology: Ontology, progress: Callable[[int], None] | None = None
) -> None:
    """Validate named graphs of a pyoxigraph store: article graphs, and the registry if named.

    The store holds the registry and ontology graphs besides the graphs to check. This is the
    build's validation step: it receives only the graphs that changed. ``progress`` is called
    with 1 after each article.

    Raises:
        ValidationFailed: as validate_dataset.
    """
    from kg.ontology import integer_ranges, triple_from_oxigraph

    ranges = integer_ranges(ontology)

    def graph_of(name: URIRef) -> Graph:
        out = Graph()
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            out.add(triple_from_oxigraph(quad, ranges))
        return out

    registry = graph_of(REGISTRY_GRAPH)
    if str(REGISTRY_GRAPH) in graphs:
        _validate_registry(registry, graph_of(BACKGROUND_GRAPH), ontology)
    prefix = str(GRAPH["article/"])
    for name in sorted(graphs):
        if name.startswith(prefix):
            _validate_article(name, graph_of(URIRef(name)), registry, ontology)
            if progress:
                progress(1)


def _validate_registry(registry: Graph, background: Graph, ontology: Ontology) -> None:
    data = Graph()
    for triple in registry:
        data.add(triple)
    for triple in background:
        data.add(triple)
    _check(data, ontology.shapes, ontology, "the registry")


def article_data_graph(graph: Graph, registry: Graph) -> Graph:
    """The data graph an article is validated as: its triples, and the registry's triples about
    every node it refers to (its subjects, and its IRI objects other than classes)."""
    data = Graph()
    referenced: set[Node] = set()
    for s, p, o in graph:
        data.add((s, p, o))
        referenced.add(s)
        if isinstance(o, URIRef) and p != RDF.type:
            referenced.add(o)
    for node in referenced:
        for p, o in registry.predicate_objects(node):
            data.add((node, p, o))
    return data


def _validate_article(name: str, graph: Graph, registry: Graph, ontology: Ontology) -> None:
    data = article_data_graph(graph, registry)
    what = f"article {name[len(str(GRAPH['article/'])) :]}"
    try:
        _check(data, ontology.shapes, ontology, what)
        _check_sparql_constraints(data, ontology.evidence_shapes, what)
    except ValidationFailed as exc:
        exc.graph = name
        raise


def _check(data: Graph, shapes: Graph, ontology: Ontology, what: str) -> None:
    import pyshacl  # heavy: imported only when validating

    # the ontology goes into the data graph so that sh:class sees rdfs:subClassOf and the topics
    data += ontology.graph
    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if conforms:
        return
    if not isinstance(results, Graph):  # pyshacl could not run the shapes at all
        raise ValidationFailed(
            f"the SHACL shapes could not be applied to {what}: {_text.strip()}", "ontology/", "fix the shapes files"
        )
    lines = {_describe(results, r) for r in results.subjects(RDF.type, URIRef(SH + "ValidationResult"))}
    report_violations(lines, what, "ontology/shapes.ttl", "fix the annotation or registry entries named in the report")


def report_violations(lines: Iterable[str], what: str, shapes_file: str, remedy: str, graph: str = "") -> None:
    """Raise ValidationFailed with a one-line summary and a report of at most MAX_REPORTED lines.

    ``lines`` describe the violations, one each; ``graph`` is the IRI of the failing graph, if known.
    """
    lines = sorted(set(lines))
    report = "\n".join(f"  - {line}" for line in lines[:MAX_REPORTED])
    if len(lines) > MAX_REPORTED:
        report += f"\n  … and {len(lines) - MAX_REPORTED} more"
    raise ValidationFailed(
        f"{what} violates the SHACL shapes in {len(lines)} place(s); first: {lines[0]}",
        shapes_file,
        remedy,
        report=report,
        graph=graph,
    )


def _check_sparql_constraints(data: Graph, shapes: Graph, what: str) -> None:
    """Run the SHACL-SPARQL constraints of ``shapes`` (sh:targetClass + sh:sparql/sh:select) natively.

    pyshacl parses a SPARQL constraint afresh for every focus node with rdflib's pure-Python engine,
    which grows with the number of facts; pyoxigraph runs the same query, with ``$this`` pre-bound as
    SHACL specifies, in milliseconds. The shapes stay standard SHACL, usable by any SHACL engine.
    """
    import pyoxigraph as ox

    from kg.ontology import to_oxigraph

    store = ox.Store()
    store.extend([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in data])  # type: ignore[arg-type]
    lines: list[str] = []
    for shape in sorted(shapes.subjects(RDF.type, URIRef(SH + "NodeShape")), key=str):
        for constraint in shapes.objects(shape, URIRef(SH + "sparql")):
            query = str(shapes.value(constraint, URIRef(SH + "select")))
            message = str(shapes.value(constraint, URIRef(SH + "message")) or "SPARQL constraint violated")
            header = "".join(
                f"PREFIX {shapes.value(d, URIRef(SH + 'prefix'))}: <{shapes.value(d, URIRef(SH + 'namespace'))}>\n"
                for holder in shapes.objects(constraint, URIRef(SH + "prefixes"))
                for d in shapes.objects(holder, URIRef(SH + "declare"))
            )
            for target_class in shapes.objects(shape, URIRef(SH + "targetClass")):
                for focus in sorted(data.subjects(RDF.type, target_class), key=str):
                    solutions = store.query(header + query, substitutions={ox.Variable("this"): to_oxigraph(focus)})
                    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
                    for solution in solutions:  # type: ignore[union-attr]
                        text = message
                        for name in names:
                            text = text.replace("{?" + name + "}", _short_ox(solution[name]))
                        lines.append(f"focus {_short(focus)}; {text}")
    if lines:
        report_violations(lines, what, "ontology/evidence-shapes.ttl", "add evidence for the facts named in the report")


def _short_ox(term: object) -> str:
    if term is None:
        return "-"
    value = getattr(term, "value", str(term))
    return _short(URIRef(value)) if type(term).__name__ == "NamedNode" else repr(value)


def _short(node: Node | None) -> str:
    if node is None:
        return "-"
    text = str(node)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return text if isinstance(node, URIRef) else repr(text)


def _describe(results: Graph, result: Node) -> str:
    def one(pred: str) -> Node | None:
        return next(iter(results.objects(result, URIRef(SH + pred))), None)

    parts = [f"focus {_short(one('focusNode'))}"]
    if one("resultPath") is not None:
        parts.append(f"path {_short(one('resultPath'))}")
    if one("value") is not None:
        parts.append(f"value {_short(one('value'))}")
    parts.append(str(one("resultMessage") or "constraint violated"))
    return "; ".join(parts)
