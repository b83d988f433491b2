"""kg push and kg query --endpoint: a small fake server for each failure, and two real SPARQL servers.

The fake (http.server on a loopback port) answers what a test asks: refusals, 401, 206, truncated
answers, garbage, a request that never gets an answer. The servers of the `server` tests are
Debian's Virtuoso (virtuoso-t, from a private copy of the recipe's ini on free loopback ports) and
`oxigraph serve` (pip package oxigraph), each started in a temporary folder and stopped by PID.

Remote answers are compared with local ``run_query`` answers as sets of rows (SELECT) or as the
same Turtle text (CONSTRUCT). One normalisation, the one tests/test_store_queries.py makes too:
GROUP_CONCAT joins values in an order SPARQL leaves to the engine, so quotes.statedBy is compared
as a set of parts. Nothing else is normalised: lexical forms, datatypes and row counts must match.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import (
    QueryRejected,
    RemoteAuthFailed,
    RemoteNoData,
    RemotePartial,
    RemoteRefused,
    RemoteTimeout,
    RemoteUnreachable,
)
from kg.query import list_queries, run_query
from kg.remote import (
    PUSH_STATE_GRAPH,
    STAGING_PREFIX,
    Client,
    Endpoint,
    local_graphs,
    push_store,
    remote_graph_sizes,
    remote_hashes,
    run_remote_query,
)

ROOT = Path(__file__).resolve().parent.parent
RECIPE_INI = ROOT / "tests" / "virtuoso.ini"
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import touch_article, write_corpus  # noqa: E402

# GROUP_CONCAT order is the engine's choice (see the module docstring)
UNORDERED_CONCAT = {"quotes": {"statedBy"}}
# articles of the generated corpus pushed in the server tests
CORPUS_ARTICLES = 200
ANSWERS = {"select": "application/sparql-results+json"}


# --- the fake server --------------------------------------------------------------------------

Reply = Callable[[http.server.BaseHTTPRequestHandler, bytes], None]


class Fake:
    """A loopback HTTP server whose answer to every request is ``reply``; records what it was sent."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.requests: list[tuple[str, str, bytes]] = []
        self.release = threading.Event()  # a reply that hangs waits for this
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle_one_request(self) -> None:
                with contextlib.suppress(ConnectionError):
                    super().handle_one_request()

            def serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.requests.append((self.command, self.path, body))
                fake.reply(self, body)

            do_GET = do_POST = do_PUT = serve

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Fake:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def answer(
    status: int, body: bytes = b"", content_type: str = "application/sparql-results+json", **headers: str
) -> Reply:
    def reply(handler: http.server.BaseHTTPRequestHandler, _body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(body)

    return reply


SELECT_ONE = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}}'


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports: each stays bound until all are picked, so none comes twice."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


def free_port() -> int:
    return free_ports(1)[0]


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


# --- failures, against the fake --------------------------------------------------------------


def test_nothing_listening_is_one_line_naming_the_endpoint() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_cli("query", "participants", "--endpoint", url)
    assert result.exit_code == 7
    assert result.output.startswith("Error: nothing answers there (connection refused)")
    assert f"({url})" in result.output and result.output.count("\n") == 1


def test_refused_query_never_reaches_the_server() -> None:
    with Fake(answer(200, SELECT_ONE)) as fake:
        for text in ("DROP ALL", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"):
            with pytest.raises(QueryRejected):
                run_remote_query(text, Endpoint(fake.url))
        result = CliRunner().invoke(main, ["query", "-", "--endpoint", fake.url], input="CLEAR DEFAULT")
    assert result.exit_code == 6 and "kg only reads" in result.output
    assert fake.requests == []


def test_query_asks_for_json_and_returns_the_local_shape() -> None:
    seen: list[str] = []

    def reply(handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        seen.append(handler.headers["Accept"])
        answer(200, SELECT_ONE)(handler, body)

    with Fake(reply) as fake:
        result = run_remote_query("SELECT ?n WHERE { ?s ?p ?n }", Endpoint(fake.url))
        method, _path, body = fake.requests[0]
    assert result == ("select", ["n"], [["1"]])
    assert seen == ["application/sparql-results+json"]
    assert method == "POST" and body.startswith(b"query=SELECT")


@pytest.mark.parametrize(
    ("reply", "error", "words"),
    [
        (answer(206, SELECT_ONE), RemotePartial, "partial answer (HTTP 206)"),
        (answer(200, SELECT_ONE, X_SQL_State="S1TAT"), RemotePartial, "partial answer"),
        (answer(200, SELECT_ONE, X_SPARQL_MaxRows="1"), RemotePartial, "cut the answer at 1 rows"),
        (answer(401, b"", WWW_Authenticate='Basic realm="x"'), RemoteAuthFailed, "HTTP 401"),
        (answer(403), RemoteAuthFailed, "HTTP 403"),
        (answer(500, b"Virtuoso 37000 Error SP030\n\nSPARQL query:\nSELECT"), RemoteRefused, "HTTP 500"),
        (answer(200, b"<html>hello</html>", "text/html"), RemoteRefused, "not answer with SPARQL JSON"),
    ],
    ids=["206", "S1TAT", "max-rows", "401", "403", "500", "html"],
)
def test_server_failures_are_typed_errors(reply: Reply, error: type[Exception], words: str) -> None:
    with Fake(reply) as fake:
        with pytest.raises(error) as caught:
            run_remote_query("SELECT * WHERE { ?s ?p ?o }", Endpoint(fake.url), "q.rq")
        result = run_cli("query", "participants", "--endpoint", fake.url)
    assert words in str(caught.value) and fake.url in str(caught.value)
    assert result.exit_code == 7 and result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "SPARQL query:" not in str(caught.value)  # Virtuoso's echo of the query is left out


def test_digest_authentication_and_the_password_never_shown() -> None:
    def reply(handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        auth = handler.headers.get("Authorization", "")
        if not auth.startswith("Digest "):
            challenge = 'Digest realm="SPARQL", nonce="abc", qop="auth", algorithm="MD5"'
            answer(401, b"", WWW_Authenticate=challenge)(handler, body)
        elif 'username="kg"' in auth:
            answer(200, SELECT_ONE)(handler, body)
        else:
            answer(403)(handler, body)

    with Fake(reply) as fake:
        assert run_remote_query("SELECT * {}", Endpoint(fake.url, user="kg", password="s3cret"))[0] == "select"
        result = run_cli("query", "participants", "--endpoint", fake.url, "--user", "intruder", "--password", "s3cret")
    assert result.exit_code == 7 and "HTTP 403" in result.output
    assert "s3cret" not in result.output and "s3cret" not in repr(Endpoint(fake.url, user="kg", password="s3cret"))


def test_basic_authentication_when_the_server_asks_for_it() -> None:
    import base64

    expected = "Basic " + base64.b64encode(b"kg:s3cret").decode()

    def reply(handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        auth = handler.headers.get("Authorization", "")
        if not auth:
            answer(401, b"", WWW_Authenticate='Basic realm="SPARQL"')(handler, body)
        elif auth == expected:
            answer(200, SELECT_ONE)(handler, body)
        else:
            answer(403)(handler, body)

    with Fake(reply) as fake:
        assert run_remote_query("SELECT * {}", Endpoint(fake.url, user="kg", password="s3cret"))[0] == "select"
        result = run_cli("query", "participants", "--endpoint", fake.url, "--user", "kg", "--password", "n0t-1t-x")
    assert result.exit_code == 7 and "HTTP 403" in result.output and "n0t-1t-x" not in result.output


def test_credentials_in_the_url_are_not_shown() -> None:
    url = f"http://kg:s3cret@127.0.0.1:{free_port()}/sparql"
    result = run_cli("query", "participants", "--endpoint", url)
    assert result.exit_code == 7 and "s3cret" not in result.output


def test_no_answer_within_the_read_timeout() -> None:
    def reply(_handler: http.server.BaseHTTPRequestHandler, _body: bytes) -> None:
        fake.release.wait()

    with Fake(reply) as fake, pytest.raises(RemoteTimeout) as caught:
        run_remote_query("ASK {}", Endpoint(fake.url, read_timeout=0.3))
    assert "did not answer within 0.3 s" in str(caught.value) and fake.url in str(caught.value)


def test_no_connection_within_the_connect_timeout() -> None:
    # a listening socket whose backlog is full: the kernel drops further connection attempts
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        queued = []
        for _ in range(8):
            sock = socket.socket()
            sock.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                sock.connect(("127.0.0.1", port))
            queued.append(sock)
        try:
            with pytest.raises(RemoteTimeout) as caught:
                run_remote_query("ASK {}", Endpoint(f"http://127.0.0.1:{port}/sparql", connect_timeout=0.3))
        finally:
            for sock in queued:
                sock.close()
    assert "no connection within 0.3 s" in str(caught.value)


def test_connection_dropped_mid_upload(tmp_path: Path, seed_store: Path) -> None:
    def reply(handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        if handler.command == "PUT":  # the upload: the server goes away without answering
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        answer(200, b'{"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}')(handler, body)

    with Fake(reply) as fake:
        with pytest.raises(RemoteUnreachable) as caught:
            push_store(seed_store, Endpoint(fake.url))
        methods = [m for m, _p, _b in fake.requests]
    assert "the connection dropped while uploading" in str(caught.value) and fake.url in str(caught.value)
    # nothing was swapped: no update request was sent after the failed upload
    assert "PUT" in methods and set(methods[methods.index("PUT") :]) == {"PUT"}


def test_empty_answer_on_a_server_without_union_default_graph() -> None:
    asks: list[bytes] = []

    def reply(handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        if b"ASK" in body:
            asks.append(body)
            # the ontology is in a named graph, but not in the default graph
            answer(200, b'{"boolean": %s}' % (b"true" if b"GRAPH" in body else b"false"))(handler, body)
        else:
            answer(200, b'{"head": {"vars": ["a"]}, "results": {"bindings": []}}')(handler, body)

    with Fake(reply) as fake:
        with pytest.raises(RemoteNoData) as caught:
            run_remote_query("SELECT ?a WHERE { ?a ?b ?c }", Endpoint(fake.url))
        result = run_cli("query", "participants", "--endpoint", fake.url)
    assert "not the union of its named graphs" in str(caught.value) and "--union-default-graph" in str(caught.value)
    assert result.exit_code == 7 and len(asks) == 4


def test_command_line_checks() -> None:
    assert run_cli("query", "participants", "--user", "u").exit_code == 2
    assert run_cli("query", "participants", "--endpoint", "ftp://x/sparql").exit_code == 7
    assert run_cli("push", "--endpoint", "http://127.0.0.1:1/s", "--password", "p").exit_code == 2
    missing = run_cli("push", "--endpoint", "http://127.0.0.1:1/s", "--store", "/nonexistent/store")
    assert missing.exit_code == 3 and "no built store" in missing.output
    for command in ("push", "query"):
        assert "Examples:" in run_cli(command, "--help").output


def test_readme_and_ci_run_the_same_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"^\$ (apt-get update .*python -m pytest)$", readme, re.M)
    assert command is not None and "virtuoso-opensource" in command.group(1)
    assert command.group(1) in ci.splitlines()


# --- the stores pushed -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of a build of the project's data/."""
    from kg.pipeline import run_build

    out = tmp_path_factory.mktemp("seed-out")
    run_build(ROOT / "data", out, files=False)
    return out / "store"


def build_corpus(folder: Path, articles: int, seed: int) -> Path:
    """A store of the seed article plus ``articles`` generated ones (ids syn-000001, ...)."""
    from kg.pipeline import run_build

    data = write_corpus(articles, folder / "data", seed=seed)
    shutil.copy(ROOT / "data" / "articles" / "article-001.txt", data / "articles")
    shutil.copy(ROOT / "data" / "annotations" / "article-001.yaml", data / "annotations")
    run_build(data, folder / "out", files=False)
    return folder / "out" / "store"


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("corpus"), CORPUS_ARTICLES, seed=1)


@pytest.fixture(scope="module")
def corpus_store_v2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same article ids as corpus_store, every generated article different."""
    return build_corpus(tmp_path_factory.mktemp("corpus-v2"), CORPUS_ARTICLES, seed=2)


# --- real servers ----------------------------------------------------------------------------


class Server:
    """A SPARQL server process in a private folder, on free loopback ports."""

    name = ""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def endpoint(self, **timeouts: float) -> Endpoint:
        raise NotImplementedError

    @property
    def read_url(self) -> str:
        return self.endpoint().query_url

    def start(self) -> None:
        with (self.folder / "log").open("ab") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, cwd=self.folder)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(OSError):
                probe = self.read_url + "?query=ASK%7B%7D"
                with urllib.request.urlopen(probe, timeout=5) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        self.stop()
        log_text = (self.folder / "log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{self.name} did not start on port {self.port}:\n{log_text}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class Virtuoso(Server):
    name = "virtuoso"

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        # picked together: two separate picks can return the same port, and then Virtuoso's SQL
        # listener takes it and its HTTP listener fails
        self.port, self.sql_port = free_ports(2)
        ini = RECIPE_INI.read_text(encoding="utf-8").replace("@DIR@", str(folder))
        ini = ini.replace("127.0.0.1:11111", f"127.0.0.1:{self.sql_port}").replace("18890", str(self.port))
        (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")

    def command(self) -> list[str]:
        return ["virtuoso-t", "+configfile", str(self.folder / "virtuoso.ini"), "+foreground"]

    def endpoint(self, **timeouts: float) -> Endpoint:
        base = f"http://127.0.0.1:{self.port}"
        # writes need HTTP Digest authentication; dba/dba on a fresh database
        return Endpoint(
            f"{base}/sparql-auth", "", f"{base}/sparql-graph-crud-auth", user="dba", password="dba", **timeouts
        )

    @property
    def read_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def push_args(self) -> list[str]:
        e = self.endpoint()
        return ["--endpoint", e.query_url, "--graph-store", e.graph_store_url, "--user", "dba", "--password", "dba"]


class Oxigraph(Server):
    name = "oxigraph"
    union = True

    def command(self) -> list[str]:
        binary = shutil.which("oxigraph", path=os.path.dirname(sys.executable)) or "oxigraph"
        location = str(self.folder / "db")
        # named queries read the default graph as the union of all graphs
        union = ["--union-default-graph"] if self.union else []
        return [binary, "serve", "--location", location, "--bind", f"127.0.0.1:{self.port}", *union]

    def endpoint(self, **timeouts: float) -> Endpoint:
        base = f"http://127.0.0.1:{self.port}"
        return Endpoint(f"{base}/query", f"{base}/update", f"{base}/store", **timeouts)

    def push_args(self) -> list[str]:
        e = self.endpoint()
        return ["--endpoint", e.query_url, "--update", e.update_url, "--graph-store", e.graph_store_url]


SERVERS: dict[str, type[Virtuoso] | type[Oxigraph]] = {"virtuoso": Virtuoso, "oxigraph": Oxigraph}
BINARIES = {"virtuoso": "virtuoso-t", "oxigraph": "oxigraph"}


@contextlib.contextmanager
def running(name: str, folder: Path) -> Iterator[Virtuoso | Oxigraph]:
    binary = BINARIES[name]
    if not shutil.which(binary) and not shutil.which(binary, path=os.path.dirname(sys.executable)):
        pytest.skip(f"{binary} is not installed (apt-get install virtuoso-opensource; pip install oxigraph)")
    server = SERVERS[name](folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module", params=sorted(SERVERS))
def pushed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpus_store: Path
) -> Iterator[Virtuoso | Oxigraph]:
    """A server holding the generated corpus, pushed once."""
    with running(request.param, tmp_path_factory.mktemp(request.param)) as server:
        push_store(corpus_store, server.endpoint())
        yield server


Row = tuple[str | None, ...]


def as_set(name: str, names: list[str], rows: list[list[str | None]]) -> set[Row]:
    unordered = [i for i, n in enumerate(names) if n in UNORDERED_CONCAT.get(name, set())]
    out = set()
    for row in rows:
        values = list(row)
        for i in unordered:
            values[i] = "; ".join(sorted((values[i] or "").split("; ")))
        out.add(tuple(values))
    return out


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("named", list_queries(), ids=lambda q: q.name)
def test_every_named_query_answers_the_same_remotely(
    pushed: Virtuoso | Oxigraph, corpus_store: Path, named: Any
) -> None:
    text = named.path.read_text(encoding="utf-8")
    local = run_query(text, corpus_store, named.name)
    remote = run_remote_query(text, Endpoint(pushed.read_url), named.name)
    assert remote[0] == local[0]
    if local[0] == "graph":
        assert local[1], f"{named.name} answers nothing on the test corpus"
        assert remote[1] == local[1]
        return
    assert remote[1] == local[1]
    assert local[2], f"{named.name} answers nothing on the test corpus"
    ours, theirs = as_set(named.name, local[1], local[2]), as_set(named.name, remote[1], remote[2])
    assert theirs == ours, (sorted(ours - theirs, key=str)[:3], sorted(theirs - ours, key=str)[:3])
    assert len(remote[2]) == len(local[2])


@pytest.mark.server
def test_push_holds_every_graph_with_its_triples(pushed: Virtuoso | Oxigraph, corpus_store: Path) -> None:
    client = Client(pushed.endpoint())
    local = {g.name: g.triples for g in local_graphs(corpus_store)}
    remote = remote_graph_sizes(client)
    remote.pop(PUSH_STATE_GRAPH)
    assert remote == local
    assert len(local) == CORPUS_ARTICLES + 5  # + article-001, ontology, registry, background, links
    assert not any(g.startswith(STAGING_PREFIX) for g in remote)


@pytest.mark.server
def test_named_query_over_the_command_line(pushed: Virtuoso | Oxigraph, corpus_store: Path) -> None:
    remote = run_cli("query", "organisers", "--format", "csv", "--endpoint", pushed.read_url)
    local = run_cli("query", "organisers", "--format", "csv", "--store", str(corpus_store))
    assert remote.exit_code == 0, remote.output
    assert sorted(remote.output.splitlines()) == sorted(local.output.splitlines())
    assert len(local.output.splitlines()) > 20


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SERVERS))
def test_push_again_sends_only_what_changed(name: str, tmp_path: Path, seed_store: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    server_folder = tmp_path / "srv"
    server_folder.mkdir()
    from kg.pipeline import run_build

    write_corpus(3, data)  # three generated articles beside the seed (no links among them)
    run_build(data, tmp_path / "out", files=False)
    store = tmp_path / "out" / "store"
    with running(name, server_folder) as server:
        first = push_store(store, server.endpoint())
        assert len(first.uploaded) == first.graphs == 7 and not first.dropped
        again = push_store(store, server.endpoint())
        assert again.uploaded == [] and again.unchanged == 7
        # remove one article, change another: its graph and the links are sent, the removed one dropped
        (data / "annotations" / "syn-000003.yaml").unlink()
        (data / "articles" / "syn-000003.txt").unlink()
        touch_article(data, 1)
        run_build(data, tmp_path / "out", files=False)
        third = push_store(store, server.endpoint())
        client = Client(server.endpoint())
        remote = remote_graph_sizes(client)
    assert third.dropped == ["https://w3id.org/migration-kg/graph/article/syn-000003"]
    assert "https://w3id.org/migration-kg/graph/article/syn-000001" in third.uploaded
    remote.pop(PUSH_STATE_GRAPH)
    assert remote == {g.name: g.triples for g in local_graphs(store)}


def remote_triples(server: Virtuoso | Oxigraph, graph: str) -> set[tuple[str, str, str]]:
    _names, rows = Client(Endpoint(server.read_url)).select(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", "reading a graph"
    )
    return {(str(s), str(p), str(o)) for s, p, o in rows}


def local_triples(ntriples: bytes) -> set[tuple[str, str, str]]:
    import pyoxigraph as ox

    return {
        (t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    }


def settled(server: Virtuoso | Oxigraph, quiet: float = 1.0, limit: float = 60.0) -> dict[str, str]:
    """Waits until a stopped push's last request has landed; returns the pushed hashes by graph.

    A push killed or interrupted after sending an update does not stop the server from applying it:
    the server finishes the request on its own. Until then the graphs can still change, so this
    reads what a push reads (the recorded hashes and the graphs' sizes) until it stays the same for
    `quiet` seconds.
    """
    client = Client(Endpoint(server.read_url))

    def look() -> tuple[dict[str, str], dict[str, int]]:
        return remote_hashes(client), remote_graph_sizes(client)

    deadline = time.monotonic() + limit
    seen, since = look(), time.monotonic()
    while time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, "the server was still changing a minute after the push stopped"
        time.sleep(0.2)
        now = look()
        if now != seen:
            seen, since = now, time.monotonic()
    return seen[0]


def old_or_new(server: Virtuoso | Oxigraph, articles: list[str], old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """For each article graph on the server, "old" or "new"; fails if one is neither, complete.

    Reads once the stopped push's last request has landed; a graph is "new" exactly when the hash
    recorded for it is the new one (a graph is swapped and its hash recorded in one update).
    """
    recorded = settled(server)
    states = []
    for graph in articles:
        triples = remote_triples(server, graph)
        if triples == local_triples(old[graph].ntriples):
            states.append("old")
        else:
            assert triples == local_triples(new[graph].ntriples), graph
            states.append("new")
        if old[graph].sha256 != new[graph].sha256:
            assert (recorded.get(graph) == new[graph].sha256) == (states[-1] == "new"), graph
    return states


# `kg push` with batches of 5 graphs (kg.remote.BATCH_GRAPHS) instead of 50
SMALL_BATCH_PUSH = "import sys, kg.remote; kg.remote.BATCH_GRAPHS = 5; from kg.cli import main; main(sys.argv[1:])"


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize(("name", "how"), [("virtuoso", "server killed"), ("oxigraph", "server killed"),
                                            ("oxigraph", "push interrupted"), ("oxigraph", "push killed")])  # fmt: skip
def test_push_stopped_midway_leaves_each_graph_old_or_new(
    name: str, how: str, tmp_path: Path, corpus_store: Path, corpus_store_v2: Path
) -> None:
    old = {g.name: g for g in local_graphs(corpus_store)}
    new = {g.name: g for g in local_graphs(corpus_store_v2)}
    articles = sorted(g for g in old if "/article/syn-" in g)
    with running(name, tmp_path) as server:
        push_store(corpus_store, server.endpoint())
        # push the second corpus from another process; pause it once some graphs are swapped. Its
        # batches are small, so that many are left when the watcher sees the first ones swapped
        # (with the default 50 graphs a batch, a loaded machine could see the push end first)
        push = subprocess.Popen(
            [sys.executable, "-c", SMALL_BATCH_PUSH, "push", "--store", str(corpus_store_v2), *server.push_args()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        client = Client(Endpoint(server.read_url))
        new_hashes = " ".join(f'"{new[g].sha256}"' for g in articles)
        state = f"GRAPH <{PUSH_STATE_GRAPH}> {{ ?g ?p ?h }}"
        swapped = f"SELECT (COUNT(*) AS ?n) WHERE {{ {state} VALUES ?h {{ {new_hashes} }} }}"
        while push.poll() is None and int(client.select(swapped, "watching")[1][0][0] or 0) < 5:
            time.sleep(0.05)
        assert push.poll() is None, "the push ended before it could be stopped"
        if how == "server killed":
            push.send_signal(signal.SIGSTOP)
            server.stop(signal.SIGKILL)
            push.send_signal(signal.SIGCONT)
            _out, err = push.communicate(timeout=120)
            assert push.returncode == 7
            assert err.decode().startswith("Error: ") and f"127.0.0.1:{server.port}" in err.decode()
            assert err.decode().count("\n") == 1
            server.start()  # on the same database
        else:
            push.send_signal(signal.SIGINT if how == "push interrupted" else signal.SIGKILL)
            push.communicate(timeout=120)
            assert push.returncode != 0
        # every article graph is the old one or the new one, complete; some are new
        states = old_or_new(server, articles, old, new)
        assert "new" in states and "old" in states
        # the next push finishes the job and drops the staging graphs left behind
        report = push_store(corpus_store_v2, server.endpoint())
        remote = remote_graph_sizes(Client(server.endpoint()))
    stopped_old = {g for g, state in zip(articles, states, strict=True) if state == "old"}
    swapped_before = set(articles) - stopped_old
    # the graphs still old are sent; those swapped with their hash recorded (at least 5) are not
    assert stopped_old <= set(report.uploaded) and len(swapped_before - set(report.uploaded)) >= 5
    remote.pop(PUSH_STATE_GRAPH)
    assert remote == {g: new[g].triples for g in new}


PUSH_KILL_TRIALS = 10


@pytest.mark.server
@pytest.mark.slow
def test_kill_9_during_push_at_random_moments(tmp_path: Path, corpus_store: Path, corpus_store_v2: Path) -> None:
    """kill -9 of `kg push` at random moments, 10 trials: each remote graph is the old or the new one.

    Each trial starts from the remote holding the first corpus, starts a push of the second and
    kills it after a random share of the time a whole push takes. Then every article graph must be
    the old one or the new one, complete, and a push of the first corpus must bring the remote back
    to it (leaving nothing of the killed push behind) for the next trial.
    """
    rnd = random.Random(20261125)
    old = {g.name: g for g in local_graphs(corpus_store)}
    new = {g.name: g for g in local_graphs(corpus_store_v2)}
    articles = sorted(g for g in old if "/article/syn-" in g)
    mixed = 0
    with running("oxigraph", tmp_path) as server:
        push_store(corpus_store, server.endpoint())
        command = [sys.executable, "-c", SMALL_BATCH_PUSH, "push", "--store", str(corpus_store_v2), *server.push_args()]
        # how long a whole push of the second corpus takes here, then back to the first
        started = time.monotonic()
        subprocess.run(command, check=True, capture_output=True)
        whole = time.monotonic() - started
        push_store(corpus_store, server.endpoint())
        for _trial in range(PUSH_KILL_TRIALS):
            push = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rnd.uniform(0.1, 0.9) * whole)
            push.send_signal(signal.SIGKILL)
            push.wait(timeout=60)
            mixed += set(old_or_new(server, articles, old, new)) == {"old", "new"}
            push_store(corpus_store, server.endpoint())
            remote = remote_graph_sizes(Client(server.endpoint()))
            remote.pop(PUSH_STATE_GRAPH)
            assert remote == {g: old[g].triples for g in old}  # no staging graph left either
    # the kills landed in the middle of pushes, not only before or after them
    assert mixed >= 3, mixed


@pytest.mark.server
def test_count_mismatch_after_upload_is_a_partial_push(tmp_path: Path, seed_store: Path) -> None:
    registry = "https://w3id.org/migration-kg/graph/registry"
    with running("oxigraph", tmp_path) as server:
        endpoint = server.endpoint()
        push_store(seed_store, endpoint)
        client = Client(endpoint)
        before = remote_triples(server, registry)
        # forget what was pushed, so that every graph is sent again ...
        client.update(f"DROP GRAPH <{PUSH_STATE_GRAPH}>", "forgetting")
        # ... to a Graph Store endpoint that answers 204 and stores nothing
        with Fake(answer(204)) as fake, pytest.raises(RemotePartial) as caught:
            push_store(seed_store, Endpoint(endpoint.query_url, endpoint.update_url, fake.url))
        after = remote_triples(server, registry)
        left = [g for g in remote_graph_sizes(client) if g.startswith(STAGING_PREFIX)]
    assert str(caught.value).startswith("the server stored 0 of the ")
    assert fake.url in str(caught.value)
    assert after == before and len(before) > 1000 and left == []


@pytest.mark.server
def test_server_without_union_default_graph_is_reported(tmp_path: Path, seed_store: Path) -> None:
    if not shutil.which("oxigraph", path=os.path.dirname(sys.executable)) and not shutil.which("oxigraph"):
        pytest.skip("oxigraph is not installed (pip install oxigraph)")
    server = Oxigraph(tmp_path)
    server.union = False
    server.start()
    try:
        report = push_store(seed_store, server.endpoint())
        result = run_cli("query", "participants", "--endpoint", server.read_url)
    finally:
        server.stop()
    assert not report.union_default and any("--union-default-graph" in line for line in report.summary())
    assert result.exit_code == 7 and "not the union of its named graphs" in result.output
