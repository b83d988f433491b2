"""The network as one self-contained HTML page (vis-network inlined; nothing loaded from outside).

pyvis 0.3.2 pages load Bootstrap and, unless told otherwise, vis-network from CDNs, and its
``write_html`` writes a lib/ folder into the current directory. kg takes only pyvis's bundled copy
of vis-network and writes its own page around it. Text from articles is placed in the page as JSON
data (with ``<``, ``>`` and ``&`` escaped) and shown by vis-network as plain text, never as markup.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

# colour and shape per class, shared by the page and its legend
STYLE: dict[str, tuple[str, str]] = {
    "State": ("#1f77b4", "dot"),
    "SupranationalUnion": ("#17becf", "hexagon"),
    "IntergovernmentalOrganization": ("#9467bd", "hexagon"),
    "Agency": ("#2ca02c", "square"),
    "Institution": ("#98df8a", "square"),
    "Person": ("#ff7f0e", "triangle"),
    "Post": ("#ffbb78", "triangleDown"),
    "Meeting": ("#d62728", "star"),
    "Commitment": ("#8c564b", "diamond"),
    "Treaty": ("#8c564b", "diamond"),
    "MemorandumOfUnderstanding": ("#8c564b", "diamond"),
    "JointStatement": ("#8c564b", "diamond"),
    "Claim": ("#e377c2", "box"),
    "Communication": ("#c49c94", "box"),
    "Place": ("#7f7f7f", "ellipse"),
    "OnlinePlace": ("#7f7f7f", "ellipse"),
    "Topic": ("#bcbd22", "text"),
}
DEFAULT_STYLE = ("#aaaaaa", "dot")

# vis-network options of a small view: what the seed page was designed with
SMALL_OPTIONS: dict[str, Any] = {
    "physics": {
        "stabilization": {"iterations": 400},
        "barnesHut": {"gravitationalConstant": -6000, "springLength": 180, "avoidOverlap": 0.3},
    },
    "edges": {"font": {"size": 9, "align": "middle"}, "smooth": {"type": "continuous"}},
    "nodes": {"font": {"size": 13}, "widthConstraint": {"maximum": 200}},
    "interaction": {"hover": True, "tooltipDelay": 150},
}
# above BIG_NODES nodes vis-network's improvedLayout (Kamada-Kawai on clusters), smooth edges,
# edge labels and wrapped node labels take seconds to minutes (bench/bench_view.py): big views
# start from a layout computed here (initial_layout), and the physics only polishes it, with a
# coarser Barnes-Hut (theta 1.5) for a number of iterations that keeps the work about constant.
# Measured on a loaded 2-core machine: the small settings take 1.6 s at 240 nodes, 3.7 s at 460
# and 8 s at 900; the big ones 0.5 s, 1.0 s and 4 s at 5,000 nodes
BIG_NODES = 300
BIG_WORK = 100_000  # stabilisation iterations × nodes
BIG_LABEL = 40  # characters of a node label in a big view (the tooltip and the search keep all of it)
BIG_OPTIONS: dict[str, Any] = {
    "layout": {"improvedLayout": False},
    "physics": {
        "stabilization": {"iterations": 150, "updateInterval": 50},
        "barnesHut": {"gravitationalConstant": -3000, "springLength": 120, "damping": 0.3, "theta": 1.5},
    },
    "edges": {"arrows": "to", "smooth": False},
    "nodes": {"font": {"size": 13}},
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True},
}
SETTINGS = ("auto", "small", "big")


def initial_layout(net: nx.MultiDiGraph, pivots: int = 40, spacing: float = 60.0) -> dict[str, tuple[int, int]]:
    """Positions for a big view, so that vis-network's physics only polishes them.

    Pivot MDS (Brandes and Pich, 2006): hop distances from a few pivots chosen far apart, and the
    two main axes of those distances (an SVD of an n × pivots matrix) as coordinates. Linear in the
    size of the graph: about a second for 10,000 nodes, where a force layout in Python takes
    minutes. Nodes at the same distances from every pivot (leaves of one hub) are spread on a small
    spiral so that the physics can tell them apart. Deterministic; ``spacing``: pixels per node.
    """
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import shortest_path

    keys = sorted(net.nodes)
    n = len(keys)
    if n == 0:
        return {}
    index = {key: i for i, key in enumerate(keys)}
    pairs = np.array([(index[s], index[o]) for s, o in net.edges() if s != o] or [(0, 0)]).T
    adjacency = coo_matrix((np.ones(pairs.shape[1]), (pairs[0], pairs[1])), shape=(n, n)).tocsr()
    degree = np.asarray((adjacency + adjacency.T).sum(axis=1)).ravel()
    chosen = [int(np.argmax(degree))]
    distances = []
    nearest = np.full(n, np.inf)
    for _ in range(min(pivots, n)):
        row = shortest_path(adjacency, directed=False, unweighted=True, indices=chosen[-1])
        distances.append(row)
        nearest = np.minimum(nearest, row)
        # the next pivot: the node farthest from every pivot so far (other components first)
        far = np.where(np.isinf(nearest), np.inf, nearest)
        if not np.any(far > 0):
            break
        chosen.append(int(np.argmax(far)))
    matrix = np.array(distances).T  # n × pivots
    finite = np.isfinite(matrix)
    # other components: one hop beyond the farthest node, so they sit at the edge of the picture
    matrix[~finite] = (matrix[finite].max() if finite.any() else 0.0) + 1.0
    squared = matrix**2
    centred = squared - squared.mean(axis=0) - squared.mean(axis=1, keepdims=True) + squared.mean()
    if centred.shape[1] >= 2:
        # the two main eigenvectors of the small pivots × pivots matrix, projected back
        values, vectors = np.linalg.eigh(centred.T @ centred)
        top = vectors[:, np.argsort(values)[::-1][:2]]
        coords = -0.5 * centred @ top
        scale = np.abs(coords).max()
        # a square of about ``spacing`` pixels per node along each side
        coords *= (spacing * np.sqrt(n) / 2.0 / scale) if scale > 0 else 0.0
    else:
        coords = np.zeros((n, 2))
    # the sign of an SVD axis is arbitrary: fix it so that the node of highest degree is up-left
    for axis in range(2):
        if coords[chosen[0], axis] > 0:
            coords[:, axis] = -coords[:, axis]
    # spread nodes that share a spot on a golden-angle spiral around it
    seen: dict[tuple[int, int], int] = {}
    out: dict[str, tuple[int, int]] = {}
    for i, key in enumerate(keys):
        x, y = coords[i]
        spot = (round(x), round(y))
        rank = seen.get(spot, 0)
        seen[spot] = rank + 1
        radius = 12.0 * np.sqrt(rank)
        angle = rank * 2.399963
        out[key] = (round(x + radius * np.cos(angle)), round(y + radius * np.sin(angle)))
    return out


def _big_options(nodes: int) -> dict[str, Any]:
    options = json.loads(json.dumps(BIG_OPTIONS))
    options["physics"]["stabilization"]["iterations"] = max(20, min(150, BIG_WORK // max(nodes, 1)))
    return options  # type: ignore[no-any-return]


def _vis_assets() -> tuple[str, str]:
    import pyvis  # only for its bundled, versioned copy of vis-network

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(
        encoding="utf-8"
    )


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _node_title(attrs: dict[str, Any]) -> str:
    lines = [str(attrs.get("label", "")), f"type: {attrs.get('type', '')}"]
    if attrs.get("wikidata"):
        lines.append(f"Wikidata: {attrs['wikidata']}")
    if attrs.get("iso3166"):
        lines.append(f"ISO 3166: {attrs['iso3166']}")
    if attrs.get("iri"):
        lines.append(str(attrs["iri"]))
    if attrs.get("members"):  # a group of an aggregated view
        lines.append(str(attrs["members"]))
    if attrs.get("mentions"):
        lines.append("mentioned in:\n" + str(attrs["mentions"]))
    return "\n".join(lines)


# small inline SVG pictures of the vis-network shapes, for the legend
_ICON_SHAPES = {
    "dot": '<circle cx="7" cy="7" r="6"/>',
    "ellipse": '<ellipse cx="7" cy="7" rx="6.5" ry="4.5"/>',
    "square": '<rect x="1.5" y="1.5" width="11" height="11"/>',
    "box": '<rect x="0.5" y="3" width="13" height="8" rx="2"/>',
    "hexagon": '<polygon points="7,0.5 12.6,3.8 12.6,10.2 7,13.5 1.4,10.2 1.4,3.8"/>',
    "triangle": '<polygon points="7,1 13,13 1,13"/>',
    "triangleDown": '<polygon points="1,1 13,1 7,13"/>',
    "diamond": '<polygon points="7,0.5 13.5,7 7,13.5 0.5,7"/>',
    "star": '<polygon points="7,0.5 8.8,5 13.5,5.2 9.8,8.2 11.1,13 7,10.3 2.9,13 4.2,8.2 0.5,5.2 5.2,5"/>',
    "text": '<text x="2" y="12" font-size="13" font-weight="bold">T</text>',
}


def _legend_item(cls: str, count: int) -> str:
    colour, shape = STYLE.get(cls, DEFAULT_STYLE)
    icon = _ICON_SHAPES.get(shape, _ICON_SHAPES["dot"])
    name = html.escape(cls)
    return (
        f'<li><label><input type="checkbox" class="kg-filter" value="{name}" checked> '
        f'<svg width="14" height="14" viewBox="0 0 14 14" fill="{colour}" aria-hidden="true">{icon}</svg> '
        f"{name} ({count})</label></li>"
    )


def _edge_title(attrs: dict[str, Any]) -> str:
    lines = [str(attrs.get("label", ""))]
    if attrs.get("count"):  # facts of an aggregated view
        kind = "registry background facts" if attrs.get("origin") == "registry" else "facts"
        lines.append(f"{attrs['count']} {kind}")
    elif attrs.get("origin") == "registry":
        lines.append("registry background knowledge")
    else:
        lines.append(f"article: {attrs.get('article', '')}")
        if attrs.get("stated_by"):
            lines.append(f"stated by: {attrs['stated_by']}")
        if attrs.get("evidence"):
            lines.append("evidence: " + str(attrs["evidence"]))
    return "\n".join(lines)


def render_html(
    net: nx.MultiDiGraph, title: str = "kg: migration-cooperation network", subtitle: str = "", settings: str = "auto"
) -> bytes:
    """A self-contained HTML page showing ``net``; returns UTF-8 bytes.

    ``settings``: ``small`` (vis-network lays out from scratch, curved edges with labels), ``big``
    (no edge labels, straight edges, bounded stabilisation from a layout computed here) or ``auto``
    (big above BIG_NODES nodes).
    """
    big = settings == "big" or (settings == "auto" and net.number_of_nodes() > BIG_NODES)
    nodes, edges = [], []
    index = {key: i for i, key in enumerate(sorted(net.nodes))}
    positions = initial_layout(net) if big else {}
    for key in sorted(net.nodes):
        attrs = net.nodes[key]
        colour, shape = STYLE.get(str(attrs.get("type")), DEFAULT_STYLE)
        label = str(attrs.get("label", key))
        node = {
            "id": index[key],
            "label": label,
            "title": _node_title(attrs),
            # "kgClass", not vis-network's "group", whose default palette would override "color"
            "kgClass": str(attrs.get("type", "")),
            "color": colour,
            "shape": shape,
        }
        if key in positions:
            node["x"], node["y"] = positions[key]
        if attrs.get("count"):  # a group of an aggregated view: bigger for more members
            node["size"] = round(10 + 4 * math.log2(int(attrs["count"])), 1)
        if big and len(label) > BIG_LABEL:
            node["label"], node["kgName"] = label[: BIG_LABEL - 1].rstrip() + "…", label
        nodes.append(node)
    for s, o, _key, attrs in sorted(net.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        edge: dict[str, Any] = {"from": index[s], "to": index[o], "title": _edge_title(attrs)}
        if attrs.get("count"):  # facts of an aggregated view: thicker for more facts
            edge["width"] = round(1 + math.log2(int(attrs["count"])), 1)
        if big:
            # no label: thousands of them make every frame slow (the tooltip names the relation);
            # arrows are set once in the options, dashes only where they are drawn
            if attrs.get("origin") == "registry":
                edge["dashes"] = True
        else:
            edge.update(label=str(attrs.get("label", "")), arrows="to", dashes=attrs.get("origin") == "registry")
        edges.append(edge)
    counts: Counter[str] = Counter()
    for key in net.nodes:  # a group of an aggregated view counts its members
        counts[str(net.nodes[key].get("type", ""))] += int(net.nodes[key].get("count", 1))
    legend = "".join(_legend_item(cls, counts[cls]) for cls in sorted(counts))
    js, css = _vis_assets()
    page = _PAGE.format(
        title=html.escape(title),
        subtitle=html.escape(subtitle or f"{len(nodes)} nodes, {len(edges)} edges"),
        legend=legend,
        css=css,
        js=js,
        nodes=_script_json(nodes),
        options=_script_json(_big_options(len(nodes)) if big else SMALL_OPTIONS),
        edges=_script_json(edges),
    )
    return page.encode("utf-8")


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{css}</style>
<style>
body {{ font-family: sans-serif; margin: 0; }}
header {{ padding: 0.5em 1em; border-bottom: 1px solid #ddd; }}
header h1 {{ font-size: 1.3em; margin: 0.2em 0; }}
#legend ul {{ list-style: none; padding: 0; margin: 0.3em 0; display: flex; flex-wrap: wrap; gap: 1em; }}
#legend svg {{ vertical-align: -2px; }}
#legend label {{ cursor: pointer; }}
#network {{ width: 100%; height: calc(100vh - 9em); }}
div.vis-tooltip {{ white-space: pre-wrap; max-width: 40em; }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p id="subtitle">{subtitle}</p>
<label for="search">Find a node:</label> <input id="search" type="search" placeholder="e.g. Frontex">
<span id="search-result"></span>
<div id="legend" title="Untick a class to hide its nodes"><ul>{legend}</ul></div>
</header>
<div id="network"></div>
<script>{js}</script>
<script>
"use strict";
const nodes = new vis.DataSet({nodes});
const edges = new vis.DataSet({edges});
const hidden = new Set();
const shown = new vis.DataView(nodes, {{ filter: function (n) {{ return !hidden.has(n.kgClass); }} }});
const network = new vis.Network(document.getElementById("network"), {{nodes: shown, edges: edges}}, {options});
window.kgNetwork = network;
window.kgSettled = false;
window.kgReady = null;
window.kgShownNodes = function () {{ return shown.getIds(); }};
network.once("stabilizationIterationsDone", function () {{
  network.setOptions({{ physics: false }});
  network.storePositions();  // hidden and shown again, a node comes back where it was
  window.kgSettled = true;
  // interactive: settled, physics off, and the settled layout drawn (vis-network redraws next)
  network.once("afterDrawing", function () {{
    window.kgReady = {{ ms: Math.round(performance.now()), nodes: nodes.length, edges: edges.length }};
  }});
}});
document.querySelectorAll("input.kg-filter").forEach(function (box) {{
  box.addEventListener("change", function () {{
    if (box.checked) {{ hidden.delete(box.value); }} else {{ hidden.add(box.value); }}
    shown.refresh();
  }});
}});
document.getElementById("search").addEventListener("input", function (event) {{
  const needle = event.target.value.trim().toLowerCase();
  const out = document.getElementById("search-result");
  if (!needle) {{ network.unselectAll(); out.textContent = ""; return; }}
  const hits = shown.get({{ filter: function (n) {{ return (n.kgName || n.label).toLowerCase().includes(needle); }} }});
  network.selectNodes(hits.map(function (n) {{ return n.id; }}));
  if (hits.length) {{ network.focus(hits[0].id, {{ scale: 1.2 }}); }}
  out.textContent = hits.length + " found";
}});
</script>
</body>
</html>
"""
