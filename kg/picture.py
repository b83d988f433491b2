"""A static picture of the network (PNG or SVG) for reports: labelled, coloured by class, with a legend.

Drawn with matplotlib's Agg and SVG back ends and its bundled DejaVu fonts, so nothing is fetched;
SVG text stays text (searchable, selectable).
The layout is Kamada–Kawai (no randomness) and the files carry no dates, so the same network gives
the same bytes.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import Counter
from typing import Any

import networkx as nx

from kg.visualise import DEFAULT_STYLE, STYLE

PICTURE_FORMATS = ("png", "svg")
# matplotlib markers for the vis-network shapes of kg.visualise.STYLE
MARKERS = {
    "dot": "o",
    "ellipse": "o",
    "square": "s",
    "box": "s",
    "hexagon": "h",
    "triangle": "^",
    "triangleDown": "v",
    "diamond": "D",
    "star": "*",
    "text": "P",
}
LABEL_WIDTH = 22  # characters per label line
LABEL_LINES = 2


def short_label(text: str) -> str:
    """A label wrapped to two short lines, cut with an ellipsis when longer."""
    lines = textwrap.wrap(" ".join(text.split()), LABEL_WIDTH) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_WIDTH - 1].rstrip() + "…"
    return "\n".join(lines)


# rings from the centre out: meetings; actors; what they said or agreed; topics, places and the rest
RINGS = (
    ("Meeting",),
    ("State", "SupranationalUnion", "IntergovernmentalOrganization", "Agency", "Institution", "Person"),
    ("Commitment", "Treaty", "MemorandumOfUnderstanding", "JointStatement", "Claim", "Communication"),
)
RADII = (0.0, 1.0, 1.75, 2.5)
EDGE_COLOURS = ("#d62728", "#8c564b", "#2ca02c", "#1f77b4", "#9467bd", "#e377c2", "#bcbd22", "#17becf")
EDGE_LABEL_LIMIT = 60  # above this many edges, edges are coloured by relation instead of labelled


def _ring(cls: str) -> int:
    for number, classes in enumerate(RINGS):
        if cls in classes:
            return number
    return len(RINGS)


def _layout(net: nx.MultiDiGraph) -> dict[Any, tuple[float, float]]:
    """Concentric rings by class; within a ring, nodes sit near the nodes they are linked to."""
    rings: list[list[str]] = [[] for _ in RADII]
    for key in sorted(net.nodes):
        rings[_ring(str(net.nodes[key].get("type", "")))].append(key)
    neighbours = {k: set(net.predecessors(k)) | set(net.successors(k)) for k in net.nodes}
    angles: dict[str, float] = {}
    positions: dict[Any, tuple[float, float]] = {}
    for number, members in enumerate(rings):
        if not members:
            continue
        if angles:
            # order by the mean direction of already placed neighbours (a barycentre heuristic)
            def direction(key: str) -> tuple[float, str, str]:
                placed = [angles[n] for n in neighbours[key] if n in angles]
                if not placed:
                    return (math.inf, "", key)
                x = sum(math.cos(a) for a in placed)
                y = sum(math.sin(a) for a in placed)
                return (math.atan2(y, x) % (2 * math.pi), "", key)

            members = sorted(members, key=direction)
        else:
            members = sorted(members, key=lambda k: (str(net.nodes[k].get("type")), str(net.nodes[k].get("label"))))
        radius = RADII[number] if len(members) > 1 or number else 0.0
        if number == 0 and len(members) > 1:
            radius = 0.3
        for index, key in enumerate(members):
            angle = 2 * math.pi * index / len(members) + (math.pi / len(members) if number % 2 else 0.0)
            angles[key] = angle
            positions[key] = (radius * math.cos(angle), radius * math.sin(angle))
    return positions


def render_picture(net: nx.MultiDiGraph, fmt: str, title: str = "", subtitle: str = "") -> bytes:
    """The network drawn as PNG or SVG bytes."""
    if fmt not in PICTURE_FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}")
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt
    from matplotlib.lines import Line2D

    positions = _layout(net)
    n = max(1, net.number_of_nodes())
    size = min(40.0, max(10.0, 2.2 * n**0.5))
    with matplotlib.rc_context({"svg.hashsalt": "kg", "svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=(size * 1.35, size), dpi=100)
        try:
            ax.set_axis_off()
            edges = sorted(net.edges(data=True), key=lambda e: (e[0], e[1], str(e[2].get("label"))))
            edges = [e for e in edges if e[0] in positions and e[1] in positions and e[0] != e[1]]
            labelled = len(edges) <= EDGE_LABEL_LIMIT
            relations = Counter(str(d.get("label", "")) for _s, _o, d in edges)
            top = sorted(relations, key=lambda r: (-relations[r], r))[: len(EDGE_COLOURS)]
            edge_colour = {r: "#999999" if labelled else EDGE_COLOURS[i] for i, r in enumerate(top)}
            for s, o, data in edges:
                (x1, y1), (x2, y2) = positions[s], positions[o]
                ax.annotate(
                    "",
                    xy=(x2, y2),
                    xytext=(x1, y1),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "color": edge_colour.get(str(data.get("label", "")), "#bbbbbb"),
                        "alpha": 0.8,
                        "lw": 0.7,
                        "shrinkA": 9,
                        "shrinkB": 9,
                        "linestyle": "--" if data.get("origin") == "registry" else "-",
                    },
                    zorder=1,
                )
            seen: set[tuple[str, str]] = set()
            for s, o, data in edges if labelled else []:
                if (s, o) in seen:
                    continue
                seen.add((s, o))
                (x1, y1), (x2, y2) = positions[s], positions[o]
                ax.text(
                    (x1 + x2) / 2,
                    (y1 + y2) / 2,
                    str(data.get("label", "")),
                    fontsize=6,
                    color="#555555",
                    ha="center",
                    va="center",
                    zorder=2,
                )
            counts = Counter(str(net.nodes[k].get("type", "")) for k in net.nodes)
            for cls in sorted(counts):
                colour, shape = STYLE.get(cls, DEFAULT_STYLE)
                members = [k for k in sorted(net.nodes) if str(net.nodes[k].get("type", "")) == cls]
                ax.scatter(
                    [positions[k][0] for k in members],
                    [positions[k][1] for k in members],
                    s=170,
                    c=colour,
                    marker=MARKERS.get(shape, "o"),
                    edgecolors="#333333",
                    linewidths=0.6,
                    zorder=3,
                )
            for key in sorted(net.nodes):
                x, y = positions[key]
                ax.text(
                    x,
                    y - 0.035,
                    short_label(str(net.nodes[key].get("label", key))),
                    fontsize=7.5,
                    ha="center",
                    va="top",
                    zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
                )
            handles = [
                Line2D(
                    [],
                    [],
                    linestyle="",
                    marker=MARKERS.get(STYLE.get(cls, DEFAULT_STYLE)[1], "o"),
                    markersize=9,
                    markerfacecolor=STYLE.get(cls, DEFAULT_STYLE)[0],
                    markeredgecolor="#333333",
                    label=f"{cls} ({counts[cls]})",
                )
                for cls in sorted(counts)
            ]
            if not labelled:
                handles += [Line2D([], [], color=edge_colour[r], lw=1.5, label=f"{r} ({relations[r]})") for r in top]
                if len(relations) > len(top):
                    handles.append(Line2D([], [], color="#bbbbbb", lw=1.5, label="other relations"))
            if handles:
                ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, frameon=False)
            if title:
                ax.set_title(title + (f"\n{subtitle}" if subtitle else ""), fontsize=13, loc="left")
            ax.margins(0.06)
            buffer = io.BytesIO()
            if fmt == "svg":
                fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
            else:
                fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
        finally:
            plt.close(fig)
    return buffer.getvalue()
