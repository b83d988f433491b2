"""Views of a built dataset: the whole network or a CONSTRUCT result, as HTML, PNG or SVG; shortest paths.

The views read what ``kg build`` wrote: the TriG file (out/kg.trig) or, for large builds that
write no TriG, the store (out/store, read in place), so a view always shows what was built and
validated. Views of more than ``MAX_VIEW_NODES`` nodes, which a browser cannot lay out in a few
seconds, are drawn aggregated by country unless the whole view is asked for (``limit_view``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from kg.errors import QueryRejected, UnknownEntity
from kg.namespaces import PREFIXES
from kg.network import _Describer, build_network, network_from_store, network_from_triples
from kg.ontology import to_rdflib

VIEW_FORMATS = ("html", "png", "svg")
DEFAULT_TITLE = "kg: migration-cooperation network"
# above this many nodes a view is aggregated unless the whole view is asked for: the whole view of
# about 5,000 nodes is interactive in about 4 s in headless Chromium (bench/bench_view.py, README)
MAX_VIEW_NODES = 5000
AGGREGATES = ("class", "country")


def load_built(graph_file: Path) -> Dataset:
    """The dataset of a built graph file: TriG, or Turtle, N-Triples, N-Quads by extension.

    Raises:
        MissingInput: no such file. FileFormatError: not valid in its syntax (file:line:column).
    """
    from kg.query import require_built

    require_built(graph_file)
    from kg.rdffile import read_quads

    dataset = Dataset()
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns)
    for quad in read_quads(graph_file, "the graph file", remedy="rebuild it with `kg build`, or fix the file"):
        graph = quad.graph_name
        context = dataset.default_context if isinstance(graph, ox.DefaultGraph) else dataset.graph(URIRef(graph.value))
        context.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return dataset


@dataclass
class Built:
    """A built network, with the describer of its nodes and where it was read (for queries)."""

    network: nx.MultiDiGraph
    describe: _Describer
    source: Path  # a TriG file or a store folder


def load_network(graph_file: Path | None = None, store: Path | None = None, timeout: float = 30.0) -> Built:
    """The network of a built TriG file, or of a built store read in place (read-only).

    With neither, out/kg.trig is read if it exists, else the store out/store (large builds write
    no TriG).

    Raises:
        MissingInput: nothing built there. FileFormatError: not valid TriG. StoreBusy: a build
        kept the store locked for ``timeout`` seconds.
    """
    from kg.store import is_built

    default = Path("out/kg.trig")
    if graph_file is None and store is None and not default.is_file() and is_built(Path("out/store")):
        store = Path("out/store")
    if store is not None:
        from kg.errors import MissingInput
        from kg.store import open_read_only, reading

        if not is_built(store):
            raise MissingInput(f"no built store at {store}", str(store), "run `kg build` first, or pass --graph")
        with reading(store, timeout):
            net, describe = network_from_store(open_read_only(store))
        return Built(net, describe, store)
    trig = default if graph_file is None else graph_file
    dataset = load_built(trig)
    describe = _Describer(dataset)
    return Built(build_network(dataset, describe), describe, trig)


@dataclass
class View:
    """A network to show, with the title and the line saying what it shows."""

    network: nx.MultiDiGraph
    title: str
    subtitle: str
    hint: str = "Hover a node or an edge for the sentences that state it; untick a class to hide it"
    scope: str = ""  # what the view shows, without its size ("All article facts")


def whole_view(dataset: Dataset) -> View:
    """Every article fact, with registry membership among the nodes shown."""
    return whole_view_of(build_network(dataset))


def whole_view_of(net: nx.MultiDiGraph) -> View:
    """The view of a whole network (``build_network`` or ``network_from_store``)."""
    return View(
        net,
        DEFAULT_TITLE,
        f"All article facts: {net.number_of_nodes()} nodes and {net.number_of_edges()} edges",
        scope="All article facts",
    )


def query_view(
    built: Built | Dataset,
    graph_file: Path | None,
    text: str,
    where: str,
    question: str = "",
    timeout: float = 30.0,
) -> View:
    """The part of the network described by a CONSTRUCT (or DESCRIBE) query's result.

    Raises:
        QueryRejected: the query is a SELECT or ASK. Other QueryError from running it.
    """
    from kg.query import check_query, run_query

    form = check_query(text, where)
    if form not in ("ConstructQuery", "DescribeQuery"):
        raise QueryRejected(
            f"a view needs a CONSTRUCT or DESCRIBE query; this one is {form.removesuffix('Query').upper()}",
            where,
            "use a CONSTRUCT query (e.g. ego-network) or `kg query` for tables",
        )
    source = built.source if isinstance(built, Built) else graph_file
    if source is None:
        raise TypeError("query_view needs the graph file of a dataset")
    _kind, turtle, _ = run_query(text, source, where, timeout=timeout)
    result = Graph()
    result.parse(data=str(turtle), format="turtle")
    if isinstance(built, Built):
        net = network_from_triples(None, result, full=built.network, describe=built.describe)
    else:
        net = network_from_triples(built, result)
    what = question or f"the result of {where}"
    return View(
        net,
        f"kg: {Path(where).stem}" if where != "<stdin>" else "kg: query result",
        f"{what} — {net.number_of_nodes()} nodes and {net.number_of_edges()} edges",
        scope=what,
    )


def reduce_view(
    view: View, by: str | None = None, ego: str | None = None, depth: int = 1, classes: tuple[str, ...] = ()
) -> View:
    """A smaller view: only some classes, then the ego network of one node, then aggregated.

    Args:
        by: ``class`` or ``country``: one node per class, or per state (see kg.reduction).
        ego: an actor id, IRI or label; the view keeps the nodes at most ``depth`` facts away.
        classes: kg class names (``State``, ``Meeting``); the view keeps only their nodes.

    Raises:
        UnknownEntity: no node (or several) matches ``ego``, or it is not among the classes kept.
    """
    from kg import reduction

    net, notes = view.network, []
    if classes:
        net = reduction.of_classes(net, list(classes))
        notes.append("only " + ", ".join(sorted(classes)))
    if ego is not None:
        centre = find_node(net, ego, where="--ego")
        net = reduction.ego_network(net, centre, depth)
        label = net.nodes[centre].get("label", centre)
        notes.append(f"within {depth} fact{'s' if depth != 1 else ''} of {label}")
    hint = view.hint
    if by is not None:
        size = net.number_of_nodes()
        net = reduction.by_country(net) if by == "country" else reduction.by_class(net)
        notes.append(f"{size} nodes aggregated by {by}")
        hint = "Hover a group for its members; edge labels count facts"
    if not notes:
        return view
    scope = f"{view.scope or view.title}, {'; '.join(notes)}"
    subtitle = f"{scope}: {net.number_of_nodes()} nodes and {net.number_of_edges()} edges"
    return View(net, view.title, subtitle, hint, scope)


def limit_view(view: View, max_nodes: int | None = MAX_VIEW_NODES) -> tuple[View, str]:
    """The view, or its aggregation by country when it has more than ``max_nodes`` nodes (None: no limit).

    Returns the view to draw and a one-line note saying what was done instead ("" when nothing).
    """
    nodes = view.network.number_of_nodes()
    if max_nodes is None or nodes <= max_nodes:
        return view, ""
    reduced = reduce_view(view, by="country")
    note = (
        f"the view has {nodes} nodes, more than --max-nodes {max_nodes}, too many for a browser to lay out "
        f"quickly: drew it aggregated by country ({reduced.network.number_of_nodes()} nodes) — "
        "narrow it with --ego ACTOR, --class CLASS or --by class, or draw every node with --all"
    )
    return reduced, note


def render_view(view: View, fmt: str) -> bytes:
    """The view as a self-contained HTML page, a PNG or an SVG."""
    if fmt == "html":
        from kg.visualise import render_html

        return render_html(view.network, title=view.title, subtitle=f"{view.subtitle}. {view.hint}.")
    from kg.picture import render_picture

    return render_picture(view.network, fmt, title=view.title, subtitle=view.subtitle)


@dataclass(frozen=True)
class Hop:
    """One step of a path: from one node to the next along a fact, in either direction."""

    source: str
    target: str
    relation: str
    forward: bool  # True when the fact reads source -> target
    article: str
    evidence: str


def find_node(net: nx.MultiDiGraph, ref: str, where: str = "path") -> str:
    """The node named by an actor id (``tunisia``), an IRI, or an exact label (case-insensitive).

    Raises:
        UnknownEntity: no node, or more than one, matches.
    """
    if ref in net:
        return ref
    matches = sorted(k for k in net.nodes if k.endswith("/actor/" + ref) or k.endswith("/person/" + ref))
    if not matches:
        matches = sorted(k for k in net.nodes if str(net.nodes[k].get("label", "")).casefold() == ref.casefold())
    if len(matches) != 1:
        reason = "no node" if not matches else f"{len(matches)} nodes"
        raise UnknownEntity(
            f"{reason} in the network matches `{ref}`", where, "give a registry id (e.g. tunisia), an IRI or a label"
        )
    return str(matches[0])


def shortest_paths(
    net: nx.MultiDiGraph, source: str, target: str, limit: int = 1, with_registry: bool = False
) -> list[list[Hop]]:
    """Up to ``limit`` shortest chains of facts linking two nodes, ignoring the direction of facts.

    Registry background (membership) is left out unless ``with_registry``, so a path is made of
    what articles say. Returns [] when the two are not connected.
    """
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(net.nodes))
    for s, o, data in sorted(net.edges(data=True), key=lambda e: (e[0], e[1], str(e[2].get("predicate")))):
        if data.get("origin") == "registry" and not with_registry:
            continue
        if s != o and not undirected.has_edge(s, o):
            undirected.add_edge(s, o)
    start, end = find_node(net, source), find_node(net, target)
    try:
        paths = sorted(nx.all_shortest_paths(undirected, start, end))[:limit]
    except nx.NetworkXNoPath:
        return []
    out = []
    for path in paths:
        hops = []
        for a, b in itertools.pairwise(path):
            forward = net.has_edge(a, b) and any(
                with_registry or d.get("origin") != "registry" for d in net.get_edge_data(a, b).values()
            )
            s, o = (a, b) if forward else (b, a)
            facts = [
                d for _k, d in sorted(net.get_edge_data(s, o).items()) if with_registry or d.get("origin") != "registry"
            ]
            fact = facts[0]
            label, article, evidence = (str(fact.get(k, "")) for k in ("label", "article", "evidence"))
            hops.append(Hop(a, b, label, forward, article, evidence))
        out.append(hops)
    return out


def format_paths(net: nx.MultiDiGraph, paths: list[list[Hop]]) -> str:
    """Paths as readable text: one line per hop with the sentence that states it."""
    if not paths:
        return "no path: the two are not connected by article facts\n"
    lines = []
    for number, hops in enumerate(paths, 1):
        names = [str(net.nodes[hops[0].source].get("label"))] + [str(net.nodes[h.target].get("label")) for h in hops]
        lines.append(f"path {number} ({len(hops)} hops): " + " — ".join(names))
        for hop in hops:
            a, b = str(net.nodes[hop.source].get("label")), str(net.nodes[hop.target].get("label"))
            fact = f"{a} —{hop.relation}→ {b}" if hop.forward else f"{b} —{hop.relation}→ {a}"
            lines.append(f"  {fact}")
            if hop.evidence:
                sentence = hop.evidence.splitlines()[0]
                lines.append(f"      [{hop.article}] {sentence}")
            elif not hop.article:
                lines.append("      (registry background)")
    return "\n".join(lines) + "\n"
