"""The 30 bad inputs of issue 7 §2, each run through the real command, one by one.

Every case starts from an output folder a good `kg build` wrote (store, kg.trig, kg.ttl, kg.html)
and a loopback listener that counts connections. It runs one command on one bad input and checks
what a user would: the documented exit code; one line on stderr, `Error: …`, naming the file or
place; no traceback; the earlier outputs byte-identical afterwards (same files, no temporary file
left, the same quads in the store); and zero connections to the listener. Where a case has a URL
to point somewhere (a remote @context, an entity's SYSTEM id, SERVICE, LOAD, FROM, owl:imports,
a `!!python` tag calling urlopen), it points at the listener.

Many cases are also tested in depth elsewhere (tests/test_bad_input.py, test_query_cli.py,
test_serve.py, test_remote.py, test_w3c.py, test_crash.py); this module walks all of them in the
order of the issue so that the report reads as its checklist. A kill -9 during push is
test_remote's `test_push_stopped_midway_leaves_each_graph_old_or_new`; here #27 stops a push with
SIGTERM while it waits on a server.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_bad_input import ANNOTATION, edit, snapshot
from test_bad_input import CASES as EDITS
from test_remote import Fake, answer, free_port

from kg.cli import main
from kg.errors import (
    InputError,
    Interrupted,
    OutputError,
    QueryError,
    RemoteError,
    Terminated,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology"
ARTICLE = Path("articles") / "article-001.txt"
SPAN = '{start: 97, end: 102, text: "Italy"}'
IN, OUT, QUERY, REMOTE = InputError.exit_code, OutputError.exit_code, QueryError.exit_code, RemoteError.exit_code


# --- what every case gets ---------------------------------------------------------------------


class Listener:
    """A loopback TCP listener that accepts nothing by itself; ``hits()`` counts who connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.setblocking(False)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def hits(self) -> int:
        count = 0
        with contextlib.suppress(BlockingIOError):
            while True:
                conn, _ = self.sock.accept()
                conn.close()
                count += 1
        return count


@dataclass
class Ctx:
    """A case's private copies: data/, ontology/, an output folder of a good build, the listener."""

    tmp: Path
    data: Path
    ontology: Path
    out: Path
    url: str

    @property
    def store(self) -> Path:
        return self.out / "store"


@dataclass
class Outcome:
    code: int
    stderr: str
    crash: BaseException | None = None  # an exception that escaped the command (CliRunner)


@dataclass
class Case:
    number: int
    name: str
    run: Callable[[Ctx], Outcome]
    code: int  # 0: the input is accepted and must be harmless
    needles: tuple[str, ...] = ()  # words the error line must hold ({out}, {data}, {url} filled in)
    raw: bool = False  # compare the output folder file by file (a damaged store cannot be opened)
    marks: tuple[Any, ...] = ()


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """An output folder of a good build, and its snapshot."""
    out = tmp_path_factory.mktemp("good") / "out"
    result = CliRunner().invoke(main, ["build", "--data", str(DATA), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, snapshot(out)


@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.sock.close()


@pytest.fixture
def ctx(tmp_path: Path, good: tuple[Path, dict[str, bytes]], listener: Listener) -> Ctx:
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    shutil.copytree(good[0], tmp_path / "out")
    return Ctx(tmp_path, tmp_path / "data", tmp_path / "ontology", tmp_path / "out", listener.url)


def raw_snapshot(out: Path) -> dict[str, bytes]:
    """Every file's bytes, RocksDB's own log files aside (opening a database may add to them)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith("LOG")
    }


# --- ways to run kg ----------------------------------------------------------------------------


def kg(*args: str, stdin: str | None = None) -> Outcome:
    """The command in this process, through click's runner."""
    result = CliRunner().invoke(main, list(args), input=stdin)
    crash = result.exception if not isinstance(result.exception, SystemExit) else None
    return Outcome(result.exit_code, result.stderr, crash)


def kg_process(*args: str, limit_file_size: int | None = None) -> Outcome:
    """The command in a process of its own; ``limit_file_size``: no file may grow past it (EFBIG, as a full disk)."""

    def limit() -> None:
        if limit_file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, preexec_fn=limit, timeout=600
    )
    return Outcome(done.returncode, done.stderr)


def build(ctx: Ctx, *extra: str) -> Outcome:
    return kg("build", "--data", str(ctx.data), "--out", str(ctx.out), *extra)


def with_edit(name: str) -> Callable[[Ctx], Outcome]:
    """Apply one edit of test_bad_input.CASES to the data, then build."""

    def run(ctx: Ctx) -> Outcome:
        file, old, new, _code, _needles = EDITS[name]
        edit(ctx.data / file, old, new)
        return build(ctx)

    return run


def edit_case(number: int, name: str, edit_name: str, **kwargs: Any) -> Case:
    _file, _old, _new, code, needles = EDITS[edit_name]
    return Case(number, name, with_edit(edit_name), code, tuple(needles), **kwargs)


def set_article(ctx: Ctx, text: str | bytes) -> None:
    """Replace the seed article's text, and update its sha256 so that only the spans can be wrong."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    (ctx.data / ARTICLE).write_bytes(data)
    annotation = ctx.data / ANNOTATION
    old = re.search(r'sha256: "([0-9a-f]{64})"', annotation.read_text(encoding="utf-8"))
    assert old is not None
    edit(annotation, old.group(1), hashlib.sha256(data).hexdigest())


def article_text() -> str:
    return (DATA / ARTICLE).read_text(encoding="utf-8")


def query(ctx: Ctx, text: str, *extra: str) -> Outcome:
    return kg("query", "-", "--store", str(ctx.store), *extra, stdin=text)


# --- the cases ---------------------------------------------------------------------------------


def malformed_ontology(ctx: Ctx) -> Outcome:
    with (ctx.ontology / "kg.ttl").open("a", encoding="utf-8") as handle:
        handle.write('\nkg:Broken a owl:Class ;\n    rdfs:label "broken"@en\n    rdfs:comment "no separator" .\n')
    return build(ctx, "--ontology", str(ctx.ontology))


def malformed_registry(ctx: Ctx) -> Outcome:
    with (ctx.data / "registry.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  - [unclosed\n")
    return build(ctx)


DEEP = 5000


def deep_ontology(ctx: Ctx) -> Outcome:
    with (ctx.ontology / "kg.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\nkg:Deep rdfs:comment " + "[ rdfs:label " * DEEP + '"x"' + " ]" * DEEP + " .\n")
    return build(ctx, "--ontology", str(ctx.ontology))


def deep_graph_file(ctx: Ctx) -> Outcome:
    path = ctx.tmp / "deep.ttl"
    path.write_text("<http://example.org/a> <http://example.org/p> " + "( " * DEEP + "1" + " )" * DEEP + " .\n")
    return kg("render", "--graph", str(path), "-o", str(ctx.out / "kg.html"))


def doctype_graph(ctx: Ctx) -> Outcome:
    path = ctx.tmp / "doctype.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "{ctx.url}/entity">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>\n'
    )
    return kg("query", "organisers", "--graph", str(path))


def remote_context_graph(ctx: Ctx) -> Outcome:
    path = ctx.tmp / "remote.jsonld"
    path.write_text(json.dumps({"@context": f"{ctx.url}/context.jsonld", "@id": "http://example.org/a"}))
    return kg("render", "--graph", str(path), "-o", str(ctx.out / "kg.html"))


def python_tag_fetching(ctx: Ctx) -> Outcome:
    edit(
        ctx.data / ANNOTATION,
        'language: "en"',
        f'language: !!python/object/apply:urllib.request.urlopen ["{ctx.url}/yaml"]',
    )
    return build(ctx)


def span_edit(change: Callable[[str], str]) -> Callable[[Ctx], Outcome]:
    def run(ctx: Ctx) -> Outcome:
        set_article(ctx, change(article_text()))
        return build(ctx)

    return run


def bom_article(ctx: Ctx) -> Outcome:
    set_article(ctx, b"\xef\xbb\xbf" + (DATA / ARTICLE).read_bytes())
    return build(ctx)


def nfd_article(ctx: Ctx) -> Outcome:
    """The reviewer's spans are NFC; the article spells one letter before them decomposed (2 code points)."""
    return span_edit(lambda t: t[:90] + unicodedata.normalize("NFD", "é") + t[91:])(ctx)


def non_utf8_article(ctx: Ctx) -> Outcome:
    path = ctx.data / ARTICLE
    data = path.read_bytes()
    path.write_bytes(data[:50] + b"\xff\xfe" + data[50:])
    return build(ctx)


def empty_article(content: str) -> Callable[[Ctx], Outcome]:
    def run(ctx: Ctx) -> Outcome:
        (ctx.data / ARTICLE).write_text(content, encoding="utf-8")
        return build(ctx)

    return run


def huge_file(path: Path) -> None:
    """A 50 MB file; sparse, so the test costs no disk: kg must refuse it by its size, unread."""
    with path.open("wb") as handle:
        handle.write(b"The ministers met in Rome. ")
        handle.truncate(50 * 10**6)


def huge_article_build(ctx: Ctx) -> Outcome:
    huge_file(ctx.data / ARTICLE)
    return build(ctx)


def huge_article_extract(ctx: Ctx) -> Outcome:
    huge_file(ctx.tmp / "huge.txt")
    return kg("extract", str(ctx.tmp / "huge.txt"), "-o", str(ctx.out / "draft.yaml"))


UNSAFE_LABEL = '<script>alert(1)</script> "q" \'a\' `b` <a href="javascript:x">x</a>'


def unsafe_label(ctx: Ctx) -> Outcome:
    """Markup in a label is data: the build succeeds and the page shows it as text."""
    escaped = UNSAFE_LABEL.replace("\\", "\\\\").replace('"', '\\"')
    meeting = "EU–North Africa ministerial videoconference against migrant smuggling"
    edit(ctx.data / ANNOTATION, f'label: "{meeting}"', f'label: "{escaped}"')
    fresh = ctx.tmp / "fresh"
    outcome = kg("build", "--data", str(ctx.data), "--out", str(fresh))
    page = (fresh / "kg.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and 'href="javascript' not in page
    start = page.index("const nodes = new vis.DataSet(") + len("const nodes = new vis.DataSet(")
    nodes = json.loads(page[start : page.index(");\n", start)])
    assert UNSAFE_LABEL in {node["label"] for node in nodes}
    return outcome


def bad_id(value: str) -> Callable[[Ctx], Outcome]:
    def run(ctx: Ctx) -> Outcome:
        edit(ctx.data / ANNOTATION, 'id: "meeting"', f"id: {json.dumps(value)}")
        return build(ctx)

    return run


def extract_bad_id(ctx: Ctx) -> Outcome:
    return kg("extract", str(ctx.data / ARTICLE), "--id", 'a <b> "c"', "-o", str(ctx.out / "draft.yaml"))


def endpoint_refusals(ctx: Ctx) -> Outcome:
    """kg serve answers UPDATE with 403 and SERVICE with 400, each a one-line `Error: …` body."""
    import urllib.error
    import urllib.request
    from urllib.parse import urlencode

    from bench_serve import running_server

    def post(url: str, form: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(url, data=urlencode(form).encode(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read()

    with running_server(ctx.store, "--workers", "1") as served:
        update = post(served.url + "sparql", {"update": "DROP ALL"})
        service = post(served.url + "sparql", {"query": f"SELECT * {{ SERVICE <{ctx.url}/s> {{ ?s ?p ?o }} }}"})
        count = post(served.url + "sparql", {"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"})
    assert update[0] == 403 and update[1].startswith(b"Error: ") and b"read-only" in update[1]
    assert service[0] == 400 and service[1].startswith(b"Error: ") and b"SERVICE" in service[1]
    assert count[0] == 200
    assert served.process.returncode == 0 and "Traceback" not in served.stderr
    return Outcome(0, "")


def runaway(text: str) -> Callable[[Ctx], Outcome]:
    return lambda ctx: query(ctx, text, "--timeout", "1")


def shapes_with(text: str, validator: str = "native") -> Callable[[Ctx], Outcome]:
    def run(ctx: Ctx) -> Outcome:
        with (ctx.ontology / "shapes.ttl").open("a", encoding="utf-8") as handle:
            handle.write("\n" + text.replace("URL", ctx.url) + "\n")
        return build(ctx, "--ontology", str(ctx.ontology), "--validator", validator)

    return run


SERVICE_SHAPE = (
    "kgsh:Remote a sh:NodeShape ; sh:targetClass kg:Meeting ;\n"
    '    sh:sparql [ sh:message "remote" ; sh:select """\n'
    '        SELECT $this WHERE { SERVICE <URL/sparql> { $this ?p ?o } }""" ] .'
)
IMPORTS_SHAPE = "<https://w3id.org/migration-kg/shapes> <http://www.w3.org/2002/07/owl#imports> <URL/shapes.ttl> ."


def remote_query(reply: Any, *extra: str) -> Callable[[Ctx], Outcome]:
    """kg query --endpoint on a fake server answering ``reply`` ("hang": never; None: nothing listens)."""

    def run(ctx: Ctx) -> Outcome:
        if reply is None:
            return kg("query", "organisers", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql")

        def hang(_handler: Any, _body: bytes) -> None:
            fake.release.wait()

        with Fake(hang if reply == "hang" else reply) as fake:
            return kg("query", "organisers", "--endpoint", fake.url, *extra)

    return run


def push_dropped(ctx: Ctx) -> Outcome:
    def reply(handler: Any, body: bytes) -> None:
        if handler.command == "PUT":  # the upload: the server goes away without answering
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        answer(200, b'{"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}')(handler, body)

    with Fake(reply) as fake:
        return kg("push", "--store", str(ctx.store), "--endpoint", fake.url)


def full_disk(*args: str) -> Callable[[Ctx], Outcome]:
    def run(ctx: Ctx) -> Outcome:
        filled = [a.format(out=ctx.out, data=ctx.data, store=ctx.store) for a in args]
        return kg_process(*filled, limit_file_size=100_000)

    return run


def second_build(ctx: Ctx) -> Outcome:
    with (ctx.store / "build.lock").open("a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        return build(ctx)


# a kg command that stops at a given point, says so on stderr, and waits there to be signalled
PAUSED = """
import sys, time
import kg.pipeline
point, args = sys.argv[1], sys.argv[2:]

def pause():
    print("kg-test: paused", file=sys.stderr, flush=True)
    time.sleep(300)

if point == "staged":  # a temporary output file is written and flushed, not yet renamed into place
    import os
    rename = os.replace
    def staged(src, dst):
        pause()
        rename(src, dst)
    os.replace = staged
elif point == "committed":  # the store is written, the files are not
    commit = kg.pipeline.commit
    def committed(*a, **k):
        commit(*a, **k)
        pause()
    kg.pipeline.commit = committed
sys.argv = ["kg", *args]
from kg.cli import main
main()
"""


def signalled(sig: signal.Signals, point: str, *args: str, group: bool = False) -> Callable[[Ctx], Outcome]:
    """Run the command, wait until it pauses at ``point``, then send ``sig`` (to its group: Ctrl-C)."""

    def run(ctx: Ctx) -> Outcome:
        filled = [a.format(out=ctx.out, data=ctx.data, store=ctx.store) for a in args]
        return stop_when_paused(sig, [sys.executable, "-c", PAUSED, point, *filled], group)

    return run


def stop_when_paused(sig: signal.Signals, command: list[str], group: bool) -> Outcome:
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True
    )
    assert process.stderr is not None
    try:
        line = process.stderr.readline()
        assert line == "kg-test: paused\n", line + process.stderr.read()
        (os.killpg if group else os.kill)(process.pid, sig)
        _, rest = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return Outcome(process.returncode, rest)


def push_signalled(ctx: Ctx) -> Outcome:
    """SIGTERM while kg push waits for a server that does not answer."""

    def reply(_handler: Any, _body: bytes) -> None:
        fake.release.wait()

    with Fake(reply) as fake:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "push", "--store", str(ctx.store), "--endpoint", fake.url],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        try:
            while not fake.requests and process.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(0.05)
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return Outcome(process.returncode, err)


def damage(how: str) -> Callable[[Path], None]:
    def apply(db: Path) -> None:
        if how == "CURRENT":
            (db / "CURRENT").write_text("garbage\n")
        elif how == "sst":
            biggest = max(db.glob("*.sst"), key=lambda p: p.stat().st_size)
            biggest.write_bytes(biggest.read_bytes()[:1000])
        elif how == "MANIFEST":
            for manifest in db.glob("MANIFEST-*"):
                manifest.unlink()

    return apply


def damaged(how: str, *args: str) -> Callable[[Ctx], Outcome]:
    def run(ctx: Ctx) -> Outcome:
        damage(how)(ctx.store / "db")
        before = raw_snapshot(ctx.out)
        outcome = kg(*[a.format(out=ctx.out, data=ctx.data, store=ctx.store) for a in args])
        assert raw_snapshot(ctx.out) == before  # kg neither repaired nor replaced anything
        return outcome

    return run


HOLD_OPEN = """
import sys, time
import pyoxigraph as ox
store = ox.Store(sys.argv[1])
print("open", flush=True)
time.sleep(300)
"""


def locked_store(ctx: Ctx) -> Outcome:
    """Another process (a Python session, say) has the store's database open for writing."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(ctx.store / "db")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        return build(ctx)
    finally:
        holder.kill()
        holder.communicate()


def missing_folder(which: str) -> Callable[[Ctx], Outcome]:
    def run(ctx: Ctx) -> Outcome:
        if which == "data":
            return kg("build", "--data", str(ctx.tmp / "nope"), "--out", str(ctx.out))
        return build(ctx, "--ontology", str(ctx.tmp / "nope"))

    return run


S = signal.Signals
CASES = [
    Case(1, "malformed Turtle in the ontology", malformed_ontology, IN, ("not valid Turtle", "kg.ttl:")),
    Case(1, "malformed YAML in the registry", malformed_registry, IN, ("not valid YAML", "registry.yaml:")),
    Case(2, "Turtle nested thousands deep, in the ontology", deep_ontology, IN, (f"{DEEP} deep", "kg.ttl:")),
    Case(2, "Turtle nested thousands deep, as a graph file", deep_graph_file, IN, (f"{DEEP} deep", "deep.ttl:1:")),
    Case(3, "RDF/XML with a DOCTYPE entity", doctype_graph, IN, ("kg does not read RDF/XML", "doctype.rdf")),
    Case(3, "JSON-LD with a remote @context", remote_context_graph, IN, ("kg does not read JSON-LD", "remote.jsonld")),
    edit_case(4, "annotation naming an unknown entity", "unknown entity"),
    edit_case(5, "duplicate ids", "duplicate entity id"),
    edit_case(5, "duplicate keys", "duplicate key"),
    edit_case(6, "YAML typing trap NO", "unquoted NO"),
    edit_case(6, "YAML typing trap date", "unquoted date"),
    Case(6, "!!python tag calling urlopen", python_tag_fetching, IN, ("python/object", "article-001.yaml:")),
    edit_case(7, "span out of range", "span out of range"),
    edit_case(7, "negative span", "negative span"),
    edit_case(7, "reversed span", "reversed span"),
    edit_case(7, "span not matching the text", "span text mismatch"),
    Case(7, "CRLF line ends", span_edit(lambda t: t.replace("\n", "\r\n")), IN, ("article-001", "reads")),
    Case(7, "byte-order mark", bom_article, IN, ("byte-order mark", "article-001.txt")),
    Case(7, "NFD text under NFC spans", nfd_article, IN, ("article-001", "reads", "article-001.yaml:")),
    Case(7, "emoji before the spans", span_edit(lambda t: "🇮🇹 " + t), IN, ("article-001", "reads")),
    Case(8, "non-UTF-8 article", non_utf8_article, IN, ("not valid UTF-8", "byte 50", "article-001.txt")),
    Case(9, "empty article", empty_article(""), IN, ("article article-001 is empty", "article-001.txt")),
    Case(9, "whitespace-only article", empty_article(" \n\t\n"), IN, ("is empty (only white space)", ".yaml:")),
    Case(10, "50 MB article in a build", huge_article_build, IN, ("50.0 MB", "up to 2 MB", "article-001.txt")),
    Case(10, "50 MB article in extract", huge_article_extract, IN, ("50.0 MB", "split it", "huge.txt")),
    Case(11, "labels with <script>, quotes, backticks, href", unsafe_label, 0),
    edit_case(12, "lone surrogate", "lone surrogate"),
    edit_case(12, "NUL", "NUL in a label"),
    edit_case(12, "control character", "control character"),
    Case(13, "id with a space", bad_id("the meeting"), IN, ("`the meeting` is not a valid id", "article-001.yaml:")),
    Case(13, 'id with <>"{}|^', bad_id('m<e>"{t}|^'), IN, ("is not a valid id", "article-001.yaml:")),
    Case(13, "extract --id with <> and quotes", extract_bad_id, IN, ("is not a valid article id", "article-001.txt")),
    edit_case(14, "bad language tag", "bad language tag"),
    edit_case(15, "1 MB literal", "1 MB literal"),
    Case(16, "SPARQL syntax error", lambda c: query(c, "SELECT * WHERE {\n  ?s ?p"), QUERY, ("<stdin>:2:",)),
    Case(16, "empty query", lambda c: query(c, "# nothing\n"), QUERY, ("the query is empty", "<stdin>")),
    Case(17, "SERVICE", lambda c: query(c, f"SELECT * {{ SERVICE <{c.url}/s> {{ ?s ?p ?o }} }}"), QUERY, ("SERVICE",)),
    Case(17, "LOAD", lambda c: query(c, f"LOAD <{c.url}/data.ttl>"), QUERY, ("LOAD", "<stdin>")),
    Case(17, "FROM", lambda c: query(c, f"SELECT * FROM <{c.url}/g> {{ ?s ?p ?o }}"), QUERY, ("FROM",)),
    Case(
        17,
        "FROM NAMED",
        lambda c: query(c, f"SELECT * FROM NAMED <{c.url}/g> {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        QUERY,
        ("FROM",),
    ),
    Case(18, "UPDATE through kg query", lambda c: query(c, "DROP ALL"), QUERY, ("UPDATE", "kg only reads")),
    Case(18, "UPDATE and SERVICE through the endpoint", endpoint_refusals, 0, marks=(pytest.mark.server,)),
    Case(
        19,
        "cartesian product",
        runaway("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
        QUERY,
        ("ran longer than 1 s",),
    ),
    Case(
        19,
        "catastrophic REGEX",
        runaway('SELECT ?a { ?a ?b ?c . ?d ?e ?f . FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "^(x+x+)+y$")) }'),
        QUERY,
        ("ran longer than 1 s",),
    ),
    Case(
        19,
        "deep property path",
        runaway("SELECT (COUNT(*) AS ?n) { ?a (!<urn:x>)*/(!<urn:y>)*/(!<urn:z>)* ?b }"),
        QUERY,
        ("ran longer than 1 s",),
    ),
    Case(
        20,
        "query nested 500 deep",
        lambda c: query(c, "SELECT * WHERE " + "{" * 500 + " ?s ?p ?o " + "}" * 500),
        QUERY,
        ("nests brackets 500 deep", "<stdin>:1:"),
    ),
    Case(21, "shapes with SPARQL SERVICE (native)", shapes_with(SERVICE_SHAPE), IN, ("SERVICE", "shapes.ttl")),
    Case(21, "shapes with SPARQL SERVICE (pyshacl)", shapes_with(SERVICE_SHAPE, "pyshacl"), IN, ("SERVICE",)),
    Case(21, "remote shapes IRI (owl:imports)", shapes_with(IMPORTS_SHAPE), IN, ("owl:imports", "never fetches")),
    Case(21, "remote shapes IRI (pyshacl)", shapes_with(IMPORTS_SHAPE, "pyshacl"), IN, ("owl:imports",)),
    Case(22, "remote store down", remote_query(None), REMOTE, ("nothing answers there",)),
    Case(22, "remote store refusing (500)", remote_query(answer(500, b"boom", "text/plain")), REMOTE, ("HTTP 500",)),
    Case(
        22,
        "remote store timing out",
        remote_query("hang", "--timeout", "0.5"),
        REMOTE,
        ("did not answer within 0.5 s",),
    ),
    Case(
        22,
        "remote store 401",
        remote_query(answer(401, b"", WWW_Authenticate='Basic realm="x"')),
        REMOTE,
        ("HTTP 401",),
    ),
    Case(22, "remote store 206 partial answer", remote_query(answer(206, b"{}")), REMOTE, ("HTTP 206",)),
    Case(23, "remote store failing mid-upload", push_dropped, REMOTE, ("dropped while uploading",)),
    Case(
        24,
        "disk full while building",
        full_disk("build", "--data", "{data}", "--out", "{out}"),
        OUT,
        ("File too large", "{out}"),
    ),
    Case(
        24,
        "disk full while exporting",
        full_disk("export", "--data", "{data}", "-o", "{out}/kg.ttl"),
        OUT,
        ("cannot write", "kg.ttl", "File too large"),
    ),
    Case(
        24,
        "disk full while exporting the store",
        full_disk("export", "--store", "{store}", "--format", "nquads", "-o", "{out}/kg.nq"),
        OUT,
        ("cannot write", "kg.nq"),
    ),
    Case(
        24,
        "disk full while rendering",
        full_disk("render", "--store", "{store}", "-o", "{out}/kg.html"),
        OUT,
        ("cannot write", "kg.html"),
    ),
    Case(
        24,
        "output folder under a file",
        lambda c: kg("build", "--data", str(c.data), "--out", str(c.out / "kg.ttl" / "sub")),
        OUT,
        ("kg.ttl",),
    ),
    Case(
        25, "export to a folder", lambda c: kg("export", "-o", str(c.out), "--data", str(c.data)), OUT, ("is a folder",)
    ),
    Case(
        25,
        "render to a folder",
        lambda c: kg("render", "--store", str(c.store), "-o", str(c.store)),
        OUT,
        ("is a folder", "store"),
    ),
    Case(26, "two builds at once", second_build, OUT, ("another kg build", "build.lock")),
    Case(
        27,
        "Ctrl-C mid-build (files staged)",
        signalled(S.SIGINT, "staged", "build", "--data", "{data}", "--out", "{out}", group=True),
        Interrupted.exit_code,
        ("stopped by Ctrl-C",),
    ),
    Case(
        27,
        "SIGTERM mid-build (store written)",
        signalled(S.SIGTERM, "committed", "build", "--data", "{data}", "--out", "{out}"),
        Terminated.exit_code,
        ("stopped by SIGTERM",),
    ),
    Case(
        27,
        "Ctrl-C mid-export",
        signalled(S.SIGINT, "staged", "export", "--data", "{data}", "-o", "{out}/kg.ttl", group=True),
        Interrupted.exit_code,
        ("stopped by Ctrl-C",),
    ),
    Case(
        27,
        "SIGTERM mid-export",
        signalled(S.SIGTERM, "staged", "export", "--store", "{store}", "--format", "nquads", "-o", "{out}/kg.nq"),
        Terminated.exit_code,
        ("stopped by SIGTERM",),
    ),
    Case(27, "SIGTERM mid-push", push_signalled, Terminated.exit_code, ("stopped by SIGTERM",)),
    Case(
        28,
        "store with a garbled CURRENT",
        damaged("CURRENT", "build", "--data", "{data}", "--out", "{out}"),
        IN,
        ("is damaged", "delete the folder", "{store}"),
        raw=True,
    ),
    Case(
        28,
        "store with a truncated .sst",
        damaged("sst", "query", "organisers", "--store", "{store}"),
        IN,
        ("is damaged", "delete the folder", "{store}"),
        raw=True,
    ),
    Case(
        28,
        "store without its MANIFEST",
        damaged("MANIFEST", "export", "--store", "{store}", "--format", "nquads", "-o", "{out}/kg.nq"),
        IN,
        ("is damaged", "delete the folder", "{store}"),
        raw=True,
    ),
    Case(28, "store held open by another process", locked_store, OUT, ("open for writing", "LOCK")),
    Case(
        29,
        "unknown named query",
        lambda c: kg("query", "no-such-query", "--store", str(c.store)),
        QUERY,
        ("no named query or file `no-such-query`",),
    ),
    Case(
        29,
        "unknown parameter",
        lambda c: kg("query", "organisers", "--param", "who=x", "--store", str(c.store)),
        QUERY,
        ("no parameter `who`",),
    ),
    Case(30, "missing data/ folder", missing_folder("data"), IN, ("does not exist", "nope")),
    Case(30, "missing ontology/ folder", missing_folder("ontology"), IN, ("does not exist", "nope")),
]
NUMBERS = {case.number for case in CASES}


def test_every_numbered_bad_input_has_a_case() -> None:
    assert set(range(1, 31)) == NUMBERS


@pytest.mark.parametrize("case", [pytest.param(c, marks=c.marks) for c in CASES], ids=lambda c: f"#{c.number} {c.name}")
def test_bad_input(case: Case, ctx: Ctx, listener: Listener, good: tuple[Path, dict[str, bytes]]) -> None:
    outcome = case.run(ctx)
    assert outcome.crash is None, repr(outcome.crash)
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.code == case.code, (outcome.code, outcome.stderr)
    if case.code:
        lines = outcome.stderr.splitlines()
        assert len(lines) == 1, outcome.stderr  # one line, nothing else
        assert lines[0].startswith("Error: "), lines[0]
        for needle in case.needles:
            needle = needle.format(out=ctx.out, data=ctx.data, store=ctx.store, url=ctx.url)
            assert needle in lines[0], (needle, lines[0])
    if not case.raw:
        assert snapshot(ctx.out) == good[1]  # same files, same bytes, same quads; no temporary file
    assert listener.hits() == 0
    if case.number in (24, 27, 28):  # after a failure to write or a signal, the next build works
        if case.raw:
            shutil.rmtree(ctx.store)  # the remedy the error gives
        assert kg("build", "--data", str(DATA), "--out", str(ctx.out)).code == 0
        assert snapshot(ctx.out) == good[1]
