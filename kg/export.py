"""Exporting a built dataset in the usual formats; a registry maps format names to writers.

RDF formats are re-parsed by tests with an independent parser (pyoxigraph) and compared with the
built dataset. Line-based formats are sorted so identical inputs give byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import PREFIXES
from kg.network import build_network, to_graphml
from kg.output import write_atomic


def _sorted_lines(text: str) -> bytes:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def _turtle(dataset: Dataset) -> bytes:
    return _union(dataset).serialize(format="turtle").encode("utf-8")


def _ntriples(dataset: Dataset) -> bytes:
    return _sorted_lines(_union(dataset).serialize(format="nt"))


def _named_graphs(dataset: Dataset) -> list[Graph]:
    """The non-empty graphs in IRI order (rdflib's own order varies between runs)."""
    return sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier))


def _graph_copy(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    """A graph with kg's prefixes holding ``triples``, added in sorted order for stable output."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for triple in sorted(set(triples)):
        graph.add(triple)
    return graph


def _union(dataset: Dataset) -> Graph:
    return _graph_copy(q[:3] for q in dataset.quads((None, None, None, None)))


def _trig(dataset: Dataset) -> bytes:
    parts = [f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in sorted(PREFIXES.items())]
    for graph in _named_graphs(dataset):
        body = _graph_copy(graph).serialize(format="turtle")
        lines = [line for line in body.splitlines() if not line.startswith("@prefix")]
        inner = "\n".join(("    " + line) if line else "" for line in lines).strip("\n")
        parts.append(f"\n<{graph.identifier}> {{\n{inner}\n}}\n")
    return "".join(parts).encode("utf-8")


def _nquads(dataset: Dataset) -> bytes:
    lines = []
    for graph in _named_graphs(dataset):
        name = f"<{graph.identifier}>"
        for line in _graph_copy(graph).serialize(format="nt").splitlines():
            if line.endswith(" ."):
                lines.append(f"{line[:-2]} {name} .")
    return _sorted_lines("\n".join(lines))


def _canonical_json(value: object) -> object:
    # lists of nodes and values are ordered by their JSON text, so the output is stable
    if isinstance(value, dict):
        return {k: _canonical_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _jsonld(dataset: Dataset) -> bytes:
    # the context is given inline, so no reader has to fetch anything
    graphs = []
    for graph in _named_graphs(dataset):
        doc = json.loads(_graph_copy(graph).serialize(format="json-ld", context=dict(PREFIXES)))
        nodes = doc.get("@graph", [doc]) if isinstance(doc, dict) else doc
        nodes = [{k: v for k, v in node.items() if k != "@context"} for node in nodes]
        graphs.append({"@id": str(graph.identifier), "@graph": _canonical_json(nodes)})
    text = json.dumps({"@context": dict(PREFIXES), "@graph": graphs}, indent=1, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _graphml(dataset: Dataset) -> bytes:
    return to_graphml(build_network(dataset))


def _term_kind(term: Node) -> str:
    if isinstance(term, URIRef):
        return "iri"
    if isinstance(term, BNode):
        return "blank"
    return "literal"


def _csv(dataset: Dataset) -> bytes:
    rows = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph_name = str(g.identifier) if isinstance(g, Graph) else str(g)
        datatype = str(o.datatype) if isinstance(o, Literal) and o.datatype else ""
        language = (o.language or "") if isinstance(o, Literal) else ""
        rows.add((graph_name, str(s), str(p), str(o), _term_kind(o), datatype, language))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["graph", "subject", "predicate", "object", "object_kind", "datatype", "language"])
    writer.writerows(sorted(rows))
    return buffer.getvalue().encode("utf-8")


EXPORTERS: dict[str, Callable[[Dataset], bytes]] = {
    "turtle": _turtle,
    "ntriples": _ntriples,
    "trig": _trig,
    "nquads": _nquads,
    "jsonld": _jsonld,
    "graphml": _graphml,
    "csv": _csv,
}
SUFFIXES = {
    "turtle": ".ttl",
    "ntriples": ".nt",
    "trig": ".trig",
    "nquads": ".nq",
    "jsonld": ".jsonld",
    "graphml": ".graphml",
    "csv": ".csv",
}


def serialize_dataset(dataset: Dataset, fmt: str, inferred: bool = False) -> bytes:
    """The dataset in format ``fmt`` (a key of EXPORTERS), optionally with the OWL-RL closure added."""
    if inferred:
        from kg.build import new_dataset
        from kg.inference import INFERRED_GRAPH, infer_closure

        closure = infer_closure(dataset)
        combined = new_dataset()
        for s, p, o, g in sorted(dataset.quads((None, None, None, None)), key=lambda q: (str(q[3]), q[0], q[1], q[2])):
            name = g.identifier if isinstance(g, Graph) else g
            combined.graph(name).add((s, p, o))
        target = combined.graph(INFERRED_GRAPH)
        for triple in sorted(closure):
            target.add(triple)
        dataset = combined
    return EXPORTERS[fmt](dataset)


def export_dataset(dataset: Dataset, fmt: str, path: Path, inferred: bool = False) -> int:
    """Write the dataset to ``path`` atomically; returns the number of bytes written.

    Raises:
        OutputError: the file cannot be written (an earlier file at ``path`` is left as it was).
    """
    data = serialize_dataset(dataset, fmt, inferred)
    write_atomic(path, data)
    return len(data)


# formats written by pyoxigraph straight from the store, without going through rdflib
_NATIVE = {"nquads", "trig"}


def export_store(
    store_dir: Path, fmt: str, path: Path, ontology_dir: Path | None = None, inferred: bool = False
) -> int:
    """Write the data of a built store (``<out>/store``) to ``path`` atomically; returns the bytes written.

    N-Quads (sorted lines) and TriG are serialised by pyoxigraph, so they stay fast on large
    corpora; the other formats go through rdflib as ``export_dataset`` does.

    Raises:
        MissingInput: no store there. StoreBusy: a build held it. OutputError: the file cannot be written.
    """
    import pyoxigraph as ox

    from kg.errors import MissingInput
    from kg.ontology import load_ontology
    from kg.store import data_quads, dataset_from_store, is_built, open_read_only, reading

    if not is_built(store_dir):
        raise MissingInput(f"no built store at {store_dir}", str(store_dir), "run `kg build` first, or pass --store")
    ontology = load_ontology(ontology_dir)
    with reading(store_dir, 60.0):
        store = open_read_only(store_dir)
        if fmt in _NATIVE and not inferred:
            if fmt == "nquads":
                text = ox.serialize(data_quads(store, ontology), format=ox.RdfFormat.N_QUADS) or b""
                data = b"".join(sorted(set(text.splitlines(keepends=True))))
            else:
                data = (
                    ox.serialize(data_quads(store, ontology), format=ox.RdfFormat.TRIG, prefixes=_plain_prefixes())
                    or b""
                )
        else:
            data = serialize_dataset(dataset_from_store(store, ontology), fmt, inferred)
        del store
    write_atomic(path, data)
    return len(data)


def _plain_prefixes() -> dict[str, str]:
    # namespaces whose local names contain "/" would be written escaped; leave those as full IRIs
    return {k: v for k, v in PREFIXES.items() if k not in ("id", "topic", "graph")}
