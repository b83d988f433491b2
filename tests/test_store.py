"""The store: incremental builds, what a build reports, content equal to a clean build, locks."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.build import build_graph
from kg.cli import main
from kg.errors import BuildLocked, OutputError, QueryError, StoreBusy
from kg.export import serialize_dataset
from kg.ontology import load_ontology
from kg.pipeline import run_build
from kg.store import (
    StoreWriter,
    data_quads,
    dataset_from_store,
    dump_store,
    load_dump,
    load_in_memory,
    open_read_only,
    read_state,
    reading,
    store_dir,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import touch_article, write_corpus  # noqa: E402

ARTICLES = 12


def corpus(target: Path, count: int = ARTICLES) -> Path:
    """A data folder: the seed article and ``count`` synthetic ones."""
    data = write_corpus(count, target)
    shutil.copy(ROOT / "data" / "articles" / "article-001.txt", data / "articles")
    shutil.copy(ROOT / "data" / "annotations" / "article-001.yaml", data / "annotations")
    return data


def store_nquads(out: Path) -> list[bytes]:
    """The data of a built store as sorted N-Quads lines (datatypes as the ontology gives them)."""
    store = open_read_only(store_dir(out))
    lines = (ox.serialize(data_quads(store, load_ontology()), format=ox.RdfFormat.N_QUADS) or b"").splitlines()
    return sorted(set(lines))


def clean_nquads(data: Path) -> list[bytes]:
    """What a build from scratch holds: build_graph's dataset as sorted N-Quads lines."""
    return sorted(set(serialize_dataset(build_graph(data).dataset, "nquads").splitlines()))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return corpus(tmp_path / "data")


def test_store_holds_exactly_what_build_graph_builds(data: Path, tmp_path: Path) -> None:
    report = run_build(data, tmp_path / "out")
    assert report.new == ARTICLES + 1 and report.rebuilt == report.unchanged == report.removed == 0
    assert store_nquads(tmp_path / "out") == clean_nquads(data)
    # the rdflib view of the store is the same dataset, integer types included
    store = open_read_only(store_dir(tmp_path / "out"))
    from_store = dataset_from_store(store, load_ontology())
    assert serialize_dataset(from_store, "nquads") == serialize_dataset(build_graph(data).dataset, "nquads")


def test_nothing_changed_rebuilds_nothing_and_writes_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_build(ROOT / "data", out)
    files = {name: (out / name).read_bytes() for name in ("kg.trig", "kg.ttl", "kg.html")}
    second = run_build(ROOT / "data", out)
    assert (second.new, second.rebuilt, second.unchanged, second.removed) == (0, 0, 1, 0)
    assert second.graph_sizes == first.graph_sizes
    assert {name: (out / name).read_bytes() for name in files} == files


def test_an_edited_article_is_the_only_one_rebuilt(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(data, out)
    edited = touch_article(data, 7)
    report = run_build(data, out)
    assert (report.new, report.rebuilt, report.unchanged, report.removed) == (0, 1, ARTICLES, 0)
    assert edited in report.articles
    assert store_nquads(out) == clean_nquads(data)


def test_an_edited_text_is_noticed(data: Path, tmp_path: Path) -> None:
    """The article text is hashed too: a changed text fails the annotation's own sha256 check."""
    out = tmp_path / "out"
    run_build(data, out)
    before = store_nquads(out)
    text = data / "articles" / "syn-000003.txt"
    text.write_text(text.read_text(encoding="utf-8") + " ", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 3 and "syn-000003" in result.stderr and "sha256" in result.stderr
    assert store_nquads(out) == before


def test_a_removed_article_loses_its_graph(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(data, out)
    (data / "annotations" / "syn-000005.yaml").unlink()
    report = run_build(data, out)
    assert (report.new, report.rebuilt, report.unchanged, report.removed) == (0, 0, ARTICLES, 1)
    assert "syn-000005" not in report.articles
    assert store_nquads(out) == clean_nquads(data)
    assert not any(b"graph/article/syn-000005>" in line for line in store_nquads(out))
    state = read_state(open_read_only(store_dir(out)))
    assert "annotations/syn-000005.yaml" not in state.articles


def test_a_new_article_is_added(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(data, out)
    write_corpus(ARTICLES + 1, data)  # rewrites the same files, plus one
    report = run_build(data, out)
    assert (report.new, report.rebuilt, report.unchanged) == (1, 0, ARTICLES + 1)
    assert store_nquads(out) == clean_nquads(data)


def test_a_registry_change_rebuilds_everything(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(data, out)
    registry = data / "registry.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace('full_name: "Italian Republic"', 'full_name: "Repubblica"'),
        encoding="utf-8",
    )
    report = run_build(data, out)
    assert (report.new, report.rebuilt, report.unchanged) == (0, ARTICLES + 1, 0)
    assert report.inputs_changed and "registry, ontology or compiler changed" in "\n".join(report.summary())
    assert store_nquads(out) == clean_nquads(data)


def test_build_reports_what_it_did(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out)])
    touch_article(data, 2)
    (data / "annotations" / "syn-000009.yaml").unlink()
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    triples = sum(1 for _ in store_nquads(out))
    assert f"store {out / 'store'}: 1 rebuilt, {ARTICLES - 1} unchanged, 1 removed ({triples} triples)" in result.output
    assert f"built {ARTICLES} article(s): article-001, syn-000001," in result.output
    assert "… and" in result.output  # long lists are cut
    assert result.stderr == ""  # no progress bar when not on a terminal


def test_large_graphs_are_not_written_as_files(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    run_build(data, out)
    assert (out / "kg.trig").is_file()
    monkeypatch.setattr("kg.pipeline.FILES_MAX_TRIPLES", 1000)
    report = run_build(data, out)
    assert not any((out / name).exists() for name in ("kg.trig", "kg.ttl", "kg.html"))  # no stale files left
    assert sorted(report.removed_files) == sorted(str(out / n) for n in ("kg.html", "kg.trig", "kg.ttl"))
    assert "not written above 1000 triples" in "\n".join(report.summary())
    result = CliRunner().invoke(main, ["path", "tunisia", "europol", "--graph", str(out / "kg.trig")])
    assert result.exit_code == 3 and "kg export --store" in result.stderr  # says where the graph is


def test_a_second_build_fails_at_once_while_one_holds_the_store(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(data, out)
    holder = StoreWriter(store_dir(out))
    holder.open()
    try:
        result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out)])
        assert result.exit_code == BuildLocked.exit_code == OutputError.exit_code
        first = result.stderr.splitlines()[0]
        assert first.startswith("Error: another kg build is writing the store") and "build.lock" in first
        assert "wait for it to finish" in first
    finally:
        holder.close()
    assert CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out)]).exit_code == 0


def test_a_query_waits_for_a_build_then_gives_up(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(data, out)
    holder = StoreWriter(store_dir(out))
    holder.open()
    try:
        result = CliRunner().invoke(main, ["query", "topics", "--store", str(store_dir(out)), "--timeout", "0.3"])
        assert result.exit_code == QueryError.exit_code and "kept the store" in result.stderr
        with pytest.raises(StoreBusy), reading(store_dir(out), 0.1):
            pass
    finally:
        holder.close()
    result = CliRunner().invoke(main, ["query", "topics", "--store", str(store_dir(out)), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "irregular migration" in result.output


def test_query_reads_the_store_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_build(ROOT / "data", tmp_path / "out")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out" / "kg.trig").unlink()  # only the store is left to read
    result = CliRunner().invoke(main, ["query", "organisers", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "Luciana Lamorgese" in result.output


def test_export_from_the_store_equals_export_from_data(tmp_path: Path) -> None:
    run_build(ROOT / "data", tmp_path / "out")
    for fmt in ("nquads", "trig", "turtle"):
        from_store, from_data = tmp_path / f"store.{fmt}", tmp_path / f"data.{fmt}"
        store_arg = str(store_dir(tmp_path / "out"))
        assert (
            CliRunner().invoke(main, ["export", "--store", store_arg, "--format", fmt, "-o", str(from_store)]).exit_code
            == 0
        )
        assert CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(from_data)]).exit_code == 0
        if fmt == "trig":  # pyoxigraph's TriG: the same quads, in its own layout
            assert set(ox.parse(path=str(from_store))) == set(ox.parse(path=str(from_data)))
        else:
            assert from_store.read_bytes() == from_data.read_bytes(), fmt


def _two_dates(data: Path, aid: str) -> None:
    """Give the meeting of a synthetic article two dates: a violation of kg:date's sh:maxCount 1."""
    path = data / "annotations" / f"{aid}.yaml"
    text = path.read_text(encoding="utf-8")
    evidence = text.split("evidence:\n      - ", 1)[1].split("\n", 1)[0]
    for day in ("2018-04-04", "2018-04-05"):
        text += (
            f'  - subject: "meeting"\n    predicate: "date"\n    object: "{day}"\n'
            f'    object_is_literal: true\n    datatype: "date"\n    evidence:\n      - {evidence}\n'
        )
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("validator", ["native", "pyshacl"])
def test_compile_workers_validate_and_report_the_first_failing_article(
    validator: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers validate their share in scratch stores; the failure reported is the one a single
    process reports (the first failing graph by name), and nothing is written."""
    import kg.build
    from kg.errors import ValidationFailed
    from kg.shacl import validate_store_natively
    from kg.validate import validate_store_graphs

    check = validate_store_natively if validator == "native" else validate_store_graphs
    data = write_corpus(ARTICLES, tmp_path / "data")
    _two_dates(data, "syn-000009")
    _two_dates(data, "syn-000004")  # in the other worker's share, and first by name
    failures = []
    for workers in (1, 2):
        monkeypatch.setattr(kg.build, "PARALLEL_MIN_FILES", 1 if workers > 1 else 10_000)
        monkeypatch.setattr(kg.build, "VALIDATE_CHUNK", 3)  # several scratch stores per worker
        out = tmp_path / f"out-{workers}"
        with pytest.raises(ValidationFailed) as caught:
            run_build(data, out, workers=workers, validator=check, files=False)
        assert not store_dir(out).exists()
        failures.append(caught.value)
    one, two = failures
    assert one.what.startswith("article syn-000004 violates") and "kg:date" in one.report
    assert (two.what, two.where, two.report, two.graph) == (one.what, one.where, one.report, one.graph)


def test_compile_workers_validate_a_valid_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.build

    data = corpus(tmp_path / "data")
    monkeypatch.setattr(kg.build, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(kg.build, "VALIDATE_CHUNK", 4)
    import kg.pipeline

    in_main: list[int] = []  # articles the main process validated: none, the workers did

    def spy(base, compiled, *args, **kwargs):  # type: ignore[no-untyped-def]
        in_main.append(len(compiled))
        return kg.build.validate_compiled(base, compiled, *args, **kwargs)

    monkeypatch.setattr(kg.pipeline, "validate_compiled", spy)
    report = run_build(data, tmp_path / "out", workers=2, files=False)
    assert in_main == [0]  # the registry only
    assert report.new == ARTICLES + 1
    assert store_nquads(tmp_path / "out") == clean_nquads(data)


def test_memory_copy_holds_every_quad_as_the_store_does(tmp_path: Path) -> None:
    run_build(ROOT / "data", tmp_path / "out", files=False)
    path = store_dir(tmp_path / "out")
    disk = open_read_only(path)
    memory = load_in_memory(path)
    assert set(memory) == set(disk)  # every graph, the build state included
    assert len(memory) == len(disk) > 5000
    # offsets read back as the store gives them (pyoxigraph keeps xsd:integer, in memory too), not
    # restored to the ontology's xsd:nonNegativeInteger as data_quads restores them for export
    offsets = "SELECT DISTINCT (DATATYPE(?o) AS ?t) WHERE { ?s <https://w3id.org/migration-kg/ontology#start> ?o }"
    assert [r[0].value for r in memory.query(offsets, use_default_graph_as_union=True)] == [
        "http://www.w3.org/2001/XMLSchema#integer"
    ]


def test_memory_copy_keeps_blank_nodes_and_empty_graphs(tmp_path: Path) -> None:
    """What N-Quads alone would lose: blank node identifiers (renamed on load), graphs without quads."""
    path = tmp_path / "store"
    path.mkdir()
    disk = ox.Store(str(path / "db"))
    e = "http://example.org/"
    quads = [
        ox.Quad(ox.BlankNode("b1"), ox.NamedNode(e + "p"), ox.BlankNode("b2"), ox.NamedNode(e + "g")),
        ox.Quad(ox.NamedNode(e + "s"), ox.NamedNode(e + "p"), ox.Literal("x"), ox.BlankNode("g2")),
        ox.Quad(ox.NamedNode(e + "s"), ox.NamedNode(e + "p"), ox.Literal("1"), ox.DefaultGraph()),
    ]
    disk.extend(quads)
    disk.add_graph(ox.NamedNode(e + "empty"))
    disk.add_graph(ox.BlankNode("empty2"))
    disk.flush()
    del disk
    dump = dump_store(path, tmp_path / "dump.nq")
    assert dump.blank_nodes and sorted(dump.empty_graphs) == ["<http://example.org/empty>", "_:empty2"]
    memory = load_dump(dump)
    assert set(memory) == set(quads)
    assert set(memory.named_graphs()) == {
        ox.NamedNode(e + "g"), ox.BlankNode("g2"), ox.NamedNode(e + "empty"), ox.BlankNode("empty2")
    }  # fmt: skip
    # without blank nodes, the fast load
    plain = tmp_path / "plain"
    plain.mkdir()
    ox.Store(str(plain / "db")).add(quads[2])
    assert not dump_store(plain, tmp_path / "plain.nq").blank_nodes
    assert list(load_dump(dump_store(plain, tmp_path / "plain.nq"))) == [quads[2]]


def test_a_copy_that_cannot_be_written_is_an_output_error(tmp_path: Path) -> None:
    run_build(ROOT / "data", tmp_path / "out", files=False)
    with pytest.raises(OutputError, match="cannot write a copy of the store") as caught:
        dump_store(store_dir(tmp_path / "out"), tmp_path / "missing" / "store.nq")
    assert "TMPDIR" in caught.value.line()
