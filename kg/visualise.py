"""The network as one self-contained HTML page (vis-network inlined; nothing loaded from outside).

pyvis 0.3.2 pages load Bootstrap and, unless told otherwise, vis-network from CDNs, and its
``write_html`` writes a lib/ folder into the current directory. kg takes only pyvis's bundled copy
of vis-network and writes its own page around it. Text from articles is placed in the page as JSON
data (with ``<``, ``>`` and ``&`` escaped) and shown by vis-network as plain text, never as markup.
"""

from __future__ import annotations

import html
import json
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
    lines.append(str(attrs.get("iri", "")))
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
    if attrs.get("origin") == "registry":
        lines.append("registry background knowledge")
    else:
        lines.append(f"article: {attrs.get('article', '')}")
        if attrs.get("stated_by"):
            lines.append(f"stated by: {attrs['stated_by']}")
        if attrs.get("evidence"):
            lines.append("evidence: " + str(attrs["evidence"]))
    return "\n".join(lines)


def render_html(net: nx.MultiDiGraph, title: str = "kg: migration-cooperation network", subtitle: str = "") -> bytes:
    """A self-contained HTML page showing ``net``; returns UTF-8 bytes."""
    nodes, edges = [], []
    index = {key: i for i, key in enumerate(sorted(net.nodes))}
    for key in sorted(net.nodes):
        attrs = net.nodes[key]
        colour, shape = STYLE.get(str(attrs.get("type")), DEFAULT_STYLE)
        nodes.append(
            {
                "id": index[key],
                "label": str(attrs.get("label", key)),
                "title": _node_title(attrs),
                # "kgClass", not vis-network's "group", whose default palette would override "color"
                "kgClass": str(attrs.get("type", "")),
                "color": colour,
                "shape": shape,
            }
        )
    for s, o, _key, attrs in sorted(net.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        edges.append(
            {
                "from": index[s],
                "to": index[o],
                "label": str(attrs.get("label", "")),
                "title": _edge_title(attrs),
                "arrows": "to",
                "dashes": attrs.get("origin") == "registry",
            }
        )
    counts = Counter(str(net.nodes[k].get("type", "")) for k in net.nodes)
    legend = "".join(_legend_item(cls, counts[cls]) for cls in sorted(counts))
    js, css = _vis_assets()
    page = _PAGE.format(
        title=html.escape(title),
        subtitle=html.escape(subtitle or f"{len(nodes)} nodes, {len(edges)} edges"),
        legend=legend,
        css=css,
        js=js,
        nodes=_script_json(nodes),
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
const network = new vis.Network(document.getElementById("network"), {{nodes: shown, edges: edges}}, {{
  physics: {{
    stabilization: {{ iterations: 400 }},
    barnesHut: {{ gravitationalConstant: -6000, springLength: 180, avoidOverlap: 0.3 }}
  }},
  edges: {{ font: {{ size: 9, align: "middle" }}, smooth: {{ type: "continuous" }} }},
  nodes: {{ font: {{ size: 13 }}, widthConstraint: {{ maximum: 200 }} }},
  interaction: {{ hover: true, tooltipDelay: 150 }}
}});
window.kgNetwork = network;
window.kgSettled = false;
window.kgShownNodes = function () {{ return shown.getIds(); }};
network.once("stabilizationIterationsDone", function () {{
  network.setOptions({{ physics: false }});
  network.storePositions();  // hidden and shown again, a node comes back where it was
  window.kgSettled = true;
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
  const hits = shown.get({{ filter: function (n) {{ return n.label.toLowerCase().includes(needle); }} }});
  network.selectNodes(hits.map(function (n) {{ return n.id; }}));
  if (hits.length) {{ network.focus(hits[0].id, {{ scale: 1.2 }}); }}
  out.textContent = hits.length + " found";
}});
</script>
</body>
</html>
"""
