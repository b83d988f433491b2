"""Remote SPARQL stores: push the built graph to a SPARQL 1.1 server, and run named queries there.

``push_store`` copies the data graphs of a built store (``<out>/store``; not ``graph/build-state``)
to any server that speaks the SPARQL 1.1 Protocol, Update and Graph Store Protocol (Virtuoso,
Fuseki, GraphDB, Neptune, ``oxigraph serve``). Each graph that changed since the last push is

1. uploaded whole to a staging graph (``graph/staging/<name>``) with a Graph Store Protocol PUT;
2. counted there: the server must hold exactly the triples sent, or the push stops;
3. swapped in with one SPARQL Update request: its recorded hash deleted (in ``graph/push-state``),
   the target made equal to the staging graph (what ``MOVE`` does, written as a difference, see
   ``_push_batch``), the staging graph dropped, the new hash inserted. Graphs go in batches (up to
   50 graphs or 50,000 triples) uploaded side by side and swapped by one update request.

On servers that run an update request as one transaction (Virtuoso, Oxigraph, Fuseki), a reader of
a target graph sees the old graph or the new one, and a push stopped at any moment (server killed,
``kill -9`` of kg, Ctrl-C) leaves every remote graph as it was or complete; a graph whose hash was
deleted but not written again is uploaded again by the next push, which also drops the staging
graphs a stopped push left. While a push runs, staging graphs are more named graphs on the
server, so a query of the union default graph may see their triples twice. Graphs under kg's
``graph/`` namespace that the store no longer holds (removed articles) are dropped. Graphs
unchanged since the last push (same SHA-256 of their sorted N-Triples, same triple count on the
server) are not sent again.

``run_remote_query`` vets a query exactly as ``kg.query.run_query`` does (no UPDATE, LOAD, SERVICE
or outside FROM), then sends it to the endpoint, asking for SPARQL JSON results (SELECT, ASK) or
Turtle (CONSTRUCT, DESCRIBE) explicitly, and returns the same shapes as ``run_query``. A partial
answer (HTTP 206, Virtuoso's ``X-SQL-State: S1TAT`` or ``X-SPARQL-MaxRows`` truncation) is an error,
never a result.

HTTP goes through urllib (imported here, not by ``kg --help``), with a connect timeout and a
separate read timeout, and HTTP Digest or Basic authentication as the server asks. Every error
names the endpoint URL, never the password.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import (
    MissingInput,
    RemoteAuthFailed,
    RemoteError,
    RemoteNoData,
    RemotePartial,
    RemoteRefused,
    RemoteTimeout,
    RemoteUnreachable,
)
from kg.namespaces import BUILD, GRAPH, ONTOLOGY_IRI, STATE_GRAPH

if TYPE_CHECKING:
    import urllib.request

# where a graph is uploaded before it is swapped in; left-overs of a stopped push are dropped
STAGING_PREFIX = str(GRAPH["staging/"])
# the SHA-256 of each pushed graph, so that the next push sends only what changed
PUSH_STATE_GRAPH = str(GRAPH["push-state"])
PUSHED_SHA256 = str(BUILD["pushedSha256"])
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 300.0
# graphs dropped per update request
DROP_BATCH = 100
# graphs uploaded, then swapped by one update request: each write is a transaction on the server,
# which costs it a sync to disk (20-30 ms on the development machine), so they are grouped
BATCH_GRAPHS = 50
BATCH_TRIPLES = 50_000
# concurrent Graph Store Protocol uploads
UPLOADERS = 4
# how much of an error body a message quotes
QUOTED = 160

Progress = Callable[[str, int], contextlib.AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL server: where it answers queries, updates and Graph Store Protocol requests.

    ``update_url`` and ``graph_store_url`` default to ``query_url`` (one URL serves all three on
    Fuseki's dataset URL, on Virtuoso's ``/sparql-auth`` for queries and updates).
    """

    query_url: str
    update_url: str = ""
    graph_store_url: str = ""
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT

    def __post_init__(self) -> None:
        for name in ("query_url", "update_url", "graph_store_url"):
            url = getattr(self, name) or self.query_url
            if not url.startswith(("http://", "https://")):
                raise RemoteError(
                    f"`{shown(url)}` is not an http(s) URL", name.replace("_", " "), "give the endpoint's full URL"
                )
            object.__setattr__(self, name, url)


def shown(url: str) -> str:
    """A URL as error messages show it: without user and password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


# --- HTTP -------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


class _ConnectTimeout(OSError):
    """The TCP (or TLS) connection was not made within the connect timeout."""


def _connection_classes(read_timeout: float) -> tuple[type[Any], type[Any]]:
    import http.client

    class ReadTimeout:
        # urllib passes one timeout; it bounds connecting, then reads get their own
        sock: Any

        def connect(self) -> None:
            try:
                super().connect()  # type: ignore[misc]
            except TimeoutError as exc:
                raise _ConnectTimeout(str(exc)) from None
            self.sock.settimeout(read_timeout)

    class Connection(ReadTimeout, http.client.HTTPConnection):
        pass

    class SecureConnection(ReadTimeout, http.client.HTTPSConnection):
        pass

    return Connection, SecureConnection


def _opener(endpoint: Endpoint) -> urllib.request.OpenerDirector:
    import urllib.request

    connection, secure = _connection_classes(endpoint.read_timeout)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(connection, req)  # type: ignore[arg-type]

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(secure, req)  # type: ignore[arg-type]

    handlers: list[Any] = [Handler(), SecureHandler()]
    if endpoint.user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in {endpoint.query_url, endpoint.update_url, endpoint.graph_store_url}:
            passwords.add_password(None, url, endpoint.user, endpoint.password or "")
        # the server's challenge picks the scheme: Digest (Virtuoso's /sparql-auth) or Basic
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    return urllib.request.build_opener(*handlers)


class Client:
    """HTTP requests to one endpoint, every failure turned into a RemoteError naming it."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._opener = _opener(endpoint)

    def request(
        self, method: str, url: str, doing: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        """Send one request; ``doing`` says what for, in error messages.

        Raises:
            RemoteUnreachable, RemoteTimeout, RemoteAuthFailed, RemoteRefused, RemotePartial.
        """
        import http.client
        import urllib.error
        import urllib.request

        where = shown(url)
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with self._opener.open(req, timeout=self.endpoint.connect_timeout) as answer:
                data = answer.read()
                response = Response(answer.status, {k.lower(): v for k, v in answer.headers.items()}, data)
        except urllib.error.HTTPError as exc:
            text = _quote(exc.read() if exc.fp is not None else b"")
            with contextlib.suppress(Exception):
                exc.close()
            if exc.code in (401, 403):
                raise RemoteAuthFailed(
                    f"the server refused the credentials while {doing} (HTTP {exc.code})",
                    where,
                    "give --user and --password of an account allowed to do this"
                    if exc.code == 401 or self.endpoint.user is None
                    else "use an account with write permission, or the endpoint's authenticated URL",
                ) from None
            raise RemoteRefused(
                f"the server answered HTTP {exc.code} {exc.reason} while {doing}{': ' + text if text else ''}",
                where,
                "check the endpoint URLs (--endpoint, --update, --graph-store) and the server's log",
            ) from None
        except urllib.error.URLError as exc:
            raise _connection_error(exc.reason, where, doing, self.endpoint) from None
        except (OSError, http.client.HTTPException) as exc:
            raise _connection_error(exc, where, doing, self.endpoint) from None
        if response.status == 206 or response.headers.get("x-sql-state", "").upper() == "S1TAT":
            raise RemotePartial(
                f"the server gave a partial answer (HTTP {response.status}) while {doing}: it hit a time limit",
                where,
                "raise the server's query time limit (Virtuoso: MaxQueryExecutionTime) or narrow the query",
            )
        return response

    def query(self, text: str, accept: str, doing: str) -> Response:
        """POST a query (SPARQL Protocol, form-encoded) asking for ``accept``."""
        from urllib.parse import urlencode

        body = urlencode({"query": text}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        response = self.request("POST", self.endpoint.query_url, doing, body, headers)
        if "x-sparql-maxrows" in response.headers:
            raise RemotePartial(
                f"the server cut the answer at {response.headers['x-sparql-maxrows']} rows while {doing}",
                shown(self.endpoint.query_url),
                "raise the server's row limit (Virtuoso: [SPARQL] ResultSetMaxRows) or narrow the query",
            )
        return response

    def select(self, text: str, doing: str) -> tuple[list[str], list[list[str | None]]]:
        """Run a SELECT; returns column names and rows of values (None where unbound)."""
        document = _json(self.query(text, "application/sparql-results+json", doing), self.endpoint, doing)
        try:
            names = list(document["head"]["vars"])
            rows = [[_value(b.get(n)) for n in names] for b in document["results"]["bindings"]]
        except (KeyError, TypeError, AttributeError):
            raise _not_results(self.endpoint, doing) from None
        return names, rows

    def ask(self, text: str, doing: str) -> bool:
        """Run an ASK."""
        document = _json(self.query(text, "application/sparql-results+json", doing), self.endpoint, doing)
        value = document.get("boolean") if isinstance(document, dict) else None
        if not isinstance(value, bool):
            raise _not_results(self.endpoint, doing)
        return value

    def update(self, text: str, doing: str) -> None:
        """POST a SPARQL Update request."""
        from urllib.parse import urlencode

        body = urlencode({"update": text}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        self.request("POST", self.endpoint.update_url, doing, body, headers)

    def put_graph(self, graph: str, ntriples: bytes, doing: str) -> None:
        """Replace a graph with a Graph Store Protocol PUT of N-Triples (sent as Turtle, of which it is a subset)."""
        from urllib.parse import urlencode

        base = self.endpoint.graph_store_url
        url = base + ("&" if "?" in base else "?") + urlencode({"graph": graph})
        self.request("PUT", url, doing, ntriples, {"Content-Type": "text/turtle"})


def _connection_error(reason: Any, where: str, doing: str, endpoint: Endpoint) -> RemoteError:
    import http.client
    import socket

    if isinstance(reason, _ConnectTimeout):
        return RemoteTimeout(
            f"no connection within {endpoint.connect_timeout:g} s while {doing}",
            where,
            "check that the server is running and reachable, or raise --connect-timeout",
        )
    if isinstance(reason, TimeoutError):
        return RemoteTimeout(
            f"the server did not answer within {endpoint.read_timeout:g} s while {doing}",
            where,
            "raise --timeout, or check the server's load",
        )
    if isinstance(reason, ConnectionRefusedError):
        return RemoteUnreachable(
            f"nothing answers there (connection refused) while {doing}", where, "start the server or fix the URL"
        )
    if isinstance(reason, socket.gaierror):
        return RemoteUnreachable(
            f"unknown host while {doing}: {reason.strerror}", where, "fix the host name of the URL"
        )
    if isinstance(reason, ConnectionError | http.client.HTTPException):
        return RemoteUnreachable(
            f"the connection dropped while {doing} ({type(reason).__name__})",
            where,
            "check the server and push again: remote graphs are either as before or complete",
        )
    return RemoteUnreachable(f"cannot reach the server while {doing}: {reason}", where, "check the URL and the network")


def _quote(body: bytes) -> str:
    # Virtuoso follows its message with the query it was sent: keep the message only
    text = body.decode("utf-8", "replace").split("SPARQL query:")[0]
    text = " ".join(text.split())
    return text[:QUOTED] + ("…" if len(text) > QUOTED else "")


def _json(response: Response, endpoint: Endpoint, doing: str) -> Any:
    try:
        return json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _not_results(endpoint, doing, response.headers.get("content-type", "")) from None


def _not_results(endpoint: Endpoint, doing: str, content_type: str = "") -> RemoteRefused:
    got = f" (it sent {content_type})" if content_type else ""
    return RemoteRefused(
        f"the server did not answer with SPARQL JSON results while {doing}{got}",
        shown(endpoint.query_url),
        "give the URL of its SPARQL query endpoint with --endpoint",
    )


def _value(binding: Any) -> str | None:
    if binding is None:
        return None
    return str(binding["value"])


# --- remote queries ---------------------------------------------------------------------------

GRAPH_FORMS = ("ConstructQuery", "DescribeQuery")


def run_remote_query(
    text: str, endpoint: Endpoint, where: str = "query", check_data: bool = True
) -> tuple[str, Any, Any]:
    """Vet a query as ``kg.query.run_query`` does and run it on a remote SPARQL endpoint.

    Returns ("select", column names, rows), ("ask", ["ask"], [["true"|"false"]]) or
    ("graph", turtle, None), as run_query does; values are the terms' lexical forms.

    ``check_data``: when the answer is empty, ask whether the endpoint's default graph holds kg's
    ontology, and fail if it does not (nothing pushed, or a default graph that is not the union of
    the named graphs), rather than print an empty answer.

    Raises:
        QuerySyntaxError, QueryRejected: as run_query. RemoteError subclasses: the server failed,
        refused, timed out, asked for other credentials, gave a partial answer, or holds no kg data.
    """
    from kg.query import check_query

    form = check_query(text, where)
    client = Client(endpoint)
    doing = f"running {where}"
    if form in GRAPH_FORMS:
        import pyoxigraph as ox

        from kg.query import graph_turtle

        response = client.query(text, "text/turtle", doing)
        try:
            triples = [q.triple for q in ox.parse(response.body, format=ox.RdfFormat.TURTLE)]
        except (SyntaxError, ValueError):
            raise RemoteRefused(
                f"the server's answer to {where} is not Turtle ({response.headers.get('content-type', '?')})",
                shown(endpoint.query_url),
                "give the URL of its SPARQL query endpoint with --endpoint",
            ) from None
        result: tuple[str, Any, Any] = ("graph", graph_turtle(triples), None)
        empty = not triples
    elif form == "AskQuery":
        answer = client.ask(text, doing)
        result = ("ask", ["ask"], [[str(answer).lower()]])
        empty = not answer
    else:
        names, rows = client.select(text, doing)
        result = ("select", names, rows)
        empty = not rows
    if empty and check_data:
        check_remote_data(client)
    return result


def check_remote_data(client: Client) -> None:
    """Raise RemoteNoData unless the endpoint's default graph holds kg's ontology.

    Named queries read the default graph as the union of all named graphs.
    """
    ontology = f"ASK {{ <{ONTOLOGY_IRI}> a <http://www.w3.org/2002/07/owl#Ontology> }}"
    if client.ask(ontology, "checking the default graph"):
        return
    named = f"ASK {{ GRAPH ?g {{ <{ONTOLOGY_IRI}> a <http://www.w3.org/2002/07/owl#Ontology> }} }}"
    where = shown(client.endpoint.query_url)
    if client.ask(named, "checking the named graphs"):
        raise RemoteNoData(
            "the server's default graph is not the union of its named graphs, so named queries find nothing",
            where,
            "start oxigraph with `oxigraph serve --union-default-graph` (Virtuoso unions them by default; "
            "Fuseki: tdb2:unionDefaultGraph true)",
        )
    raise RemoteNoData("the server holds no kg graph", where, "push one first with `kg push --endpoint URL`")


# --- push -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalGraph:
    """One data graph of the store, ready to send."""

    name: str
    ntriples: bytes  # sorted lines
    triples: int
    sha256: str


@dataclass
class PushReport:
    """What ``push_store`` did."""

    endpoint: str
    graphs: int = 0  # data graphs of the store
    triples: int = 0  # triples in them
    uploaded: list[str] = field(default_factory=list)
    uploaded_triples: int = 0
    unchanged: int = 0
    dropped: list[str] = field(default_factory=list)
    stale_staging: int = 0
    union_default: bool = True
    seconds: float = 0.0

    def summary(self) -> list[str]:
        """Human-readable lines describing the push."""
        lines = [
            f"pushed {self.graphs} graph(s), {self.triples} triples, to {self.endpoint}: "
            f"{len(self.uploaded)} uploaded ({self.uploaded_triples} triples), {self.unchanged} unchanged, "
            f"{len(self.dropped)} dropped ({self.seconds:.1f} s)"
        ]
        if self.stale_staging:
            lines.append(f"dropped {self.stale_staging} staging graph(s) left by an earlier push that was stopped")
        if not self.union_default:
            lines.append(
                "warning: the server's default graph is not the union of its named graphs, so named queries "
                "will find nothing there — start oxigraph with `oxigraph serve --union-default-graph`"
            )
        return lines


def local_graphs(store_path: Path, ontology_dir: Path | None = None, wait: float = 60.0) -> list[LocalGraph]:
    """The data graphs of a built store (not its build state) as sorted N-Triples, read under its read lock.

    Integer literals get back the type the ontology gives their property, as ``kg export`` does.

    Raises:
        MissingInput: no built store there. StoreBusy: a build held it for ``wait`` seconds.
    """
    import pyoxigraph as ox

    from kg.ontology import load_ontology
    from kg.store import data_quads, is_built, open_read_only, reading

    if not is_built(store_path):
        raise MissingInput(f"no built store at {store_path}", str(store_path), "run `kg build` first, or pass --store")
    ontology = load_ontology(ontology_dir)
    by_graph: dict[str, list[Any]] = {}
    with reading(store_path, wait):
        store = open_read_only(store_path)
        for quad in data_quads(store, ontology):
            by_graph.setdefault(str(quad.graph_name.value), []).append(quad.triple)  # type: ignore[union-attr]
        del store
    graphs = []
    for name in sorted(by_graph):
        text = ox.serialize(by_graph[name], format=ox.RdfFormat.N_TRIPLES) or b""
        lines = sorted(set(text.splitlines(keepends=True)))
        data = b"".join(lines)
        graphs.append(LocalGraph(name, data, len(lines), hashlib.sha256(data).hexdigest()))
    return graphs


def push_store(
    store_path: Path,
    endpoint: Endpoint,
    ontology_dir: Path | None = None,
    progress: Progress | None = None,
) -> PushReport:
    """Make the server's kg graphs equal to the data graphs of a built store, staged then swapped.

    See the module docstring for the order of writes and what a stopped push leaves.

    Raises:
        MissingInput, StoreBusy: the local store. RemoteError subclasses: the server is unreachable,
        refuses, times out, rejects the credentials, or did not store a graph completely.
    """
    started = time.perf_counter()
    graphs = local_graphs(store_path, ontology_dir)
    client = Client(endpoint)
    report = PushReport(shown(endpoint.query_url), len(graphs), sum(g.triples for g in graphs))
    remote = remote_graph_sizes(client)
    hashes = remote_hashes(client)

    stale = sorted(g for g in remote if g.startswith(STAGING_PREFIX))
    _drop(client, stale, "dropping staging graphs left by a stopped push")
    report.stale_staging = len(stale)

    changed = [g for g in graphs if hashes.get(g.name) != g.sha256 or remote.get(g.name) != g.triples]
    report.unchanged = len(graphs) - len(changed)
    with (progress or _quiet)("pushing", len(changed)) as step:
        for batch in _batches(changed):
            _push_batch(client, batch)
            report.uploaded += [g.name for g in batch]
            report.uploaded_triples += sum(g.triples for g in batch)
            step(len(batch))

    local = {g.name for g in graphs}
    gone = sorted(
        g
        for g in set(remote) | set(hashes)
        if g not in local and g != PUSH_STATE_GRAPH and g != str(STATE_GRAPH) and not g.startswith(STAGING_PREFIX)
    )
    _drop(client, gone, "dropping graphs the store no longer holds", forget=True)
    report.dropped = gone
    if graphs:
        try:
            check_remote_data(client)
        except RemoteNoData:
            report.union_default = False
    report.seconds = time.perf_counter() - started
    return report


def _staging(name: str) -> str:
    return STAGING_PREFIX + name[len(str(GRAPH)) :]


def _batches(graphs: list[LocalGraph]) -> Iterator[list[LocalGraph]]:
    batch: list[LocalGraph] = []
    triples = 0
    for graph in graphs:
        if batch and (len(batch) >= BATCH_GRAPHS or triples + graph.triples > BATCH_TRIPLES):
            yield batch
            batch, triples = [], 0
        batch.append(graph)
        triples += graph.triples
    if batch:
        yield batch


def _push_batch(client: Client, batch: list[LocalGraph]) -> None:
    """Upload a batch of graphs to their staging graphs, check them, and swap them all in one update."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    # one client per thread: urllib's Digest handler keeps per-connection state (nonce count, retries)
    local = threading.local()

    def upload(graph: LocalGraph) -> None:
        if not hasattr(local, "client"):
            local.client = Client(client.endpoint)
        staging = _staging(graph.name)
        local.client.put_graph(staging, graph.ntriples, f"uploading <{graph.name}> to <{staging}>")

    with ThreadPoolExecutor(min(UPLOADERS, len(batch))) as pool:
        list(pool.map(upload, batch))
    arrived = count_graphs(client, [_staging(g.name) for g in batch])
    for graph in batch:
        got = arrived.get(_staging(graph.name), 0)
        if got != graph.triples:
            with contextlib.suppress(RemoteError):
                _drop(client, [_staging(g.name) for g in batch], "dropping incomplete staging graphs")
            raise RemotePartial(
                f"the server stored {got} of the {graph.triples} triples of <{graph.name}>",
                shown(client.endpoint.graph_store_url),
                "check the server's log and limits; the remote graph was left as it was",
            )
    targets = " ".join(f"<{g.name}>" for g in batch)
    operations = [
        f"DELETE {{ GRAPH <{PUSH_STATE_GRAPH}> {{ ?g ?p ?h }} }} "
        f"WHERE {{ VALUES ?g {{ {targets} }} GRAPH <{PUSH_STATE_GRAPH}> {{ ?g ?p ?h }} }}"
    ]
    for graph in batch:
        target, staging = f"<{graph.name}>", f"<{_staging(graph.name)}>"
        # the effect of MOVE staging TO target, written as a difference: a triple in both graphs is
        # neither deleted nor inserted. Virtuoso 7 recovers a MOVE that deleted and re-inserted the
        # same triples without them after kill -9; the difference it recovers correctly.
        operations += [
            f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH {staging} {{ ?s ?p ?o }} }} }}",
            f"INSERT {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {staging} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH {target} {{ ?s ?p ?o }} }} }}",
            f"DROP SILENT GRAPH {staging}",
        ]
    hashes = " ".join(f"<{g.name}> <{PUSHED_SHA256}> {json.dumps(g.sha256)} ." for g in batch)
    operations.append(f"INSERT DATA {{ GRAPH <{PUSH_STATE_GRAPH}> {{ {hashes} }} }}")
    client.update(" ;\n".join(operations), f"swapping {len(batch)} staging graph(s) into place, from <{batch[0].name}>")


def _drop(client: Client, names: list[str], doing: str, forget: bool = False) -> None:
    for start in range(0, len(names), DROP_BATCH):
        batch = names[start : start + DROP_BATCH]
        operations = []
        if forget:
            values = " ".join(f"<{g}>" for g in batch)
            operations.append(
                f"DELETE {{ GRAPH <{PUSH_STATE_GRAPH}> {{ ?g ?p ?o }} }} "
                f"WHERE {{ VALUES ?g {{ {values} }} GRAPH <{PUSH_STATE_GRAPH}> {{ ?g ?p ?o }} }}"
            )
        operations += [f"DROP SILENT GRAPH <{g}>" for g in batch]
        client.update(" ;\n".join(operations), doing)


def count_graphs(client: Client, graphs: list[str]) -> dict[str, int]:
    """Triples the server holds in each of some named graphs (absent: empty)."""
    values = " ".join(f"<{g}>" for g in graphs)
    _names, rows = client.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
        f"counting the triples of <{graphs[0]}>{' and others' if len(graphs) > 1 else ''}",
    )
    return {str(g): _integer(n, client) for g, n in rows if g is not None}


def remote_graph_sizes(client: Client) -> dict[str, int]:
    """Triples per named graph under kg's ``graph/`` namespace on the server."""
    _names, rows = client.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }} GROUP BY ?g',
        "listing the remote kg graphs",
    )
    return {str(g): _integer(n, client) for g, n in rows if g is not None}


def remote_hashes(client: Client) -> dict[str, str]:
    """The SHA-256 recorded for each graph by earlier pushes."""
    _names, rows = client.select(
        f"SELECT ?g ?h WHERE {{ GRAPH <{PUSH_STATE_GRAPH}> {{ ?g <{PUSHED_SHA256}> ?h }} }}",
        "reading what earlier pushes sent",
    )
    return {str(g): str(h) for g, h in rows if g is not None and h is not None}


def _integer(value: str | None, client: Client) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise _not_results(client.endpoint, "counting triples") from None


@contextlib.contextmanager
def _quiet(_label: str, _total: int) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None
