"""kg sorts the rows of a final ORDER BY itself (kg.query.execute): the engine's order, or the engine's sort.

pyoxigraph's own sort reads every compared string from the database again; kg reads each row once and
sorts in Python, which must give the order SPARQL (and pyoxigraph) gives.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

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
# pyoxigraph orders numbers before strings; kg leaves mixed datatypes, and blank nodes, to it
FALLBACK = [literal("10", XSD + "integer"), literal("9"), ox.BlankNode("q"), ox.NamedNode(E + "x")]


@pytest.mark.parametrize("values", [MIXED, NUMBERS, FALLBACK], ids=["strings-iris", "integers", "engine"])
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
