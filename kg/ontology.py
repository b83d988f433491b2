"""Loading the ontology, topic scheme and shapes from ontology/ with a strict Turtle parser.

rdflib accepts some malformed Turtle (IRIs with spaces, relative IRIs resolved against the file's
location); kg parses with pyoxigraph instead, which reports line and column, then hands the triples
to rdflib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg import resources
from kg.errors import MissingInput, UnsupportedShape
from kg.namespaces import KG, PREFIXES, TOPIC

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Node:
    """Convert a pyoxigraph term to the rdflib term with the same meaning."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            # RDF 1.1: a simple literal is an xsd:string; rdflib keeps the two apart, so normalise
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


# pyoxigraph stores every type derived from xsd:integer as xsd:integer ("5"^^xsd:nonNegativeInteger
# comes back as "5"^^xsd:integer); kg restores the type the ontology gives the property
_XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_SUBTYPES = frozenset(
    URIRef(_XSD + name)
    for name in (
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
XSD_INTEGER = _XSD + "integer"


def integer_ranges(ontology: Ontology) -> dict[str, URIRef]:
    """Properties whose rdfs:range is a type derived from xsd:integer, with that type."""
    return {
        str(prop): URIRef(str(range_))
        for prop, range_ in ontology.graph.subject_objects(RDFS.range)
        if range_ in INTEGER_SUBTYPES
    }


def triple_from_oxigraph(quad: ox.Quad | ox.Triple, integer_ranges: dict[str, URIRef]) -> tuple[Node, Node, Node]:
    """An rdflib triple from a quad or triple read back from a pyoxigraph store.

    Integer literals of the properties in ``integer_ranges`` get back the derived type the store dropped.
    """
    obj = quad.object
    if isinstance(obj, ox.Literal) and obj.datatype.value == XSD_INTEGER:
        restored = integer_ranges.get(quad.predicate.value)
        if restored is not None:
            return (to_rdflib(quad.subject), URIRef(quad.predicate.value), Literal(obj.value, datatype=restored))
    return (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(obj))


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to pyoxigraph."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def parse_turtle(path: Path, what: str = "Turtle file", base_iri: str | None = None) -> Graph:
    """Parse a Turtle file strictly; without ``base_iri`` a relative IRI is an error.

    Raises:
        FileFormatError: not UTF-8 or not valid Turtle, naming file:line:column.
    """
    from kg.rdffile import read_quads

    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for quad in read_quads(path, what, ox.RdfFormat.TURTLE, base_iri, remedy="fix the Turtle syntax"):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


@dataclass(frozen=True)
class Ontology:
    """The parsed ontology (with topics), the SHACL shapes, and lookups the build needs."""

    graph: Graph
    shapes: Graph
    evidence_shapes: Graph
    classes: frozenset[str]
    properties: dict[str, URIRef]
    datatype_properties: frozenset[str]
    topics: frozenset[str]

    def property(self, local: str) -> URIRef | None:
        """The kg property with this local name, if the ontology defines it."""
        return self.properties.get(local)


def load_ontology(folder: Path | None = None) -> Ontology:
    """Load ontology/*.ttl and the shapes.

    Raises:
        MissingInput: the folder or one of its files is absent.
        FileFormatError: a file is not valid Turtle (file:line:column).
    """
    folder = folder or resources.ontology_dir()
    if not folder.is_dir():
        raise MissingInput(
            f"ontology folder {folder} does not exist", str(folder), "run kg from the project folder or reinstall kg"
        )
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for name in resources.ONTOLOGY_FILES:
        path = folder / name
        if not path.is_file():
            raise MissingInput(f"ontology file {name} is missing", str(path), "restore it from the project")
        graph += parse_turtle(path, f"ontology file {name}")
    shapes = _required(folder / resources.SHAPES_FILE)
    evidence = _required(folder / resources.EVIDENCE_SHAPES_FILE)
    ns = str(KG._NS)
    classes = frozenset(str(c)[len(ns) :] for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(ns))
    properties: dict[str, URIRef] = {}
    datatype_props: set[str] = set()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in graph.subjects(RDF.type, kind):
            if isinstance(prop, URIRef) and str(prop).startswith(ns):
                properties[str(prop)[len(ns) :]] = prop
                if kind == OWL.DatatypeProperty:
                    datatype_props.add(str(prop)[len(ns) :])
    topics = frozenset(
        str(t)[len(str(TOPIC)) :] for t in graph.subjects(SKOS.inScheme, KG.topics) if str(t).startswith(str(TOPIC))
    )
    return Ontology(graph, shapes, evidence, classes, properties, frozenset(datatype_props), topics)


def _required(path: Path) -> Graph:
    if not path.is_file():
        raise MissingInput(f"shapes file {path.name} is missing", str(path), "restore it from the project")
    shapes = parse_turtle(path, f"shapes file {path.name}")
    _refuse_remote_queries(shapes, path)
    return shapes


# SHACL-SPARQL query texts, and the words that would make an engine reach outside: pyshacl runs a
# constraint's query on rdflib, which would fetch a SERVICE; no validator may see one
_SH = "http://www.w3.org/ns/shacl#"
_QUERY_TEXTS = tuple(URIRef(_SH + name) for name in ("select", "ask", "construct", "update"))
_REMOTE = re.compile(r"\b(SERVICE|LOAD|FROM)\b", re.IGNORECASE)


# links to other graphs that a reader could follow: kg reads none of them, so a file naming one
# would be checked against less than its author meant; it is refused rather than silently cut
_LINKS_OUT = (OWL.imports, URIRef(_SH + "shapesGraph"))


def _refuse_remote_queries(shapes: Graph, path: Path) -> None:
    """Refuse a shapes file that points outside itself, before any validator sees it.

    That is SPARQL naming SERVICE, LOAD or FROM (pyshacl would run it on rdflib, which fetches),
    and owl:imports or sh:shapesGraph naming another graph (neither validator follows them).

    Raises:
        UnsupportedShape: naming the file and the word or the IRI.
    """
    for link in _LINKS_OUT:
        for target in sorted(str(o) for o in shapes.objects(None, link)):
            name = shapes.namespace_manager.normalizeUri(link)
            raise UnsupportedShape(
                f"shapes file {path.name} names <{target}> with {name}; kg never fetches shapes from elsewhere",
                str(path),
                "copy the shapes you need into the file and remove the link",
            )
    for predicate in _QUERY_TEXTS:
        for text in sorted(str(o) for o in shapes.objects(None, predicate)):
            found = _REMOTE.search(text)
            if found:
                raise UnsupportedShape(
                    f"shapes file {path.name} has a SPARQL query using {found.group(1).upper()}; "
                    "kg's shapes never reach outside the graph they check",
                    str(path),
                    f"remove {found.group(1).upper()} from the query",
                )
