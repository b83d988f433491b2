"""`kg serve` against real clients: SPARQLWrapper, rdflib's SPARQLStore, curl; protocol, bounds, CORS."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import fcntl
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg import serve as kg_serve
from kg.cli import main
from kg.errors import KgError
from kg.query import list_queries, run_query
from kg.serve import GRAPH_TYPES, RESULT_TYPES, _CountingSink, negotiate
from kg.store import READ_LOCK

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_serve import Served, running_server  # noqa: E402

CURL = shutil.which("curl")
TIMEOUT = 3.0  # the test servers' time limit per query
MAX_ROWS = 1000  # the test servers' row cap (the seed has about 5,400 quads)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
RUNAWAY_REGEX = 'SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "^(x+x+)+y$")) }'
NAMED = {q.name: q.path.read_text(encoding="utf-8") for q in list_queries()}
GRAPH_QUERIES = {"cooperation-network", "ego-network", "meeting-network"}


@pytest.fixture(scope="module")
def store(built_graph: Path) -> Path:
    """The store of a `kg build` of data/."""
    return built_graph.parent / "store"


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Served]:
    """`kg serve` on the seed store, with a short time limit and a small row cap; stops cleanly."""
    options = ("--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "2")
    with running_server(store, *options) as served:
        yield served
    assert served.process.returncode == 0, served.stderr
    assert "Traceback" not in served.stderr


@pytest.fixture(scope="module")
def url(server: Served) -> str:
    return server.url


def post(
    url: str, data: dict[str, str] | bytes, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A POST with the standard library: (status, headers in lower case, body)."""
    import urllib.error
    import urllib.request
    from urllib.parse import urlencode

    body = data if isinstance(data, bytes) else urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    if not isinstance(data, bytes):
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def curl(*args: str) -> tuple[int, str, bytes]:
    """curl: (status, content type, body)."""
    if CURL is None:
        pytest.skip("curl is not installed (apt-get install -y curl)")
    marker = b"\n--kg-status--"
    done = subprocess.run(
        [CURL, "-sS", "--max-time", "120", "-w", marker.decode() + "%{http_code} %{content_type}", *args],
        capture_output=True,
        check=True,
    )
    body, _, tail = done.stdout.rpartition(marker)
    status, _, media = tail.decode().partition(" ")
    return int(status), media, body


def select_rows(data: dict) -> list[tuple[str | None, ...]]:  # type: ignore[type-arg]
    names = data["head"]["vars"]
    return [tuple(b.get(n, {}).get("value") for n in names) for b in data["results"]["bindings"]]


# ---------------------------------------------------------------------------------------------
# the same answers as `kg query`, through SPARQLWrapper


@pytest.mark.server
@pytest.mark.parametrize("name", sorted(NAMED))
def test_every_named_query_answers_as_kg_query(url: str, store: Path, name: str) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    text = NAMED[name]
    kind, first, second = run_query(text, store, name)
    client = SPARQLWrapper(url + "sparql")
    client.setQuery(text)
    client.setMethod("POST")
    if kind == "graph":
        client.setReturnFormat(TURTLE)
        turtle = client.query().convert()
        served, local = Graph().parse(data=turtle, format="turtle"), Graph().parse(data=first, format="turtle")
        assert len(local) > 0
        assert isomorphic(served, local)
    else:
        client.setReturnFormat(JSON)
        data = client.query().convert()
        assert data["head"]["vars"] == first
        assert Counter(select_rows(data)) == Counter(tuple(row) for row in second)
        # the seed has one article: no two articles report the same event
        assert len(second) > 0 or name == "same-events", "a named query with no rows on the seed proves nothing"


@pytest.mark.server
def test_sparqlwrapper_ask_and_get(url: str) -> None:
    from SPARQLWrapper import GET, JSON, SPARQLWrapper

    client = SPARQLWrapper(url + "sparql")
    client.setMethod(GET)
    client.setReturnFormat(JSON)
    client.setQuery("ASK { ?meeting a <https://w3id.org/migration-kg/ontology#Meeting> }")
    assert client.query().convert() == {"head": {}, "boolean": True}
    client.setQuery("ASK { ?x a <https://w3id.org/migration-kg/ontology#NoSuchClass> }")
    assert client.query().convert()["boolean"] is False


@pytest.mark.server
def test_sparqlwrapper_reports_a_syntax_error(url: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(url + "sparql")
    client.setReturnFormat(JSON)
    client.setQuery("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed, match=r"not valid SPARQL.*query:1:"):
        client.query()


# ---------------------------------------------------------------------------------------------
# rdflib's SPARQLStore


@pytest.mark.server
@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_rdflib_sparqlstore(url: str, store: Path, return_format: str) -> None:
    from rdflib import Literal, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(SPARQLStore(url + "sparql", method="POST_FORM", returnFormat=return_format))
    italy = URIRef("https://w3id.org/migration-kg/id/actor/italy")
    labels = {str(row.label) for row in graph.query(f"SELECT ?label WHERE {{ <{italy}> rdfs:label ?label }}")}
    assert labels == {"Italy"}
    assert (italy, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Italy", lang="en")) in graph
    assert len(list(graph.triples((italy, None, None)))) > 5
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    # a CONSTRUCT comes back as RDF/XML (xml) or, to a client that accepts only JSON results, Turtle
    constructed = graph.query(NAMED["ego-network"]).graph
    _kind, turtle, _ = run_query(NAMED["ego-network"], store, "ego-network")
    assert constructed is not None
    assert isomorphic(constructed, Graph().parse(data=turtle, format="turtle"))


# ---------------------------------------------------------------------------------------------
# curl with Accept headers: every format, parsed, with the same rows


QUERY_FOR_FORMATS = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?actor ?label WHERE { ?actor a <https://w3id.org/migration-kg/ontology#State> ; rdfs:label ?label } "
    "ORDER BY ?label"
)


def parse_results(media: str, body: bytes) -> list[tuple[str, ...]]:
    """The rows of a SELECT answer in any of the result formats, as tuples of values."""
    if "json" in media:
        return [tuple(v or "" for v in row) for row in select_rows(json.loads(body))]
    if "xml" in media:
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(body)
        names = [v.get("name") for v in root.findall("r:head/r:variable", ns)]
        rows = []
        for result in root.findall("r:results/r:result", ns):
            values = {b.get("name"): "".join(b.itertext()) for b in result.findall("r:binding", ns)}
            rows.append(tuple(values.get(n, "") for n in names))
        return rows
    if media.startswith("text/csv"):
        return [tuple(row) for row in list(csv.reader(io.StringIO(body.decode())))[1:]]
    lines = body.decode().splitlines()[1:]  # TSV: terms in Turtle syntax
    term = re.compile(r'^<(.*)>$|^"(.*)"(?:@[\w-]+|\^\^<[^>]*>)?$')
    return [tuple(term.sub(r"\1\2", v) for v in line.split("\t")) for line in lines]


@pytest.mark.server
@pytest.mark.parametrize("accept", [t for t in RESULT_TYPES if t not in ("application/xml", "text/xml")])
def test_curl_select_in_every_format(url: str, accept: str) -> None:
    status, media, body = curl(
        "-H", f"Accept: {accept}", "--data-urlencode", f"query={QUERY_FOR_FORMATS}", url + "sparql"
    )
    assert status == 200
    assert media.split(";")[0] == accept
    rows = parse_results(media, body)
    assert len(rows) > 10
    assert ("https://w3id.org/migration-kg/id/actor/tunisia", "Tunisia") in rows
    assert [label for _actor, label in rows] == sorted(label for _actor, label in rows)


@pytest.mark.server
@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", None),
     ("application/rdf+xml", "xml")],
)  # fmt: skip
def test_curl_construct_in_every_format(url: str, store: Path, accept: str, rdflib_format: str | None) -> None:
    text = NAMED["ego-network"]
    status, media, body = curl("-H", f"Accept: {accept}", "--data-urlencode", f"query={text}", url + "sparql")
    assert status == 200
    assert media.split(";")[0] == accept
    if rdflib_format is None:  # rdflib's JSON-LD parser warns that it is deprecated: pyoxigraph reads it
        triples = ox.parse(body, format=ox.RdfFormat.JSON_LD)
        body, rdflib_format = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", "nt"
    _kind, turtle, _ = run_query(text, store, "ego-network")
    assert isomorphic(Graph().parse(data=body, format=rdflib_format), Graph().parse(data=turtle, format="turtle"))


@pytest.mark.server
def test_curl_get_post_form_and_post_direct_agree(url: str) -> None:
    accept = ("-H", "Accept: text/csv")
    by_get = curl(*accept, f"{url}sparql?query={quote(QUERY_FOR_FORMATS)}")
    by_form = curl(*accept, "--data-urlencode", f"query={QUERY_FOR_FORMATS}", url + "sparql")
    direct = curl(
        *accept, "-H", "Content-Type: application/sparql-query", "--data-binary", QUERY_FOR_FORMATS, url + "sparql"
    )
    assert by_get[0] == 200
    assert by_get == by_form == direct


@pytest.mark.server
def test_accept_anything_gets_json_for_select_and_turtle_for_construct(url: str) -> None:
    assert curl("-H", "Accept: */*", "--data-urlencode", "query=ASK {}", url + "sparql")[1].startswith(
        "application/sparql-results+json"
    )
    status, media, _ = curl("--data-urlencode", "query=CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", url + "sparql")
    assert (status, media) == (200, "text/turtle; charset=utf-8")


@pytest.mark.server
def test_unknown_accept_is_406_listing_the_formats(url: str) -> None:
    status, media, body = curl("-H", "Accept: image/png", "--data-urlencode", "query=ASK {}", url + "sparql")
    assert status == 406
    assert media.startswith("text/plain")
    assert b"application/sparql-results+json" in body and b"text/csv" in body
    # a client that accepts only result formats gets a graph in Turtle
    status, media, _ = curl(
        "-H", "Accept: text/csv", "--data-urlencode", f"query={NAMED['ego-network']}", url + "sparql"
    )
    assert (status, media) == (200, "text/turtle; charset=utf-8")


# ---------------------------------------------------------------------------------------------
# read-only, and what is refused


@pytest.mark.server
@pytest.mark.parametrize(
    ("data", "headers"),
    [
        ({"update": "DROP ALL"}, {}),
        (b"INSERT DATA { <http://a/b> <http://a/b> <http://a/b> }", {"Content-Type": "application/sparql-update"}),
        ({"query": "INSERT DATA { <http://a/b> <http://a/b> <http://a/b> }"}, {}),
        ({"query": "DELETE WHERE { ?s ?p ?o }"}, {}),
    ],
    ids=["update-form", "sparql-update-body", "insert-as-query", "delete-as-query"],
)
def test_updates_are_403(url: str, data: dict[str, str] | bytes, headers: dict[str, str]) -> None:
    count = {"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}
    before = json.loads(post(url + "sparql", count)[2])
    status, response_headers, body = post(url + "sparql", data, headers)
    assert status == 403
    assert response_headers["content-type"].startswith("text/plain")
    assert body.startswith(b"Error: ") and (b"read-only" in body or b"UPDATE" in body)
    assert json.loads(post(url + "sparql", count)[2]) == before  # nothing was written
    assert json.loads(post(url + "sparql", {"query": "ASK { <http://a/b> ?p ?o }"})[2])["boolean"] is False


@pytest.mark.server
@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "outside kg"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "outside kg"),
        ("SELECT ?s WHERE {\n  ?s ?p\n}", "not valid SPARQL"),
        ("SELECT ?s WHERE { ?s a kg:State }", "Prefix not found (query:1:"),
    ],
    ids=["load", "service", "from", "from-named", "syntax", "undeclared-prefix"],
)
def test_refused_queries_are_400_with_the_reason(url: str, query: str, reason: str) -> None:
    status, headers, body = post(url + "sparql", {"query": query})
    assert status == 400
    assert headers["content-type"].startswith("text/plain")
    text = body.decode()
    assert text.startswith("Error: ") and reason in text
    if reason == "not valid SPARQL":
        assert re.search(r"\(query:2:\d+\)", text), text  # line and column, as `kg query` gives them


@pytest.mark.server
def test_outside_dataset_parameters_are_400(url: str) -> None:
    status, _, body = get(url + "sparql?query=" + quote("ASK { ?s ?p ?o }") + "&default-graph-uri=http://example.org/g")
    assert status == 400
    assert b"outside kg" in body


@pytest.mark.server
def test_dataset_parameters_naming_a_kg_graph_narrow_the_default_graph(url: str) -> None:
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    registry = "https://w3id.org/migration-kg/graph/registry"
    status, _, body = get(url + "sparql?query=" + quote(query) + "&default-graph-uri=" + quote(registry))
    assert status == 200
    narrowed = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    whole = int(json.loads(get(url + "sparql?query=" + quote(query))[2])["results"]["bindings"][0]["n"]["value"])
    assert 0 < narrowed < whole


@pytest.mark.server
@pytest.mark.parametrize(
    ("method", "data", "headers", "status"),
    [
        ("GET", None, {}, 400),
        ("POST", b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"}, 400),
        ("POST", b"ASK {}", {"Content-Type": "text/plain"}, 415),
    ],
    ids=["no-query", "two-queries", "wrong-content-type"],
)
def test_malformed_requests(url: str, method: str, data: bytes | None, headers: dict[str, str], status: int) -> None:
    got = get(url + "sparql", headers) if method == "GET" else post(url + "sparql", data or b"", headers)
    assert got[0] == status
    assert got[2].startswith(b"Error: ")


@pytest.mark.server
def test_a_body_too_big_is_413(url: str, tmp_path: Path) -> None:
    # the server answers before reading the body: curl reads the answer, urllib would see a broken pipe
    big = tmp_path / "big.rq"
    big.write_bytes(b"#" * ((1 << 20) + 1))
    status, _, body = curl("-H", "Content-Type: application/sparql-query", "--data-binary", f"@{big}", url + "sparql")
    assert status == 413
    assert body.startswith(b"Error: the request body has more than 1,048,576 bytes")


# ---------------------------------------------------------------------------------------------
# the time limit: a runaway query is stopped, its worker replaced, and the server keeps answering


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        found |= {int(p) for p in Path(f"/proc/{pid}/task/{task}/children").read_text().split()}
    return found


def _worker_pids(pid: int) -> set[int]:
    """The server's worker processes (its children other than multiprocessing's resource tracker)."""
    return {c for c in _children(pid) if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()}


@pytest.mark.server
@pytest.mark.parametrize("query", [RUNAWAY, RUNAWAY_REGEX], ids=["cartesian", "regex"])
def test_a_runaway_query_is_stopped_and_the_server_keeps_answering(server: Served, query: str) -> None:
    url, process = server.url, server.process
    before = _worker_pids(process.pid)
    assert len(before) == 3  # two query workers and the view worker
    status, headers, body = post(url + "sparql", {"query": query})
    assert status == 503
    assert headers["retry-after"]
    assert f"ran longer than {TIMEOUT:g} s and was stopped".encode() in body
    # the server answers at once with the other worker, and replaces the killed one
    status, _, body = post(url + "sparql", {"query": "ASK { ?s ?p ?o }"})
    assert (status, json.loads(body)["boolean"]) == (200, True)
    deadline = time.monotonic() + 120
    while len(_worker_pids(process.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    after = _worker_pids(process.pid)
    assert len(after) == 3
    assert len(before - after) == 1, "exactly the worker that ran the query was killed"
    for _ in range(4):  # both query workers answer
        assert post(url + "sparql", {"query": "ASK { ?s ?p ?o }"})[0] == 200


# ---------------------------------------------------------------------------------------------
# the row cap: an answer is whole or refused


@pytest.mark.server
@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])  # fmt: skip
def test_row_cap_whole_at_the_cap_refused_above(url: str, accept: str) -> None:
    query = "SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o LIMIT {}"
    status, headers, body = post(url + "sparql", {"query": query.format(MAX_ROWS)}, {"Accept": accept})
    assert status == 200
    assert len(parse_results(headers["content-type"], body)) == MAX_ROWS
    status, headers, body = post(url + "sparql", {"query": query.format(MAX_ROWS + 1)}, {"Accept": accept})
    assert status == 422
    assert f"more than {MAX_ROWS:,} rows".encode() in body and b"LIMIT and OFFSET" in body


@pytest.mark.server
def test_row_cap_applies_to_triples(url: str) -> None:
    query = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT * {{ ?s ?p ?o }} ORDER BY ?s ?p ?o LIMIT {} }}"
    status, _, body = post(url + "sparql", {"query": query.format(MAX_ROWS)}, {"Accept": "application/n-triples"})
    assert status == 200
    assert len(Graph().parse(data=body, format="nt")) == MAX_ROWS
    status, _, body = post(url + "sparql", {"query": query.format(MAX_ROWS + 1)}, {"Accept": "text/turtle"})
    assert status == 422


TRICKY = [
    'a "quoted" value',
    "a line\nbreak, and\r\nanother",
    'brackets [{ and ,{ and },{"x":{',
    "back\\slash\\",
    'back\\"slash quote\\\\"',
    "<result>not a row</result>",
    "",
    "comma, in, value",
]


@pytest.mark.parametrize("fmt", ["JSON", "XML", "CSV", "TSV"])
@pytest.mark.parametrize("step", [1, 2, 3, 7, 64])
def test_counting_sink_counts_rows_exactly_however_the_bytes_are_cut(fmt: str, step: int) -> None:
    store = ox.Store()
    for i, text in enumerate(TRICKY * 3):
        subject = ox.NamedNode(f"http://example.org/s{i}")
        store.add(ox.Quad(subject, ox.NamedNode("http://example.org/p"), ox.Literal(text)))
        if i % 2:
            store.add(ox.Quad(subject, ox.NamedNode("http://example.org/q"), ox.Literal("x")))
    query = "SELECT ?s ?o ?x WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?s <http://example.org/q> ?x } }"
    data = store.query(query).serialize(format=getattr(ox.QueryResultsFormat, fmt))
    assert data is not None
    sink = _CountingSink(fmt, cap=10_000)
    for start in range(0, len(data), step):
        sink.write(data[start : start + step])
    assert sink.rows == len(TRICKY) * 3
    assert b"".join(sink.parts) == data


@pytest.mark.parametrize(
    ("accept", "offers", "chosen"),
    [
        (None, RESULT_TYPES, "application/sparql-results+json"),
        ("", GRAPH_TYPES, "text/turtle"),
        ("application/json", RESULT_TYPES, "application/json"),
        ("text/csv;q=0.4, text/tab-separated-values;q=0.5", RESULT_TYPES, "text/tab-separated-values"),
        ("application/sparql-results+xml;q=0.1, */*;q=0.2", RESULT_TYPES, "application/sparql-results+json"),
        ("text/*;q=0.9, text/turtle;q=0", GRAPH_TYPES, "text/plain"),
        ("application/rdf+xml, application/xml;q=0.9", GRAPH_TYPES, "application/rdf+xml"),
        ("image/png, text/html", RESULT_TYPES, None),
        ("*/*;q=0", RESULT_TYPES, None),
    ],
)
def test_negotiate(accept: str | None, offers: dict[str, str], chosen: str | None) -> None:
    assert negotiate(accept, offers) == chosen


# ---------------------------------------------------------------------------------------------
# CORS: off unless asked for


@pytest.mark.server
def test_no_cors_by_default(url: str) -> None:
    status, headers, _ = get(url + "sparql?query=" + quote("ASK {}"), {"Origin": "http://example.test"})
    assert status == 200
    assert not any(h.startswith("access-control-") for h in headers)
    import urllib.error
    import urllib.request

    preflight = urllib.request.Request(
        url + "sparql",
        method="OPTIONS",
        headers={"Origin": "http://example.test", "Access-Control-Request-Method": "POST"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(preflight, timeout=60)
    refused.value.close()
    assert refused.value.code == 405
    assert "access-control-allow-origin" not in {k.lower() for k in refused.value.headers}


@pytest.mark.server
def test_cors_when_asked_for(built_graph: Path) -> None:
    with running_server(built_graph, "--cors", "http://example.test", "--workers", "1") as served:
        url = served.url
        status, headers, _ = get(url + "sparql?query=" + quote("ASK {}"), {"Origin": "http://example.test"})
        assert status == 200
        assert headers["access-control-allow-origin"] == "http://example.test"
        _status, headers, _ = get(url + "sparql?query=" + quote("ASK {}"), {"Origin": "http://other.test"})
        assert "access-control-allow-origin" not in headers
        import urllib.request

        preflight = urllib.request.Request(
            url + "sparql",
            method="OPTIONS",
            headers={"Origin": "http://example.test", "Access-Control-Request-Method": "POST"},
        )
        with urllib.request.urlopen(preflight, timeout=60) as response:
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == "http://example.test"


# ---------------------------------------------------------------------------------------------
# the page and the network view


@pytest.mark.server
def test_page_and_its_files_load_nothing_from_outside(url: str) -> None:
    status, headers, body = get(url)
    assert status == 200
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    page = body.decode()
    for ref in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert ref.startswith("/"), ref
        assert get(url + ref.lstrip("/"))[0] == 200
    script = get(url + "static/page.js")[2].decode()
    assert "innerHTML" not in script  # values are shown as text
    assert not re.search(r"https?://", script)


@pytest.mark.server
def test_queries_route_lists_the_named_queries(url: str) -> None:
    listed = json.loads(get(url + "queries")[2])
    assert [q["name"] for q in listed] == [q.name for q in list_queries()]
    assert all(q["text"] == NAMED[q["name"]] and q["question"] for q in listed)


@pytest.mark.server
def test_view_is_the_page_kg_render_writes(url: str, store: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render", "--store", str(store), "-o", str(tmp_path / "view.html")])
    assert result.exit_code == 0, result.output
    status, headers, body = get(url + "view")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert body == (tmp_path / "view.html").read_bytes()


@pytest.mark.server
def test_view_of_a_construct_result(url: str, store: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["render", "--store", str(store), "--query", "ego-network", "-o", str(tmp_path / "ego.html")]
    )
    assert result.exit_code == 0, result.output
    status, _, body = get(url + "view?query=" + quote(NAMED["ego-network"]))
    assert status == 200
    assert body == (tmp_path / "ego.html").read_bytes()
    # any other CONSTRUCT query: its own view
    edited = NAMED["ego-network"].replace("actor/tunisia", "actor/libya")
    status, _, body = get(url + "view?query=" + quote(edited))
    assert status == 200
    assert b"Libya" in body and b"the result of query" in body
    status, _, body = get(url + "view?query=" + quote("SELECT * { ?s ?p ?o }"))
    assert status == 400
    assert b"needs a CONSTRUCT" in body


@pytest.mark.server
def test_a_runaway_view_is_stopped_and_views_go_on(url: str) -> None:
    runaway = "CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    status, _, body = get(url + "view?query=" + quote(runaway))
    assert status == 503
    assert f"ran longer than {TIMEOUT:g} s and was stopped".encode() in body
    status, _, body = get(url + "view")
    assert status == 200 and b"All article facts" in body


# ---------------------------------------------------------------------------------------------
# the store: locked for reading while served; the command line


@pytest.mark.server
def test_server_holds_the_read_lock(server: Served, store: Path) -> None:
    with (store / READ_LOCK).open("a+b") as handle:
        with pytest.raises(BlockingIOError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)  # readers share it


@pytest.mark.server
def test_a_build_into_a_served_store_waits_and_is_refused_then_builds_once_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg import store as store_module
    from kg.errors import BuildLocked
    from kg.pipeline import run_build

    data = ROOT / "data"
    run_build(data, tmp_path / "out")
    monkeypatch.setattr(store_module, "READERS_WAIT", 0.5)  # a build waits a minute for readers
    with running_server(tmp_path / "out" / "store", "--workers", "1") as served:
        with pytest.raises(BuildLocked, match="kg serve"):
            run_build(data, tmp_path / "out")
        assert post(served.url + "sparql", {"query": "ASK { ?s ?p ?o }"})[0] == 200
    assert served.process.returncode == 0
    assert run_build(data, tmp_path / "out").store  # builds once the server has stopped


def test_serve_help_has_examples() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "kg serve --cors" in result.output


def test_serve_a_taken_port_is_exit_2(built_graph: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--graph", str(built_graph), "--port", str(port)])
    assert result.exit_code == 2
    assert f"Error: cannot listen on 127.0.0.1:{port}" in result.output
    assert "choose another --port" in result.output


def test_serve_nothing_built_is_exit_3(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--graph", str(tmp_path / "kg.trig"), "--port", "0"])
    assert result.exit_code == 3
    assert "no built graph" in result.output


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("bad.ttl", '@prefix ex: <http://example.org/> .\nex:a ex:b "x"@1bad .\n', "not valid Turtle"),
        ("graph.jsonld", '{"@context": "http://127.0.0.1:9/c.jsonld"}\n', "kg does not read JSON-LD"),
    ],
)
def test_serve_a_bad_graph_file_is_exit_3_with_its_place(tmp_path: Path, name: str, content: str, words: str) -> None:
    """The workers read a graph file as `kg query` does: strictly, one line naming the file.

    Run as a process of its own, as a user runs it: the server's workers are processes, which
    click's in-process runner (its stand-in standard streams) does not give them reliably.
    """
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    command = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(path), "--port", "0"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("Error: ") and words in line and str(path) in line


def test_serve_a_bad_graph_file_with_many_workers_is_exit_3_every_time(tmp_path: Path) -> None:
    """Six workers fail to open the graph at nearly the same moment; the server still ends with one line.

    (It once stopped with a traceback: the pool closed its workers while the threads starting
    them were still closing the same pipes.)
    """
    path = tmp_path / "graph.jsonld"
    path.write_text('{"@context": "http://127.0.0.1:9/c.jsonld"}\n', encoding="utf-8")
    command = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(path), "--port", "0", "--workers", "6"]
    for _ in range(6):
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("Error: kg does not read JSON-LD")


def _first_fails(marker: str, conn: Any) -> None:
    """A worker for the pool tests: the first to start fails at once; the others are ready 2 s later."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        time.sleep(2)
        conn.send("ready")
        with contextlib.suppress(EOFError, OSError):
            conn.recv()
        return
    conn.send(KgError("this worker cannot open its graph", "test", "none"))


def test_a_pool_that_fails_to_start_has_stopped_every_worker_when_it_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """start() raises the first worker's error only once the other workers are stopped too."""
    made: list[kg_serve._Worker] = []

    class Recorded(kg_serve._Worker):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr(kg_serve, "_Worker", Recorded)
    pool = kg_serve.WorkerPool(_first_fails, (str(tmp_path / "first"),), 3, 5.0, 5.0)

    async def start_then_close() -> list[kg_serve._Worker]:
        with pytest.raises(KgError, match="cannot open its graph"):
            await pool.start()
        alive = [worker for worker in made if worker.process.is_alive() or not worker.conn.closed]
        await pool.close()
        return alive

    assert asyncio.run(start_then_close()) == []
    assert len(made) == 3 and not pool.workers


def _kill_at_gate(worker: kg_serve._Worker, gate: threading.Barrier, errors: list[BaseException]) -> None:
    gate.wait()
    try:
        worker.kill()
    except BaseException as exc:
        errors.append(exc)


def test_a_worker_killed_from_several_threads_at_once_stops_cleanly(tmp_path: Path) -> None:
    """kill() from a failing start and from the pool's close at once: no error, the pipe closed once."""
    for round_ in range(5):
        (tmp_path / "first").touch()  # every worker of this test is a slow, healthy one
        worker = kg_serve._Worker(_first_fails, (str(tmp_path / "first"),))
        worker.wait_ready(30)
        gate = threading.Barrier(6)
        errors: list[BaseException] = []
        threads = [threading.Thread(target=_kill_at_gate, args=(worker, gate, errors)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [], (round_, errors)
        assert not worker.process.is_alive() and worker.conn.closed


# ---------------------------------------------------------------------------------------------
# --memory: each worker answers from a copy of the store in memory


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the seed article and 40 synthetic ones: queries join across article graphs."""
    from gen_corpus import write_corpus

    from kg.pipeline import run_build

    data = write_corpus(40, tmp_path_factory.mktemp("corpus"))
    shutil.copy(ROOT / "data" / "articles" / "article-001.txt", data / "articles")
    shutil.copy(ROOT / "data" / "annotations" / "article-001.yaml", data / "annotations")
    out = tmp_path_factory.mktemp("corpus-out")
    run_build(data, out, files=False)
    return out / "store"


@pytest.fixture(scope="module")
def disk_and_memory(corpus_store: Path) -> Iterator[tuple[Served, Served]]:
    """Two servers on the corpus store, one reading it on disk, one with --memory."""
    options = ("--timeout", str(TIMEOUT), "--workers", "2")
    with running_server(corpus_store, *options) as disk, running_server(corpus_store, *options, "--memory") as memory:
        yield disk, memory
    for served in (disk, memory):
        assert served.process.returncode == 0, served.stderr
        assert "Traceback" not in served.stderr


def answer(url: str, text: str) -> tuple[list[str], list[tuple[str | None, ...]]]:
    """A named query's answer: (columns, rows) of a SELECT as JSON, ([], sorted N-Triples lines) of a CONSTRUCT."""
    graph = "CONSTRUCT" in text
    accept = "application/n-triples" if graph else "application/sparql-results+json"
    status, _, body = post(url + "sparql", {"query": text}, {"Accept": accept})
    assert status == 200, body
    if graph:
        return [], [(line,) for line in sorted(body.decode().splitlines())]
    data = json.loads(body)
    return data["head"]["vars"], select_rows(data)


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NAMED))
def test_memory_answers_every_named_query_as_the_store_does(
    disk_and_memory: tuple[Served, Served], corpus_store: Path, name: str
) -> None:
    from kg.query import split_order

    disk, memory = disk_and_memory
    text = NAMED[name]
    names, rows = answer(memory.url, text)
    assert rows, f"{name} answers nothing on the test corpus"
    disk_names, on_disk = answer(disk.url, text)
    assert (names, Counter(rows)) == (disk_names, Counter(on_disk))
    # in the order the query asks for (rows tied on every key may come in any order)
    _, keys = split_order(text)
    columns = [names.index(key) for key, _ in keys]
    assert [[row[i] for i in columns] for row in rows] == [[row[i] for i in columns] for row in on_disk]
    # and as `kg query` gives it
    kind, first, second = run_query(text, corpus_store, name)
    if kind == "select":
        assert first == names and Counter(tuple(row) for row in second) == Counter(rows)


def _open_files(pid: int) -> set[str]:
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            found.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
    return found


@pytest.mark.server
@pytest.mark.slow
def test_memory_workers_leave_the_database_closed_and_replace_a_killed_one(
    disk_and_memory: tuple[Served, Served], corpus_store: Path
) -> None:
    disk, memory = disk_and_memory
    database = str(corpus_store.resolve() / "db")

    def reading_database(served: Served) -> set[int]:
        return {p for p in _worker_pids(served.process.pid) if any(f.startswith(database) for f in _open_files(p))}

    # the on-disk server's two query workers hold the database open; the in-memory ones do not
    assert len(reading_database(disk)) == 2
    assert reading_database(memory) == set()
    expected = answer(memory.url, NAMED["participants"])
    before = _worker_pids(memory.process.pid)
    status, _, body = post(memory.url + "sparql", {"query": RUNAWAY})
    assert status == 503 and b"was stopped" in body
    deadline = time.monotonic() + 120
    while len(_worker_pids(memory.process.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    after = _worker_pids(memory.process.pid)
    assert len(after) == 3 and len(before - after) == 1
    # the replacement loaded the copy too: both workers give the same answer, neither reads the database
    for _ in range(4):
        assert answer(memory.url, NAMED["participants"]) == expected
    assert reading_database(memory) == set()


@pytest.mark.server
def test_memory_dump_lives_as_long_as_the_server(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with running_server(store, "--workers", "1", "--memory") as served:
        assert "1 workers, each with the store in memory" in served.banner
        dumps = list(tmp_path.glob("kg-serve-*/store.nq"))
        assert len(dumps) == 1 and dumps[0].stat().st_size > 100_000
        status, _, body = post(served.url + "sparql", {"query": "ASK { ?s ?p ?o }"})
        assert (status, json.loads(body)["boolean"]) == (200, True)
    assert served.process.returncode == 0, served.stderr
    assert list(tmp_path.iterdir()) == []


def test_serve_help_describes_memory() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--memory" in text and "GiB of RAM per worker per million quads" in text
