"""Smaller networks for views of big graphs: aggregated by class or by country, an ego network, some classes.

Every function takes a network (``build_network``, ``network_from_store``) and returns a new one
that the views draw like any other. An aggregated node stands for a group of nodes and carries
``count`` and ``members`` (the first labels); an aggregated edge stands for the facts of one
relation between two groups and carries ``count``, its label ending in that count.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable

import networkx as nx

from kg.errors import UnknownEntity

# how an actor belongs to a state: a ministry is part of it, a person represents it or holds a
# post in it, a post is a post in it (followed up to this many steps)
COUNTRY_EDGES = {"partOf", "represents", "holdsPost", "postIn"}
COUNTRY_STEPS = 3
MEMBERS_SHOWN = 12


def country_of(net: nx.MultiDiGraph) -> dict[str, str]:
    """The state each node belongs to, for the nodes that belong to one: a state is its own.

    Follows ``partOf``, ``represents``, ``holdsPost`` and ``postIn`` facts (article facts and
    registry membership in the network) outward, at most COUNTRY_STEPS steps, to the nearest
    State; ties go to the state whose key sorts first.
    """
    states = {key for key, attrs in net.nodes(data=True) if attrs.get("type") == "State"}
    out: dict[str, str] = {}
    for start in sorted(net.nodes):
        if start in states:
            out[start] = start
            continue
        seen, frontier = {start}, [start]
        for _step in range(COUNTRY_STEPS):
            reached = sorted(
                {
                    o
                    for node in frontier
                    for _s, o, predicate in net.out_edges(node, data="predicate")
                    if predicate in COUNTRY_EDGES and o not in seen
                }
            )
            found = [node for node in reached if node in states]
            if found:
                out[start] = found[0]
                break
            seen.update(reached)
            frontier = reached
            if not frontier:
                break
    return out


def _members(labels: list[str]) -> str:
    shown = sorted(labels)[:MEMBERS_SHOWN]
    more = len(labels) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def aggregate(
    net: nx.MultiDiGraph, group_of: Callable[[str], tuple[str, dict[str, str]]], what: str
) -> nx.MultiDiGraph:
    """One node per group of nodes and one edge per relation between two groups, with counts.

    ``group_of(key)`` gives a node's group key and the attributes of the group's node (label,
    type, ...). ``what`` names the groups in tooltips ("nodes of this class").
    """
    groups: dict[str, dict[str, str]] = {}
    members: dict[str, list[str]] = defaultdict(list)
    group: dict[str, str] = {}
    for key in sorted(net.nodes):
        name, attrs = group_of(key)
        group[key] = name
        groups.setdefault(name, attrs)
        members[name].append(str(net.nodes[key].get("label", key)))
    out = nx.MultiDiGraph()
    for name in sorted(groups):
        attrs = dict(groups[name])
        count = len(members[name])
        attrs["label"] = f"{attrs['label']} ({count})"
        attrs["count"] = str(count)
        attrs["members"] = f"{count} {what}: {_members(members[name])}"
        out.add_node(name, **attrs)
    facts: dict[tuple[str, str, str, str], int] = defaultdict(int)
    labels: dict[str, str] = {}
    for s, o, attrs in net.edges(data=True):
        predicate, origin = str(attrs.get("predicate", "")), str(attrs.get("origin", ""))
        facts[(group[s], group[o], predicate, origin)] += 1
        labels[predicate] = str(attrs.get("label", predicate))
    for (s, o, predicate, origin), count in sorted(facts.items()):
        out.add_edge(
            s,
            o,
            key=f"{predicate}@{origin}",
            predicate=predicate,
            label=f"{labels[predicate]} ({count})",
            count=str(count),
            article="",
            evidence="",
            stated_by="",
            origin=origin,
        )
    return out


def by_class(net: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The network with one node per class (how many nodes) and one edge per relation between classes."""

    def group_of(key: str) -> tuple[str, dict[str, str]]:
        cls = str(net.nodes[key].get("type", "Thing"))
        return f"class:{cls}", {"label": cls, "type": cls, "iri": ""}

    return aggregate(net, group_of, "nodes of this class")


def by_country(net: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The network with one node per state (the state, its ministries, persons and posts; see ``country_of``).

    Nodes that belong to no state (meetings, agreements, claims, places, topics, unions and
    agencies) are grouped by class.
    """
    countries = country_of(net)

    def group_of(key: str) -> tuple[str, dict[str, str]]:
        state = countries.get(key)
        if state is None:
            cls = str(net.nodes[key].get("type", "Thing"))
            return f"class:{cls}", {"label": cls, "type": cls, "iri": ""}
        attrs = net.nodes[state]
        kept = {k: str(attrs[k]) for k in ("label", "type", "iri", "wikidata", "iso3166") if k in attrs}
        return state, kept

    return aggregate(net, group_of, "nodes of this state or of no state")


def ego_network(net: nx.MultiDiGraph, centre: str, depth: int = 1) -> nx.MultiDiGraph:
    """The nodes at most ``depth`` facts away from ``centre`` (either direction), and every fact among them."""
    if centre not in net:
        raise UnknownEntity(f"no node `{centre}` in the network", "--ego", "give a registry id, an IRI or a label")
    reached = {centre: 0}
    queue = deque([centre])
    while queue:
        node = queue.popleft()
        if reached[node] == depth:
            continue
        for neighbour in sorted(set(net.successors(node)) | set(net.predecessors(node))):
            if neighbour not in reached:
                reached[neighbour] = reached[node] + 1
                queue.append(neighbour)
    return net.subgraph(reached).copy()


def of_classes(net: nx.MultiDiGraph, classes: list[str]) -> nx.MultiDiGraph:
    """The nodes of the given classes (kg class local names) and the facts among them."""
    wanted = set(classes)
    return net.subgraph([k for k, t in net.nodes(data="type") if t in wanted]).copy()
