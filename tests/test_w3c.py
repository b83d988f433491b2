"""W3C conformance: the RDF 1.1 Turtle and N-Triples suites, and the SPARQL 1.1 query syntax suite.

The test data is the W3C's (../shared/w3c-rdf-tests, copied unchanged from w3c/rdf-tests); every
entry of each manifest is a test here, named by its file. The registry is YAML, so the RDF suites
apply to the two ways kg reads RDF: ontology files (``kg.ontology.load_ontology`` and
``parse_turtle``) and graph files given to ``--graph`` (``kg.rdffile.read_quads``). Queries go
through ``kg.query.check_query``, the front door of ``kg query`` and of the endpoint.

Test IRIs in the manifests are under https://w3c.github.io/rdf-tests/, mapped to the folder; a
test's own IRI is the base IRI of its input, as the W3C's harness has it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF

from kg.errors import FileFormatError, QueryRejected, QuerySyntaxError
from kg.ontology import load_ontology, parse_turtle
from kg.query import check_query
from kg.rdffile import read_quads

ROOT = Path(__file__).resolve().parent.parent
# the suites sit beside the project on the development and CI machines; KG_W3C_TESTS names another place
W3C = Path(os.environ.get("KG_W3C_TESTS") or ROOT.parent / "shared" / "w3c-rdf-tests")
if not W3C.is_dir():
    W3C = Path("/work/shared/w3c-rdf-tests")
BASE = "https://w3c.github.io/rdf-tests/"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
POSITION = re.compile(r":\d+:\d+$")

# Positive SPARQL syntax tests kg refuses on purpose, with the reason.
KNOWN_REFUSED = {
    "syntax-construct-where-02.rq": "FROM <file> names a graph outside kg; kg never fetches graphs (QueryRejected)",
    "syntax-select-expr-04.rq": "calls the custom function <http://example/function>, which pyoxigraph, kg's "
    "engine, does not have; refused before running rather than failing mid-query (QueryRejected)",
}


def manifest(folder: str) -> list[tuple[str, Path, str, Path | None]]:
    """(test type, input file, input IRI, expected result file) of every entry of a manifest."""
    root = W3C / folder
    if not (root / "manifest.ttl").is_file():
        return []  # every test of the suite is then skipped, which fails under CI=true
    base = BASE + folder + "/"
    graph = rdflib.Graph().parse(root / "manifest.ttl", format="turtle", publicID=base + "manifest.ttl")
    entries = []
    for test in graph.subjects(RDF.type, None):
        kind = str(graph.value(test, RDF.type)).rsplit("#", 1)[-1]
        action = graph.value(test, MF.action)
        if action is None or not kind.endswith(("Syntax", "Eval", "Test11")):
            continue
        result = graph.value(test, MF.result)
        entries.append(
            (
                kind,
                root / str(action)[len(base) :],
                str(action),
                root / str(result)[len(base) :] if result is not None else None,
            )
        )
    return sorted(entries, key=lambda e: e[1].name)


def params(folder: str, kinds: tuple[str, ...]) -> list[pytest.param]:
    return [
        pytest.param(path, iri, result, id=path.name) for kind, path, iri, result in manifest(folder) if kind in kinds
    ]


TURTLE = "rdf/rdf11/rdf-turtle"
NTRIPLES = "rdf/rdf11/rdf-n-triples"
SPARQL = "sparql/sparql11/syntax-query"


def test_the_suites_are_all_there() -> None:
    """Every manifest lists the number of tests the W3C suites have (guards against a silent empty run)."""
    if not W3C.is_dir():
        pytest.skip(f"the W3C test suites are not at {W3C}; set KG_W3C_TESTS")
    counts: dict[str, int] = {}
    for folder in (TURTLE, NTRIPLES, SPARQL):
        for kind, *_ in manifest(folder):
            counts[kind] = counts.get(kind, 0) + 1
    assert counts == {
        "TestTurtleEval": 145,
        "TestTurtlePositiveSyntax": 74,
        "TestTurtleNegativeSyntax": 94,
        "TestNTriplesPositiveSyntax": 41,
        "TestNTriplesNegativeSyntax": 29,
        "PositiveSyntaxTest11": 63,
        "NegativeSyntaxTest11": 31,
    }


@pytest.fixture(scope="module")
def ontology_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ontology")
    shutil.copytree(ROOT / "ontology", folder, dirs_exist_ok=True)
    return folder


@pytest.mark.parametrize(("path", "iri", "result"), params(TURTLE, ("TestTurtleNegativeSyntax",)))
def test_bad_turtle_is_refused_as_an_ontology_file(
    path: Path, iri: str, result: None, ontology_template: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ontology"
    shutil.copytree(ontology_template, folder)
    shutil.copyfile(path, folder / "topics.ttl")
    with pytest.raises(FileFormatError) as caught:
        load_ontology(folder)
    assert "ontology file topics.ttl" in caught.value.what
    assert caught.value.where.startswith(str(folder / "topics.ttl"))


@pytest.mark.parametrize(("path", "iri", "result"), params(TURTLE, ("TestTurtleNegativeSyntax",)))
def test_bad_turtle_is_refused_as_a_graph_file(path: Path, iri: str, result: None) -> None:
    with pytest.raises(FileFormatError) as caught:
        read_quads(path, "the graph file", base_iri=iri)
    assert "not valid Turtle" in caught.value.what
    assert POSITION.search(caught.value.where), caught.value.line()


@pytest.mark.parametrize(("path", "iri", "result"), params(TURTLE, ("TestTurtlePositiveSyntax", "TestTurtleEval")))
def test_good_turtle_is_accepted(path: Path, iri: str, result: Path | None) -> None:
    parse_turtle(path, "ontology file", base_iri=iri)
    read_quads(path, "the graph file", base_iri=iri)


@pytest.mark.parametrize(("path", "iri", "result"), params(TURTLE, ("TestTurtleEval",)))
def test_turtle_gives_the_expected_graph(path: Path, iri: str, result: Path) -> None:
    """The graph kg reads equals the expected N-Triples, as parsed by rdflib's own parser."""
    actual = _lower_language_tags(parse_turtle(path, "ontology file", base_iri=iri))
    expected = _lower_language_tags(rdflib.Graph().parse(result, format="nt"))
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        pytest.fail(
            f"only in kg's graph: {sorted(only_actual)[:5]}; only in the expected graph: {sorted(only_expected)[:5]}"
        )


def _lower_language_tags(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph with language tags in lower case: RDF 1.1 Concepts (3.3) compares them ignoring case,
    and pyoxigraph keeps a tag as written while the suite's expected files may differ in case."""
    out = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.language:
            o = rdflib.Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


@pytest.mark.parametrize(("path", "iri", "result"), params(NTRIPLES, ("TestNTriplesNegativeSyntax",)))
def test_bad_ntriples_is_refused(path: Path, iri: str, result: None) -> None:
    with pytest.raises(FileFormatError) as caught:
        read_quads(path, "the graph file", base_iri=iri)
    assert "not valid N-Triples" in caught.value.what
    assert POSITION.search(caught.value.where), caught.value.line()


@pytest.mark.parametrize(("path", "iri", "result"), params(NTRIPLES, ("TestNTriplesPositiveSyntax",)))
def test_good_ntriples_is_accepted(path: Path, iri: str, result: None) -> None:
    quads = read_quads(path, "the graph file", base_iri=iri)
    # N-Triples has one triple per line; a line holding only a comment or blanks has none
    lines = [
        line
        for line in path.read_text(encoding="utf-8").split("\n")
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(quads) == len(lines)


def test_a_relative_iri_is_an_error_without_a_base(tmp_path: Path) -> None:
    """kg's own files have no base IRI: a relative IRI is refused rather than resolved somewhere."""
    path = tmp_path / "kg.ttl"
    path.write_text("<s> <http://example.org/p> <http://example.org/o> .\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as caught:
        parse_turtle(path, "ontology file kg.ttl")
    assert caught.value.where == f"{path}:1:1"


@pytest.mark.parametrize(("path", "iri", "result"), params(SPARQL, ("NegativeSyntaxTest11",)))
def test_bad_query_is_refused_with_a_position(path: Path, iri: str, result: None) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        check_query(path.read_text(encoding="utf-8"), path.name, base_iri=iri)
    assert POSITION.search(caught.value.where), caught.value.line()


@pytest.mark.parametrize(("path", "iri", "result"), params(SPARQL, ("PositiveSyntaxTest11",)))
def test_good_query_is_accepted(path: Path, iri: str, result: None) -> None:
    text = path.read_text(encoding="utf-8")
    if path.name in KNOWN_REFUSED:
        with pytest.raises(QueryRejected):  # the list of exceptions stays true
            check_query(text, path.name, base_iri=iri)
        return
    check_query(text, path.name, base_iri=iri)
