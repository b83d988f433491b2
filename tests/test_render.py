"""`kg render` (HTML, PNG, SVG; whole graph or a CONSTRUCT result) and `kg path`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import main
from kg.picture import short_label


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_render_whole_graph_html(built_graph: Path, tmp_path: Path) -> None:
    target = tmp_path / "view.html"
    result = run("render", "--graph", str(built_graph), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert "46 nodes" in result.output
    page = target.read_text(encoding="utf-8")
    assert "<h1>kg: migration-cooperation network</h1>" in page
    assert 'class="kg-filter" value="State" checked' in page and "State (10)" in page
    assert "<svg" in page  # legend shapes


def test_render_construct_query(built_graph: Path, tmp_path: Path) -> None:
    target = tmp_path / "ego.html"
    result = run(
        "render", "--graph", str(built_graph), "--query", "ego-network", "--param", "actor=afripol", "-o", str(target)
    )
    assert result.exit_code == 0, result.stderr
    # Frontex, Europol, the African Union; part of the AU both per the article and the registry
    assert "(4 nodes, 4 edges)" in result.output
    page = target.read_text(encoding="utf-8")
    assert "kg: ego-network (actor=afripol)" in page
    assert "Which facts link one actor" in page
    # the edges keep their evidence from the article
    assert "including the border Agency Frontex and Europol" in page


def test_render_refuses_select_and_missing_graph(built_graph: Path, tmp_path: Path) -> None:
    target = tmp_path / "v.html"
    result = run("render", "--graph", str(built_graph), "--query", "participants", "-o", str(target))
    assert result.exit_code == 6 and "needs a CONSTRUCT or DESCRIBE query" in result.stderr
    result = run("render", "--graph", str(tmp_path / "none.trig"), "-o", str(target))
    assert result.exit_code == 3 and "run `kg build` first" in result.stderr
    result = run("render", "--graph", str(built_graph), "--param", "actor=italy", "-o", str(target))
    assert result.exit_code == 2
    assert not target.exists()


def test_render_keeps_earlier_output_when_it_cannot_write(built_graph: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.html"
    folder.mkdir()
    result = run("render", "--graph", str(built_graph), "-o", str(folder))
    assert result.exit_code == 5 and "is a folder" in result.stderr
    earlier = tmp_path / "v.html"
    earlier.write_bytes(b"earlier")
    result = run("render", "--graph", str(built_graph), "--query", "no-such-query", "-o", str(earlier))
    assert result.exit_code == 6
    assert earlier.read_bytes() == b"earlier"


@pytest.mark.parametrize("fmt", ["png", "svg", "html"])
def test_render_is_byte_identical(built_graph: Path, tmp_path: Path, fmt: str) -> None:
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert run("render", "--graph", str(built_graph), "--format", fmt, "-o", str(first)).exit_code == 0
    assert run("render", "--graph", str(built_graph), "--format", fmt, "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_png_picture(built_graph: Path, tmp_path: Path) -> None:
    from matplotlib import image

    target = tmp_path / "seed.png"
    assert run("render", "--graph", str(built_graph), "--format", "png", "-o", str(target)).exit_code == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = image.imread(str(target))
    height, width = pixels.shape[:2]
    assert width >= 1200 and height >= 800  # large enough for labels to be read
    # nodes are coloured by class: the State blue (#1f77b4) is present
    rgb = (pixels[:, :, :3] * 255).round().astype(int)
    assert (
        (abs(rgb[:, :, 0] - 0x1F) <= 2) & (abs(rgb[:, :, 1] - 0x77) <= 2) & (abs(rgb[:, :, 2] - 0xB4) <= 2)
    ).sum() > 50


def test_svg_picture_has_labels_and_legend(built_graph: Path, tmp_path: Path) -> None:
    target = tmp_path / "seed.svg"
    assert run("render", "--graph", str(built_graph), "--format", "svg", "-o", str(target)).exit_code == 0
    root = ET.parse(target).getroot()
    texts = " ".join("".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))
    for expected in ("Tunisia", "Frontex", "Luciana Lamorgese", "State (10)", "Meeting (1)", "party to"):
        assert expected in texts, expected
    assert "<script" not in target.read_text(encoding="utf-8")


def test_hostile_label_in_svg_is_text(tmp_path: Path) -> None:
    import networkx as nx

    from kg.picture import render_picture

    net = nx.MultiDiGraph()
    net.add_node("a", label='<script>alert(1)</script> "q" href=x', type="State")
    net.add_node("b", label="B", type="Agency")
    net.add_edge("a", "b", label="<b>x</b>")
    svg = render_picture(net, "svg").decode("utf-8")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)


def test_short_label() -> None:
    assert short_label("Italy") == "Italy"
    long = short_label("strengthen law-enforcement cooperation through police training and capacity building")
    assert long.count("\n") == 1 and long.endswith("…")


def test_path_tunisia_to_europol(built_graph: Path) -> None:
    result = run("path", "tunisia", "europol", "--graph", str(built_graph))
    assert result.exit_code == 0, result.stderr
    lines = result.output.splitlines()
    assert lines[0].startswith("path 1 (3 hops): Tunisia — ") and lines[0].endswith(" — Europol")
    assert "[article-001]" in result.output  # each hop quotes its sentence
    data = json.loads(
        run("path", "tunisia", "europol", "--all", "--format", "json", "--graph", str(built_graph)).output
    )
    assert data and all(len(hops) == 3 for hops in data)
    assert data[0][0]["source"].endswith("/actor/tunisia") and data[0][-1]["target"].endswith("/actor/europol")
    assert all(hop["evidence"] for hops in data for hop in hops)


def test_path_registry_background_only_when_asked(built_graph: Path) -> None:
    plain = json.loads(run("path", "italy", "eu", "--format", "json", "--graph", str(built_graph)).output)
    assert plain and len(plain[0]) == 2 and all(hop["article"] for hops in plain for hop in hops)
    with_registry = run("path", "italy", "eu", "--with-registry", "--format", "json", "--graph", str(built_graph))
    hops = json.loads(with_registry.output)[0]
    assert len(hops) == 1 and hops[0]["relation"] == "member of" and hops[0]["article"] == ""


def test_path_unknown_actor(built_graph: Path) -> None:
    result = run("path", "tunisia", "atlantis", "--graph", str(built_graph))
    assert result.exit_code == 3 and "no node in the network matches `atlantis`" in result.stderr


def test_path_reads_the_store_as_the_trig(built_graph: Path) -> None:
    store = built_graph.parent / "store"
    for args in (("tunisia", "europol", "--all", "--format", "json"), ("italy", "eu", "--with-registry")):
        from_trig = run("path", *args, "--graph", str(built_graph))
        from_store = run("path", *args, "--store", str(store))
        assert from_store.exit_code == 0, from_store.stderr
        assert from_store.output == from_trig.output and from_store.output.strip() not in ("", "[]")
    result = run("path", "tunisia", "europol", "--graph", str(built_graph), "--store", str(store))
    assert result.exit_code == 2 and "give --graph or --store, not both" in result.stderr
    result = run("path", "tunisia", "europol", "--store", str(built_graph.parent / "nothing"))
    assert result.exit_code == 3 and "no built store" in result.stderr
