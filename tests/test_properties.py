"""Property-based tests: random valid articles and annotations survive build, export and re-parsing,
and random labels stay text in the HTML view.

An article is drawn as a few sentences whose parts are random Unicode strings (any plane, combining
marks, right-to-left text, markup characters, quotes), each naming something the annotation then
annotates: a meeting with a random label, a place, a person with a post, and a claim whose
quotation is random text. Offsets, hashes and evidence spans are computed from the drawn text, so
every drawn annotation is valid and the build must accept it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import pyvis  # noqa: F401  imported before any example runs: it imports IPython, whose jedi raises the
import rdflib  # recursion limit on import, which hypothesis reports (an error here) if it happens mid-test
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from kg.build import BuildResult, build_graph
from kg.export import serialize_dataset
from kg.ontology import to_rdflib
from kg.validate import validate_dataset

ROOT = Path(__file__).resolve().parent.parent

# characters a label may hold: everything printable, including markup, quotes, backticks, emoji and
# astral planes; not control characters, surrogates or unassigned code points, which kg refuses
LABEL_CHARS = st.characters(
    blacklist_categories=("Cc", "Cs", "Cn", "Co", "Zl", "Zp"), blacklist_characters="\u0085\u2028\u2029"
)
LABELS = st.text(LABEL_CHARS, min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool)
MARKUP = st.sampled_from(
    ['<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "`tick`", "a \"b\" 'c'", "href=x"]
)
LABEL_OR_MARKUP = st.one_of(LABELS, MARKUP, st.tuples(LABELS, MARKUP).map(lambda t: f"{t[0]} {t[1]}"))


@dataclass
class Drawn:
    """A drawn article: its text, its annotation, and the labels it gave its entities."""

    text: str
    annotation: dict[str, object]
    labels: dict[str, str]


class _Writer:
    """Builds an article's text piece by piece and remembers where each piece went."""

    def __init__(self) -> None:
        self.text = ""
        self.sentences: list[dict[str, int]] = []
        self._start = 0

    def put(self, piece: str) -> dict[str, object]:
        start = len(self.text)
        self.text += piece
        return {"start": start, "end": len(self.text), "text": piece}

    def end_sentence(self) -> dict[str, object]:
        self.text += "."
        span = {"start": self._start, "end": len(self.text), "text": self.text[self._start :]}
        self.sentences.append({"start": self._start, "end": len(self.text)})
        self.text += " "
        self._start = len(self.text)
        return span


@st.composite
def articles(draw: st.DrawFn) -> Drawn:
    meeting, place, person, post, quote = (draw(LABEL_OR_MARKUP) for _ in range(5))
    w = _Writer()
    italy = w.put("Italy")
    w.put(" and ")
    tunisia = w.put("Tunisia")
    w.put(" met at ")
    meeting_mention = w.put(meeting)
    w.put(" in ")
    place_mention = w.put(place)
    first = w.end_sentence()
    person_mention = w.put(person)
    w.put(", ")
    post_mention = w.put(post)
    w.put(", said: \u201c")
    quote_mention = w.put(quote)
    w.put("\u201d")
    second = w.end_sentence()
    text = w.text.rstrip(" ")

    def rel(subject: str, predicate: str, obj: str, evidence: dict[str, object], **extra: object) -> dict[str, object]:
        return {"subject": subject, "predicate": predicate, "object": obj, "evidence": [evidence], **extra}

    annotation = {
        "schema": "kg-annotation/1",
        "article": {
            "id": "article-prop",
            "text": "articles/article-prop.txt",
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "title": draw(LABEL_OR_MARKUP),
            "published": "2023-07-16",
            "source": "drawn by a property-based test",
            "language": "en",
        },
        "sentences": w.sentences,
        "entities": [
            {"id": "italy", "registry": "italy", "mentions": [italy]},
            {"id": "tunisia", "registry": "tunisia", "mentions": [tunisia]},
            {"id": "meeting", "type": "Meeting", "label": meeting, "mentions": [meeting_mention]},
            {"id": "place", "type": "Place", "label": place, "mentions": [place_mention]},
            {"id": "person", "type": "Person", "label": person, "mentions": [person_mention]},
            {"id": "post", "type": "Post", "label": post, "mentions": [post_mention]},
            {"id": "claim", "type": "Claim", "label": quote, "mentions": [quote_mention]},
        ],
        "relations": [
            rel(["italy", "tunisia"], "participatedIn", "meeting", first),
            rel("meeting", "locatedIn", "place", first),
            rel("person", "holdsPost", "post", second),
            rel("post", "postIn", "italy", second),
            rel("person", "represents", "italy", second),
            rel("claim", "statedBy", "person", second),
            rel("claim", "modality", "modality:stated", second),
            rel("claim", "quotation", quote, second, object_is_literal=True),
        ],
    }
    labels = {"meeting": meeting, "place": place, "person": person, "post": post, "claim": quote}
    return Drawn(text, annotation, labels)


class _PlainDumper(yaml.SafeDumper):
    """Writes a value used twice out twice: annotations may not hold YAML anchors."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def build_drawn(drawn: Drawn, folder: Path) -> BuildResult:
    """Build the project's registry plus the drawn article (and nothing else) in ``folder``."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "articles").mkdir(parents=True)
    (folder / "annotations").mkdir()
    shutil.copyfile(ROOT / "data" / "registry.yaml", folder / "registry.yaml")
    (folder / "articles" / "article-prop.txt").write_text(drawn.text, encoding="utf-8", newline="")
    # every scalar quoted, as the annotation format asks
    text = yaml.dump(
        drawn.annotation, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, default_style='"', width=10_000
    )
    (folder / "annotations" / "article-prop.yaml").write_text(text, encoding="utf-8")
    return build_graph(folder)


SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _reparsed(data: bytes, fmt: ox.RdfFormat) -> dict[str, rdflib.Graph]:
    """The graphs of an exported file, parsed back by pyoxigraph (rdflib wrote them)."""
    graphs: dict[str, rdflib.Graph] = {}
    for quad in ox.parse(data, format=fmt):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        graphs.setdefault(name, rdflib.Graph()).add(
            (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
        )
    return graphs


def _graphs(dataset: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    graphs: dict[str, rdflib.Graph] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = str(g.identifier if isinstance(g, rdflib.Graph) else g)
        graphs.setdefault(name, rdflib.Graph()).add((s, p, o))
    return graphs


def _union(graphs: dict[str, rdflib.Graph]) -> rdflib.Graph:
    union = rdflib.Graph()
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
    return union


@pytest.mark.slow
@SETTINGS
@given(drawn=articles())
def test_drawn_articles_build_and_round_trip_through_every_rdf_format(drawn: Drawn, tmp_path: Path) -> None:
    result = build_drawn(drawn, tmp_path / "data")
    validate_dataset(result.dataset, result.ontology)
    built = _graphs(result.dataset)
    labels = {str(o) for _, _, o, _ in result.dataset.quads((None, rdflib.RDFS.label, None, None))}
    assert set(drawn.labels.values()) - {drawn.labels["claim"]} <= labels
    for fmt, syntax in (
        ("trig", ox.RdfFormat.TRIG),
        ("nquads", ox.RdfFormat.N_QUADS),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ):
        again = _reparsed(serialize_dataset(result.dataset, fmt), syntax)
        assert again.keys() == built.keys(), fmt
        for name, graph in built.items():
            assert isomorphic(graph, again[name]), f"{fmt}: graph {name} differs after re-parsing"
    for fmt, syntax in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES)):
        again = _reparsed(serialize_dataset(result.dataset, fmt), syntax)
        assert list(again) == [""] and isomorphic(_union(built), again[""]), f"{fmt} differs after re-parsing"
    # the two formats for other tools: every quad is a CSV row that reads back as the same quad, and
    # the actor network's GraphML loads in networkx with the drawn labels on its nodes
    assert _csv_graphs(serialize_dataset(result.dataset, "csv")) == {
        name: set(graph) for name, graph in built.items()
    }, "csv rows differ from the built quads"
    network = nx.parse_graphml(serialize_dataset(result.dataset, "graphml").decode("utf-8"))
    node_labels = {data.get("label") for _, data in network.nodes(data=True)}
    for key in ("meeting", "place", "person"):
        assert drawn.labels[key] in node_labels, f"graphml: no node labelled {drawn.labels[key]!r}"


def _csv_graphs(data: bytes) -> dict[str, set[tuple[rdflib.term.Node, ...]]]:
    """The quads of a CSV export read back: subjects and predicates are IRIs (kg mints no blank nodes),
    objects as their kind, datatype and language columns say."""
    graphs: dict[str, set[tuple[rdflib.term.Node, ...]]] = {}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")):
        kind, value = row["object_kind"], row["object"]
        obj: rdflib.term.Node
        if kind == "iri":
            obj = rdflib.URIRef(value)
        elif row["language"]:
            obj = rdflib.Literal(value, lang=row["language"])
        else:
            datatype = row["datatype"]
            plain = not datatype or datatype == str(rdflib.XSD.string)
            obj = rdflib.Literal(value) if plain else rdflib.Literal(value, datatype=rdflib.URIRef(datatype))
        assert kind in ("iri", "literal"), f"unexpected object kind {kind}"
        triple = (rdflib.URIRef(row["subject"]), rdflib.URIRef(row["predicate"]), obj)
        graphs.setdefault(row["graph"], set()).add(triple)
    return graphs


@pytest.mark.slow
@SETTINGS
@given(drawn=articles())
def test_drawn_labels_are_data_in_the_html_view(drawn: Drawn, tmp_path: Path) -> None:
    """Each label reaches the page's node data exactly, and no label adds an element to the page."""
    from html.parser import HTMLParser

    from kg.network import build_network
    from kg.visualise import render_html

    result = build_drawn(drawn, tmp_path / "data")
    page = render_html(build_network(result.dataset), "drawn").decode("utf-8")
    nodes = json.loads(_between(page, "const nodes = new vis.DataSet(", ");\n"))
    node_labels = {node["label"] for node in nodes}
    for key in ("meeting", "place", "person", "post"):
        assert drawn.labels[key] in node_labels

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

    parser = Tags()
    parser.feed(page)
    assert "img" not in parser.tags and parser.tags.count("script") == 2


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start) + len(start)
    return text[i : text.index(end, i)]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from test_html import _launch

    manager, chromium = _launch()
    yield chromium
    chromium.close()
    manager.stop()


@pytest.mark.slow
@pytest.mark.browser
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn=articles())
def test_drawn_labels_show_as_text_in_chromium(drawn: Drawn, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """In the browser each node carries its label exactly, its tooltip shows the label as text, and
    nothing in a label runs, loads or adds an element."""
    from test_html import _hover_tooltip, _open

    from kg.network import build_network
    from kg.output import write_atomic
    from kg.visualise import render_html

    result = build_drawn(drawn, tmp_path / "data")
    page_path = tmp_path / "view.html"
    write_atomic(page_path, render_html(build_network(result.dataset), "drawn"))
    page, seen = _open(browser, page_path)
    try:
        shown = page.evaluate("window.kgNetwork.body.data.nodes.get().map(n => n.label)")
        for key in ("meeting", "place", "person", "post"):
            assert drawn.labels[key] in shown
        tip = _hover_tooltip(page, drawn.labels["meeting"])
        assert drawn.labels["meeting"] in tip
        # the tooltip is text: the page breaks its lines with <br>, and no other element is in it
        tags = page.evaluate("[...document.querySelectorAll('div.vis-tooltip *')].map(e => e.tagName)")
        assert set(tags) <= {"BR"}
        assert seen == {"outside": [], "errors": [], "dialogs": []}
    finally:
        page.close()
