"""The offline HTML view: parsed for outside references, and loaded in headless Chromium."""

from __future__ import annotations

import json
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

HOSTILE = '<script>alert(1)</script> <img src=x onerror="alert(2)"> `tick` \'single\' "double" href=javascript:x'
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


class Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "data", "action")]


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build whose person label is hostile markup."""
    import shutil

    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", data)
    ann = data / "annotations" / "article-001.yaml"
    text = ann.read_text(encoding="utf-8")
    ann.write_text(text.replace('label: "Luciana Lamorgese"', f"label: {json.dumps(HOSTILE)}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(root / "out")])
    assert result.exit_code == 0, result.stderr
    return root / "out" / "kg.html"


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed-out")
    assert CliRunner().invoke(main, ["build", "--out", str(out)]).exit_code == 0
    return out / "kg.html"


def test_page_references_nothing_outside(seed_page: Path) -> None:
    parser = Refs()
    parser.feed(seed_page.read_text(encoding="utf-8"))
    assert "script" in parser.tags
    assert parser.refs == []  # no src or href at all: scripts and styles are inline
    assert not (seed_page.parent / "lib").exists()


def test_hostile_label_is_data_not_markup(hostile_page: Path) -> None:
    page = hostile_page.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page
    parser = Refs()
    parser.feed(page)
    assert "img" not in parser.tags and parser.refs == []


def _launch():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    browser = manager.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    return manager, browser


def _open(browser, page_path: Path):  # type: ignore[no-untyped-def]
    """Open a page with every non-file request refused and counted; wait until the layout settles."""
    page = browser.new_page()
    seen: dict[str, list[str]] = {"outside": [], "errors": [], "dialogs": []}

    def route(request_route, request) -> None:  # type: ignore[no-untyped-def]
        # every request that is not the file itself is counted and refused
        if request.url.startswith("file://"):
            request_route.continue_()
        else:
            seen["outside"].append(request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(page_path.as_uri())
    # polled from Python: Playwright's wait_for_function evaluates its string with eval() inside the
    # page, which the page's Content-Security-Policy (rightly) forbids
    deadline = time.monotonic() + 30
    while not page.evaluate("window.kgSettled === true"):
        assert time.monotonic() < deadline, "the layout did not settle within 30 s"
        page.wait_for_timeout(100)
    return page, seen


def _hover_tooltip(page, label: str) -> str:  # type: ignore[no-untyped-def]
    """Move the mouse onto the node with this label and return the tooltip's text."""
    x, y = page.evaluate(
        """label => {
        const net = window.kgNetwork;
        const node = net.body.data.nodes.get().find(n => n.label === label);
        net.moveTo({ position: net.getPositions([node.id])[node.id], scale: 1.0 });
        const at = net.canvasToDOM(net.getPositions([node.id])[node.id]);
        const box = document.querySelector("#network canvas").getBoundingClientRect();
        return [box.left + at.x, box.top + at.y];
    }""",
        label,
    )
    page.mouse.move(1, 1)
    page.mouse.move(x, y)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    return str(page.inner_text("div.vis-tooltip"))


def _check_page(browser, name: str, page_path: Path, label: str) -> None:  # type: ignore[no-untyped-def]
    page, seen = _open(browser, page_path)
    assert seen == {"outside": [], "errors": [], "dialogs": []}
    count = page.evaluate("window.kgNetwork.body.data.nodes.length")
    shown = page.evaluate("window.kgNetwork.body.data.nodes.get().map(n => n.label)")
    assert count == 46 and label in shown
    assert page.evaluate("window.kgNetwork.body.data.edges.length") == 150
    edges = page.evaluate("window.kgNetwork.body.data.edges.get().map(e => e.title)")
    assert any("A meeting convened by the Italian side" in t for t in edges)
    page.fill("#search", "Frontex")
    selected = page.evaluate(
        "window.kgNetwork.getSelectedNodes().map(id => window.kgNetwork.body.data.nodes.get(id).label)"
    )
    assert selected == ["Frontex"]
    assert page.text_content("#search-result") == "1 found"
    page.fill("#search", "")
    # a tooltip, shown by hovering, quotes the sentence that mentions the node, as text
    tip = _hover_tooltip(page, "Frontex")
    assert "type: Agency" in tip and "including the border Agency Frontex and Europol" in tip
    tip = _hover_tooltip(page, label)
    assert label in tip and page.locator("div.vis-tooltip img, div.vis-tooltip script").count() == 0
    # filter by class: unticking Commitment hides its six nodes; ticking brings them back
    page.uncheck("input.kg-filter[value=Commitment]")
    assert len(page.evaluate("window.kgShownNodes()")) == 40
    page.fill("#search", "promote closer")
    assert page.text_content("#search-result") == "0 found"  # hidden nodes are not found
    page.check("input.kg-filter[value=Commitment]")
    assert len(page.evaluate("window.kgShownNodes()")) == 46
    assert seen == {"outside": [], "errors": [], "dialogs": []}
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"kg-html-{name}.png"))
    page.close()


@pytest.mark.browser
def test_page_in_headless_chromium(seed_page: Path, hostile_page: Path) -> None:
    """No outside request, no console error, no script run from a label; search finds Frontex."""
    manager, browser = _launch()
    try:
        _check_page(browser, "seed", seed_page, "Luciana Lamorgese")
        _check_page(browser, "hostile", hostile_page, HOSTILE)
    finally:
        browser.close()
        manager.stop()


@pytest.mark.browser
def test_query_view_in_headless_chromium(built_graph: Path, tmp_path: Path) -> None:
    """`kg render --query ego-network` gives a page with just Tunisia's neighbourhood, offline."""
    target = tmp_path / "ego.html"
    result = CliRunner().invoke(
        main, ["render", "--graph", str(built_graph), "--query", "ego-network", "-o", str(target)]
    )
    assert result.exit_code == 0, result.stderr
    manager, browser = _launch()
    try:
        page, seen = _open(browser, target)
        labels = page.evaluate("window.kgNetwork.body.data.nodes.get().map(n => n.label)")
        assert len(labels) == 9 and "Tunisia" in labels and "Italy" not in labels
        assert page.evaluate("window.kgNetwork.body.data.edges.length") == 15
        tip = _hover_tooltip(page, "Tunisia")
        assert "ISO 3166: TN" in tip and "Wikidata: Q948" in tip and "Tunisia" in tip
        assert seen == {"outside": [], "errors": [], "dialogs": []}
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "kg-html-ego-network.png"))
        page.close()
    finally:
        browser.close()
        manager.stop()


def test_hostile_sentences_and_relation_labels_stay_data() -> None:
    """Sentences (node mentions, edge evidence) and relation labels are JSON data, never markup."""
    import networkx as nx

    from kg.visualise import render_html

    net = nx.MultiDiGraph()
    net.add_node("a", label="A", type="State", iri="x:a", mentions=HOSTILE)
    net.add_node("b", label="B", type="Agency", iri="x:b")
    net.add_edge("a", "b", label=HOSTILE, evidence=HOSTILE, article="art", stated_by=HOSTILE, origin="article")
    page = render_html(net, title=HOSTILE, subtitle=HOSTILE).decode("utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    parser = Refs()
    parser.feed(page)
    assert parser.refs == [] and "img" not in parser.tags
    assert parser.tags.count("script") == 2  # vis-network and kg's own, nothing else
