"""The `kg` command line: thin commands over the library; errors become one line and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.errors import EXIT_CODES, Interrupted, KgError, Terminated, ValidationFailed

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("turtle", "ntriples", "trig", "nquads", "jsonld", "graphml", "csv")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_HELP = "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items())


class _SigTerm(KeyboardInterrupt):
    """SIGTERM, raised where the command is, so that it unwinds as Ctrl-C does (temporary files removed)."""


def _on_sigterm(_signum: int, _frame: Any) -> None:
    raise _SigTerm


def reports_errors(func: F) -> F:
    """Turn KgError into `Error: …` on stderr and the error's exit code; Ctrl-C and SIGTERM too.

    Ctrl-C (KeyboardInterrupt) and SIGTERM unwind the command like an error: every ``finally``
    runs, so temporary files are removed, worker processes stopped and the store closed; then
    one line and exit code 130 or 143 (128 + the signal, as shells report it).
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import signal
        import threading

        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            _fail(exc)
        except KeyboardInterrupt as exc:
            stopped = Terminated if isinstance(exc, _SigTerm) else Interrupted
            how = "SIGTERM" if isinstance(exc, _SigTerm) else "Ctrl-C (SIGINT)"
            _fail(stopped(f"stopped by {how}", "", "earlier outputs are as they were; run the command again"))
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return wrapper  # type: ignore[return-value]


def _fail(exc: KgError) -> None:
    click.echo(f"Error: {exc.line()}", err=True)
    if isinstance(exc, ValidationFailed) and exc.report:
        click.echo(exc.report, err=True)
    sys.exit(exc.exit_code)


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Folder with registry.yaml, annotations/ and articles/.",
)


@click.group(context_settings=CONTEXT, epilog=f"\b\nExit codes:\n{EXIT_HELP}")
@click.version_option(__version__, "--version", prog_name="kg")
def main() -> None:
    """kg: a knowledge graph of the actors of migration cooperation.

    Turns reviewed article annotations into an RDF dataset in which every fact traces back to the
    sentence that states it, and exports it for other tools.
    """


@main.command(context_settings=CONTEXT)
@data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder for the store and kg.trig, kg.ttl and kg.html.",
)
@click.option(
    "--ontology",
    "ontology_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Use this ontology folder instead of the bundled ontology/.",
)
@click.option(
    "--validator",
    type=click.Choice(["native", "pyshacl"]),
    default="native",
    show_default=True,
    help="SHACL engine: kg's shapes compiled to SPARQL on pyoxigraph, or pyshacl article by article "
    "(slower; the same verdicts).",
)
@reports_errors
def build(data_dir: Path, out_dir: Path, ontology_dir: Path | None, validator: str) -> None:
    """Build and validate the graph into the store, and write it with its HTML view.

    Updates OUT/store, an on-disk database with one named graph per article, plus ontology and
    registry graphs: only articles whose annotation or text changed are compiled and validated
    again, removed ones are dropped, and a change to the registry or ontology rebuilds all. It
    links meetings and documents that two articles report as the same (graph/links, never merged).
    A build killed at any moment leaves the store consistent; a second build at the same time
    stops at once. Then writes OUT/kg.trig, OUT/kg.ttl (all graphs merged) and OUT/kg.html (the
    network, viewable offline), unless the graph has more than 100,000 triples.

    \b
    Examples:
      kg build
      kg build --data my-corpus/data --out /tmp/kg-out
    """
    from kg.build import Validator
    from kg.pipeline import run_build

    check: Validator | None = None  # the native checks
    if validator == "pyshacl":
        from kg.validate import validate_store_graphs as check
    report = run_build(data_dir, out_dir, ontology_dir=ontology_dir, validator=check, progress=_progress_bars())
    for line in report.summary():
        click.echo(line)


def _progress_bars() -> Any:
    """Progress bars on standard error when it is a terminal; None (quiet) when piped."""
    import contextlib

    if not sys.stderr.isatty():
        return None

    @contextlib.contextmanager
    def bar(label: str, total: int) -> Any:
        if total < 1:
            yield lambda _n: None
            return
        with click.progressbar(length=total, label=f"{label:11}", file=sys.stderr) as shown:
            yield shown.update

    return bar


@main.command(context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="turtle", show_default=True, help="Output format.")
@click.option("--inferred", is_flag=True, help="Add the OWL-RL closure (schema.org, ORG, PROV triples).")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="File to write.")
@data_option
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Export this built store (e.g. out/store) instead of building DATA: fast for large corpora.",
)
@reports_errors
def export(fmt: str, inferred: bool, output: Path, data_dir: Path, store_dir: Path | None) -> None:
    """Build and validate the graph from DATA (or read a built store) and write it in one format.

    RDF formats carry every graph (turtle and ntriples merge them); graphml holds the actor network
    with labels, types and evidence as attributes; csv lists one quad per row. With --store, nquads
    and trig are written by pyoxigraph straight from the store.

    \b
    Examples:
      kg export --format turtle -o kg.ttl
      kg export --format jsonld --inferred -o kg.jsonld
      kg export --format graphml -o network.graphml
      kg export --store out/store --format nquads -o kg.nq
    """
    if store_dir is not None:
        from kg.export import export_store

        size = export_store(store_dir, fmt, output, inferred=inferred)
        click.echo(f"wrote {output} ({fmt}{', with inferred triples' if inferred else ''}, {size} bytes)")
        return
    from kg.build import build_graph
    from kg.export import export_dataset
    from kg.validate import validate_dataset

    result = build_graph(data_dir)
    validate_dataset(result.dataset, result.ontology)
    size = export_dataset(result.dataset, fmt, output, inferred=inferred)
    click.echo(f"wrote {output} ({fmt}{', with inferred triples' if inferred else ''}, {size} bytes)")


query_graph_option = click.option(
    "--graph",
    "graph_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Query this graph file instead of the store: TriG, or Turtle (.ttl), N-Triples (.nt), N-Quads (.nq).",
)
store_option = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/store"),
    show_default=True,
    help="The store `kg build` wrote (used unless --graph is given; out/kg.trig if there is none).",
)
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds before the query is stopped.",
)
param_option = click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a parameter (a VALUES variable): an actor id, an IRI or a string. Repeatable.",
)


def _params(params: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"`{item}` is not NAME=VALUE", param_hint="--param")
        pairs[name.lstrip("?")] = value
    return pairs


@main.command(context_settings=CONTEXT)
def queries() -> None:
    """List the named queries of queries/ with the question each answers.

    \b
    Examples:
      kg queries
    """
    from kg.query import list_queries

    for named in list_queries():
        click.echo(f"{named.name:32} {named.question}")
    # a question SPARQL cannot answer in general, answered by a command
    question = "What is the shortest chain of facts linking two actors (e.g. Tunisia to Europol)?"
    click.echo(f"{'(kg path FROM TO)':32} {question}")


user_option = click.option("--user", help="User name, when the server asks for HTTP Digest or Basic authentication.")
password_option = click.option(
    "--password",
    envvar="KG_REMOTE_PASSWORD",
    help="Password for --user (or set KG_REMOTE_PASSWORD, which keeps it out of the process list).",
)
connect_timeout_option = click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds to wait for a connection to the server.",
)


def _endpoint(
    url: str,
    user: str | None,
    password: str | None,
    connect_timeout: float,
    read_timeout: float,
    update: str | None = None,
    graph_store: str | None = None,
) -> Any:
    from kg.remote import Endpoint

    if password is not None and user is None:
        raise click.BadParameter("--password needs --user", param_hint="--password")
    return Endpoint(url, update or "", graph_store or "", user, password, connect_timeout, read_timeout)


@main.command(context_settings=CONTEXT)
@click.argument("query_ref", metavar="NAME|FILE|-")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "csv", "tsv", "json")),
    default="table",
    show_default=True,
    help="Output for SELECT and ASK (CONSTRUCT and DESCRIBE give Turtle).",
)
@query_graph_option
@store_option
@timeout_option
@param_option
@click.option(
    "--endpoint",
    metavar="URL",
    help="Run the query on this SPARQL endpoint (after `kg push`) instead of the local store.",
)
@user_option
@password_option
@connect_timeout_option
@reports_errors
def query(
    query_ref: str,
    fmt: str,
    graph_file: Path | None,
    store_dir: Path,
    timeout: float,
    params: tuple[str, ...],
    endpoint: str | None,
    user: str | None,
    password: str | None,
    connect_timeout: float,
) -> None:
    """Run a named query, a .rq file, or SPARQL from standard input (-) on the built graph.

    Queries run on the store `kg build` wrote (out/store), in place, or on a graph file (TriG,
    Turtle, N-Triples, N-Quads) given with --graph, or on a SPARQL server given with --endpoint
    (one `kg push` filled). The default graph is the union of all graphs. UPDATE, LOAD, SERVICE
    and FROM with an outside IRI are refused before anything runs, remote queries included; a
    query past --timeout is stopped (remotely: kg stops waiting). A partial answer from a server
    is an error, never a result.

    \b
    Examples:
      kg query participants
      kg query commitments --format csv
      kg query actor-profile --param actor=tunisia
      echo 'ASK { ?s ?p ?o }' | kg query -
      kg query participants --endpoint http://127.0.0.1:8890/sparql
    """
    from kg.query import bind_params, format_result, load_query, query_source, run_query

    text, where = load_query(query_ref)
    text = bind_params(text, _params(params), where)
    if endpoint is not None:
        from kg.remote import run_remote_query

        if graph_file is not None:
            raise click.UsageError("give --graph or --endpoint, not both")
        remote = _endpoint(endpoint, user, password, connect_timeout, timeout)
        kind, first, second = run_remote_query(text, remote, where)
    else:
        if user is not None or password is not None:
            raise click.UsageError("--user and --password go with --endpoint")
        kind, first, second = run_query(text, query_source(graph_file, store_dir), where, timeout=timeout)
    click.echo(format_result(kind, first, second, fmt), nl=False)


@main.command(context_settings=CONTEXT)
@click.option("--endpoint", metavar="URL", required=True, help="The server's SPARQL query endpoint.")
@click.option("--update", metavar="URL", help="Its SPARQL Update endpoint  [default: --endpoint]")
@click.option("--graph-store", metavar="URL", help="Its Graph Store Protocol endpoint  [default: --endpoint]")
@user_option
@password_option
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/store"),
    show_default=True,
    help="The store `kg build` wrote.",
)
@click.option(
    "--ontology",
    "ontology_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The ontology folder the store was built with (for the types of integer values).",
)
@connect_timeout_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=300.0,
    show_default=True,
    help="Seconds to wait for each answer of the server.",
)
@reports_errors
def push(
    endpoint: str,
    update: str | None,
    graph_store: str | None,
    user: str | None,
    password: str | None,
    store_dir: Path,
    ontology_dir: Path | None,
    connect_timeout: float,
    timeout: float,
) -> None:
    """Copy the built graph to a SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Oxigraph, ...).

    Every named graph of the store (one per article, ontology, registry, links; not the build
    state) that changed since the last push is uploaded with the Graph Store Protocol to a staging
    graph, counted there, and moved into place with one SPARQL Update, so readers see either the
    old graph or the new one. Graphs of removed articles are dropped; a push stopped at any moment
    leaves each remote graph old or new, and the next push finishes the job. Queries then run
    remotely with `kg query --endpoint URL NAME`.

    \b
    Examples:
      kg push --endpoint http://127.0.0.1:8890/sparql-auth \\
        --graph-store http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --password dba
      kg push --endpoint http://127.0.0.1:7878/query --update http://127.0.0.1:7878/update \\
        --graph-store http://127.0.0.1:7878/store
    """
    from kg.remote import push_store

    remote = _endpoint(endpoint, user, password, connect_timeout, timeout, update, graph_store)
    report = push_store(store_dir, remote, ontology_dir=ontology_dir, progress=_progress_bars())
    for line in report.summary():
        click.echo(line)


def kg_classes() -> list[str]:
    """Local names of the kg classes: the capitalised terms KG declares before its first property."""
    from kg.namespaces import KG

    names = list(KG.__annotations__)
    return sorted(name for name in names[: names.index("participatedIn")] if name[:1].isupper())


def _check_classes(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    known = kg_classes()
    for name in value:
        if name not in known:
            raise click.BadParameter(f"`{name}` is not a kg class; one of {', '.join(known)}", param_hint="--class")
    return value


@main.command(context_settings=CONTEXT)
@click.option("--query", "query_ref", metavar="NAME|FILE|-", help="Show the result of a CONSTRUCT query.")
@param_option
@click.option(
    "--format", "fmt", type=click.Choice(("html", "png", "svg")), default="html", show_default=True, help="Output."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write  [default: out/view.html, .png or .svg]",
)
@click.option(
    "--by", type=click.Choice(("class", "country")), help="Aggregate: one node per class, or per state, with counts."
)
@click.option("--ego", metavar="ACTOR", help="Only the nodes at most --depth facts from ACTOR (id, IRI or label).")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True, help="Facts from the --ego node.")
@click.option(
    "--class",
    "classes",
    multiple=True,
    metavar="CLASS",
    callback=_check_classes,
    help="Only nodes of this kg class (State, Meeting, ...). Repeatable.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="A bigger view is drawn aggregated by country (a browser cannot lay it out in seconds).",
)
@click.option("--all", "whole", is_flag=True, help="Draw every node, however many (overrides --max-nodes).")
@click.option(
    "--graph",
    "graph_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The graph file to read: TriG, or Turtle (.ttl), N-Triples (.nt), N-Quads (.nq)  "
    "[default: out/kg.trig, or out/store when there is no kg.trig]",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Read this built store (e.g. out/store) in place, read-only: large builds write no kg.trig.",
)
@timeout_option
@reports_errors
def render(
    query_ref: str | None,
    params: tuple[str, ...],
    fmt: str,
    output: Path | None,
    by: str | None,
    ego: str | None,
    depth: int,
    classes: tuple[str, ...],
    max_nodes: int,
    whole: bool,
    graph_file: Path | None,
    store_dir: Path | None,
    timeout: float,
) -> None:
    """Draw the network of the built graph: an offline HTML page, or a PNG or SVG picture.

    The HTML page is one self-contained file (nothing loaded from outside): nodes coloured and
    shaped by class, a legend whose ticks filter classes, a search box, and tooltips with the
    evidence sentences. With --query, it shows what a CONSTRUCT query returns.

    A view of more than --max-nodes nodes would keep a browser busy for long: it is drawn
    aggregated by country instead (said on stderr), unless --all is given. --class, --ego and
    --by narrow or aggregate any view.

    \b
    Examples:
      kg render -o out/network.html
      kg render --query ego-network --param actor=tunisia -o out/tunisia.html
      kg render --format png -o docs/seed-graph.png
      kg render --store out/store --ego tunisia --depth 2 -o out/tunisia.html
      kg render --store out/store --by country -o out/countries.html
    """
    from kg.output import write_atomic
    from kg.query import bind_params, list_queries, load_query
    from kg.view import limit_view, load_network, query_view, reduce_view, render_view, whole_view_of

    if graph_file is not None and store_dir is not None:
        raise click.UsageError("give --graph or --store, not both")
    built = load_network(graph_file, store_dir, timeout=timeout)
    if query_ref:
        text, where = load_query(query_ref)
        text = bind_params(text, _params(params), where)
        question = next((q.question for q in list_queries() if q.name == query_ref), "")
        view = query_view(built, None, text, where, question, timeout=timeout)
        if params:
            view.title += " (" + ", ".join(params) + ")"
    else:
        if params:
            raise click.BadParameter("--param needs --query", param_hint="--param")
        view = whole_view_of(built.network)
    view = reduce_view(view, by=by, ego=ego, depth=depth, classes=classes)
    view, note = limit_view(view, None if whole else max_nodes)
    if note:
        click.echo(f"note: {note}", err=True)
    data = render_view(view, fmt)
    target = output or Path("out") / f"view.{fmt}"
    write_atomic(target, data)
    click.echo(f"wrote {target} ({view.network.number_of_nodes()} nodes, {view.network.number_of_edges()} edges)")


@main.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@query_graph_option
@store_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds a query may run; past them its worker is killed and the answer is 503.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Largest answer (rows or triples); a bigger one is refused with 422, never cut short.",
)
@click.option("--workers", type=click.IntRange(min=1), help="Query worker processes  [default: one per CPU]")
@click.option(
    "--wait",
    type=click.FloatRange(min=0.1),
    default=120.0,
    show_default=True,
    help="Seconds a request may wait for a free worker before 503.",
)
@click.option(
    "--cors",
    "cors",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages from ORIGIN (e.g. http://localhost:3000, or *) query the endpoint. Repeatable; none by default.",
)
@click.option(
    "--memory",
    is_flag=True,
    help="Give each query worker a copy of the store in memory: queries come up to several times faster. "
    "Costs about 0.4 GiB of RAM per worker per million quads, and a start of about 20 s per million quads "
    "(the store is read once into a temporary file, then each worker loads it; a worker replaced after a "
    "timeout loads it again, about 5 s per million quads). A --graph file is always held in memory.",
)
@reports_errors
def serve(
    host: str,
    port: int,
    graph_file: Path | None,
    store_dir: Path,
    timeout: float,
    max_rows: int,
    workers: int | None,
    wait: float,
    cors: tuple[str, ...],
    memory: bool,
) -> None:
    """Serve the built graph as a read-only SPARQL endpoint, with a query page, until Ctrl-C.

    /sparql speaks the SPARQL 1.1 Protocol (GET, POST form or direct), answering SELECT and ASK as
    JSON, XML, CSV or TSV and CONSTRUCT and DESCRIBE as Turtle, N-Triples, JSON-LD or RDF/XML, as
    the Accept header asks. Updates get 403; LOAD, SERVICE and outside graphs 400. / is a page to
    run the named queries and see the network. The store stays locked for reading while the
    server runs: a `kg build` into it waits; restart the server after a build.

    \b
    Examples:
      kg serve
      kg serve --port 8080 --timeout 10 --max-rows 10000
      kg serve --store big/out/store --workers 4
      kg serve --store big/out/store --memory
      kg serve --cors http://localhost:3000
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' http://127.0.0.1:8000/sparql
    """
    import os

    from kg.query import query_source
    from kg.serve import ServeConfig
    from kg.serve import serve as run_server

    config = ServeConfig(
        query_source(graph_file, store_dir), timeout, max_rows, workers or os.cpu_count() or 1, wait, cors, memory
    )

    def ready(url: str) -> None:
        held = ", each with the store in memory" if memory and config.source.is_dir() else ""
        click.echo(
            f"serving {config.source} at {url} (SPARQL at {url}sparql; {config.workers} workers{held}, "
            f"{timeout:g} s per query, at most {max_rows:,} rows); Ctrl-C stops"
        )

    run_server(config, host, port, on_ready=ready)


@main.command(context_settings=CONTEXT)
@click.argument("source")
@click.argument("target")
@click.option("--all", "limit", flag_value=20, default=1, help="Show every shortest path (up to 20), not only one.")
@click.option("--with-registry", is_flag=True, help="Let paths go through registry membership (e.g. EU member).")
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True, help="Output format."
)
@click.option(
    "--graph",
    "graph_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The graph file to read: TriG, or Turtle (.ttl), N-Triples (.nt), N-Quads (.nq)  "
    "[default: out/kg.trig, or out/store when there is no kg.trig]",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Read this built store (e.g. out/store) in place, read-only: large builds write no kg.trig.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a running build to release the store.",
)
@reports_errors
def path(
    source: str,
    target: str,
    limit: int,
    with_registry: bool,
    fmt: str,
    graph_file: Path | None,
    store_dir: Path | None,
    timeout: float,
) -> None:
    """The shortest chain of facts linking two actors, with the sentence behind each step.

    SOURCE and TARGET are registry ids (tunisia, europol), IRIs or exact labels. Facts are followed
    in either direction.

    \b
    Examples:
      kg path tunisia europol
      kg path tunisia europol --all --format json
      kg path tunisia europol --store out/store
    """
    import json
    from dataclasses import asdict

    from kg.view import format_paths, load_network, shortest_paths

    if graph_file is not None and store_dir is not None:
        raise click.UsageError("give --graph or --store, not both")
    net = load_network(graph_file, store_dir, timeout=timeout).network
    paths = shortest_paths(net, source, target, limit=limit, with_registry=with_registry)
    if fmt == "json":
        click.echo(json.dumps([[asdict(h) for h in hops] for hops in paths], indent=1, ensure_ascii=False))
    else:
        click.echo(format_paths(net, paths), nl=False)


def _check_date(value: str | None) -> str | None:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"`{value}` is not a date YYYY-MM-DD", param_hint="--date") from None


@main.command(context_settings=CONTEXT)
@click.argument("article", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--date",
    "published",
    help="The article's date, YYYY-MM-DD: it anchors 'on Sunday', and 'last week' or 'in March' (a month "
    "without a year) as their first and last day.",
)
@click.option("--id", "article_id", help="Article id  [default: the file name without .txt]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("yaml", "json")),
    default="yaml",
    show_default=True,
    help="Annotation YAML to review, or the JSON shape of the README.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the draft here  [default: stdout]")
@data_option
@reports_errors
def extract(
    article: Path, published: str | None, article_id: str | None, fmt: str, output: Path | None, data_dir: Path
) -> None:
    """Draft an annotation of an article, offline, for a person to review.

    The draft is in the reviewed-annotation format with a confidence per relation (YAML), or the
    documented JSON shape. Nothing is downloaded; actors are linked to the registry.

    \b
    Examples:
      kg extract new-article.txt --date 2023-07-24 -o draft.yaml
      kg extract new-article.txt --format json
    """
    from kg.draft import extract_file, extractor_for, to_json, to_yaml
    from kg.output import write_atomic

    draft, warnings = extract_file(article, data_dir / "registry.yaml", _check_date(published), article_id)
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
    body = to_json(draft, extractor_for(data_dir / "registry.yaml").registry) if fmt == "json" else to_yaml(draft)
    if output is None:
        click.echo(body, nl=False)
    else:
        write_atomic(output, body.encode("utf-8"))
        click.echo(f"wrote {output} ({len(draft.entities)} entities, {len(draft.relations)} relations)")


@main.command(context_settings=CONTEXT)
@click.argument("article", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", required=True, help="The article's headline.")
@click.option("--date", "published", required=True, help="Publication date, YYYY-MM-DD.")
@click.option("--source", required=True, help="Where the article comes from (publisher, URL).")
@click.option("--id", "article_id", help="Article id  [default: the file name without .txt]")
@data_option
@reports_errors
def add(article: Path, title: str, published: str, source: str, article_id: str | None, data_dir: Path) -> None:
    """Put an article into data/ with its metadata, and a draft annotation into data/drafts/ to review.

    The draft is not built until a reviewer moves it to data/annotations/.

    \b
    Examples:
      kg add rome-conference.txt --title "Rome hosts migration conference" --date 2023-07-24 --source "wire"
    """
    from kg.draft import add_article

    written = add_article(article, data_dir, title, _check_date(published) or "", source, article_id)
    for path in written:
        click.echo(f"wrote {path}")


@main.command(context_settings=CONTEXT)
@click.argument("gold_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--registry",
    "registry_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("data/registry.yaml"),
    show_default=True,
    help="The actor registry the extractor links to.",
)
@click.option(
    "--errors",
    "show_errors",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Misses and false positives to list.",
)
@reports_errors
def evaluate(gold_dir: Path, registry_path: Path, show_errors: int) -> None:
    """Score the extractor against reviewed annotations: P, R, F1 for entities and each relation.

    GOLD_DIR holds articles/ and annotations/ (as data/ does) and optionally forbidden.yaml, facts
    that must never be drafted (negated or distractor facts).

    \b
    Examples:
      kg evaluate eval/dev
    """
    from kg.draft import evaluate_dir
    from kg.evaluate import format_score

    click.echo(format_score(evaluate_dir(gold_dir, registry_path), show_errors), nl=False)


@main.command(context_settings=CONTEXT)
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True, help="Output format."
)
@data_option
@reports_errors
def stats(fmt: str, data_dir: Path) -> None:
    """Counts by class and relation; centrality, components and the actors bridging the sides.

    The sides (European, African) come from registry membership of the EU and AU. Also lists the
    cross-article links: meetings and documents two articles report as the same, by status.

    \b
    Examples:
      kg stats
      kg stats --format json
    """
    import json

    from kg.build import build_graph
    from kg.stats import compute_stats, format_stats

    result = compute_stats(build_graph(data_dir).dataset)
    click.echo(
        json.dumps(result, indent=1, ensure_ascii=False) if fmt == "json" else format_stats(result), nl=fmt == "json"
    )


if __name__ == "__main__":  # pragma: no cover
    main()
