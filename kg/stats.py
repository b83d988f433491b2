"""Network analysis of the built graph: counts, centrality, components and cross-side bridges."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
from rdflib import Dataset
from rdflib.namespace import RDF

from kg.namespaces import BACKGROUND_GRAPH, GRAPH, ID, KG
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
    return "\n".join(out) + "\n"
