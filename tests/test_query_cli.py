"""`kg queries` and `kg query`: named queries, formats, and refusal of unsafe or runaway SPARQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import main
from kg.errors import QueryError


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("query-out")
    assert CliRunner().invoke(main, ["build", "--out", str(out)]).exit_code == 0
    return out / "kg.trig"


def query(graph: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["query", *args, "--graph", str(graph)], input=stdin)


def test_queries_lists_names_and_questions() -> None:
    result = CliRunner().invoke(main, ["queries"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) >= 12
    assert any(line.startswith("participants ") and "which side" in line for line in lines)


def test_named_query_as_table(graph: Path) -> None:
    result = query(graph, "organisers")
    assert result.exit_code == 0, result.stderr
    assert "Luciana Lamorgese" in result.output and "(2 rows)" in result.output


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_formats(graph: Path, fmt: str) -> None:
    result = query(graph, "afripol-partners", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        rows = json.loads(result.output)
    else:
        rows = list(csv.DictReader(io.StringIO(result.output), delimiter="," if fmt == "csv" else "\t"))
    assert [(r["partner"], r["status"]) for r in rows] == [("Europol", "agreed"), ("Frontex", "agreed")]


def test_ask_and_construct_from_stdin(graph: Path) -> None:
    ask = query(graph, "-", stdin="ASK { ?m a <https://w3id.org/migration-kg/ontology#Meeting> }")
    assert ask.exit_code == 0 and "true" in ask.output
    construct = query(
        graph, "-", stdin="CONSTRUCT { ?m a ?t } WHERE { ?m a <https://w3id.org/migration-kg/ontology#Meeting> , ?t }"
    )
    assert construct.exit_code == 0 and "/article-001/meeting>" in construct.output


def test_query_file(graph: Path, tmp_path: Path) -> None:
    path = tmp_path / "count.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/migration-kg/ontology#State> }")
    result = query(graph, str(path), "--format", "csv")
    assert result.exit_code == 0 and result.output.splitlines()[1] == "193"


REFUSED = {
    "service": ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    "service nested": ("SELECT * WHERE { OPTIONAL { SERVICE SILENT ?x { ?s ?p ?o } } }", "SERVICE"),
    "from outside": ("SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", "FROM"),
    "from named outside": ("SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    "insert": ("INSERT DATA { <http://a/b> <http://a/b> <http://a/b> }", "UPDATE"),
    "load": ("LOAD <http://127.0.0.1:9/data.ttl>", "UPDATE"),
    "drop": ("DROP ALL", "UPDATE"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsafe_queries_are_refused_before_running(graph: Path, case: str) -> None:
    text, word = REFUSED[case]
    result = query(graph, "-", stdin=text)
    assert result.exit_code == QueryError.exit_code
    assert result.stderr.startswith("Error: ") and word in result.stderr.splitlines()[0]


def test_syntax_error_has_line_and_column(graph: Path) -> None:
    result = query(graph, "-", stdin="SELECT * WHERE {\n  ?s ?p")
    assert result.exit_code == QueryError.exit_code
    assert "<stdin>:2:" in result.stderr


@pytest.mark.parametrize("depth", [40, 500, 50_000])
def test_deeply_nested_query_is_refused_or_run_without_crashing(graph: Path, depth: int) -> None:
    """rdflib's parser overflows Python's recursion limit near 30 levels and pyoxigraph's overflows
    the C stack (a crash) a few thousand deep; kg parses up to 100 levels and refuses deeper ones."""
    text = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    result = query(graph, "-", "--format", "csv", stdin=text)
    if depth <= 100:
        assert result.exit_code == 0, result.stderr
        assert sorted(result.output.splitlines()[0].split(",")) == ["o", "p", "s"]
        assert len(result.output.splitlines()) > 100
    else:
        assert result.exit_code == QueryError.exit_code
        line = result.stderr.splitlines()[0]
        assert f"nests brackets {depth} deep" in line and "<stdin>:1:" in line


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o . BIND(1 AS ?o) }",  # BIND to a variable already in scope
        "SELECT * WHERE { VALUES (?a ?b) { (1 2 3) } }",  # a VALUES row longer than its variables
        "SELECT * WHERE { ?s ?p ?o } GROUP BY ?s",  # SELECT * with GROUP BY
    ],
)
def test_what_rdflib_accepts_but_sparql_forbids_is_a_syntax_error(graph: Path, text: str) -> None:
    result = query(graph, "-", stdin=text)
    assert result.exit_code == QueryError.exit_code
    line = result.stderr.splitlines()[0]
    assert line.startswith("Error: the query is not valid SPARQL") and "(<stdin>:1:" in line


@pytest.mark.parametrize(
    ("name", "content", "syntax"),
    [
        ("bad.ttl", '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n  ex:d "x"@1bad .\n', "Turtle"),
        ("bad.nt", "<http://example.org/a> <http://example.org/b> <c d> .\n", "N-Triples"),
        ("bad.trig", "<http://example.org/g> { <http://example.org/a> <http://example.org/b> \n", "TriG"),
    ],
)
def test_bad_graph_file_is_an_input_error_with_a_position(tmp_path: Path, name: str, content: str, syntax: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "organisers", "--graph", str(path)])
    assert result.exit_code == 3, result.output
    line = result.stderr.splitlines()[0]
    assert f"the graph file is not valid {syntax}" in line and f"({path}:" in line


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "doctype.rdf",
            '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>\n<r>&e;</r>\n',
        ),
        ("remote.jsonld", '{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a"}\n'),
    ],
)
def test_rdf_xml_and_json_ld_are_refused_unread(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    for command in (["query", "organisers"], ["render", "-o", str(tmp_path / "view.html")]):
        result = CliRunner().invoke(main, [*command, "--graph", str(path)])
        assert result.exit_code == 3, result.output
        assert "kg does not read" in result.stderr.splitlines()[0] and f"({path})" in result.stderr
    assert not (tmp_path / "view.html").exists()


def test_runaway_query_is_stopped(graph: Path) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result = query(graph, "-", "--timeout", "1", stdin=text)
    assert result.exit_code == QueryError.exit_code and "ran longer than 1 s" in result.stderr


def test_unknown_query_name(graph: Path) -> None:
    result = query(graph, "no-such-query")
    assert result.exit_code == QueryError.exit_code and "participants" in result.stderr


def test_missing_graph(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "organisers", "--graph", str(tmp_path / "none.trig")])
    assert result.exit_code == 3 and "kg build" in result.stderr


def test_param_selects_another_actor(graph: Path) -> None:
    result = query(graph, "actor-profile", "--param", "actor=tunisia", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.output)
    assert {r["relation"] for r in rows} >= {"participated in", "party to"}
    assert not {r["relation"] for r in rows} & {"organised", "hosted", "represents"}  # those facts are Italy's


def test_param_with_quotes_stays_a_literal(graph: Path) -> None:
    text = 'SELECT ?x WHERE { VALUES ?x { "default" } }'
    result = query(graph, "-", "--param", 'x=a "quoted" } INSERT', "--format", "csv", stdin=text)
    assert result.exit_code == 0, result.stderr
    assert list(csv.reader(io.StringIO(result.output)))[1] == ['a "quoted" } INSERT']


def test_unknown_param(graph: Path) -> None:
    result = query(graph, "organisers", "--param", "who=x")
    assert result.exit_code == QueryError.exit_code and "no parameter `who`" in result.stderr


def test_describe_gives_turtle_with_prefixes(graph: Path) -> None:
    result = query(graph, "-", stdin="DESCRIBE <https://w3id.org/migration-kg/id/actor/afripol>")
    assert result.exit_code == 0, result.stderr
    from rdflib import Graph, URIRef

    described = Graph().parse(data=result.output, format="turtle")
    afripol = URIRef("https://w3id.org/migration-kg/id/actor/afripol")
    assert (afripol, None, None) in described
    assert "@prefix kg: <https://w3id.org/migration-kg/ontology#> ." in result.output
    # only the prefixes that are used, and the same bytes each time
    assert "@prefix org:" not in result.output
    assert query(graph, "-", stdin="DESCRIBE <https://w3id.org/migration-kg/id/actor/afripol>").output == result.output
