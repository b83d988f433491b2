"""Every named query gives the same answers on the store (pyoxigraph) and on rdflib's own engine.

The store is built by `kg build` from the seed article and synthetic articles (bench/gen_corpus.py),
so that queries join across article graphs; rdflib runs the same text on the Dataset that
build_graph returns, with the default graph as the union of all graphs, as the store is queried.
Answers are compared as sets of rows (SELECT) or of triples (CONSTRUCT), by their values.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from kg.build import build_graph
from kg.pipeline import run_build
from kg.query import execute, split_order
from kg.store import load_in_memory, open_read_only, store_dir

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import write_corpus  # noqa: E402

# GROUP_CONCAT joins values in an order SPARQL leaves to the engine: compared as sets of parts
UNORDERED_CONCAT = {"quotes": {"statedBy"}}

Row = tuple[str | None, ...]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The data folder of the test corpus and its built store."""
    data = write_corpus(40, tmp_path_factory.mktemp("corpus"))
    shutil.copy(ROOT / "data" / "articles" / "article-001.txt", data / "articles")
    shutil.copy(ROOT / "data" / "annotations" / "article-001.yaml", data / "annotations")
    out = tmp_path_factory.mktemp("out")
    run_build(data, out, files=False)
    return data, store_dir(out)


@pytest.fixture(scope="module")
def built(corpus: tuple[Path, Path]) -> tuple[ox.Store, Dataset]:
    data, store = corpus
    dataset = build_graph(data).dataset
    dataset.default_union = True
    return open_read_only(store), dataset


def normalise(name: str, names: list[str], rows: list[Row]) -> set[Row]:
    unordered = UNORDERED_CONCAT.get(name, set())
    columns = [i for i, n in enumerate(names) if n in unordered]
    out = set()
    for row in rows:
        values = list(row)
        for i in columns:
            values[i] = "; ".join(sorted((values[i] or "").split("; ")))
        out.add(tuple(values))
    return out


def on_store(store: ox.Store, text: str) -> tuple[list[str], list[Row]]:
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [tuple(None if t is None else t.value for t in solution) for solution in result]
    assert isinstance(result, ox.QueryTriples)
    return ["s", "p", "o"], [(t.subject.value, t.predicate.value, t.object.value) for t in result]


def on_rdflib(dataset: Dataset, text: str) -> tuple[list[str], list[Row]]:
    result = dataset.query(text)
    if result.type == "SELECT":
        names = [str(v) for v in result.vars or []]
        return names, [tuple(None if t is None else str(t) for t in row) for row in result]  # type: ignore[union-attr]
    return ["s", "p", "o"], [tuple(str(t) for t in triple) for triple in result]  # type: ignore[misc]


# rdflib's SPARQL engine itself calls the Dataset methods it deprecates
@pytest.mark.filterwarnings("ignore:Dataset.*is deprecated:DeprecationWarning")
@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_store_and_rdflib_agree(built: tuple[ox.Store, Dataset], path: Path) -> None:
    store, dataset = built
    text = path.read_text(encoding="utf-8")
    names, ox_rows = on_store(store, text)
    rdflib_names, rdflib_rows = on_rdflib(dataset, text)
    assert names == rdflib_names
    assert ox_rows, f"{path.name} answers nothing on the test corpus"
    ours, theirs = normalise(path.stem, names, ox_rows), normalise(path.stem, names, rdflib_rows)
    assert ours == theirs, (sorted(ours - theirs, key=str)[:3], sorted(theirs - ours, key=str)[:3])


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_kg_sorts_as_the_engine_does(built: tuple[ox.Store, Dataset], path: Path) -> None:
    """kg.query.execute sorts a final ORDER BY itself: the same rows, in the engine's order of the keys."""
    store, _ = built
    text = path.read_text(encoding="utf-8")
    kind, names, rows = execute(store, text)
    engine_names, engine_rows = on_store(store, text)
    if kind == "graph":
        return  # CONSTRUCT: compared with rdflib above; kg sorts the triples for Turtle
    assert names == engine_names
    assert sorted(map(tuple, rows), key=str) == sorted(engine_rows, key=str)
    _, keys = split_order(text)
    columns = [names.index(name) for name, _ in keys]
    assert [[row[i] for i in columns] for row in rows] == [[row[i] for i in columns] for row in engine_rows]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_memory_copy_gives_what_the_store_gives(built: tuple[ox.Store, Dataset], memory: ox.Store, path: Path) -> None:
    """`kg serve --memory` answers from an in-memory copy: every answer as on disk, in the same order."""
    store, _ = built
    text = path.read_text(encoding="utf-8")
    on_disk = execute(store, text)
    assert on_disk[1], f"{path.name} answers nothing on the test corpus"
    assert execute(memory, text) == on_disk


@pytest.fixture(scope="module")
def memory(corpus: tuple[Path, Path]) -> ox.Store:
    _, store = corpus
    return load_in_memory(store)


# cooperation-network and meeting-network read these predicates' triples instead of the facts'
# kg:Assertion records: the same in a built graph, which this checks on the test corpus
FACT_PREDICATES = (
    "cooperatesWith", "partyTo", "signed", "funds", "participatedIn", "organized", "hosted", "locatedIn", "heldFrom"
)  # fmt: skip


def test_fact_triples_are_those_of_their_assertions(built: tuple[ox.Store, Dataset]) -> None:
    store, _ = built
    values = " ".join(f"kg:{name}" for name in FACT_PREDICATES)
    prefixes = (
        "PREFIX kg: <https://w3id.org/migration-kg/ontology#> "
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
    )
    _, direct = on_store(store, f"{prefixes} SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}")
    _, asserted = on_store(
        store,
        f"{prefixes} SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} "
        "?fact a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }",
    )
    assert len({p for _s, p, _o in direct}) >= 5  # most of the predicates occur in the corpus
    assert set(direct) == set(asserted)


def test_floor_forms_agree_and_bound_their_listing(built: tuple[ox.Store, Dataset]) -> None:
    """bench_query_cost --floors: each listing's floor pattern gives the same rows in each of its
    forms, and as many of the listing's own facts (a floor that found fewer would bound nothing)."""
    from bench_query_cost import _PREFIXES, FLOORS

    store, _ = built
    for name, (_what, forms) in FLOORS.items():
        answers = [sorted(on_store(store, _PREFIXES + form)[1], key=repr) for form in forms]
        assert answers[0], name
        assert all(answer == answers[0] for answer in answers), name
        floor = answers[0]
        listing = name.split(",")[0]
        text = (ROOT / "queries" / f"{listing}.rq").read_text(encoding="utf-8")
        kind, _, rows = execute(store, text)
        if listing == "participants":  # a row per participation
            assert kind == "select" and len(rows) == len(floor)
        elif listing == "meeting-network":  # the CONSTRUCT's triples are among the floor's facts
            assert kind == "graph"
            network = set(on_store(store, text)[1])
            assert network and network <= {row[:3] for row in floor}
        elif listing == "facts-per-article":  # every article's spans counted from these links
            assert kind == "select" and sum(int(row[3]) for row in rows) == len({(g, s) for g, _, s in floor})
        elif listing == "organisers":  # a row per convening or hosting assertion, at most
            assert kind == "select" and len(rows) <= len(floor)
