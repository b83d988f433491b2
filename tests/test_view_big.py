"""Views of big graphs: the store read in place, the node threshold, aggregated, ego and class views."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import kg_classes, main
from kg.network import build_network, network_from_store
from kg.reduction import by_class, by_country, country_of, ego_network
from kg.store import open_read_only
from kg.view import MAX_VIEW_NODES, load_built

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_view import open_view  # noqa: E402
from gen_corpus import write_corpus  # noqa: E402
from test_html import _launch  # noqa: E402  (the browser tests' Chromium and flags)

ID = "https://w3id.org/migration-kg/id/actor/"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A validated build of 40 synthetic articles: out/kg.trig and out/store."""
    from kg.pipeline import run_build

    root = tmp_path_factory.mktemp("corpus40")
    run_build(write_corpus(40, root / "data"), root / "out")
    return root / "out"


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of 700 synthetic articles (about 1,500 nodes); validation skipped, it changes nothing here."""
    from kg.pipeline import run_build

    root = tmp_path_factory.mktemp("corpus700")
    run_build(write_corpus(700, root / "data"), root / "out", validate=False, files=False)
    return root / "out" / "store"


def _render(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["render", *args])
    return result.exit_code, result.stdout, result.stderr


def _page_data(page: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The nodes and edges a page hands to vis-network, parsed from its script."""
    text = page.read_text(encoding="utf-8")
    nodes = re.search(r"const nodes = new vis\.DataSet\((.*)\);\n", text)
    edges = re.search(r"const edges = new vis\.DataSet\((.*)\);\n", text)
    assert nodes and edges
    return json.loads(nodes.group(1)), json.loads(edges.group(1))


def _same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted((s, o, k, sorted(d.items())) for s, o, k, d in a.edges(keys=True, data=True)) == sorted(
        (s, o, k, sorted(d.items())) for s, o, k, d in b.edges(keys=True, data=True)
    )


def test_store_gives_the_network_of_the_trig(corpus: Path) -> None:
    """Read in place with SPARQL, the store gives the network rdflib gives from the TriG."""
    from_trig = build_network(load_built(corpus / "kg.trig"))
    from_store, _ = network_from_store(open_read_only(corpus / "store"))
    assert from_trig.number_of_nodes() > 50 and from_trig.number_of_edges() > 100
    _same(from_trig, from_store)


def test_render_from_store_is_byte_identical_to_trig(corpus: Path, tmp_path: Path) -> None:
    for name, source in (("a", ["--store", str(corpus / "store")]), ("b", ["--graph", str(corpus / "kg.trig")])):
        for run in ("1", "2"):
            code, _out, err = _render(*source, "--by", "country", "-o", str(tmp_path / f"{name}{run}.html"))
            assert code == 0, err
    pages = {p.name: p.read_bytes() for p in tmp_path.glob("*.html")}
    assert len(set(pages.values())) == 1, "store and TriG, run twice, give the same bytes"


def test_threshold_draws_the_view_aggregated_by_country(corpus: Path, tmp_path: Path) -> None:
    whole = build_network(load_built(corpus / "kg.trig"))
    code, out, err = _render("--store", str(corpus / "store"), "--max-nodes", "20", "-o", str(tmp_path / "v.html"))
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"note: the view has {whole.number_of_nodes()} nodes")
    assert "aggregated by country" in lines[0] and "--all" in lines[0]
    reduced = by_country(whole)
    assert (
        out == f"wrote {tmp_path / 'v.html'} ({reduced.number_of_nodes()} nodes, {reduced.number_of_edges()} edges)\n"
    )
    nodes, _edges = _page_data(tmp_path / "v.html")
    assert len(nodes) == reduced.number_of_nodes() < whole.number_of_nodes()
    # --all draws every node, and says nothing
    code, out, err = _render(
        "--store", str(corpus / "store"), "--max-nodes", "20", "--all", "-o", str(tmp_path / "w.html")
    )
    assert code == 0 and err == ""
    assert len(_page_data(tmp_path / "w.html")[0]) == whole.number_of_nodes()
    # under the threshold, nothing is aggregated
    code, _out, err = _render("--store", str(corpus / "store"), "-o", str(tmp_path / "x.html"))
    assert code == 0 and err == "" and len(_page_data(tmp_path / "x.html")[0]) == whole.number_of_nodes()


def test_default_threshold_is_the_library_s() -> None:
    option = next(p for p in main.commands["render"].params if p.name == "max_nodes")
    assert option.default == MAX_VIEW_NODES


def test_aggregated_by_class_counts_every_node_and_fact(corpus: Path) -> None:
    net = build_network(load_built(corpus / "kg.trig"))
    grouped = by_class(net)
    types = {t for _k, t in net.nodes(data="type")}
    assert set(grouped.nodes) == {f"class:{t}" for t in types}
    assert sum(int(c) for _k, c in grouped.nodes(data="count")) == net.number_of_nodes()
    assert sum(int(c) for _s, _o, c in grouped.edges(data="count")) == net.number_of_edges()
    meetings = sum(1 for _k, t in net.nodes(data="type") if t == "Meeting")
    assert meetings == 40 and grouped.nodes["class:Meeting"]["label"] == "Meeting (40)"
    participations = sum(
        1 for s, o, p in net.edges(data="predicate") if p == "participatedIn" and net.nodes[s]["type"] == "State"
    )
    edge = grouped.get_edge_data("class:State", "class:Meeting")["participatedIn@article"]
    assert edge["count"] == str(participations) and edge["label"] == f"participated in ({participations})"


def test_country_of_follows_posts_and_parts(seed_network: nx.MultiDiGraph) -> None:
    countries = country_of(seed_network)
    lamorgese = next(k for k, a in seed_network.nodes(data=True) if a.get("label") == "Luciana Lamorgese")
    assert countries[lamorgese] == ID + "italy"  # holds a post in Italy's government
    assert countries[ID + "tunisia"] == ID + "tunisia"
    meeting = next(k for k, t in seed_network.nodes(data="type") if t == "Meeting")
    assert meeting not in countries


def test_aggregated_by_country(seed_network: nx.MultiDiGraph) -> None:
    grouped = by_country(seed_network)
    italy = grouped.nodes[ID + "italy"]
    assert italy["iso3166"] == "IT" and italy["type"] == "State"
    members = [k for k, c in country_of(seed_network).items() if c == ID + "italy"]
    assert italy["label"] == f"Italy ({len(members)})" and len(members) >= 3
    assert "Luciana Lamorgese" in italy["members"]
    assert sum(int(c) for _k, c in grouped.nodes(data="count")) == seed_network.number_of_nodes()
    assert sum(int(c) for _s, _o, c in grouped.edges(data="count")) == seed_network.number_of_edges()


@pytest.fixture(scope="module")
def seed_network(built_graph: Path) -> nx.MultiDiGraph:
    return build_network(load_built(built_graph))


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_ego_network_holds_what_is_within_depth(seed_network: nx.MultiDiGraph, depth: int) -> None:
    centre = ID + "tunisia"
    ego = ego_network(seed_network, centre, depth)
    expected = nx.single_source_shortest_path_length(seed_network.to_undirected(as_view=True), centre, cutoff=depth)
    assert set(ego.nodes) == set(expected)
    # every fact among those nodes, with its evidence
    assert ego.number_of_edges() == seed_network.subgraph(expected).number_of_edges()
    for s, o, key, attrs in ego.edges(keys=True, data=True):
        assert seed_network.edges[s, o, key] == attrs


def test_render_ego_by_id_and_label(built_graph: Path, tmp_path: Path) -> None:
    code, out, err = _render("--graph", str(built_graph), "--ego", "tunisia", "-o", str(tmp_path / "a.html"))
    assert code == 0, err
    nodes, edges = _page_data(tmp_path / "a.html")
    labels = {n["label"] for n in nodes}
    assert "Tunisia" in labels and "Italy" not in labels  # Italy is two facts away (via the meeting)
    assert out.endswith(f"({len(nodes)} nodes, {len(edges)} edges)\n")
    code, _out, err = _render("--graph", str(built_graph), "--ego", "Tunisia", "-o", str(tmp_path / "b.html"))
    assert code == 0 and (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    code, _out, err = _render(
        "--graph", str(built_graph), "--ego", "tunisia", "--depth", "2", "-o", str(tmp_path / "c.html")
    )
    assert code == 0 and "Italy" in {n["label"] for n in _page_data(tmp_path / "c.html")[0]}


def test_render_class_filter(built_graph: Path, tmp_path: Path, seed_network: nx.MultiDiGraph) -> None:
    code, _out, err = _render(
        "--graph", str(built_graph), "--class", "State", "--class", "Meeting", "-o", str(tmp_path / "c.html")
    )
    assert code == 0, err
    nodes, edges = _page_data(tmp_path / "c.html")
    assert {n["kgClass"] for n in nodes} == {"State", "Meeting"}
    assert len(nodes) == sum(1 for _k, t in seed_network.nodes(data="type") if t in ("State", "Meeting"))
    assert edges  # states took part in the meeting


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--ego", "atlantis"],
            3,
            "Error: no node in the network matches `atlantis` (--ego) — give a registry id (e.g. tunisia), an IRI",
        ),
        (["--class", "Stat"], 2, "`Stat` is not a kg class; one of Actor, Agency"),
        (["--by", "continent"], 2, "'continent' is not one of 'class', 'country'"),
        (["--depth", "-1"], 2, "-1 is not in the range x>=0"),
        (["--store", "nowhere"], 2, "give --graph or --store, not both"),
    ],
)
def test_render_errors(built_graph: Path, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    target = tmp_path / "view.html"
    exit_code, _out, err = _render("--graph", str(built_graph), *args, "-o", str(target))
    assert exit_code == code and message in err
    assert "Traceback" not in err and not target.exists()


def test_render_missing_store(tmp_path: Path) -> None:
    code, _out, err = _render("--store", str(tmp_path / "store"), "-o", str(tmp_path / "v.html"))
    assert code == 3
    store = tmp_path / "store"
    assert err == f"Error: no built store at {store} ({store}) — run `kg build` first, or pass --graph\n"


def test_class_names_are_the_ontology_s() -> None:
    from rdflib import OWL, RDF, Graph

    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    ns = "https://w3id.org/migration-kg/ontology#"
    declared = {str(c)[len(ns) :] for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(ns)}
    assert set(kg_classes()) == declared


def _wait_ready(browser, page_path: Path) -> tuple[dict[str, int], list[str]]:  # type: ignore[no-untyped-def]
    ready, outside, errors, physics = open_view(browser, page_path, 60)
    assert ready is not None, "the view was not interactive within 60 s"
    assert physics is False
    return ready, outside + errors


@pytest.mark.browser
@pytest.mark.slow
def test_big_views_become_interactive_offline(medium: Path, tmp_path: Path) -> None:
    """A whole view of ~1,500 nodes (big settings) and a reduced view reach kgReady with no outside request."""
    whole, country = tmp_path / "whole.html", tmp_path / "country.html"
    code, out, err = _render("--store", str(medium), "--all", "-o", str(whole))
    assert code == 0, err
    nodes = int(re.search(r"\((\d+) nodes", out).group(1))  # type: ignore[union-attr]
    assert 1000 < nodes < 2500
    assert '"improvedLayout": false' in whole.read_text(encoding="utf-8")  # the big-view settings
    code, out, err = _render("--store", str(medium), "--max-nodes", "1000", "-o", str(country))
    assert code == 0 and "aggregated by country" in err
    manager, browser = _launch()
    try:
        ready, problems = _wait_ready(browser, whole)
        assert problems == [] and ready["nodes"] == nodes
        ready, problems = _wait_ready(browser, country)
        assert problems == [] and ready["nodes"] == len(_page_data(country)[0]) < 300
    finally:
        browser.close()
        manager.stop()
