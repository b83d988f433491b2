"""kg sorts the rows of a final ORDER BY itself (kg.query.execute): the engine's order, or the engine's sort.

pyoxigraph's own sort reads every compared string from the database again; kg reads each row once and
sorts in Python, which must give the order SPARQL (and pyoxigraph) gives.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.query import execute, split_order

E = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("text", "body", "keys"),
    [
        ("SELECT ?a WHERE { ?a ?p ?o }\nORDER BY ?a\n", "SELECT ?a WHERE { ?a ?p ?o }\n", [("a", False)]),
        (
            "SELECT * WHERE { ?a ?p ?o } order by desc(?o) ?a ASC( ?p )",
            "SELECT * WHERE { ?a ?p ?o } ",
            [("o", True), ("a", False), ("p", False)],
        ),
        # not a final ORDER BY of variables: left to the engine
        ("SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a LIMIT 3", None, []),
        ("SELECT ?a WHERE { ?a ?p ?o } ORDER BY STR(?a)", None, []),
        ("SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a } }", None, []),
        ("SELECT ?a WHERE { ?a ?p ?o }", None, []),
    ],
)
def test_split_order(text: str, body: str | None, keys: list[tuple[str, bool]]) -> None:
    assert split_order(text) == (text if body is None else body, keys)


def literal(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


MIXED = [
    literal("b", language="en"),
    literal("a", language="en"),
    literal("B", language="fr"),
    literal("Z"),
    literal("é"),
    literal("z"),
    ox.NamedNode(E + "y"),
    ox.NamedNode(E + "x"),
]
NUMBERS = [literal(v, XSD + "integer") for v in ("10", "9", "-3", "100")]
COUNTS = [literal(v, XSD + "integer") for v in ("10", "9", "0", "100", "09")]
# pyoxigraph orders numbers before strings; kg leaves mixed datatypes, and blank nodes, to it
FALLBACK = [literal("10", XSD + "integer"), literal("9"), ox.BlankNode("q"), ox.NamedNode(E + "x")]


@pytest.mark.parametrize(
    "values", [MIXED, NUMBERS, COUNTS, FALLBACK], ids=["strings-iris", "integers", "counts", "engine"]
)
@pytest.mark.parametrize("order", ["?o ?s", "DESC(?o) ?s", "?g DESC(?o)"])
def test_rows_come_in_the_engines_order(values: list[ox.NamedNode | ox.Literal | ox.BlankNode], order: str) -> None:
    store = ox.Store()
    for i, value in enumerate(values):
        # two rows per value, in two graphs, and one subject without ?o (unbound sorts first)
        for g in ("g1", "g2"):
            store.add(ox.Quad(ox.NamedNode(f"{E}s{i}"), ox.NamedNode(E + "p"), value, ox.NamedNode(E + g)))
    store.add(ox.Quad(ox.NamedNode(E + "lone"), ox.NamedNode(E + "q"), literal("1"), ox.NamedNode(E + "g1")))
    text = (
        f"SELECT ?s ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?x }} OPTIONAL {{ GRAPH ?g {{ ?s <{E}p> ?o }} }} }} "
        f"ORDER BY {order}"
    )
    kind, names, rows = execute(store, text)
    engine = store.query(text)
    assert isinstance(engine, ox.QuerySolutions)
    expected = [[None if t is None else t.value for t in solution] for solution in engine]
    assert kind == "select" and names == ["s", "o", "g"]
    # the same rows, in the same order of the keys (rows tied on every key may come in any order)
    _, keys = split_order(text)
    columns = [names.index(name) for name, _ in keys]
    assert sorted(rows, key=str) == sorted(expected, key=str)
    assert [[row[i] for i in columns] for row in rows] == [[row[i] for i in columns] for row in expected]


# kg reads a SELECT's solutions from the TSV pyoxigraph writes: every kind of term gives the value
# pyoxigraph's own term objects give
TERMS = [
    literal('tab\there, line\nbreak, return\r, "quoted", back\\slash, \\t written out, ends with \\'),
    literal(""),
    literal("é, \u2028, \x01, 🙂"),
    literal("colour", language="en-GB"),
    ox.Literal("yes", language="ar", direction=ox.BaseDirection.RTL),
    literal("10", XSD + "integer"),
    literal("-3", XSD + "integer"),
    literal("1.50", XSD + "decimal"),
    literal("1e3", XSD + "double"),
    literal("NaN", XSD + "double"),
    literal("true", XSD + "boolean"),
    literal("2020-01-01", XSD + "date"),
    literal("abc", XSD + "integer"),  # ill-typed: kept as it is
    literal("x<<y>>z"),
    ox.NamedNode(E + "é?a=1&b=2#frag"),
    ox.BlankNode("b1"),
]


def values_of(store: ox.Store, text: str) -> list[list[str | None]]:
    result = store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    return [[None if t is None else t.value for t in solution] for solution in result]


@pytest.mark.parametrize("term", TERMS, ids=repr)
def test_rows_hold_the_values_of_the_terms(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(E + "s"), ox.NamedNode(E + "p"), term))
    store.add(ox.Quad(ox.NamedNode(E + "t"), ox.NamedNode(E + "q"), literal("other")))
    text = f"SELECT ?s ?o ?unbound WHERE {{ ?s ?p ?x OPTIONAL {{ ?s <{E}p> ?o }} }}"
    kind, names, rows = execute(store, text)
    assert (kind, names) == ("select", ["s", "o", "unbound"])
    assert sorted(rows, key=str) == sorted(values_of(store, text), key=str)


def test_rows_of_every_kind_of_term_together_and_sorted() -> None:
    store = ox.Store()
    for i, term in enumerate(TERMS):
        store.add(ox.Quad(ox.NamedNode(f"{E}s{i:02}"), ox.NamedNode(E + "p"), term))
    plain = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    assert sorted(execute(store, plain)[2], key=str) == sorted(values_of(store, plain), key=str)
    # mixed kinds in the key column (and an ill-typed integer) are sorted by the engine
    ordered = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY DESC(?o) ?s"
    assert execute(store, ordered)[2] == values_of(store, ordered)


@pytest.mark.parametrize("directional", [False, True])
def test_language_tagged_strings_sorted_by_kg_unless_one_has_a_direction(directional: bool) -> None:
    store = ox.Store()
    values = [literal("b", language="en"), literal("a", language="fr"), literal("c")]
    if directional:
        values.append(ox.Literal("a", language="ar", direction=ox.BaseDirection.RTL))
    for i, value in enumerate(values):
        store.add(ox.Quad(ox.NamedNode(f"{E}s{i}"), ox.NamedNode(E + "p"), value))
    text = "SELECT ?o ?s WHERE { ?s ?p ?o } ORDER BY ?o ?s"
    assert execute(store, text)[2] == values_of(store, text)


def test_no_columns_and_no_rows() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(E + "s"), ox.NamedNode(E + "p"), literal("x")))
    assert execute(store, "SELECT * WHERE { }") == ("select", [], [[]])
    assert execute(store, "SELECT ?s WHERE { ?s ?p 1 } ORDER BY ?s") == ("select", ["s"], [])
    _, names, rows = execute(store, "SELECT * WHERE { ?s ?p ?o }")
    assert dict(zip(names, rows[0], strict=True)) == {"s": E + "s", "p": E + "p", "o": "x"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=5), st.sampled_from(["", "en", "fr-CA"]))
def test_any_strings_come_back_as_they_were_and_sorted(strings: list[str], language: str) -> None:
    store = ox.Store()
    for i, value in enumerate(strings):
        term = ox.Literal(value, language=language) if language else ox.Literal(value)
        store.add(ox.Quad(ox.NamedNode(f"{E}s{i}"), ox.NamedNode(E + "p"), term))
    text = "SELECT ?o ?s WHERE { ?s ?p ?o } ORDER BY ?o ?s"
    assert execute(store, text)[2] == values_of(store, text)


def test_an_ill_typed_number_in_a_key_column_is_sorted_by_the_engine() -> None:
    store = ox.Store()
    for i, value in enumerate(["10", "abc", "9"]):
        store.add(ox.Quad(ox.NamedNode(f"{E}s{i}"), ox.NamedNode(E + "p"), literal(value, XSD + "integer")))
    text = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    assert execute(store, text)[2] == values_of(store, text)


# a CONSTRUCT answer is shown as Turtle declaring the prefixes of kg's namespaces its subjects, predicates and
# objects use, and no other (not those of datatypes, nor of IRIs written inside strings)
KG = "https://w3id.org/migration-kg/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
IRIS = [KG + "organized", RDFS + "label", E + "a", E + "b", XSD + "date"]
OBJECTS = [
    *[ox.NamedNode(iri) for iri in IRIS],
    literal(f"mentions <{KG}x> and <{RDFS}y>"),
    literal(f" <{RDFS}label"),
    literal(f"<{KG}"),
    literal("2020-01-01", XSD + "date"),
    literal("x", language="en"),
    ox.BlankNode("b"),
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([E + "s", E + "t", KG + "Thing"]), st.sampled_from(IRIS), st.sampled_from(OBJECTS)),
        min_size=1,
        max_size=8,
    )
)
def test_construct_turtle_declares_the_prefixes_its_iris_use(triples: list[tuple[str, str, Any]]) -> None:
    from kg.namespaces import PREFIXES
    from kg.query import turtle_of_ntriples

    graph = [ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o) for s, p, o in triples]
    turtle = turtle_of_ntriples(ox.serialize(graph, format=ox.RdfFormat.N_TRIPLES) or b"")
    declared = {line.split()[1][:-1] for line in turtle.splitlines() if line.startswith("@prefix")}
    iris = {t.value for triple in graph for t in triple if isinstance(t, ox.NamedNode)}
    expected = {
        name
        for name, namespace in PREFIXES.items()
        if name not in ("id", "topic", "graph") and any(iri.startswith(namespace) for iri in iris)
    }
    assert declared == expected
    assert {q.triple for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)} == set(graph)
