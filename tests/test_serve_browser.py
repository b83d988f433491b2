"""The page of `kg serve` in headless Chromium: pick a named query, run it, see the rows, open the network."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from kg.query import run_query

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_serve import Served, running_server  # noqa: E402
from test_html import _launch  # noqa: E402  (the browser tests' Chromium and flags)

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def store(built_graph: Path) -> Path:
    return built_graph.parent / "store"


@pytest.fixture(scope="module")
def served(store: Path) -> Iterator[Served]:
    with running_server(store, "--workers", "1") as server:
        yield server
    assert server.process.returncode == 0, server.stderr


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    manager, chromium = _launch()
    try:
        yield chromium
    finally:
        chromium.close()
        manager.stop()


@pytest.fixture
def page(browser: Any, served: Served) -> Iterator[tuple[Any, dict[str, list[str]]]]:
    """The page at /, with every request to another host refused and counted, and errors collected."""
    origin = urlsplit(served.url).netloc
    seen: dict[str, list[str]] = {"outside": [], "errors": [], "dialogs": []}
    context = browser.new_context()

    def route(request_route: Any, request: Any) -> None:
        if urlsplit(request.url).netloc == origin:
            request_route.continue_()
        else:
            seen["outside"].append(request.url)
            request_route.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("pageerror", lambda error: seen["errors"].append(str(error)))
    tab.on("console", lambda message: seen["errors"].append(message.text) if message.type == "error" else None)
    tab.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    tab.goto(served.url)
    tab.wait_for_selector("body[data-ready=true]", timeout=60_000)
    try:
        yield tab, seen
    finally:
        context.close()


def table(tab: Any) -> tuple[list[str], list[list[str]]]:
    head = tab.eval_on_selector_all("#results thead th", "cells => cells.map(c => c.textContent)")
    rows = tab.eval_on_selector_all(
        "#results tbody tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))"
    )
    return head, rows


def test_pick_a_named_query_run_it_and_see_its_rows(page: tuple[Any, dict[str, list[str]]], store: Path) -> None:
    tab, seen = page
    names = tab.eval_on_selector_all("#query-select option", "options => options.map(o => o.value)")
    assert "participants" in names and "ego-network" in names
    tab.select_option("#query-select", "participants")
    text = tab.input_value("#query-text")
    assert text == (ROOT / "queries" / "participants.rq").read_text(encoding="utf-8")
    assert "side" in tab.text_content("#question")
    tab.click("#run")
    tab.wait_for_selector("#results tbody tr", timeout=60_000)
    head, rows = table(tab)
    _kind, names_local, rows_local = run_query(text, store, "participants")
    assert head == names_local
    assert sorted(rows) == sorted([["" if v is None else v for v in row] for row in rows_local])
    assert f"{len(rows_local)} rows" in tab.text_content("#status")
    assert seen == {"outside": [], "errors": [], "dialogs": []}


def test_open_the_network_of_the_whole_graph_and_of_a_construct_result(
    page: tuple[Any, dict[str, list[str]]],
) -> None:
    tab, seen = page
    assert tab.text_content("#open-network") == "Network of the whole graph"
    tab.click("#open-network")
    whole = _ready_view(tab)
    tab.select_option("#query-select", "ego-network")
    tab.click("#run")
    tab.wait_for_selector("#graph-text:not([hidden])", timeout=60_000)
    assert "@prefix" in tab.text_content("#graph-text")
    assert tab.text_content("#open-network") == "Network of this result"
    tab.click("#open-network")
    ego = _ready_view(tab, after=whole)
    assert 0 < ego["nodes"] < whole["nodes"]
    assert seen == {"outside": [], "errors": [], "dialogs": []}


def _ready_view(tab: Any, after: dict[str, int] | None = None) -> dict[str, int]:
    """The network frame's ``window.kgReady`` ({nodes, edges, ms}) once its layout has settled."""
    frame_element = tab.wait_for_selector("#network:not([hidden])", timeout=60_000)

    def ready() -> dict[str, int] | None:
        frame = frame_element.content_frame()
        if frame is None:
            return None
        try:
            value = frame.evaluate("() => window.kgReady ? JSON.stringify(window.kgReady) : null")
        except Exception:  # the frame navigates: try again
            return None
        return None if value is None else dict(json.loads(value))

    deadline = 120_000
    waited = 0
    while waited < deadline:
        value = ready()
        if value is not None and (after is None or value != after):
            return value
        tab.wait_for_timeout(250)
        waited += 250
    raise AssertionError("the network view did not settle")


def test_values_are_shown_as_text_never_as_markup(page: tuple[Any, dict[str, list[str]]]) -> None:
    tab, seen = page
    nasty = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    query = 'SELECT ?label WHERE { VALUES ?label { "' + nasty.replace('"', '\\"') + '" } }'
    tab.fill("#query-text", query)
    tab.click("#run")
    tab.wait_for_selector("#results tbody tr", timeout=60_000)
    _head, rows = table(tab)
    assert rows == [[nasty]]
    assert tab.eval_on_selector_all("#results img, #results script", "found => found.length") == 0
    assert seen == {"outside": [], "errors": [], "dialogs": []}


def test_an_error_is_shown_as_the_server_says_it(page: tuple[Any, dict[str, list[str]]]) -> None:
    tab, seen = page
    tab.fill("#query-text", "DROP ALL")
    tab.click("#run")
    tab.wait_for_selector("#status.error", timeout=60_000)
    assert tab.text_content("#status").startswith("Error: the query is an UPDATE")
    # the failed request is the page's own answer, not a script error; Chromium logs the 403
    assert seen["outside"] == [] and seen["dialogs"] == []
    assert all("403" in error for error in seen["errors"])
