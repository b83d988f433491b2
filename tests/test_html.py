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


def _check_page(browser, name: str, page_path: Path, label: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    outside: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []

    def route(request_route, request) -> None:  # type: ignore[no-untyped-def]
        # every request that is not the file itself is counted and refused
        if request.url.startswith("file://"):
            request_route.continue_()
        else:
            outside.append(request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(page_path.as_uri())
    # polled from Python: Playwright's wait_for_function evaluates its string with eval() inside the
    # page, which the page's Content-Security-Policy (rightly) forbids
    deadline = time.monotonic() + 30
    while not page.evaluate("window.kgSettled === true"):
        assert time.monotonic() < deadline, "the layout did not settle within 30 s"
        page.wait_for_timeout(100)
    assert outside == [] and errors == [] and dialogs == []
    count = page.evaluate("window.kgNetwork.body.data.nodes.length")
    shown = page.evaluate("window.kgNetwork.body.data.nodes.get().map(n => n.label)")
    assert count > 40 and label in shown
    edges = page.evaluate("window.kgNetwork.body.data.edges.get().map(e => e.title)")
    assert any("A meeting convened by the Italian side" in t for t in edges)
    page.fill("#search", "Frontex")
    selected = page.evaluate(
        "window.kgNetwork.getSelectedNodes().map(id => window.kgNetwork.body.data.nodes.get(id).label)"
    )
    assert selected == ["Frontex"]
    assert page.text_content("#search-result") == "1 found"
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
