"""Exports: every RDF format re-parsed by an independent parser (pyoxigraph) equals the built dataset."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from kg.build import BuildResult
from kg.export import EXPORTERS, export_dataset, serialize_dataset
from kg.namespaces import SCHEMA
from kg.ontology import to_rdflib

QUAD_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
TRIPLE_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}


def built_quads(dataset: Dataset) -> set[tuple[str, str, str, str]]:
    return {
        (s.n3(), p.n3(), o.n3(), g.n3() if isinstance(g, URIRef) else g.identifier.n3())  # type: ignore[union-attr]
        for s, p, o, g in dataset.quads((None, None, None, None))
    }


def parsed_quads(data: bytes, fmt: ox.RdfFormat) -> set[tuple[str, str, str, str]]:
    return {
        (
            to_rdflib(q.subject).n3(),
            to_rdflib(q.predicate).n3(),
            to_rdflib(q.object).n3(),
            to_rdflib(q.graph_name).n3() if isinstance(q.graph_name, ox.NamedNode) else "",
        )
        for q in ox.parse(data, format=fmt)
    }


def diff_message(expected: set, actual: set) -> str:
    only_e, only_a = sorted(expected - actual)[:5], sorted(actual - expected)[:5]
    return f"only in built: {only_e}\nonly in export: {only_a}"


@pytest.mark.parametrize("fmt", sorted(QUAD_FORMATS))
def test_quad_formats_round_trip(seed: BuildResult, fmt: str) -> None:
    expected = built_quads(seed.dataset)
    actual = parsed_quads(serialize_dataset(seed.dataset, fmt), QUAD_FORMATS[fmt])
    assert expected == actual, diff_message(expected, actual)


@pytest.mark.parametrize("fmt", sorted(TRIPLE_FORMATS))
def test_triple_formats_round_trip(seed: BuildResult, fmt: str) -> None:
    expected = {q[:3] for q in built_quads(seed.dataset)}
    actual = {q[:3] for q in parsed_quads(serialize_dataset(seed.dataset, fmt), TRIPLE_FORMATS[fmt])}
    assert expected == actual, diff_message(expected, actual)
    # and as graphs, with rdflib's isomorphism check
    from rdflib.compare import isomorphic

    g = Graph()
    g.parse(data=serialize_dataset(seed.dataset, fmt), format="nt" if fmt == "ntriples" else "turtle")
    union = Graph()
    for s, p, o, _ in seed.dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    assert isomorphic(g, union)


def test_inferred_export_adds_standard_triples(seed: BuildResult) -> None:
    data = serialize_dataset(seed.dataset, "nquads", inferred=True)
    quads = parsed_quads(data, ox.RdfFormat.N_QUADS)
    inferred = [q for q in quads if q[3] == "<https://w3id.org/migration-kg/graph/inferred>"]
    assert any(q[1] == SCHEMA.attendee.n3() for q in inferred)
    assert built_quads(seed.dataset) <= quads  # nothing asserted is lost


def test_graphml_loads_in_networkx_with_labels_and_types(seed: BuildResult, tmp_path: Path) -> None:
    path = tmp_path / "net.graphml"
    export_dataset(seed.dataset, "graphml", path)
    net = nx.read_graphml(path)
    italy = net.nodes["https://w3id.org/migration-kg/id/actor/italy"]
    assert italy["label"] == "Italy" and italy["type"] == "State" and italy["iso3166"] == "IT"
    assert net.nodes["https://w3id.org/migration-kg/id/actor/frontex"]["type"] == "Agency"
    organised = [d for s, o, d in net.edges(data=True) if s.endswith("/italy") and d["predicate"] == "organized"]
    assert organised and "convened by the Italian side" in organised[0]["evidence"]


def test_csv_has_one_row_per_quad(seed: BuildResult) -> None:
    rows = list(csv.DictReader(io.StringIO(serialize_dataset(seed.dataset, "csv").decode())))
    assert len(rows) == len(built_quads(seed.dataset))
    assert {"graph", "subject", "predicate", "object", "object_kind", "datatype", "language"} == set(rows[0])


def test_every_format_is_registered() -> None:
    assert set(EXPORTERS) == {"turtle", "ntriples", "trig", "nquads", "jsonld", "graphml", "csv"}


def test_jsonld_needs_no_remote_context(seed: BuildResult) -> None:
    text = serialize_dataset(seed.dataset, "jsonld").decode()
    assert '"@context": {' in text  # inline, not a URL
