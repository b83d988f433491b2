"""Native SHACL validation: kg's shapes compiled to SPARQL and run by pyoxigraph over many graphs at once.

kg.validate hands each article graph to pyshacl, about 0.2 s per article of the seed's size. Here the
shapes are compiled once (:func:`compile_shapes`) into :class:`Check` objects, one per constraint;
:func:`check_store` runs each as SPARQL ``SELECT`` queries that check every article graph of a
pyoxigraph store in one run (about 10-15 ms per article), and returns the violations sorted.

The data graph of an article is what kg.validate gives pyshacl: the article graph, the ontology
graph (so ``sh:class`` sees ``rdfs:subClassOf`` and the topics), and the registry's triples about
every node the article refers to (its subjects, and the IRIs it uses as objects of predicates other
than ``rdf:type``). A query reads a triple pattern of that union as ::

    { GRAPH ?g { s p o } } UNION { GRAPH <ontology> { s p o } } UNION { GRAPH <registry> { s p o } }

where ``?g`` is the article graph, an ontology row (no ``?g``) joins with every article, and a
registry row counts only where ``s`` is referred to: either it joins a focus node or value taken
from that same article, or it is joined with the articles that refer to ``s``, which binds ``?g``.
Branches are dropped when their graph holds no triple that could match (no such predicate, no
instance of such a class), so most queries read the article graphs alone. Queries are set-based
(hash joins and ``MINUS`` on ``?g``) rather than one lookup per focus node: pyoxigraph's in-memory
store answers a lookup on a node in time that grows with the number of graphs the node is in,
and registry actors are in most of them. The class hierarchy is read from the ontology graph once
per run; an article graph that states ``rdfs:subClassOf`` itself (or refers to a registry node
that does) is checked on its own with its own hierarchy.

Supported (what ontology/shapes.ttl and evidence-shapes.ttl use): node and property shapes;
``sh:targetClass`` (and implicit class targets), ``sh:targetSubjectsOf``; ``sh:property`` one level
deep; ``sh:path`` an IRI or ``[ sh:inversePath IRI ]``; ``sh:class``, ``sh:datatype``,
``sh:minCount``, ``sh:maxCount``, ``sh:nodeKind``, ``sh:pattern`` with ``sh:flags``,
``sh:minLength``, ``sh:in``, ``sh:hasValue``, ``sh:languageIn``, ``sh:lessThan``, ``sh:or``,
``sh:message``; SPARQL constraints (``sh:sparql`` with ``sh:select``, ``sh:message``,
``sh:prefixes``/``sh:declare``) whose query uses basic graph patterns and ``FILTER`` expressions.
Anything else raises :class:`~kg.errors.UnsupportedShape` when the shapes are compiled.

Literals: a pyoxigraph store normalises literals it understands (oxigraph issue #526): integer
types such as ``xsd:nonNegativeInteger`` are stored as ``xsd:integer``, ``"+5"`` as ``"5"``.
``sh:datatype xsd:nonNegativeInteger`` is therefore checked as "an ``xsd:integer`` that is at
least 0", which cannot tell a value typed ``xsd:integer`` in the source from one typed
``xsd:nonNegativeInteger``; two values that differ only by such a datatype count as one. Ill-typed
literals (``"abc"^^xsd:date``) are kept as written by the store and are reported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node, Variable

from kg.errors import UnsupportedShape
from kg.namespaces import BACKGROUND_GRAPH, BASE, GRAPH, ONTOLOGY_GRAPH, PREFIXES, REGISTRY_GRAPH
from kg.ontology import Ontology, to_oxigraph

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_NS = BASE + "shapes#"
ARTICLE_PREFIX = str(GRAPH["article/"])

_TYPE = f"<{RDF.type}>"
# sh: predicates the compiler understands; any other sh: predicate in a shapes graph is refused
_SUPPORTED = {
    SH[name]
    for name in [
        *("targetClass", "targetSubjectsOf", "property", "path", "inversePath"),
        *("class", "datatype", "minCount", "maxCount", "nodeKind", "pattern", "flags", "minLength", "in"),
        *("hasValue", "languageIn", "lessThan", "or", "message"),
        *("sparql", "select", "prefixes", "declare", "prefix", "namespace"),
        *("name", "description", "order"),  # documentation, no effect on validation
    ]
}
# sh: classes a shapes graph may use as rdf:type
_SUPPORTED_TYPES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint, SH.PrefixDeclaration}

_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
# integer datatypes: the store keeps them as xsd:integer, so a value is checked by its range
_INTEGER_RANGES: dict[URIRef, tuple[int | None, int | None]] = {
    XSD.integer: (None, None),
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
}
# datatypes whose ill-typed literals the store keeps as written: a well-typed one casts to itself
_CASTABLE = {XSD.boolean, XSD.decimal, XSD.date, XSD.dateTime}


@dataclass(frozen=True)
class PropertyPath:
    """A SHACL property path kg supports: an IRI, or the inverse of one."""

    iri: str
    inverse: bool = False

    def sparql(self) -> str:
        """The path in SPARQL syntax, e.g. ``^<https://…#partyTo>``."""
        return ("^" if self.inverse else "") + f"<{self.iri}>"

    def label(self) -> str:
        """A short readable form, e.g. ``^kg:partyTo``."""
        return ("^" if self.inverse else "") + _curie(self.iri)


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL validation result. Terms are in N-Triples syntax; ``path`` and ``value`` may be empty."""

    graph: str
    focus: str
    path: str
    value: str
    shape: str
    component: str
    message: str

    def describe(self) -> str:
        """One readable line: ``focus id:…; path kg:…; value …; message``."""
        parts = [f"focus {_display(self.focus)}"]
        if self.path:
            parts.append(f"path {_display(self.path.lstrip('^'), inverse=self.path.startswith('^'))}")
        if self.value:
            parts.append(f"value {_display(self.value)}")
        parts.append(self.message)
        return "; ".join(parts)


@dataclass(frozen=True)
class _Targets:
    classes: frozenset[str] = frozenset()
    subjects_of: frozenset[str] = frozenset()


@dataclass(eq=False)
class _Shape:
    node: Node
    name: str
    path: PropertyPath | None
    message: str | None
    constraints: list[_Constraint] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    targets: _Targets = field(default_factory=_Targets)


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, applied to the focus nodes of a targeted shape.

    ``shape`` is a stable readable name of the source shape (``kgsh:StateShape/kg:iso3166Alpha2``);
    ``shape_node`` is its node in the shapes graph, which other SHACL engines report as
    ``sh:sourceShape``.
    """

    shape: str
    shape_node: Node
    component: str
    path: PropertyPath | None
    message: str
    shapes_file: str
    targets: _Targets
    constraint: _Constraint

    def query(self, sources: _Sources) -> str:
        """The SPARQL query of this check for one way of assembling the data graphs."""
        r = _Renderer(sources)
        rows = self.constraint.rows(r, r.focus(self.targets), self.path)
        extra = " ".join(f"?{name}" for name in self.constraint.columns())
        return f"SELECT DISTINCT ?g ?this ?value {extra} WHERE {{\n{rows}\n}}"


# --------------------------------------------------------------------------------------------
# how a query sees the data graph
#
# Patterns are set-based: each part of a query is evaluated once for all graphs and joined on
# ?g (hash joins, MINUS), rather than once per focus node; pyoxigraph's correlated lookups
# (FILTER EXISTS, LATERAL) cost time in proportion to how many graphs share a node.
# A row from the ontology graph has no ?g: it joins with every checked graph. A row from a
# registry graph has no ?g either when its subject is known to be referred to by the graph of the
# row it joins (a focus node or value taken from that graph); otherwise the registry triple is
# joined with the graphs that refer to its subject, which binds ?g.


@dataclass(frozen=True)
class _Sources:
    """Which graphs make up a data graph, and what they hold (to drop branches that cannot match).

    With ``own`` None each checked graph is bound to ``?g`` (chosen by ``selector``), and
    ``referenced`` graphs contribute their triples about nodes that ``?g`` refers to; with ``own``
    a tuple of graphs, their union (with ``shared``) is the one data graph, reported as ``name``.
    """

    own: tuple[str, ...] | None
    shared: tuple[str, ...]
    referenced: tuple[str, ...]
    predicates: Mapping[str, frozenset[str]]
    types: Mapping[str, frozenset[str]]
    subclasses: Mapping[str, frozenset[str]]
    selector: str = ""
    name: str = ""
    blank_subjects: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Focus:
    """Elements binding ?g and ?this, and whether ?this is always referred to by ?g."""

    elements: tuple[_Element, ...]
    referenced: bool

    def subquery(self) -> str:
        """The focus rows as one subquery: the engine joins it whole instead of interleaving it."""
        if len(self.elements) == 1 and isinstance(self.elements[0], str):
            return self.elements[0]
        return f"{{ SELECT DISTINCT ?g ?this WHERE {{ {_text(self.elements)} }} }}"


_Triple = tuple[str, str, str, bool]  # subject, predicate, object, subject known to be referred to


@dataclass(frozen=True)
class _Bgp:
    """Triple patterns on one graph; adjacent ones on the same graph are merged into one."""

    graph: str
    triples: tuple[str, ...]

    def text(self) -> str:
        return f"GRAPH {self.graph} {{ {' '.join(self.triples)} }}"


_Element = str | _Bgp


def _text(elements: Sequence[_Element]) -> str:
    """The content of a group: VALUES first, FILTERs last, adjacent patterns on one graph merged.

    Merging gives the engine one basic graph pattern to order the joins of; VALUES and FILTER
    mean the same anywhere in a group (the variables kg generates are fresh, so moving VALUES
    across a MINUS does not change what MINUS compares).
    """
    front: list[str] = []
    middle: list[_Element] = []
    back: list[str] = []
    for e in elements:
        if isinstance(e, str) and e.startswith("VALUES "):
            front.append(e)
        elif isinstance(e, str) and e.startswith("FILTER"):
            back.append(e)
        elif isinstance(e, _Bgp) and middle and isinstance(middle[-1], _Bgp) and middle[-1].graph == e.graph:
            middle[-1] = _Bgp(e.graph, middle[-1].triples + e.triples)
        elif e:
            middle.append(e)
    return " ".join([*front, *(m.text() if isinstance(m, _Bgp) else m for m in middle), *back])


def _union(branches: Sequence[_Element]) -> _Element:
    """One element for the union of ``branches`` (an element that matches nothing if there are none)."""
    if not branches:
        return "{ FILTER(false) }"
    if len(branches) == 1:
        only = branches[0]
        # a lone BIND stays in the group whose earlier patterns bind its variables
        return only if isinstance(only, _Bgp) or only.startswith("BIND(") else f"{{ {only} }}"
    return " UNION ".join(f"{{ {b.text() if isinstance(b, _Bgp) else b} }}" for b in branches)


class _Renderer:
    """Writes SPARQL for one query; hands out fresh variable names."""

    def __init__(self, sources: _Sources) -> None:
        self.sources = sources
        self._count = 0

    def var(self, hint: str = "x") -> str:
        self._count += 1
        return f"?_{hint}{self._count}"

    def closure(self, cls: str) -> frozenset[str]:
        """The class and all its subclasses in the data graph's hierarchy."""
        return self.sources.subclasses.get(cls, frozenset({cls}))

    def _may_hold(self, graph: str, predicates: frozenset[str] | None, types: frozenset[str] | None) -> bool:
        if predicates is not None and not predicates & self.sources.predicates.get(graph, frozenset()):
            return False
        return types is None or bool(types & self.sources.types.get(graph, frozenset()))

    def graphs(
        self, predicates: frozenset[str] | None, types: frozenset[str] | None = None
    ) -> tuple[list[str], list[str], list[str]]:
        """The own, shared and referenced graphs (SPARQL syntax) that may hold such triples."""
        src = self.sources
        own = ["?g"] if src.own is None else [f"<{x}>" for x in src.own if self._may_hold(x, predicates, types)]
        shared = [f"<{x}>" for x in src.shared if self._may_hold(x, predicates, types)]
        referenced = [f"<{x}>" for x in src.referenced if self._may_hold(x, predicates, types)]
        return own, shared, referenced

    def about(self, graph: str, s: str, p: str, o: str) -> str:
        """Triples ``s p o`` of a registry graph, with ?g bound to each checked graph referring to ``s``."""
        names = list(dict.fromkeys(t for t in (s, p, o) if t.startswith("?")))
        a, b, c = self.var("r"), self.var("r"), self.var("r")
        return (
            f"{{ SELECT DISTINCT ?g {' '.join(names)} WHERE {{ GRAPH {graph} {{ {s} {p} {o} . }} "
            f"{{ GRAPH ?g {{ {s} {a} {b} . }} }} UNION "
            f"{{ GRAPH ?g {{ {c} {a} {s} . }} FILTER({a} != {_TYPE} && isIRI({s})) }} }} }}"
        )

    def _branches(
        self, s: str, p: str, o: str, referenced: bool, predicates: frozenset[str] | None, types: frozenset[str] | None
    ) -> list[_Element]:
        if s.startswith('"'):  # a literal is never a subject
            return []
        if p.startswith("<"):
            predicates = frozenset({p[1:-1]})
        if p != _TYPE:
            types = None
        elif types is None and o.startswith("<"):
            types = frozenset({o[1:-1]})
        own, shared, registry = self.graphs(predicates, types)
        pattern = f"{s} {p} {o} ."
        branches: list[_Element] = [_Bgp(g, (pattern,)) for g in [*own, *shared]]
        for g in registry:
            branches.append(_Bgp(g, (pattern,)) if referenced else self.about(g, s, p, o))
        return branches

    def bgp(
        self,
        triples: Sequence[_Triple],
        hints: Mapping[str, tuple[frozenset[str] | None, frozenset[str] | None]] | None = None,
    ) -> list[_Element]:
        """Elements matching all ``triples`` in the data graph.

        ``referenced`` (the fourth member of a triple): every row this joins has the subject
        referred to by its ?g. ``hints`` give, per ``s + p + o``, the IRIs a variable predicate
        can take and the classes an ``rdf:type`` pattern is after, so that graphs that cannot
        match are skipped.
        """
        out: list[_Element] = []
        for s, p, o, referenced in triples:
            predicates, types = (hints or {}).get(s + p + o, (None, None))
            out.append(_union(self._branches(s, p, o, referenced, predicates, types)))
        return out

    def holds(self, s: str, p: str, o: str, referenced: bool) -> _Element:
        """An element with the rows of ``s p o`` in the data graph."""
        return self.bgp([(s, p, o, referenced)])[0]

    def values(
        self, this: str, path: PropertyPath | None, var: str, this_referenced: bool
    ) -> list[tuple[_Element, str]]:
        """Elements binding ``var`` to the value nodes of ``this``, each with an expression telling
        whether the value is referred to by the row's ?g."""
        if path is None:
            return [(f"BIND({this} AS {var})", "true" if this_referenced else "false")]
        p = f"<{path.iri}>"
        own, shared, registry = self.graphs(frozenset({path.iri}))
        if path.inverse:
            pattern = f"{var} {p} {this} ."
            out: list[tuple[_Element, str]] = [(_Bgp(g, (pattern,)), "true") for g in own]
            out += [(_Bgp(g, (pattern,)), "false") for g in shared]
            return out + [(self.about(g, var, p, this), "true") for g in registry]
        pattern = f"{this} {p} {var} ."
        # an IRI object of a triple in ?g is referred to by ?g, unless the predicate is rdf:type
        in_own = "false" if p == _TYPE else f"isIRI({var})"
        out = [(_Bgp(g, (pattern,)), in_own) for g in own]
        out += [(_Bgp(g, (pattern,)), "false") for g in shared]
        for g in registry:
            out.append((_Bgp(g, (pattern,)) if this_referenced else self.about(g, this, p, var), "false"))
        return out

    def instances(self, node: str, cls: str, ref: str, unreferenced: bool) -> tuple[list[_Element], bool]:
        """Elements with the rows where ``node`` is an instance of ``cls`` (or a subclass), and
        whether a registry row among them binds ``ref``.

        A registry row binding ``ref`` to true counts only where ``node`` is referred to by the
        row's graph; with ``unreferenced``, registry rows are also joined with the graphs that
        refer to the node.
        """
        classes = self.closure(cls)
        t = self.var("t")
        own, shared, registry = self.graphs(frozenset({str(RDF.type)}), classes)
        pattern = f"{node} {_TYPE} {t} ."
        branches: list[_Element] = [_Bgp(g, (pattern,)) for g in [*own, *shared]]
        for g in registry:
            branches.append(f"{_Bgp(g, (pattern,)).text()} BIND(true AS {ref})")
            if unreferenced or g[1:-1] in self.sources.blank_subjects:
                branches.append(self.about(g, node, _TYPE, t))
        values = f"VALUES {t} {{ {' '.join(f'<{c}>' for c in sorted(classes))} }}"
        return [values, _union(branches)], bool(registry)

    def focus(self, targets: _Targets) -> _Focus:
        """The focus nodes of the targets, with the graphs they are checked in."""
        triples: list[tuple[str, str, frozenset[str] | None, frozenset[str] | None]] = []
        if targets.classes:
            classes = frozenset().union(*(self.closure(c) for c in targets.classes))
            t = self.var("t")
            values = f"VALUES {t} {{ {' '.join(f'<{c}>' for c in sorted(classes))} }}"
            triples.append((values, f"?this {_TYPE} {t} .", frozenset({str(RDF.type)}), classes))
        for p in sorted(targets.subjects_of):
            triples.append(("", f"?this <{p}> {self.var('o')} .", frozenset({p}), None))
        src = self.sources
        branches: list[str] = []
        referenced = True
        for values, pattern, predicates, types in triples:
            own, shared, registry = self.graphs(predicates, types)
            if src.own is not None:
                branches += [f"{values} GRAPH {g} {{ {pattern} }}" for g in [*own, *shared]]
                continue
            if len(triples) == 1 and not shared and not registry:
                # the common case: focus nodes typed in the checked graph, no subquery needed
                return _Focus((values, _Bgp("?g", (pattern,)), src.selector), True)
            branches.append(f"{values} GRAPH ?g {{ {pattern} }} {src.selector}")
            for g in shared:
                branches.append(f"{values} GRAPH {g} {{ {pattern} }} GRAPH ?g {{ }} {src.selector}")
                referenced = False
            for g in registry:
                a, b, c = self.var("r"), self.var("r"), self.var("r")
                branches.append(
                    f"{values} GRAPH {g} {{ {pattern} }} "
                    f"{{ GRAPH ?g {{ ?this {a} {b} . }} }} UNION "
                    f"{{ GRAPH ?g {{ {c} {a} ?this . }} FILTER({a} != {_TYPE} && isIRI(?this)) }} {src.selector}"
                )
        union = _union(branches)
        union = union.text() if isinstance(union, _Bgp) else union
        if src.own is None:
            return _Focus((f"{{ SELECT DISTINCT ?g ?this WHERE {{ {union} }} }}",), referenced)
        return _Focus((f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}", f"BIND(<{src.name}> AS ?g)"), True)


# --------------------------------------------------------------------------------------------
# constraints


class _Constraint:
    """A constraint component with its parameters; renders the rows of its violations."""

    component = ""

    def rows(self, r: _Renderer, focus: _Focus, path: PropertyPath | None) -> str:
        """A group pattern with one solution (?g ?this, ?value if any) per violation."""
        raise NotImplementedError

    def columns(self) -> list[str]:
        """Extra variables the check query returns (SPARQL constraints)."""
        return []

    def default_message(self, path: PropertyPath | None) -> str:
        raise NotImplementedError


def _values(r: _Renderer, focus: _Focus, path: PropertyPath | None, var: str) -> _Element:
    return _union([b for b, _ref in r.values("?this", path, var, focus.referenced)])


class _ValueTest(_Constraint):
    """A condition each value node must meet; one violation per value node that does not."""

    def condition(self, v: str) -> str:
        raise NotImplementedError

    def rows(self, r: _Renderer, focus: _Focus, path: PropertyPath | None) -> str:
        test = f"FILTER(!COALESCE({self.condition('?value')}, false))"
        return _text([*focus.elements, _values(r, focus, path, "?value"), test])


@dataclass(frozen=True)
class _Class(_Constraint):
    cls: str
    component = "Class"

    def rows(self, r: _Renderer, focus: _Focus, path: PropertyPath | None) -> str:
        # literals have no rdf:type, so they are never taken out by MINUS: they violate sh:class
        ref = r.var("ref")
        branches = r.values("?this", path, "?value", focus.referenced)
        unreferenced = any(e == "false" for _b, e in branches)
        instances, with_ref = r.instances("?value", self.cls, ref, unreferenced)
        if with_ref:
            left = _union([_text([b, f"BIND({e} AS {ref})"]) for b, e in branches])
        else:
            left = _union([b for b, _e in branches])
        return _text([*focus.elements, left, f"MINUS {{ {_text(instances)} }}"])

    def default_message(self, path: PropertyPath | None) -> str:
        return f"value is not an instance of {_curie(self.cls)}"


@dataclass(frozen=True)
class _Datatype(_ValueTest):
    datatype: URIRef
    component = "Datatype"

    def condition(self, v: str) -> str:
        dt = self.datatype
        if dt == XSD.string:
            return f"(isLiteral({v}) && DATATYPE({v}) = <{XSD.string}>)"
        if dt == RDF.langString:
            return f'(isLiteral({v}) && LANG({v}) != "")'
        if dt in _INTEGER_RANGES:
            low, high = _INTEGER_RANGES[dt]
            test = f'(isLiteral({v}) && DATATYPE({v}) IN (<{XSD.integer}>, <{dt}>) && REGEX(STR({v}), "^[+-]?[0-9]+$")'
            if low is not None:
                test += f" && <{XSD.integer}>(STR({v})) >= {low}"
            if high is not None:
                test += f" && <{XSD.integer}>(STR({v})) <= {high}"
            return test + ")"
        if dt in _CASTABLE:
            return f"(isLiteral({v}) && DATATYPE({v}) = <{dt}> && isLiteral(<{dt}>({v})))"
        return f"(isLiteral({v}) && DATATYPE({v}) = <{dt}>)"

    def default_message(self, path: PropertyPath | None) -> str:
        return f"value is not a literal of datatype {_curie(str(self.datatype))}"


@dataclass(frozen=True)
class _NodeKind(_ValueTest):
    kind: URIRef
    component = "NodeKind"

    def condition(self, v: str) -> str:
        return "(" + _NODE_KINDS[self.kind].format(v=v) + ")"

    def default_message(self, path: PropertyPath | None) -> str:
        return f"value is not of node kind {_curie(str(self.kind))}"


@dataclass(frozen=True)
class _Pattern(_ValueTest):
    regex: str
    flags: str
    component = "Pattern"

    def condition(self, v: str) -> str:
        flags = f", {_string(self.flags)}" if self.flags else ""
        return f"(!isBlank({v}) && REGEX(STR({v}), {_string(self.regex)}{flags}))"

    def default_message(self, path: PropertyPath | None) -> str:
        return f"value does not match the pattern {self.regex!r}"


@dataclass(frozen=True)
class _MinLength(_ValueTest):
    length: int
    component = "MinLength"

    def condition(self, v: str) -> str:
        return f"(!isBlank({v}) && STRLEN(STR({v})) >= {self.length})"

    def default_message(self, path: PropertyPath | None) -> str:
        return f"value is shorter than {self.length} character(s)"


@dataclass(frozen=True)
class _In(_ValueTest):
    members: tuple[str, ...]
    component = "In"

    def condition(self, v: str) -> str:
        if not self.members:
            return "false"
        return "(" + " || ".join(f"sameTerm({v}, {m})" for m in self.members) + ")"

    def default_message(self, path: PropertyPath | None) -> str:
        return "value is not one of " + ", ".join(_display(m) for m in self.members)


@dataclass(frozen=True)
class _LanguageIn(_ValueTest):
    languages: tuple[str, ...]
    component = "LanguageIn"

    def condition(self, v: str) -> str:
        if not self.languages:
            return "false"
        tests = " || ".join(f"langMatches(LANG({v}), {_string(lang)})" for lang in self.languages)
        return f"(isLiteral({v}) && ({tests}))"

    def default_message(self, path: PropertyPath | None) -> str:
        return "value has no language tag among " + ", ".join(self.languages)


@dataclass(frozen=True)
class _MinCount(_Constraint):
    count: int
    component = "MinCount"

    def rows(self, r: _Renderer, focus: _Focus, path: PropertyPath | None) -> str:
        if self.count == 1:
            found = _distinct_values(r, path, 1, focus.referenced)
            return _text([*focus.elements, f"MINUS {{ {_text(found)} }}"])
        return _text([*focus.elements, f"MINUS {{ {_counted(r, focus, path, f'>= {self.count}')} }}"])

    def default_message(self, path: PropertyPath | None) -> str:
        return f"fewer than {self.count} value(s)"


@dataclass(frozen=True)
class _MaxCount(_Constraint):
    count: int
    component = "MaxCount"

    def rows(self, r: _Renderer, focus: _Focus, path: PropertyPath | None) -> str:
        if self.count <= 1:
            return _text([*focus.elements, *_distinct_values(r, path, self.count + 1, focus.referenced)])
        return _text([*focus.elements, _counted(r, focus, path, f"> {self.count}")])

    def default_message(self, path: PropertyPath | None) -> str:
        return f"more than {self.count} value(s)"


def _counted(r: _Renderer, focus: _Focus, path: PropertyPath | None, test: str) -> str:
    """A subquery with the focus rows whose number of different values passes ``test``."""
    v = r.var("v")
    # the focus is joined inside, so every value row has its ?g before the rows are counted
    inner = _text([*focus.elements, _union([b for b, _ref in r.values("?this", path, v, focus.referenced)])])
    return f"{{ SELECT ?g ?this WHERE {{ {inner} }} GROUP BY ?g ?this HAVING (COUNT(DISTINCT {v}) {test}) }}"


def _distinct_values(r: _Renderer, path: PropertyPath | None, count: int, referenced: bool) -> list[_Element]:
    """Elements with rows where ?this has ``count`` different values (one row per combination;
    used for counts of 1 and 2, where a join is cheaper than counting)."""
    names = [r.var("v") for _ in range(count)]
    parts: list[_Element] = [_union([b for b, _ref in r.values("?this", path, v, referenced)]) for v in names]
    different = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
    if different:
        parts.append(f"FILTER({' && '.join(different)})")
    return parts


@dataclass(frozen=True)
class _HasValue(_Constraint):
    term: str
    component = "HasValue"

    def rows(self, r: _Renderer, focus: _Focus, path: PropertyPath | None) -> str:
        if path is None:
            return _text([*focus.elements, f"FILTER(!sameTerm(?this, {self.term}))"])
        p = f"<{path.iri}>"
        found = (
            r.holds(self.term, p, "?this", False) if path.inverse else r.holds("?this", p, self.term, focus.referenced)
        )
        return _text([*focus.elements, f"MINUS {{ {_text([found])} }}"])

    def default_message(self, path: PropertyPath | None) -> str:
        return f"missing the value {_display(self.term)}"


@dataclass(frozen=True)
class _LessThan(_Constraint):
    other: str
    component = "LessThan"

    def rows(self, r: _Renderer, focus: _Focus, path: PropertyPath | None) -> str:
        w = r.var("w")
        other = r.holds("?this", f"<{self.other}>", w, focus.referenced)
        test = f"FILTER(!COALESCE(?value < {w}, false))"
        return _text([*focus.elements, _values(r, focus, path, "?value"), other, test])

    def default_message(self, path: PropertyPath | None) -> str:
        return f"value is not less than the value of {_curie(self.other)}"


@dataclass(frozen=True)
class _Or(_Constraint):
    members: tuple[_Shape, ...]
    component = "Or"

    def rows(self, r: _Renderer, focus: _Focus, path: PropertyPath | None) -> str:
        # a focus node violates sh:or when it violates every member shape
        failed = [f"{{ SELECT DISTINCT ?g ?this WHERE {{ {_violations(r, m, focus)} }} }}" for m in self.members]
        return _text([*focus.elements, *failed, "BIND(?this AS ?value)"])

    def default_message(self, path: PropertyPath | None) -> str:
        return "conforms to none of the sh:or alternatives"


def _violations(r: _Renderer, shape: _Shape, focus: _Focus) -> str:
    """Rows (?g ?this) of the focus nodes that violate ``shape`` (any of its constraints)."""
    parts = [c.rows(r, focus, shape.path) for c in shape.constraints]
    parts += [c.rows(r, focus, p.path) for p in shape.properties for c in p.constraints]
    if not parts:
        return "FILTER(false)"
    return " UNION ".join(f"{{ {p} }}" for p in parts)


@dataclass(frozen=True)
class _Sparql(_Constraint):
    """A SHACL-SPARQL constraint: the ``WHERE`` clause rewritten onto the data graph."""

    where: _Group
    projected: tuple[str, ...]
    message_template: str | None
    component = "SPARQL"

    def rows(self, r: _Renderer, focus: _Focus, path: PropertyPath | None) -> str:
        # joining the focus rows into the query's group is SHACL's pre-binding of $this for a
        # group of triple patterns and filters (the subset kg supports)
        # (as a subquery: here the engine is faster filtering the query's rows first, then joining)
        return _text([focus.subquery(), *self.where.render(r, {}, focus.referenced, top=True)])

    def columns(self) -> list[str]:
        return [f"u_{name}" for name in self.projected]

    def default_message(self, path: PropertyPath | None) -> str:
        return "SPARQL constraint violated"


# --------------------------------------------------------------------------------------------
# SHACL-SPARQL: the supported part of SPARQL, as parsed by rdflib


@dataclass(eq=False)
class _Group:
    """A basic graph pattern with filters (and, inside filters, nested EXISTS groups)."""

    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    filters: list[Any] = field(default_factory=list)

    def variables(self) -> set[str]:
        return {str(t) for triple in self.triples for t in triple if isinstance(t, Variable)}

    def render(
        self, r: _Renderer, allowed: dict[str, frozenset[str]], this_referenced: bool, top: bool = False
    ) -> list[_Element]:
        # `?p IN (<a>, <b>)` as a conjunct of a filter of this group restricts ?p for the whole group
        allowed = {**allowed, **_in_lists(self.filters)}
        bound_here = self.variables()
        parts: list[_Element] = []
        for name in sorted(set(allowed) & bound_here):
            if any(isinstance(p, Variable) and str(p) == name for _s, p, _o in self.triples):
                # the same restriction as VALUES, so the engine looks the predicates up instead of scanning
                parts.append(f"VALUES {_var(name)} {{ {' '.join(f'<{i}>' for i in sorted(allowed[name]))} }}")
        triples = [
            (_sparql_term(s), _sparql_term(p), _sparql_term(o), this_referenced and s == Variable("this"))
            for s, p, o in self.triples
        ]
        hints = {
            s + p + o: (allowed.get(str(t[1])) if isinstance(t[1], Variable) else None, None)
            for (s, p, o, _ref), t in zip(triples, self.triples, strict=True)
        }
        parts += r.bgp(triples, hints)
        kept: list[Any] = []
        for conjunct in _conjuncts(self.filters):
            inner = _negated_group(conjunct)
            if top and inner is not None and _minus_is_exact(inner, bound_here | {"this"}):
                # NOT EXISTS on variables the group always binds is MINUS, which the engine runs
                # as one anti-join instead of one lookup per row
                parts.append(f"MINUS {{ {_text(inner.render(r, allowed, False))} }}")
            else:
                kept.append(conjunct)
        parts += [f"FILTER({_expression(f, r, allowed)})" for f in kept]
        return parts


def _conjuncts(filters: list[Any]) -> list[Any]:
    out: list[Any] = []
    stack = list(reversed(filters))
    while stack:
        e = stack.pop()
        if getattr(e, "name", None) == "ConditionalAndExpression":
            stack += reversed([e.expr, *(e.other or [])])
        else:
            out.append(e)
    return out


def _negated_group(e: Any) -> _Group | None:
    return _group(e.graph) if getattr(e, "name", None) == "Builtin_NOTEXISTS" else None


def _minus_is_exact(inner: _Group, bound: set[str]) -> bool:
    """``FILTER NOT EXISTS { inner }`` equals ``MINUS { inner }`` in a group that always binds ``bound``."""
    own = inner.variables()
    for f in inner.filters:
        if _has_exists(f) or not _expression_variables(f) <= own:
            return False
    return bool(own & bound)


def _has_exists(e: Any) -> bool:
    name = getattr(e, "name", None)
    if name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        return True
    if hasattr(e, "items") and not isinstance(e, (Variable, URIRef, Literal)):
        return any(_has_exists(v) for _k, v in e.items() if not str(_k).startswith("_"))
    if isinstance(e, list):
        return any(_has_exists(v) for v in e)
    return False


def _expression_variables(e: Any) -> set[str]:
    if isinstance(e, Variable):
        return {str(e)}
    if isinstance(e, list):
        return set().union(*(_expression_variables(v) for v in e)) if e else set()
    if hasattr(e, "items") and not isinstance(e, (URIRef, Literal)):
        found: set[str] = set()
        for key, value in e.items():
            if not str(key).startswith("_"):
                found |= _expression_variables(value)
        return found
    return set()


def _in_lists(filters: list[Any]) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    stack = list(filters)
    while stack:
        e = stack.pop()
        name = getattr(e, "name", None)
        if name == "ConditionalAndExpression":
            stack += [e.expr, *(e.other or [])]
        elif (
            name == "RelationalExpression"
            and e.op == "IN"
            and isinstance(e.expr, Variable)
            and all(isinstance(i, URIRef) for i in e.other)
        ):
            found[str(e.expr)] = frozenset(str(i) for i in e.other)
    return found


_BUILTINS = {
    "Builtin_BOUND": "BOUND",
    "Builtin_isIRI": "isIRI",
    "Builtin_isURI": "isIRI",
    "Builtin_isBLANK": "isBlank",
    "Builtin_isLITERAL": "isLiteral",
    "Builtin_isNUMERIC": "isNumeric",
    "Builtin_sameTerm": "sameTerm",
    "Builtin_STR": "STR",
    "Builtin_LANG": "LANG",
    "Builtin_DATATYPE": "DATATYPE",
    "Builtin_LANGMATCHES": "langMatches",
    "Builtin_REGEX": "REGEX",
    "Builtin_STRSTARTS": "STRSTARTS",
    "Builtin_STRENDS": "STRENDS",
    "Builtin_CONTAINS": "CONTAINS",
    "Builtin_STRLEN": "STRLEN",
}
_BUILTIN_ARGS = ("arg", "arg1", "arg2", "text", "pattern", "flags")


def _expression(e: Any, r: _Renderer, allowed: dict[str, frozenset[str]]) -> str:
    """A filter expression of the supported subset in SPARQL syntax (user variables renamed)."""
    if isinstance(e, (Variable, URIRef, Literal)):
        return _sparql_term(e)
    name = getattr(e, "name", None)
    if name in ("ConditionalAndExpression", "ConditionalOrExpression"):
        op = " && " if name == "ConditionalAndExpression" else " || "
        return "(" + op.join(_expression(x, r, allowed) for x in [e.expr, *(e.other or [])]) + ")"
    if name == "RelationalExpression":
        left = _expression(e.expr, r, allowed)
        if e.op in ("IN", "NOT IN"):
            items = ", ".join(_expression(x, r, allowed) for x in e.other)
            return f"({left} {e.op} ({items}))"
        if e.op in ("=", "!=", "<", ">", "<=", ">="):
            return f"({left} {e.op} {_expression(e.other, r, allowed)})"
    if name == "UnaryNot":
        return f"(!{_expression(e.expr, r, allowed)})"
    if name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        group = _group(e.graph)
        keyword = "EXISTS" if name == "Builtin_EXISTS" else "NOT EXISTS"
        return f"{keyword} {{ {_text(group.render(r, allowed, False))} }}"
    if name in _BUILTINS:
        args = [_expression(e[a], r, allowed) for a in _BUILTIN_ARGS if e.get(a) is not None]
        return f"{_BUILTINS[name]}({', '.join(args)})"
    raise _SparqlUnsupported(_construct_name(str(name or type(e).__name__)))


def _construct_name(name: str) -> str:
    if name.startswith("Builtin_"):
        return f"the function {name[len('Builtin_') :]}"
    return {
        "AdditiveExpression": "arithmetic",
        "MultiplicativeExpression": "arithmetic",
        "UnaryMinus": "arithmetic",
        "UnaryPlus": "arithmetic",
        "Function": "a function call",
    }.get(name, name)


class _SparqlUnsupported(Exception):
    """A construct of a SPARQL constraint that the native validator does not implement."""


def _group(pattern: Any) -> _Group:
    """Flatten rdflib's algebra of a supported pattern (Filter, Join, BGP) into one group."""
    group = _Group()
    stack = [pattern]
    while stack:
        p = stack.pop()
        name = getattr(p, "name", None)
        if name == "BGP":
            for triple in p.triples:
                if not all(isinstance(t, (Variable, URIRef, Literal, BNode)) for t in triple):
                    raise _SparqlUnsupported("property paths")
                group.triples.append(triple)
        elif name == "Join":
            stack += [p.p2, p.p1]
        elif name == "Filter":
            group.filters.append(p.expr)
            stack.append(p.p)
        else:
            raise _SparqlUnsupported(_ALGEBRA_NAMES.get(str(name), str(name)))
    return group


_ALGEBRA_NAMES = {
    "LeftJoin": "OPTIONAL",
    "Union": "UNION",
    "Minus": "MINUS",
    "Extend": "BIND or a projected expression",
    "ToMultiSet": "VALUES or a subquery",
    "Graph": "GRAPH",
    "Group": "GROUP BY or an aggregate",
    "AggregateJoin": "GROUP BY or an aggregate",
    "Slice": "LIMIT or OFFSET",
    "ServiceGraphPattern": "SERVICE",
    "values": "VALUES",
}


def _var(name: str) -> str:
    return "?this" if name == "this" else f"?u_{name}"


def _sparql_term(t: Node) -> str:
    if isinstance(t, Variable):
        return _var(str(t))
    if isinstance(t, BNode):  # a blank node in a query pattern is a variable
        return f"?b_{re.sub(r'[^A-Za-z0-9_]', '_', str(t))}"
    return str(to_oxigraph(t))


def _compile_select(text: str, prefixes: Mapping[str, str], where: str) -> tuple[_Group, tuple[str, ...]]:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
    try:
        query = translateQuery(parseQuery(header + text))
    except Exception as exc:  # rdflib raises pyparsing and its own errors alike
        raise UnsupportedShape(f"the SPARQL constraint is not valid SPARQL: {exc}", where, "fix the query") from None
    algebra = query.algebra
    if algebra.name != "SelectQuery":
        raise UnsupportedShape("a SPARQL constraint must be a SELECT query", where, "use sh:select")
    if getattr(algebra, "datasetClause", None):
        raise UnsupportedShape("FROM in a SPARQL constraint is not supported", where, "remove FROM")
    node = algebra.p
    while getattr(node, "name", None) in ("Project", "Distinct", "Reduced", "OrderBy"):
        node = node.p
    try:
        group = _group(node)
        for f in group.filters:
            _expression(f, _Renderer(_EMPTY_SOURCES), {})  # render once to find unsupported constructs
    except _SparqlUnsupported as exc:
        raise UnsupportedShape(
            f"{exc} in a SPARQL constraint is not supported by kg's native validator",
            where,
            "use basic graph patterns and FILTER (with EXISTS, IN, comparisons, sameTerm, isIRI, …)",
        ) from None
    projected = tuple(str(v) for v in algebra.PV if str(v) != "this")
    return group, projected


_EMPTY_SOURCES = _Sources(None, (), (), {}, {}, {})


# --------------------------------------------------------------------------------------------
# compiling a shapes graph


class _Compiler:
    def __init__(self, shapes: Graph, shapes_file: str) -> None:
        self.g = shapes
        self.file = shapes_file
        self.names: dict[Node, str] = {}

    def refuse(self, what: str, shape: Node | None = None) -> UnsupportedShape:
        where = self.file if shape is None else f"{self.file}, shape {self.names.get(shape, _node_label(shape))}"
        return UnsupportedShape(
            f"{what} is not supported by kg's native SHACL validator",
            where,
            "use the SHACL features listed in kg/shacl.py, or validate with pyshacl (kg.validate)",
        )

    def run(self) -> list[Check]:
        self.scan()
        checks: list[Check] = []
        for node in sorted(self.targeted(), key=self.label):
            shape = self.shape(node, self.label(node))
            for c in shape.constraints:
                checks.append(self.check(shape, c, shape.targets))
            for child in shape.properties:
                for c in child.constraints:
                    checks.append(self.check(child, c, shape.targets))
        return checks

    def check(self, shape: _Shape, constraint: _Constraint, targets: _Targets) -> Check:
        message = shape.message
        if isinstance(constraint, _Sparql) and constraint.message_template is not None:
            message = constraint.message_template
        return Check(
            shape=shape.name,
            shape_node=shape.node,
            component=constraint.component,
            path=shape.path,
            message=message or constraint.default_message(shape.path),
            shapes_file=self.file,
            targets=targets,
            constraint=constraint,
        )

    def scan(self) -> None:
        """Refuse any SHACL term outside the supported subset, wherever it appears."""
        for s, p, o in sorted(self.g, key=lambda t: tuple(map(str, t))):
            if str(p).startswith(str(SH)) and p not in _SUPPORTED:
                raise self.refuse(f"sh:{str(p)[len(str(SH)) :]}", s)
            if p == RDF.type and str(o).startswith(str(SH)) and o not in _SUPPORTED_TYPES:
                raise self.refuse(f"rdf:type sh:{str(o)[len(str(SH)) :]}", s)

    def targeted(self) -> set[Node]:
        nodes = set(self.g.subjects(SH.targetClass, None)) | set(self.g.subjects(SH.targetSubjectsOf, None))
        nodes |= {s for s in self.g.subjects(RDF.type, None) if self.implicit_target(s)}
        return nodes

    def implicit_target(self, node: Node) -> bool:
        """A shape that is also an rdfs:Class targets its own instances (SHACL 2.1.3.1)."""
        if not isinstance(node, URIRef) or not self.is_shape(node):
            return False
        metaclasses = {RDFS.Class} | set(self.g.transitive_subjects(RDFS.subClassOf, RDFS.Class))
        return any(t in metaclasses for t in self.g.objects(node, RDF.type))

    def is_shape(self, node: Node) -> bool:
        types = set(self.g.objects(node, RDF.type))
        return bool(types & {SH.NodeShape, SH.PropertyShape}) or any(
            (node, p, None) in self.g for p in (SH.targetClass, SH.targetSubjectsOf, SH.property, SH.path)
        )

    def one(self, node: Node, predicate: URIRef) -> Node | None:
        values = sorted(self.g.objects(node, predicate), key=str)
        if len(values) > 1:
            raise self.refuse(f"more than one sh:{str(predicate)[len(str(SH)) :]} on one shape", node)
        return values[0] if values else None

    def shape(self, node: Node, name: str, nested: bool = False) -> _Shape:
        self.names[node] = name
        path = self.path(node)
        message = self.one(node, SH.message)
        shape = _Shape(node, name, path, str(message) if message is not None else None)
        classes = {str(c) for c in self.g.objects(node, SH.targetClass)}
        if self.implicit_target(node):
            classes.add(str(node))
        shape.targets = _Targets(
            frozenset(classes), frozenset(str(p) for p in self.g.objects(node, SH.targetSubjectsOf))
        )
        shape.constraints = self.constraints(node, path)
        children = sorted(self.g.objects(node, SH.property), key=lambda c: self.sort_key(c))
        if children and path is not None:
            raise self.refuse("sh:property on a property shape", node)
        if children and nested:
            raise self.refuse("sh:property inside a nested shape", node)
        labels: dict[str, int] = {}
        for child in children:
            child_path = self.path(child)
            if child_path is None:
                raise self.refuse("a property shape without sh:path", child)
            label = f"{name}/{child_path.label()}"
            labels[label] = labels.get(label, 0) + 1
            if labels[label] > 1:
                label += f"[{labels[label]}]"
            shape.properties.append(self.shape(child, label, nested=True))
        return shape

    def label(self, node: Node) -> str:
        """A shape's name: its prefixed IRI, or for a blank node a digest of what it says."""
        if isinstance(node, BNode):
            return "_:" + hashlib.sha256(self.sort_key(node).encode("utf-8")).hexdigest()[:12]
        return _node_label(node)

    def sort_key(self, node: Node) -> str:
        """A description of a blank shape that does not depend on blank node ids."""
        if not isinstance(node, BNode):
            return str(node)
        return " ".join(sorted(f"{p} {self.sort_key(o)}" for p, o in self.g.predicate_objects(node)))

    def path(self, node: Node) -> PropertyPath | None:
        path = self.one(node, SH.path)
        if path is None:
            return None
        if isinstance(path, URIRef):
            return PropertyPath(str(path))
        inverse = self.one(path, SH.inversePath)
        if isinstance(path, BNode) and isinstance(inverse, URIRef) and len(list(self.g.predicate_objects(path))) == 1:
            return PropertyPath(str(inverse), inverse=True)
        raise self.refuse("a property path other than an IRI or [ sh:inversePath IRI ]", node)

    def constraints(self, node: Node, path: PropertyPath | None) -> list[_Constraint]:
        out: list[_Constraint] = []
        for cls in sorted(self.g.objects(node, SH["class"]), key=str):
            out.append(_Class(self.iri(node, cls, "sh:class")))
        for dt in sorted(self.g.objects(node, SH.datatype), key=str):
            out.append(_Datatype(self.datatype(node, dt)))
        for node_kind in sorted(self.g.objects(node, SH.nodeKind), key=str):
            if not isinstance(node_kind, URIRef) or node_kind not in _NODE_KINDS:
                raise self.refuse(f"sh:nodeKind {node_kind}", node)
            out.append(_NodeKind(node_kind))
        flags = self.one(node, SH.flags)
        for pattern in sorted(self.g.objects(node, SH.pattern), key=str):
            out.append(self.pattern(node, pattern, flags))
        if flags is not None and not list(self.g.objects(node, SH.pattern)):
            raise self.refuse("sh:flags without sh:pattern", node)
        for length in sorted(self.g.objects(node, SH.minLength), key=str):
            out.append(_MinLength(self.count(node, length, "sh:minLength")))
        for members in self.g.objects(node, SH["in"]):
            out.append(_In(tuple(_sparql_term(m) for m in self.items(node, members, "sh:in"))))
        for value in sorted(self.g.objects(node, SH.hasValue), key=str):
            out.append(_HasValue(_sparql_term(value)))
        for languages in self.g.objects(node, SH.languageIn):
            tags = self.items(node, languages, "sh:languageIn")
            if not all(isinstance(t, Literal) and t.datatype in (None, XSD.string) for t in tags):
                raise self.refuse("sh:languageIn with members that are not strings", node)
            out.append(_LanguageIn(tuple(str(t) for t in tags)))
        for n in self.g.objects(node, SH.minCount):
            if path is None:
                raise self.refuse("sh:minCount on a node shape", node)
            count = self.count(node, n, "sh:minCount")
            if count > 0:  # sh:minCount 0 constrains nothing
                out.append(_MinCount(count))
        for n in self.g.objects(node, SH.maxCount):
            if path is None:
                raise self.refuse("sh:maxCount on a node shape", node)
            out.append(_MaxCount(self.count(node, n, "sh:maxCount")))
        for other in sorted(self.g.objects(node, SH.lessThan), key=str):
            if path is None:
                raise self.refuse("sh:lessThan on a node shape", node)
            out.append(_LessThan(self.iri(node, other, "sh:lessThan")))
        for members in self.g.objects(node, SH["or"]):
            items = self.items(node, members, "sh:or")
            base = self.names.get(node, self.label(node))
            shapes = [self.shape(m, f"{base}/or[{i + 1}]", nested=True) for i, m in enumerate(items)]
            out.append(_Or(tuple(shapes)))
        for constraint in self.g.objects(node, SH.sparql):
            if path is not None:
                raise self.refuse("sh:sparql on a property shape", node)
            out.append(self.sparql(node, constraint))
        return out

    def iri(self, node: Node, value: Node, what: str) -> str:
        if not isinstance(value, URIRef):
            raise self.refuse(f"{what} with a value that is not an IRI", node)
        return str(value)

    def datatype(self, node: Node, dt: Node) -> URIRef:
        if not isinstance(dt, URIRef):
            raise self.refuse("sh:datatype with a value that is not an IRI", node)
        known = {XSD.string, RDF.langString, *_INTEGER_RANGES, *_CASTABLE}
        standard = any(str(dt).startswith(str(ns)) for ns in (XSD, RDF, RDFS))
        if standard and dt not in known:
            # the store normalises many standard datatypes; only those checked here are known to be exact
            raise self.refuse(f"sh:datatype {_curie(str(dt))}", node)
        return dt

    def pattern(self, node: Node, pattern: Node, flags: Node | None) -> _Pattern:
        if not isinstance(pattern, Literal):
            raise self.refuse("sh:pattern with a value that is not a string", node)
        flag_text = str(flags) if flags is not None else ""
        if set(flag_text) - set("smixq"):
            raise self.refuse(f"sh:flags {flag_text!r}", node)
        # the engine's regex dialect is the one SPARQL REGEX uses; a pattern it rejects is refused here
        arguments = [_string(""), _string(str(pattern))] + ([_string(flag_text)] if flag_text else [])
        probe = f"SELECT (REGEX({', '.join(arguments)}) AS ?ok) {{}}"
        solution = next(iter(ox.Store().query(probe)))  # type: ignore[arg-type]
        if solution["ok"] is None:
            raise self.refuse(f"the regular expression {str(pattern)!r} (not valid XPath syntax)", node)
        return _Pattern(str(pattern), flag_text)

    def count(self, node: Node, value: Node, what: str) -> int:
        number = value.toPython() if isinstance(value, Literal) else None
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise self.refuse(f"{what} {value} (not a non-negative integer)", node)
        return number

    def items(self, node: Node, head: Node, what: str) -> list[Node]:
        items: list[Node] = []
        seen: set[Node] = set()
        while head != RDF.nil:
            first, rest = self.g.value(head, RDF.first), self.g.value(head, RDF.rest)
            if first is None or rest is None or head in seen:
                raise self.refuse(f"{what} with a value that is not a well-formed RDF list", node)
            seen.add(head)
            items.append(first)
            head = rest
        return items

    def sparql(self, node: Node, constraint: Node) -> _Sparql:
        where = f"{self.file}, shape {self.names.get(node, _node_label(node))}"
        select = self.one(constraint, SH.select)
        if select is None:
            raise self.refuse("sh:sparql without sh:select", node)
        prefixes: dict[str, str] = {}
        for holder in self.g.objects(constraint, SH.prefixes):
            if (holder, URIRef("http://www.w3.org/2002/07/owl#imports"), None) in self.g:
                raise self.refuse("owl:imports of prefix declarations", node)
            for declaration in self.g.objects(holder, SH.declare):
                prefix, namespace = self.g.value(declaration, SH.prefix), self.g.value(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise self.refuse("an sh:declare without sh:prefix and sh:namespace", node)
                prefixes[str(prefix)] = str(namespace)
        group, projected = _compile_select(str(select), prefixes, where)
        message = self.one(constraint, SH.message)
        return _Sparql(group, projected, str(message) if message is not None else None)


def compile_shapes(shapes: Graph, shapes_file: str = "the shapes graph") -> list[Check]:
    """Compile a SHACL shapes graph into checks, one per constraint of each targeted shape.

    Parameters:
        shapes: the shapes graph (e.g. ``Ontology.shapes``).
        shapes_file: where the shapes come from, named in errors.

    Raises:
        UnsupportedShape: the shapes use a SHACL feature outside the supported subset (named).

    Example::

        >>> from kg.ontology import load_ontology
        >>> checks = compile_shapes(load_ontology().shapes, "ontology/shapes.ttl")
        >>> sorted({c.component for c in checks})[:3]
        ['Class', 'Datatype', 'HasValue']
    """
    return _Compiler(shapes, shapes_file).run()


# --------------------------------------------------------------------------------------------
# running the checks


def check_store(
    store: ox.Store,
    checks: Sequence[Check],
    graphs: Sequence[str] | None = None,
    *,
    ontology_graph: str = str(ONTOLOGY_GRAPH),
    registry_graphs: Sequence[str] = (str(REGISTRY_GRAPH),),
) -> list[Violation]:
    """Check article graphs of ``store``, each with the ontology and the registry's description of what it names.

    Parameters:
        store: a pyoxigraph store holding the article graphs, the ontology graph and the registry graphs.
        checks: from :func:`compile_shapes`.
        graphs: IRIs of the graphs to check; None checks every graph named ``…/graph/article/…``.
        ontology_graph: the graph added whole to every article's data graph.
        registry_graphs: graphs whose triples about a node are added when the article refers to the node.

    Returns:
        The violations, sorted; empty when every graph conforms.
    """
    context = (ontology_graph, *registry_graphs)
    if graphs is not None and set(graphs) & set(context):
        raise ValueError("the ontology and registry graphs are context, not graphs to check")
    held = _contents(store, context)
    hierarchy = _hierarchy(store, [ontology_graph])
    own_hierarchy = _graphs_with_own_hierarchy(store, graphs, registry_graphs)
    violations: list[Violation] = []
    if graphs is None:
        selector = f"FILTER(STRSTARTS(STR(?g), {_string(ARTICLE_PREFIX)}))"
        if own_hierarchy:
            selector += f" FILTER(?g NOT IN ({', '.join(f'<{g}>' for g in sorted(own_hierarchy))}))"
        normal: list[str] | None = None
    else:
        normal = [g for g in graphs if g not in own_hierarchy]
        selector = _values_selector(normal)
    if normal is None or normal:
        sources = _Sources(
            None,
            (ontology_graph,),
            tuple(registry_graphs),
            held.predicates,
            held.types,
            _closures(hierarchy, checks),
            selector,
            blank_subjects=frozenset(held.blank_subjects),
        )
        violations += _run(store, checks, sources)
    for graph in sorted(own_hierarchy):
        extra = _hierarchy(store, [graph]) + _referenced_hierarchy(store, graph, registry_graphs)
        sources = _Sources(
            None,
            (ontology_graph,),
            tuple(registry_graphs),
            held.predicates,
            held.types,
            _closures(hierarchy + extra, checks),
            _values_selector([graph]),
            blank_subjects=frozenset(held.blank_subjects),
        )
        violations += _run(store, checks, sources)
    return sorted(set(violations))


def check_union(
    store: ox.Store,
    checks: Sequence[Check],
    graphs: Sequence[str],
    *,
    name: str,
    ontology_graph: str = str(ONTOLOGY_GRAPH),
) -> list[Violation]:
    """Check the union of ``graphs`` and the ontology as one data graph, e.g. the registry and its background.

    Violations are reported in graph ``name``.
    """
    context = (*graphs, ontology_graph)
    held = _contents(store, context)
    hierarchy = _hierarchy(store, context)
    sources = _Sources(
        tuple(graphs), (ontology_graph,), (), held.predicates, held.types, _closures(hierarchy, checks), name=name
    )
    return sorted(set(_run(store, checks, sources)))


def _values_selector(graphs: Sequence[str]) -> str:
    return f"VALUES ?g {{ {' '.join(f'<{g}>' for g in graphs)} }}" if graphs else "FILTER(false)"


def _run(store: ox.Store, checks: Sequence[Check], sources: _Sources) -> list[Violation]:
    out: list[Violation] = []
    for group in _fusion_groups(checks, sources):
        if len(group) > 1 and isinstance(group[0].constraint, _MinCount):
            # screen: focus nodes missing any of the paths; only their graphs are then checked one
            # path at a time (on conforming data, never)
            flagged = sorted({row["g"].value for row in _query(store, _screen_query(group, sources), group[0])})
            if flagged:
                narrowed = replace(sources, selector=_values_selector(flagged))
                for check in group:
                    out += [_violation(check, row, []) for row in _query(store, check.query(narrowed), check)]
            continue
        query = group[0].query(sources) if len(group) == 1 else _fused_query(group, sources)
        for row in _query(store, query, group[0]):
            check = group[int(row["k"].value)] if len(group) > 1 else group[0]
            out.append(_violation(check, row, check.constraint.columns()))
    return out


def _query(store: ox.Store, query: str, check: Check) -> Any:
    try:
        return store.query(query)
    except SyntaxError as exc:  # a bug in the compiler, never the user's input
        raise RuntimeError(f"kg.shacl wrote invalid SPARQL for {check.shape}: {exc}\n{query}") from exc


def _screen_query(group: Sequence[Check], sources: _Sources) -> str:
    r = _Renderer(sources)
    focus = r.focus(group[0].targets)
    present = _Bgp("?g", tuple(f"?this <{c.path.iri}> {r.var('v')} ." for c in group if c.path))
    return f"SELECT DISTINCT ?g WHERE {{ {_text([*focus.elements, f'MINUS {{ {present.text()} }}'])} }}"


# Checks of one kind on the same focus nodes run as one query: the focus nodes are found once and
# each value is looked at once, with ?k telling which check a row is for. pyoxigraph spends its
# time per row and per query, not per expression, so this divides the time of the shapes with
# many properties (assertions, spans, sentences) by three or so. Only forward paths whose values
# come from the checked graph alone are fused; everything else runs one check at a time.


def _fusion_kind(check: Check, sources: _Sources) -> str | None:
    c, path = check.constraint, check.path
    if sources.own is not None or path is None or path.inverse or path.iri == str(RDF.type):
        return None  # (objects of rdf:type do not count as referred to; the single check knows)
    if any(path.iri in sources.predicates.get(g, frozenset()) for g in (*sources.shared, *sources.referenced)):
        return None  # values also come from the ontology or the registry
    if isinstance(c, _MinCount) and c.count == 1:
        return "MinCount"
    if isinstance(c, _MaxCount) and c.count == 1:
        return "MaxCount"
    if isinstance(c, _ValueTest):
        return f"ValueTest {path.iri}"  # one scan of one path's values, several conditions
    if isinstance(c, _Class):
        return "Class"
    return None


def _fusion_groups(checks: Sequence[Check], sources: _Sources) -> list[list[Check]]:
    groups: dict[tuple[str, _Targets], list[Check]] = {}
    singles: list[list[Check]] = []
    for check in checks:
        kind = _fusion_kind(check, sources)
        if kind is None:
            singles.append([check])
        else:
            groups.setdefault((kind, check.targets), []).append(check)
    return [*groups.values(), *singles]


def _fused_query(group: Sequence[Check], sources: _Sources) -> str:
    r = _Renderer(sources)
    focus = r.focus(group[0].targets)
    p, v = r.var("p"), r.var("v")
    paths = " ".join(f"(<{c.path.iri}> {k})" for k, c in enumerate(group) if c.path)
    pairs = f"VALUES ({p} ?k) {{ {paths} }}"
    constraint = group[0].constraint
    elements: list[_Element]
    if isinstance(constraint, _MaxCount):
        w = r.var("v")
        pattern = _Bgp("?g", (f"?this {p} {v} .", f"?this {p} {w} ."))
        elements = [*focus.elements, pairs, pattern, f"FILTER(!sameTerm({v}, {w}))"]
    elif isinstance(constraint, _ValueTest):
        # one path: bind ?k to each failed condition of each value
        failed = " UNION ".join(
            f"{{ FILTER(!COALESCE({c.constraint.condition('?value')}, false)) BIND({k} AS ?k) }}"  # type: ignore[attr-defined]
            for k, c in enumerate(group)
        )
        path = group[0].path.sparql() if group[0].path else ""
        elements = [*focus.elements, _Bgp("?g", (f"?this {path} ?value .",)), f"LATERAL {{ {failed} }}"]
    else:
        ref, t = r.var("ref"), r.var("t")
        classes = " ".join(
            f"({k} <{cls}>)"
            for k, c in enumerate(group)
            for cls in sorted(r.closure(c.constraint.cls))  # type: ignore[attr-defined]
        )
        instances, with_ref = _typed(r, t, ref)
        left: list[_Element] = [_Bgp("?g", (f"?this {p} ?value .",))]
        if with_ref:
            left.append(f"BIND(isIRI(?value) AS {ref})")
        right = _text([f"VALUES (?k {t}) {{ {classes} }}", instances])
        elements = [*focus.elements, pairs, *left, f"MINUS {{ {right} }}"]
    return f"SELECT DISTINCT ?g ?this ?value ?k WHERE {{\n{_text(elements)}\n}}"


def _typed(r: _Renderer, t: str, ref: str) -> tuple[_Element, bool]:
    """Rows (?value, ``t``) of rdf:type in the data graph, for values taken from the checked graph
    (so referred to by it when they are IRIs: registry rows bind ``ref`` to true)."""
    own, shared, registry = r.graphs(frozenset({str(RDF.type)}))
    pattern = f"?value {_TYPE} {t} ."
    branches: list[_Element] = [_Bgp(g, (pattern,)) for g in [*own, *shared]]
    for g in registry:
        branches.append(f"{_Bgp(g, (pattern,)).text()} BIND(true AS {ref})")
        if g[1:-1] in r.sources.blank_subjects:
            branches.append(r.about(g, "?value", _TYPE, t))
    return _union(branches), bool(registry)


def _violation(check: Check, row: Any, columns: list[str]) -> Violation:
    focus, value = row["this"], row["value"]
    path = check.path.sparql() if check.path else ""
    message = check.message
    if columns:  # a SPARQL constraint: ?path and ?value of the solution, {?var} in the message
        bound = {name[2:]: row[name] for name in columns}
        if isinstance(bound.get("path"), ox.NamedNode) and check.path is None:
            path = str(bound["path"])
        value = bound["value"] if bound.get("value") is not None else focus
        for var, term in [*bound.items(), ("this", focus)]:
            shown = _display(str(term)) if term is not None else "-"
            message = message.replace("{?" + var + "}", shown).replace("{$" + var + "}", shown)
    return Violation(
        graph=row["g"].value,
        focus=str(focus),
        path=path,
        value=str(value) if value is not None else "",
        shape=check.shape,
        component=check.component,
        message=message,
    )


def _contents(store: ox.Store, graphs: Iterable[str]) -> _Contents:
    """What the context graphs hold: predicates, classes with instances, blank-node subjects."""
    contents = _Contents({}, {}, set())
    for graph in graphs:
        rows = store.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        contents.predicates[graph] = frozenset(row["p"].value for row in rows)  # type: ignore[union-attr]
        rows = store.query(f"SELECT DISTINCT ?c WHERE {{ GRAPH <{graph}> {{ ?s {_TYPE} ?c }} }}")
        contents.types[graph] = frozenset(row["c"].value for row in rows)  # type: ignore[union-attr]
        if store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER(isBlank(?s)) }} }}"):
            contents.blank_subjects.add(graph)
    return contents


@dataclass(frozen=True)
class _Contents:
    predicates: dict[str, frozenset[str]]
    types: dict[str, frozenset[str]]
    blank_subjects: set[str]


_SUBCLASS = f"<{RDFS.subClassOf}>"


def _hierarchy(store: ox.Store, graphs: Iterable[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for graph in graphs:
        rows = store.query(f"SELECT ?a ?b WHERE {{ GRAPH <{graph}> {{ ?a {_SUBCLASS} ?b }} }}")
        pairs += [(str(row["a"]), str(row["b"])) for row in rows]  # type: ignore[union-attr]
    return [(_unbracket(a), _unbracket(b)) for a, b in pairs]


def _unbracket(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term


def _referenced_hierarchy(store: ox.Store, graph: str, registry_graphs: Sequence[str]) -> list[tuple[str, str]]:
    """rdfs:subClassOf triples of the registry about nodes that ``graph`` refers to."""
    pairs: list[tuple[str, str]] = []
    for registry in registry_graphs:
        rows = store.query(
            f"SELECT ?a ?b WHERE {{ GRAPH <{registry}> {{ ?a {_SUBCLASS} ?b }} "
            f"FILTER EXISTS {{ GRAPH <{graph}> {{ {{ ?a ?p ?o }} UNION "
            f"{{ ?s ?p ?a FILTER(?p != {_TYPE} && isIRI(?a)) }} }} }} }}"
        )
        pairs += [(_unbracket(str(row["a"])), _unbracket(str(row["b"]))) for row in rows]  # type: ignore[union-attr]
    return pairs


def _graphs_with_own_hierarchy(
    store: ox.Store, graphs: Sequence[str] | None, registry_graphs: Sequence[str]
) -> set[str]:
    """Checked graphs whose data graph has rdfs:subClassOf triples besides the ontology's."""
    if graphs is None:
        selector = f"FILTER(STRSTARTS(STR(?g), {_string(ARTICLE_PREFIX)}))"
    else:
        selector = _values_selector(list(graphs))
    rows = store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?a {_SUBCLASS} ?b }} {selector} }}")
    found = {row["g"].value for row in rows}  # type: ignore[union-attr]
    for registry in registry_graphs:
        rows = store.query(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH <{registry}> {{ ?a {_SUBCLASS} ?b }} "
            f"{{ GRAPH ?g {{ ?a ?p ?o }} }} UNION {{ GRAPH ?g {{ ?s ?p ?a }} FILTER(?p != {_TYPE} && isIRI(?a)) }} "
            f"{selector} }}"
        )
        found |= {row["g"].value for row in rows}  # type: ignore[union-attr]
    return found


def _closures(pairs: Iterable[tuple[str, str]], checks: Sequence[Check]) -> dict[str, frozenset[str]]:
    """For every class the checks name: itself and everything below it in ``pairs`` (child, parent)."""
    children: dict[str, set[str]] = {}
    for child, parent in pairs:
        children.setdefault(parent, set()).add(child)
    out: dict[str, frozenset[str]] = {}
    for cls in sorted(_classes_named(checks)):
        seen = {cls}
        todo = [cls]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        out[cls] = frozenset(seen)
    return out


def _classes_named(checks: Sequence[Check]) -> set[str]:
    names: set[str] = set()

    def visit(c: _Constraint) -> None:
        if isinstance(c, _Class):
            names.add(c.cls)
        elif isinstance(c, _Or):
            for m in c.members:
                for inner in [*m.constraints, *(x for p in m.properties for x in p.constraints)]:
                    visit(inner)

    for check in checks:
        names |= check.targets.classes
        visit(check.constraint)
    return names


# --------------------------------------------------------------------------------------------
# an rdflib dataset, validated the way kg.validate does it


def load_store(dataset: Dataset) -> ox.Store:
    """An in-memory pyoxigraph store with the quads of an rdflib dataset (literals as oxigraph keeps them)."""
    store = ox.Store()
    quads: list[ox.Quad] = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        graph = ox.DefaultGraph() if name is None or str(name) == "urn:x-rdflib:default" else to_oxigraph(name)
        quads.append(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph))  # type: ignore[arg-type]
    store.bulk_extend(quads)
    return store


@dataclass(frozen=True)
class ShapeChecks:
    """The compiled checks of kg's two shapes files."""

    core: list[Check]
    evidence: list[Check]


def compile_ontology_shapes(ontology: Ontology) -> ShapeChecks:
    """Compile ontology/shapes.ttl and ontology/evidence-shapes.ttl."""
    from kg import resources

    return ShapeChecks(
        compile_shapes(ontology.shapes, f"ontology/{resources.SHAPES_FILE}"),
        compile_shapes(ontology.evidence_shapes, f"ontology/{resources.EVIDENCE_SHAPES_FILE}"),
    )


def validate_natively(dataset: Dataset, ontology: Ontology) -> None:
    """Validate like :func:`kg.validate.validate_dataset`, with the native checks on an in-memory store.

    The registry (with its background) is checked first, then every article graph; the first graph
    that fails, in that order, is reported (its core-shape violations before its evidence ones).

    Raises:
        ValidationFailed: with a one-line summary and, in ``report``, one line per violation.
    """
    store = load_store(dataset)
    articles = sorted({str(g) for g in _store_graphs(store) if g.startswith(ARTICLE_PREFIX)})
    validate_store_natively(store, [str(REGISTRY_GRAPH), *articles], ontology)


def validate_store_natively(
    store: ox.Store,
    graphs: Sequence[str],
    ontology: Ontology,
    progress: Callable[[int], None] | None = None,
    *,
    checks: ShapeChecks | None = None,
) -> None:
    """Validate named graphs of a store as :func:`kg.validate.validate_store_graphs` does, natively.

    ``graphs`` names article graphs and, to check it with its background, the registry graph; the
    store also holds the ontology and registry graphs. The first failing graph in sorted order is
    reported, as kg.validate reports it. Checking every article graph of the store is the fast
    case (a build's scratch store); a few graphs of a large store are selected by name, which
    pyoxigraph evaluates more slowly.

    Raises:
        ValidationFailed: with a one-line summary and, in ``report``, one line per violation.
    """
    checks = checks or compile_ontology_shapes(ontology)
    remedy = "fix the annotation or registry entries named in the report"
    if str(REGISTRY_GRAPH) in graphs:
        registry = check_union(
            store, checks.core, [str(REGISTRY_GRAPH), str(BACKGROUND_GRAPH)], name=str(REGISTRY_GRAPH)
        )
        if registry:
            _fail(registry, "the registry", checks.core[0].shapes_file, remedy)
    articles = sorted({g for g in graphs if g.startswith(ARTICLE_PREFIX)})
    if not articles:
        return
    every = articles == sorted(g for g in _store_graphs(store) if g.startswith(ARTICLE_PREFIX))
    selected = None if every else articles
    core = check_store(store, checks.core, selected)
    evidence = check_store(store, checks.evidence, selected)
    if progress:
        progress(len(articles))
    failing = sorted({v.graph for v in core} | {v.graph for v in evidence})
    if not failing:
        return
    graph = failing[0]
    what = f"article {graph[len(ARTICLE_PREFIX) :]}"
    in_graph = [v for v in core if v.graph == graph]
    if in_graph:
        _fail(in_graph, what, checks.core[0].shapes_file, remedy)
    _fail(
        [v for v in evidence if v.graph == graph],
        what,
        checks.evidence[0].shapes_file,
        "add evidence for the facts named in the report",
    )


def _store_graphs(store: ox.Store) -> list[str]:
    return [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]


def _fail(violations: Sequence[Violation], what: str, shapes_file: str, remedy: str) -> None:
    from kg.validate import report_violations

    report_violations((v.describe() for v in violations), what, shapes_file, remedy, violations[0].graph)


# --------------------------------------------------------------------------------------------
# small helpers


def _string(text: str) -> str:
    """A SPARQL string literal."""
    return str(ox.Literal(text))


def _curie(iri: str) -> str:
    for prefix, ns in {**PREFIXES, "kgsh": SHAPES_NS, "sh": str(SH)}.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _node_label(node: Node) -> str:
    return _curie(str(node)) if isinstance(node, URIRef) else f"_:{node}"


_LITERAL = re.compile(r'^"(.*)"(?:\^\^<[^>]*>|@[A-Za-z0-9-]+)?$', re.DOTALL)


def _display(term: str, inverse: bool = False) -> str:
    """An N-Triples term as kg.validate shows it: a prefixed IRI, or a literal's text quoted."""
    text = term
    if term.startswith("<") and term.endswith(">"):
        text = _curie(term[1:-1])
        if text.startswith("<"):
            text = term[1:-1]
    elif match := _LITERAL.match(term):
        try:
            text = repr(json.loads(f'"{match.group(1)}"'))  # N-Triples escapes are JSON's
        except ValueError:
            text = repr(match.group(1))
    return ("^" if inverse else "") + text


__all__ = [
    "Check",
    "PropertyPath",
    "ShapeChecks",
    "Violation",
    "check_store",
    "check_union",
    "compile_ontology_shapes",
    "compile_shapes",
    "load_store",
    "validate_natively",
]
