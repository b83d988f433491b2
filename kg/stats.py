"""Network analysis of the built graph: counts, centrality, components and cross-side bridges."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
from rdflib import Dataset
from rdflib.namespace import RDF, RDFS

from kg.namespaces import BACKGROUND_GRAPH, GRAPH, ID, KG, LINKS_GRAPH, article_graph
from kg.network import build_network

ACTOR_TYPES = {"State", "SupranationalUnion", "IntergovernmentalOrganization", "Agency", "Institution", "Person"}
EU, AU = str(ID["actor/eu"]), str(ID["actor/african-union"])


def _sides(dataset: Dataset, net: nx.MultiDiGraph) -> dict[str, str]:
    """European or African side of each actor, from registry membership and parent bodies."""
    background = dataset.graph(BACKGROUND_GRAPH)
    up: dict[str, set[str]] = {}
    for s, p, o in background:
        if p in (KG.memberOf, KG.partOf):
            up.setdefault(str(s), set()).add(str(o))
    for s, o, data in net.edges(data=True):
        if data.get("predicate") in ("represents", "partOf"):
            up.setdefault(s, set()).add(o)

    def reaches(node: str, target: str, seen: frozenset[str] = frozenset()) -> bool:
        if node == target:
            return True
        return any(reaches(n, target, seen | {node}) for n in up.get(node, ()) if n not in seen)

    sides = {}
    for node, data in net.nodes(data=True):
        if data.get("type") in ACTOR_TYPES:
            if reaches(node, EU):
                sides[node] = "European"
            elif reaches(node, AU):
                sides[node] = "African"
    return sides


LINK_STATUSES = {KG.CandidateLink: "candidate", KG.ConfirmedLink: "confirmed", KG.RejectedLink: "rejected"}


def _links(dataset: Dataset) -> dict[str, Any]:
    """The identity links of graph/links: counts by class and status, and each link with both sides."""
    links = dataset.graph(LINKS_GRAPH)
    counts: dict[str, Counter[str]] = {}
    rows = []
    for link in links.subjects(RDF.type, KG.IdentityLink):
        status = LINK_STATUSES.get(links.value(link, KG.linkStatus), "unknown")  # type: ignore[call-overload]
        sides = []
        for node in (links.value(link, RDF.subject), links.value(link, RDF.object)):
            article = str(node)[len(str(ID)) :].split("/", 1)[0]
            graph = dataset.graph(article_graph(article))
            kinds = sorted(str(c).split("#")[-1] for c in graph.objects(node, RDF.type))
            sides.append({"article": article, "label": str(graph.value(node, RDFS.label) or ""), "kind": kinds})
        kind = (sides[0]["kind"] or ["?"])[0]
        counts.setdefault(kind, Counter())[status] += 1
        score = links.value(link, KG.matchScore)
        rows.append(
            {
                "kind": kind,
                "status": status,
                "score": None if score is None else float(str(score)),
                "a": {"article": sides[0]["article"], "label": sides[0]["label"]},
                "b": {"article": sides[1]["article"], "label": sides[1]["label"]},
                "shared": sorted(str(a)[len(str(ID["actor/"])) :] for a in links.objects(link, KG.sharedActor)),
            }
        )
    rows.sort(key=lambda r: (r["kind"], r["status"], r["a"]["article"], r["a"]["label"], r["b"]["article"]))
    statuses = ("candidate", "confirmed", "rejected")
    return {
        "by_kind": {k: {s: counts[k][s] for s in statuses} for k in sorted(counts)},
        "list": rows,
    }


def compute_stats(dataset: Dataset) -> dict[str, Any]:
    """Counts by class and relation, and centrality, components and bridges of the actor network."""
    prefix = str(GRAPH["article/"])
    relations: Counter[str] = Counter()
    for graph in dataset.graphs():
        if not str(graph.identifier).startswith(prefix):
            continue
        for fact in graph.subjects(RDF.type, KG.Assertion):
            predicate = graph.value(fact, RDF.predicate)
            relations[str(predicate).split("#")[-1]] += 1
    net = build_network(dataset)
    # entities the articles speak of, by their most specific class (registry actors included)
    classes = Counter(str(d.get("type")) for _n, d in net.nodes(data=True))
    undirected = nx.Graph(net)
    labels = {n: str(d.get("label", n)) for n, d in net.nodes(data=True)}
    actors = [n for n, d in net.nodes(data=True) if d.get("type") in ACTOR_TYPES]
    degree = nx.degree_centrality(undirected) if len(undirected) > 1 else {}
    betweenness = nx.betweenness_centrality(undirected) if len(undirected) > 2 else {}
    sides = _sides(dataset, net)
    european = [n for n, s in sides.items() if s == "European"]
    african = [n for n, s in sides.items() if s == "African"]
    bridging = (
        nx.betweenness_centrality_subset(undirected, sources=european, targets=african, normalized=True)
        if european and african
        else {}
    )
    components = sorted((len(c) for c in nx.connected_components(undirected)), reverse=True)

    def ranked(values: dict[str, float], top: int = 10) -> list[dict[str, Any]]:
        rows = [(round(values.get(n, 0.0), 4), labels[n]) for n in actors]
        rows.sort(key=lambda r: (-r[0], r[1]))
        return [{"actor": label, "value": value} for value, label in rows[:top] if value > 0]

    return {
        "classes": dict(sorted(classes.items())),
        "relations": dict(sorted(relations.items())),
        "network": {"nodes": net.number_of_nodes(), "edges": net.number_of_edges(), "components": components},
        "sides": {"European": sorted(labels[n] for n in european), "African": sorted(labels[n] for n in african)},
        "degree": ranked(degree),
        "betweenness": ranked(betweenness),
        "bridges": ranked(bridging),
        "links": _links(dataset),
    }


def format_stats(stats: dict[str, Any]) -> str:
    """The statistics as plain text tables."""
    out = ["Entities by class:"]
    out += [f"  {name:32} {count:6}" for name, count in stats["classes"].items()]
    out.append("Facts by relation:")
    out += [f"  {name:32} {count:6}" for name, count in stats["relations"].items()]
    net = stats["network"]
    out.append(f"Network: {net['nodes']} nodes, {net['edges']} edges, components of size {net['components']}")
    out.append(f"European side: {', '.join(stats['sides']['European'])}")
    out.append(f"African side: {', '.join(stats['sides']['African'])}")
    for key, title in (
        ("degree", "Degree centrality"),
        ("betweenness", "Betweenness centrality"),
        ("bridges", "Bridging the European and African sides (betweenness between the sides)"),
    ):
        out.append(f"{title}:")
        out += [f"  {row['actor']:32} {row['value']:.4f}" for row in stats[key]]
    links = stats["links"]
    out.append("Cross-article links (the same meeting or document in two articles; kg.links):")
    out += [
        f"  {kind:32} " + ", ".join(f"{n} {status}" for status, n in counts.items())
        for kind, counts in links["by_kind"].items()
    ]
    for row in links["list"]:
        score = "" if row["score"] is None else f" {row['score']:.2f}"
        out.append(
            f"  {row['kind']}, {row['status']}{score}: [{row['a']['article']}] {row['a']['label']}"
            f"  ~  [{row['b']['article']}] {row['b']['label']}"
        )
    if not links["list"]:
        out.append("  none")
    return "\n".join(out) + "\n"
