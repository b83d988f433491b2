"""The network as one self-contained HTML page (vis-network inlined; nothing loaded from outside).

pyvis 0.3.2 pages load Bootstrap and, unless told otherwise, vis-network from CDNs, and its
``write_html`` writes a lib/ folder into the current directory. kg takes only pyvis's bundled copy
of vis-network and writes its own page around it. Text from articles is placed in the page as JSON
data (with ``<``, ``>`` and ``&`` escaped) and shown by vis-network as plain text, never as markup.
"""

from __future__ import annotations

import html
import json
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
    return "\n".join(lines)


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
                "group": str(attrs.get("type", "")),
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
    types = sorted({str(net.nodes[k].get("type", "")) for k in net.nodes})
    legend = "".join(
        f'<li><span class="swatch" style="background:{STYLE.get(t, DEFAULT_STYLE)[0]}"></span>{html.escape(t)}</li>'
        for t in types
    )
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
.swatch {{ display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; border-radius: 2px; }}
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
<div id="legend"><ul>{legend}</ul></div>
</header>
<div id="network"></div>
<script>{js}</script>
<script>
"use strict";
const nodes = new vis.DataSet({nodes});
const edges = new vis.DataSet({edges});
const network = new vis.Network(document.getElementById("network"), {{nodes: nodes, edges: edges}}, {{
  physics: {{ stabilization: {{ iterations: 400 }}, barnesHut: {{ springLength: 140 }} }},
  edges: {{ font: {{ size: 9, align: "middle" }}, smooth: {{ type: "continuous" }} }},
  nodes: {{ font: {{ size: 13 }} }},
  interaction: {{ hover: true, tooltipDelay: 150 }}
}});
window.kgNetwork = network;
window.kgSettled = false;
network.once("stabilizationIterationsDone", function () {{
  network.setOptions({{ physics: false }});
  window.kgSettled = true;
}});
document.getElementById("search").addEventListener("input", function (event) {{
  const needle = event.target.value.trim().toLowerCase();
  const out = document.getElementById("search-result");
  if (!needle) {{ network.unselectAll(); out.textContent = ""; return; }}
  const hits = nodes.get({{ filter: function (n) {{ return n.label.toLowerCase().includes(needle); }} }});
  network.selectNodes(hits.map(function (n) {{ return n.id; }}));
  if (hits.length) {{ network.focus(hits[0].id, {{ scale: 1.2 }}); }}
  out.textContent = hits.length + " found";
}});
</script>
</body>
</html>
"""
