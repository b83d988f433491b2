"""`kg serve`: the built graph as a read-only SPARQL 1.1 Protocol endpoint, with a web page.

The endpoint (``/sparql``) takes a query by GET (``?query=``), by POST as a form
(``application/x-www-form-urlencoded``, ``query=``) or directly (``application/sparql-query``),
and answers in the format the Accept header asks for (``RESULT_TYPES`` for SELECT and ASK,
``GRAPH_TYPES`` for CONSTRUCT and DESCRIBE; the first of each when the client accepts anything,
or accepts only formats of the other kind); an Accept header naming none of them gets 406.

Bounds, each answered with an ``Error: what (where) — remedy`` line as ``text/plain``:

- read-only: an update (``update=``, ``application/sparql-update``, or UPDATE text as a query) is
  answered 403, and the store is opened read-only anyway; LOAD, SERVICE and FROM / FROM NAMED /
  ``default-graph-uri`` naming a graph outside kg are refused with 400 and the reason, as are
  syntax errors (with line and column);
- a time limit per query, enforced by killing the worker process that runs it (neither engine
  can be interrupted by a signal): 503, and a fresh worker takes its place;
- a row cap: an answer with more rows (or triples) than ``max_rows`` is never cut short; it is
  refused with 422, naming the cap and the remedy (LIMIT and OFFSET);
- a request waits at most ``wait`` seconds for a free worker (503 with Retry-After after that);
- no CORS headers unless origins are given (``cors``).

Queries run in a pool of long-lived worker processes (one per CPU by default), each holding the
store open read-only (or the TriG file loaded in memory), and are serialised there natively by
pyoxigraph, so rows are never converted one by one in Python. As with ``kg query``, the default
graph is the union of all named graphs. With ``memory``, each worker holds a copy of the store in
memory instead (``kg.store.load_dump``), loaded before it takes its first query: the store is
dumped once, in a process of its own, to an N-Quads file in a temporary folder that lives as long
as the server, and every worker (a replacement too) loads that file.

A server holds the store's read lock from start to stop: it always answers from one complete
build, and a ``kg build`` into the same store waits for it (and stops after a minute, saying the
store is busy), so the graph a server shows never changes under it; restart the server after a
build. With a TriG file, the server answers from the file as it was when the server started.

The page at ``/`` (``kg/web/``) loads nothing from outside: a select of the named queries fills
an editor, Run shows the rows, and the network view (``/view``, the page ``kg render`` writes)
shows the whole graph or the result of a CONSTRUCT query. Views are drawn by a worker of their
own, which reads the whole network on the first view asked for (outside the time limit, within
``VIEW_LOAD_LIMIT``: about 30 s and 400 MiB for a million triples) and keeps it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
import re
import shutil
import signal
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from kg import resources
from kg.errors import (
    AddressInUse,
    KgError,
    QueryError,
    QueryRejected,
    QueryTimeout,
    ServerBusy,
    TooManyRows,
    UpdateRefused,
)
from kg.namespaces import GRAPH, PREFIXES

if TYPE_CHECKING:
    from kg.store import StoreDump

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_ROWS = 100_000
DEFAULT_WAIT = 120.0
# a query is text: a body bigger than this is not one
MAX_BODY_BYTES = 1 << 20
# how long a new worker may take to open the store (or load the TriG file, or the store's dump)
START_LIMIT = 300.0
# how long dumping the store for --memory may take (about 15 s per million quads)
DUMP_LIMIT = 3600.0
# how long the view worker may take to read the whole network, on the first view (not counted in --timeout)
VIEW_LOAD_LIMIT = 600.0
VIEW_GRACE = 10.0

# media type -> pyoxigraph format name; the first is what a client that accepts anything gets
RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/xml": "XML",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "text/plain": "N_TRIPLES",
}
# Turtle prefixes: kg's namespaces whose local names have no "/" (Turtle would escape it)
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in ("id", "topic", "graph")}

STATUS = {
    UpdateRefused: 403,
    QueryRejected: 400,
    TooManyRows: 422,
    QueryTimeout: 503,
    ServerBusy: 503,
}


@dataclass(frozen=True)
class ServeConfig:
    """What a server answers from and its bounds.

    ``source`` is a built store folder (read in place, read-only) or a TriG file (loaded in memory).
    """

    source: Path
    timeout: float = 30.0
    max_rows: int = DEFAULT_MAX_ROWS
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    wait: float = DEFAULT_WAIT
    cors: tuple[str, ...] = ()
    memory: bool = False  # each query worker answers from an in-memory copy of the store (a file always is)


@dataclass(frozen=True)
class Reply:
    """An HTTP answer computed by a worker."""

    status: int
    media_type: str
    body: bytes


def error_reply(exc: KgError, status: int | None = None) -> Reply:
    """The error as one text line, with the status its class stands for (400 by default)."""
    if status is None:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    return Reply(status, "text/plain; charset=utf-8", f"Error: {exc.line()}\n".encode())


# ---------------------------------------------------------------------------------------------
# content negotiation


def negotiate(accept: str | None, offers: Iterable[str]) -> str | None:
    """The offered media type the Accept header prefers; None when it accepts none of them.

    The most specific range matching an offer gives its quality; among offers of equal quality the
    first offered wins. No Accept header (or an empty one) accepts anything.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+json", RESULT_TYPES)
    'application/sparql-results+json'
    >>> negotiate("text/*", ["application/n-triples", "text/turtle"])
    'text/turtle'
    >>> negotiate("image/png", RESULT_TYPES) is None
    True
    """
    ranges: list[tuple[str, str, float]] = []
    for item in (accept or "*/*").split(","):
        parts = [p.strip() for p in item.split(";")]
        kind, _, sub = parts[0].lower().partition("/")
        if not kind:
            continue
        quality = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((kind, sub or "*", quality))
    if not ranges:
        ranges = [("*", "*", 1.0)]
    best, best_quality = None, 0.0
    for offer in offers:
        kind, _, sub = offer.partition("/")
        matched = [
            (2 if (k, s) == (kind, sub) else 1 if (k, s) == (kind, "*") else 0, q)
            for k, s, q in ranges
            if (k, s) in ((kind, sub), (kind, "*"), ("*", "*"))
        ]
        if matched:
            quality = max(matched)[1]
            if quality > best_quality:
                best, best_quality = offer, quality
    return best


# ---------------------------------------------------------------------------------------------
# row counting: a sink that keeps what pyoxigraph writes and counts rows as they come


class _RowCapReached(Exception):
    pass


class _CountingSink:
    """A file-like object for ``QuerySolutions.serialize`` that stops it past ``cap`` rows.

    Rows are counted on the bytes, exactly, per format: TSV rows are lines (line breaks in values
    are escaped); CSV rows are line breaks outside quoted fields; XML rows are ``<result>`` tags
    (``<`` in values is escaped); JSON rows are objects opening the bindings array or following a
    comma in it, found on the text with every string removed (a ``"`` inside a string is escaped).
    """

    def __init__(self, fmt: str, cap: int) -> None:
        self.fmt, self.cap = fmt, cap
        self.parts: list[bytes] = []
        self.breaks = 0  # TSV and CSV: line breaks so far (the header ends with one)
        self.results = 0  # XML and JSON: rows so far
        self._tail = b""  # XML: the end of the previous chunk, for a tag cut in two
        self._quoted = False  # CSV and JSON: inside a quoted field or string at the chunk's end
        self._escape = b""  # JSON: backslashes at the end of the previous chunk
        self._last = b""  # JSON: the last structural byte of the previous chunk

    @property
    def rows(self) -> int:
        if self.fmt in ("TSV", "CSV"):
            return max(0, self.breaks - 1)
        return self.results

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        if self.fmt == "TSV":
            self.breaks += chunk.count(b"\n")
        elif self.fmt == "CSV":
            self._count_csv(chunk)
        elif self.fmt == "XML":
            seen = self._tail + chunk
            self.results += seen.count(b"<result>")
            self._tail = seen[-7:]  # shorter than the tag: a tag is never counted twice
        else:
            self._count_json(chunk)
        if self.rows > self.cap:
            raise _RowCapReached()
        return len(chunk)

    def flush(self) -> None:
        pass

    def _count_csv(self, chunk: bytes) -> None:
        pieces = chunk.split(b'"')  # a doubled quote inside a field toggles twice
        for index, piece in enumerate(pieces):
            if self._quoted == (index % 2 == 1):
                self.breaks += piece.count(b"\n")
        self._quoted ^= (len(pieces) - 1) % 2 == 1

    def _count_json(self, chunk: bytes) -> None:
        text = self._escape + chunk
        body = text.rstrip(b"\\")
        self._escape = text[len(body) :]  # an escape cut in two waits for the next chunk
        body = re.sub(rb"\\.", b"", body, flags=re.DOTALL)
        pieces = body.split(b'"')
        outside = [p for i, p in enumerate(pieces) if self._quoted == (i % 2 == 1)]
        self._quoted ^= (len(pieces) - 1) % 2 == 1
        skeleton = self._last + b"".join(outside).translate(None, b" \t\r\n")
        self.results += skeleton.count(b"[{") + skeleton.count(b",{")
        if skeleton:
            self._last = skeleton[-1:]


def _capped(triples: Iterable[Any], cap: int) -> Iterator[Any]:
    for count, triple in enumerate(triples):
        if count >= cap:
            raise _RowCapReached()
        yield triple


# ---------------------------------------------------------------------------------------------
# the query worker (runs in its own process)


@dataclass(frozen=True)
class QueryJob:
    """A query to answer: its text, the Accept header, and the dataset the protocol names."""

    text: str
    accept: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@functools.lru_cache(maxsize=512)
def _checked(text: str) -> tuple[str, KgError | None]:
    """The query's form, or the error that refuses it (cached: clients repeat their queries)."""
    from kg.query import check_query

    try:
        return check_query(text, "query"), None
    except QueryError as exc:
        return "", exc


def answer(store: Any, job: QueryJob, max_rows: int) -> Reply:
    """Check, run and serialise one query on an open store, in the format the job accepts."""
    import pyoxigraph as ox

    form, refused = _checked(job.text)
    if refused is not None:
        return error_reply(refused)
    offers = RESULT_TYPES if form in ("SelectQuery", "AskQuery") else GRAPH_TYPES
    media = negotiate(job.accept, offers)
    if media is None and negotiate(job.accept, {**RESULT_TYPES, **GRAPH_TYPES}) is not None:
        # a SPARQL client that sends one Accept header for every query (rdflib's SPARQLStore with
        # returnFormat="json") gets the other kind of answer in its default format
        media = next(iter(offers))
    if media is None:
        kind = "SELECT and ASK" if offers is RESULT_TYPES else "CONSTRUCT and DESCRIBE"
        what = f"no format the Accept header allows ({job.accept}) is one kg writes for {kind}"
        return error_reply(QueryError(what, "Accept", "accept one of " + ", ".join(offers)), 406)
    dataset: dict[str, Any] = {"use_default_graph_as_union": not job.default_graphs}
    if job.default_graphs:
        dataset["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graphs]
    if job.named_graphs:
        dataset["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs]
    too_many = TooManyRows(
        f"the answer has more than {max_rows:,} rows, the server's row cap",
        "query",
        "page through it with LIMIT and OFFSET (with ORDER BY), or start the server with a larger --max-rows",
    )
    body: bytes | None
    try:
        result = store.query(job.text, **dataset)
        if isinstance(result, ox.QuerySolutions):
            fmt = offers[media]
            sink = _CountingSink(fmt, max_rows)
            try:
                result.serialize(cast("IO[bytes]", sink), getattr(ox.QueryResultsFormat, fmt))
            except _RowCapReached:
                return error_reply(too_many)
            body = b"".join(sink.parts)
        elif isinstance(result, ox.QueryBoolean):
            body = result.serialize(format=getattr(ox.QueryResultsFormat, offers[media]))
        else:
            fmt = offers[media]
            prefixes = TURTLE_PREFIXES if fmt == "TURTLE" else None
            try:
                body = ox.serialize(_capped(result, max_rows), format=getattr(ox.RdfFormat, fmt), prefixes=prefixes)
            except _RowCapReached:
                return error_reply(too_many)
    except (SyntaxError, ValueError, OSError) as exc:
        return error_reply(QueryError(f"the query failed: {exc}", "query", "fix the query"))
    text_type = media.startswith("text/") or media in ("application/n-triples",)
    return Reply(200, media + ("; charset=utf-8" if text_type else ""), body or b"")


def _query_worker(source: str, max_rows: int, dump: StoreDump | None, conn: Any) -> None:
    """A worker's life: open the source (or load the store's dump), say so, then answer jobs until the pipe closes."""
    from kg.query import open_source
    from kg.store import load_dump

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops workers
    try:
        store = open_source(Path(source)) if dump is None else load_dump(dump)
    except KgError as exc:  # a bad graph file: the parent raises it
        conn.send(exc)
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = answer(store, job, max_rows)
        except Exception as exc:  # a bug: answered 500, the worker goes on
            reply = error_reply(KgError(f"unexpected error inside kg: {exc!r}", "query", "please report it"), 500)
        conn.send(reply)


def _dump_worker(source: str, target: str, conn: Any) -> None:
    """Dump the store for the in-memory workers, and send the StoreDump (or the KgError) back."""
    from kg.store import dump_store

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        conn.send(dump_store(Path(source), Path(target)))
    except KgError as exc:
        conn.send(exc)


async def dump_for_workers(source: Path, folder: Path) -> StoreDump:
    """The store dumped to ``folder`` by a process of its own (pyoxigraph holds the GIL while it dumps).

    Raises:
        KgError: the store cannot be read, or the dump took longer than DUMP_LIMIT.
    """
    from kg.store import StoreDump

    dumper = _Worker(_dump_worker, (str(source), str(folder / "store.nq")))
    try:
        said = await asyncio.to_thread(dumper.receive, DUMP_LIMIT)
    finally:
        await asyncio.to_thread(dumper.kill)
    if isinstance(said, KgError):
        raise said
    if not isinstance(said, StoreDump):
        raise KgError(f"copying the store {source} into memory failed", str(source), "check the store with `kg query`")
    return said


# ---------------------------------------------------------------------------------------------
# the view worker: the page `kg render` writes, for the whole graph or a CONSTRUCT result


@dataclass(frozen=True)
class ViewJob:
    """A network view to draw: of the whole graph (no text), or of a CONSTRUCT query's result."""

    text: str | None = None


def _view_worker(source: str, timeout: float, conn: Any) -> None:
    from kg.query import list_queries
    from kg.view import MAX_VIEW_NODES, limit_view, load_network, query_view, render_view, whole_view_of

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    path = Path(source)
    built = None
    whole: bytes | None = None
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if built is None:  # loaded on the first view asked for, outside the time limit: big graphs take a while
                built = load_network(None, path, timeout) if path.is_dir() else load_network(path, None, timeout)
        except KgError as exc:
            conn.send("started")
            conn.send(error_reply(exc))
            continue
        conn.send("started")
        try:
            if job.text is None:
                if whole is None:
                    whole = render_view(limit_view(whole_view_of(built.network), MAX_VIEW_NODES)[0], "html")
                body = whole
            else:
                # a named query's view is titled as `kg render --query NAME` titles it
                named = next((q for q in list_queries() if q.path.read_text(encoding="utf-8") == job.text), None)
                where, question = (str(named.path), named.question) if named else ("query", "")
                view = query_view(built, None, job.text, where, question, timeout=timeout)
                body = render_view(limit_view(view, MAX_VIEW_NODES)[0], "html")
            reply = Reply(200, "text/html; charset=utf-8", body)
        except KgError as exc:
            reply = error_reply(exc)
        except Exception as exc:
            reply = error_reply(KgError(f"unexpected error inside kg: {exc!r}", "view", "please report it"), 500)
        conn.send(reply)


# ---------------------------------------------------------------------------------------------
# the pool of workers


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, target: Callable[..., None], args: tuple[Any, ...]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        # not a daemon: the view worker runs each CONSTRUCT in a process of its own (kg.query)
        self.process = ctx.Process(target=target, args=(*args, child), daemon=False)
        self.process.start()
        child.close()
        # kill() may come from two threads at once (a start that fails while the pool closes):
        # the pipe must be closed once, or the second close hits a descriptor reused elsewhere
        self._killing = threading.Lock()

    def wait_ready(self, limit: float) -> None:
        """Block until the worker has opened its source. Raises KgError if it dies or takes too long."""
        if not self.conn.poll(limit):
            self.kill()
            raise KgError(f"a worker did not start within {limit:g} s", "kg serve", "check the store")
        try:
            said = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise KgError(
                "a worker stopped while opening the graph", "kg serve", "check the store with `kg query`"
            ) from None
        if isinstance(said, KgError):
            self.kill()
            raise said

    def receive(self, limit: float) -> Any:
        """What the worker sends next, within ``limit`` seconds; None if nothing comes (or it died)."""
        try:
            return self.conn.recv() if self.conn.poll(limit) else None
        except (EOFError, OSError):
            return None

    def call(self, job: Any, timeout: float, prepare: float | None = None) -> Reply | None:
        """Send a job and wait for the reply; None when it took longer than ``timeout``.

        With ``prepare``, the worker first says "started" once it is ready to run the job (the view
        worker loads the network on its first job), within ``prepare`` seconds; the time limit
        counts from then.
        """
        self.conn.send(job)
        if prepare is not None:
            if not self.conn.poll(prepare):
                return None
            self.conn.recv()
        if not self.conn.poll(timeout):
            return None
        reply: Reply = self.conn.recv()
        return reply

    def kill(self) -> None:
        """Stop the process and close the pipe; safe to call again, and from several threads."""
        with self._killing:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.conn.close()


class WorkerPool:
    """Long-lived worker processes; each job goes to a free one, which is killed if it runs too long."""

    def __init__(
        self,
        target: Callable[..., None],
        args: tuple[Any, ...],
        size: int,
        timeout: float,
        wait: float,
        prepare: float | None = None,
    ):
        self.target, self.args, self.size = target, args, size
        self.timeout, self.wait, self.prepare = timeout, wait, prepare
        self.free: asyncio.Queue[_Worker] = asyncio.Queue()
        self.workers: set[_Worker] = set()
        self._replacing: set[asyncio.Task[None]] = set()
        self.closed = False
        self.scratch: Path | None = None  # a temporary folder the workers read (the store's dump), removed at close
        # guards `workers` and `closed` against the threads that start workers: a worker started
        # after close() took its list stops itself, so none outlives the pool
        self._guard = threading.Lock()

    def _start_one(self) -> _Worker:
        """Start one worker and wait until it is ready (runs in a thread of its own)."""
        worker = _Worker(self.target, self.args)
        with self._guard:
            closed = self.closed
            if not closed:
                self.workers.add(worker)
        if closed:
            worker.kill()
            raise KgError("the server stopped while a worker started", "kg serve", "start the server again")
        try:
            worker.wait_ready(START_LIMIT)
        except KgError:
            with self._guard:
                self.workers.discard(worker)
            raise
        return worker

    async def start(self) -> None:
        """Start every worker and wait until each has opened the graph.

        When one fails, the others are waited for and stopped before its error is raised, so that
        no thread is still starting a worker while the caller closes the pool.
        """
        results = await asyncio.gather(
            *(asyncio.to_thread(self._start_one) for _ in range(self.size)), return_exceptions=True
        )
        started = [result for result in results if isinstance(result, _Worker)]
        failed = [result for result in results if isinstance(result, BaseException)]
        if failed:
            for worker in started:
                await asyncio.to_thread(worker.kill)
                with self._guard:
                    self.workers.discard(worker)
            raise failed[0]
        for worker in started:
            self.free.put_nowait(worker)

    async def _replace(self) -> None:
        try:
            worker = await asyncio.to_thread(self._start_one)
        except KgError:
            if self.closed:  # the server stopped before this one started
                return
            raise
        if not self.closed:  # else close() has stopped it: it was in the pool's workers by then
            self.free.put_nowait(worker)

    async def submit(self, job: Any) -> Reply:
        """Run ``job`` on a free worker; the reply, or a 503 reply past the wait or the time limit."""
        try:
            worker = await asyncio.wait_for(self.free.get(), self.wait)
        except TimeoutError:
            busy = ServerBusy(
                f"all {self.size} workers stayed busy for {self.wait:g} s",
                "kg serve",
                "retry later, or start the server with more --workers",
            )
            return error_reply(busy)
        # shielded: a client that goes away does not leave a worker half-way through a job
        return await asyncio.shield(self._run(worker, job))

    async def _run(self, worker: _Worker, job: Any) -> Reply:
        try:
            reply = await asyncio.to_thread(worker.call, job, self.timeout, self.prepare)
        except (EOFError, OSError):  # the worker died (out of memory, killed from outside)
            reply = error_reply(KgError("the worker running the query stopped", "kg serve", "retry"), 500)
            self._retire(worker)
            return reply
        if reply is None:
            self._retire(worker)
            late = QueryTimeout(
                f"the query ran longer than {self.timeout:g} s and was stopped",
                "query",
                "narrow it (LIMIT, fewer OPTIONALs), or start the server with a longer --timeout",
            )
            return error_reply(late)
        self.free.put_nowait(worker)
        return reply

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._guard:
            self.workers.discard(worker)
            if self.closed:
                return
        task = asyncio.get_running_loop().create_task(self._replace())
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    async def close(self) -> None:
        """Stop every worker, and remove the scratch folder."""
        with self._guard:
            self.closed = True
            workers = list(self.workers)
            self.workers.clear()
        for task in list(self._replacing):
            task.cancel()
        for worker in workers:
            await asyncio.to_thread(worker.kill)
        self.remove_scratch()

    def remove_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None


# ---------------------------------------------------------------------------------------------
# the web application


def named_queries() -> list[dict[str, str]]:
    """The named queries for the page: name, question and text."""
    from kg.query import list_queries

    return [
        {"name": q.name, "question": q.question, "text": q.path.read_text(encoding="utf-8")} for q in list_queries()
    ]


class _BadRequest(Exception):
    def __init__(self, reply: Reply) -> None:
        self.reply = reply


def _refuse(status: int, what: str, where: str, remedy: str) -> _BadRequest:
    return _BadRequest(error_reply(QueryError(what, where, remedy), status))


async def _read_body(request: Any) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _refuse(413, f"the request body has more than {MAX_BODY_BYTES:,} bytes", "body", "send a shorter query")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _refuse(
                413, f"the request body has more than {MAX_BODY_BYTES:,} bytes", "body", "send a shorter query"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse(400, "the query is not UTF-8", "body", "send it encoded as UTF-8") from None


async def parse_request(request: Any) -> QueryJob:
    """The query job of a SPARQL Protocol request.

    Raises:
        _BadRequest: an update (403), no query or more than one (400), an unknown content type
        (415), a body too big (413), or a dataset graph outside kg (400).
    """
    from urllib.parse import parse_qs

    refused_update = _BadRequest(
        error_reply(UpdateRefused("this endpoint is read-only: updates are refused", "update", "send a query"))
    )
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            raise refused_update
        body = await _read_body(request)
        if media == "application/x-www-form-urlencoded":
            for key, values in parse_qs(_decode(body), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif media == "application/sparql-query":
            params.setdefault("query", []).append(_decode(body))
        else:
            raise _refuse(
                415,
                f"a POST of {media or 'no content type'} is not a SPARQL query",
                "Content-Type",
                "send application/sparql-query, or a form (application/x-www-form-urlencoded) with query=",
            )
    if "update" in params:
        raise refused_update
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        raise _refuse(
            400,
            "no query given" if not queries else "a request carries exactly one query",
            "query",
            "pass the query as query=... (GET or a form POST) or as an application/sparql-query body",
        )
    graphs: dict[str, tuple[str, ...]] = {}
    for key in ("default-graph-uri", "named-graph-uri"):
        for iri in params.get(key, []):
            if not iri.startswith(str(GRAPH)):
                raise _refuse(
                    400, f"{key} <{iri}> names a graph outside kg; kg never fetches graphs", key, f"remove {key}"
                )
        graphs[key] = tuple(params.get(key, []))
    return QueryJob(queries[0], request.headers.get("accept"), graphs["default-graph-uri"], graphs["named-graph-uri"])


# the page: scripts and styles from this server only, requests to this server only
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'"
)
STATIC = {"page.js": "text/javascript; charset=utf-8", "page.css": "text/css; charset=utf-8"}


async def start_pools(config: ServeConfig) -> dict[str, WorkerPool]:
    """Start the query workers and the view worker; returns them by name ("query", "view").

    With ``config.memory``, the store is dumped first, and each query worker loads the dump.
    """
    import tempfile

    source = str(config.source)
    dump, scratch = None, None
    if config.memory and config.source.is_dir():
        scratch = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        try:
            dump = await dump_for_workers(config.source, scratch)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
    pools = {
        "query": WorkerPool(
            _query_worker, (source, config.max_rows, dump), config.workers, config.timeout, config.wait
        ),
        # the view's CONSTRUCT runs in a process of its own, stopped at config.timeout (kg.query):
        # the view worker is given a little longer, so that it is rarely killed with a child running
        "view": WorkerPool(
            _view_worker, (source, config.timeout), 1, config.timeout + VIEW_GRACE, config.wait, VIEW_LOAD_LIMIT
        ),
    }
    pools["query"].scratch = scratch
    try:
        for pool in pools.values():
            await pool.start()
    except BaseException:
        await close_pools(pools)
        raise
    return pools


async def close_pools(pools: dict[str, WorkerPool]) -> None:
    """Stop every worker of the pools."""
    for pool in pools.values():
        await pool.close()


def create_app(config: ServeConfig, pools: dict[str, WorkerPool] | None = None) -> Any:
    """The Starlette application of a server.

    With ``pools`` (from ``start_pools``), the caller owns the workers; without, the application's
    lifespan starts them and stops them (so any ASGI server can run it). Either way the caller
    holds the store's read lock (``kg.store.reading``) while it serves.
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    running: dict[str, WorkerPool] = dict(pools or {})

    def respond(reply: Reply, headers: dict[str, str] | None = None) -> Response:
        headers = dict(headers or {})
        headers["X-Content-Type-Options"] = "nosniff"
        if reply.status == 503:
            headers["Retry-After"] = "5"
        return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)

    async def sparql(request: Request) -> Response:
        try:
            job = await parse_request(request)
        except _BadRequest as bad:
            return respond(bad.reply)
        return respond(await running["query"].submit(job), {"Vary": "Accept"})

    async def view(request: Request) -> Response:
        text = request.query_params.get("query")
        return respond(await running["view"].submit(ViewJob(text)))

    async def page(_request: Request) -> Response:
        html = (resources.web_dir() / "index.html").read_bytes()
        return respond(Reply(200, "text/html; charset=utf-8", html), {"Content-Security-Policy": PAGE_POLICY})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return respond(error_reply(KgError(f"no file {name}", "static", "see /"), 404))
        return respond(Reply(200, STATIC[name], (resources.web_dir() / name).read_bytes()))

    async def queries(_request: Request) -> Response:
        return JSONResponse(named_queries(), headers={"X-Content-Type-Options": "nosniff"})

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        if pools is not None:
            yield
            return
        running.update(await start_pools(config))
        try:
            yield
        finally:
            await close_pools(running)

    middleware = []
    if config.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
            )
        )
    routes = [
        Route("/", page),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/view", view),
        Route("/queries", queries),
        Route("/static/{name}", static),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def listen(host: str, port: int) -> Any:
    """A socket bound to ``host:port`` (port 0: any free port).

    Raises:
        AddressInUse: the port is taken, or the host is not an address of this machine.
    """
    import socket

    sock = None
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        if sock is not None:
            sock.close()
        raise AddressInUse(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            f"{host}:{port}",
            "choose another --port (or --port 0 for any free one), or a --host of this machine",
        ) from None
    sock.listen(2048)  # connections wait in the backlog until the workers are ready
    return sock


def serve(
    config: ServeConfig,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM).

    ``on_ready(url)`` is called once every worker has opened the graph; requests are answered from then on.

    Raises:
        AddressInUse: cannot listen there. MissingInput: nothing built at the source. StoreBusy:
        a build kept the store locked for ``config.timeout`` seconds.
    """
    import uvicorn

    from kg.query import require_built

    if not config.source.is_dir():
        require_built(config.source)
    sock = listen(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host

    started: list[dict[str, WorkerPool]] = []

    async def run() -> None:
        pools = await start_pools(config)
        started.append(pools)
        try:
            server = uvicorn.Server(
                uvicorn.Config(create_app(config, pools), log_level="warning", access_log=False, lifespan="on")
            )
            if on_ready is not None:
                on_ready(f"http://{shown}:{bound}/")
            await server.serve(sockets=[sock])
        finally:
            await close_pools(pools)

    def stop(_signum: int, _frame: Any) -> None:
        # uvicorn answers Ctrl-C and SIGTERM with a graceful shutdown, then raises the signal again
        # with the handlers it found: this one, which ends the command quietly (exit code 0)
        raise SystemExit(0)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    with contextlib.ExitStack() as stack:
        if config.source.is_dir():
            from kg.store import reading

            stack.enter_context(reading(config.source, config.timeout))
        try:
            asyncio.run(run())
        finally:
            for pools in started:  # stopped before the workers were closed (a signal during startup)
                for pool in pools.values():
                    for worker in list(pool.workers):
                        worker.kill()
                    pool.remove_scratch()
            sock.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
