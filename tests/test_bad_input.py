"""Bad input: a one-line error naming the file and place, a documented exit code, nothing lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import main
from kg.errors import FileFormatError, InputError, OutputError, ValidationFailed

ANNOTATION = Path("annotations") / "article-001.yaml"
MEETING_SPAN = '{start: 377, end: 386, text: "A meeting"}'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def build(data: Path, out: Path, *extra: str) -> Result:
    return run("build", "--data", str(data), "--out", str(out), *extra)


def one_line_error(result: Result, code: int, *needles: str) -> str:
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    first = result.stderr.splitlines()[0]
    assert first.startswith("Error: "), first
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in first, (needle, first)
    return first


def snapshot(out: Path) -> dict[str, bytes]:
    """Each output file's bytes; for the store (a database folder), its quads as sorted N-Quads."""
    import pyoxigraph as ox

    from kg.store import open_read_only

    files = {}
    for path in out.iterdir():
        if path.is_dir() and path.name == "store":
            store = open_read_only(path)
            files[path.name] = b"".join(
                sorted((ox.serialize(store, format=ox.RdfFormat.N_QUADS) or b"").splitlines(True))
            )
            del store
        else:
            files[path.name] = b"(a folder)" if path.is_dir() else path.read_bytes()
    return files


def add_relation(data: Path, yaml_text: str) -> None:
    path = data / ANNOTATION
    path.write_text(path.read_text(encoding="utf-8") + yaml_text, encoding="utf-8")


CASES = {
    # name: (file to edit relative to data/, old, new, exit code, words the error line must contain)
    "unknown entity": (ANNOTATION, 'object: "meeting"', 'object: "meetin"', 3, ["`meetin`", "article-001.yaml:"]),
    "unknown registry actor": (
        ANNOTATION,
        'registry: "frontex"',
        'registry: "frontexx"',
        3,
        ["frontexx", "article-001.yaml:"],
    ),
    "duplicate entity id": (ANNOTATION, 'id: "france"', 'id: "italy"', 3, ["`italy`", "defined twice"]),
    "duplicate key": (
        ANNOTATION,
        '    registry: "france"\n',
        '    registry: "france"\n    registry: "france"\n',
        3,
        ["`registry` appears twice", "article-001.yaml:48:"],
    ),
    "duplicate registry id": (Path("registry.yaml"), 'id: "france"', 'id: "italy"', 3, ["`italy`", "registry.yaml:"]),
    "span out of range": (
        ANNOTATION,
        '{start: 97, end: 102, text: "Italy"}',
        '{start: 97, end: 99999, text: "Italy"}',
        3,
        ["out of range", "article-001", "97–99999"],
    ),
    "negative span": (
        ANNOTATION,
        '{start: 97, end: 102, text: "Italy"}',
        '{start: -3, end: 102, text: "Italy"}',
        3,
        ["out of range"],
    ),
    "reversed span": (
        ANNOTATION,
        '{start: 97, end: 102, text: "Italy"}',
        '{start: 102, end: 97, text: "Italy"}',
        3,
        ["out of range"],
    ),
    "span text mismatch": (
        ANNOTATION,
        '{start: 97, end: 102, text: "Italy"}',
        '{start: 98, end: 103, text: "Italy"}',
        3,
        ["article-001", "98–103", "'taly,'", "'Italy'", "article-001.yaml:"],
    ),
    "unquoted NO": (
        ANNOTATION,
        '- id: "france"',
        "- id: NO",
        3,
        ["`NO`", "boolean", 'quote it: "NO"', "article-001.yaml:46:"],
    ),
    "unquoted on": (Path("registry.yaml"), 'id: "france"', "id: on", 3, ["`on`", "boolean", "registry.yaml:"]),
    "unquoted date": (ANNOTATION, "published: null", "published: 2020-07-13", 3, ["a date", "article-001.yaml:11:"]),
    "python tag": (
        ANNOTATION,
        'language: "en"',
        'language: !!python/object/apply:os.system ["true"]',
        3,
        ["python/object", "article-001.yaml:"],
    ),
    "unknown predicate": (ANNOTATION, 'predicate: "organized"', 'predicate: "organised"', 3, ["`organised`"]),
    "unknown key": (
        ANNOTATION,
        'role: "italy-minister-of-the-interior"',
        'rôle: "italy-minister-of-the-interior"',
        3,
        ["unknown key"],
    ),
    "bad yaml": (ANNOTATION, "relations:\n", "relations:\n  - [unclosed\n", 3, ["not valid YAML", "article-001.yaml:"]),
    "NUL in a label": (ANNOTATION, 'label: "North Africa"', 'label: "North\\0Africa"', 3, ["NUL (U+0000)", ":35:12"]),
    "control character": (ANNOTATION, 'label: "North Africa"', 'label: "North\\x1bAfrica"', 3, ["U+001B", ":35:"]),
    "lone surrogate": (ANNOTATION, 'label: "North Africa"', 'label: "North\\ud800Africa"', 3, ["lone surrogate"]),
    "control character in the registry": (
        Path("registry.yaml"),
        'label: "France"',
        'label: "Fr\\x00ance"',
        3,
        ["NUL", "registry.yaml:"],
    ),
    "bad language tag": (ANNOTATION, 'language: "en"', 'language: "en-"', 3, ["`en-` is not a language tag", ":13:"]),
    "1 MB literal": (
        ANNOTATION,
        'label: "North Africa"',
        'label: "' + "x" * 1_000_000 + '"',
        3,
        ["1,000,000 characters", "at most 20,000", ":35:"],
    ),
    "article text changed": (
        Path("articles/article-001.txt"),
        "North of Trieste",
        "South of Trieste",
        3,
        ["sha256", "article-001"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_annotation_or_registry(case: str, data_copy: Path, tmp_path: Path) -> None:
    file, old, new, code, needles = CASES[case]
    edit(data_copy / file, old, new)
    result = build(data_copy, tmp_path / "out")
    one_line_error(result, code, *needles)
    assert not (tmp_path / "out").exists()  # nothing written, not even the folder


def test_non_utf8_article(data_copy: Path, tmp_path: Path) -> None:
    path = data_copy / "articles" / "article-001.txt"
    path.write_bytes(path.read_bytes()[:50] + b"\xff\xfe" + path.read_bytes()[50:])
    one_line_error(build(data_copy, tmp_path / "out"), 3, "not valid UTF-8", "byte 50")


def test_evidence_across_sentences(data_copy: Path, tmp_path: Path) -> None:
    edit(data_copy / ANNOTATION, MEETING_SPAN, '{start: 370, end: 386, text: "ment.\\n\\nA meeting"}')
    one_line_error(build(data_copy, tmp_path / "out"), 3, "not inside one sentence")


def test_missing_data_folder(tmp_path: Path) -> None:
    one_line_error(build(tmp_path / "nope", tmp_path / "out"), 3, "does not exist")


@pytest.mark.parametrize("registry", ["missing", "a folder"])
def test_extract_without_a_readable_registry(registry: str, tmp_path: Path) -> None:
    """`kg extract` run away from data/ (or given a folder without registry.yaml) says so, in one line."""
    article = tmp_path / "a.txt"
    article.write_text("Italy's prime minister, Giorgia Meloni, met Tunisia's president.\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    if registry == "a folder":
        (data / "registry.yaml").mkdir()
    words = "does not exist" if registry == "missing" else "cannot be read"
    first = one_line_error(run("extract", str(article), "--data", str(data)), 3, words, "registry.yaml")
    assert "--data" in first or "check the path" in first


def test_malformed_ontology_turtle_reports_line_and_column(
    data_copy: Path, ontology_copy: Path, tmp_path: Path
) -> None:
    with (ontology_copy / "kg.ttl").open("a", encoding="utf-8") as handle:
        handle.write('\nkg:Broken a owl:Class ;\n    rdfs:label "broken"@en\n    rdfs:comment "no separator" .\n')
    first = one_line_error(build(data_copy, tmp_path / "out", "--ontology", str(ontology_copy)), 3, "not valid Turtle")
    assert re.search(r"kg\.ttl:\d+:\d+", first), first


def test_relative_iri_in_ontology(data_copy: Path, ontology_copy: Path, tmp_path: Path) -> None:
    with (ontology_copy / "topics.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n<relative-topic> a kg:Topic .\n")
    first = one_line_error(build(data_copy, tmp_path / "out", "--ontology", str(ontology_copy)), 3, "topics.ttl:")
    assert "IRI" in first


@pytest.mark.parametrize("validator", ["native", "pyshacl"])
def test_shacl_violation_fails_with_a_readable_report(validator: str, data_copy: Path, tmp_path: Path) -> None:
    for day in ("2020-07-13", "2020-07-14"):
        add_relation(
            data_copy,
            f'  - subject: "meeting"\n    predicate: "date"\n    object: "{day}"\n'
            f'    object_is_literal: true\n    datatype: "date"\n    evidence:\n      - {MEETING_SPAN}\n',
        )
    result = build(data_copy, tmp_path / "out", "--validator", validator)
    first = one_line_error(result, ValidationFailed.exit_code, "SHACL", "article-001")
    assert "kg:date" in result.stderr and "at most one" in result.stderr
    assert first.count("\n") == 0
    assert not (tmp_path / "out" / "store").exists()  # nothing written


@pytest.mark.parametrize("target", ["file", "under-a-file"])
def test_unwritable_output(target: str, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    out = blocker if target == "file" else blocker / "sub"
    one_line_error(build(Path("data"), out), OutputError.exit_code, str(blocker))
    assert blocker.read_text() == "not a folder"


def test_export_to_a_folder_is_refused(tmp_path: Path) -> None:
    one_line_error(run("export", "--format", "turtle", "-o", str(tmp_path)), OutputError.exit_code, "is a folder")


def test_earlier_outputs_survive_a_failed_build(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(data_copy, out).exit_code == 0
    before = snapshot(out)
    assert set(before) == {"kg.trig", "kg.ttl", "kg.html", "store"}
    edit(data_copy / ANNOTATION, 'object: "meeting"', 'object: "meetin"')
    assert build(data_copy, out).exit_code == InputError.exit_code
    assert snapshot(out) == before  # same files, same bytes, same store, no leftovers


def test_error_classes_have_distinct_documented_codes() -> None:
    from kg.errors import EXIT_CODES

    assert {InputError.exit_code, ValidationFailed.exit_code, OutputError.exit_code} <= set(EXIT_CODES)
    assert FileFormatError.exit_code == InputError.exit_code


def test_fact_without_evidence_is_a_violation_for_kg_and_for_pyshacl(seed) -> None:  # type: ignore[no-untyped-def]
    """The evidence rule is standard SHACL-SPARQL: kg's native runner and pyshacl agree on it."""
    import pyshacl
    from rdflib import Graph

    from kg.namespaces import ID, KG, article_graph
    from kg.validate import _check_sparql_constraints

    data = Graph()
    for triple in seed.dataset.graph(article_graph("article-001")):
        data.add(triple)
    data.add((ID["actor/frontex"], KG.participatedIn, ID["article-001/meeting"]))  # no assertion, no evidence
    with pytest.raises(ValidationFailed) as caught:
        _check_sparql_constraints(data, seed.ontology.evidence_shapes, "article article-001")
    assert "id:actor/frontex kg:participatedIn id:article-001/meeting has no assertion" in caught.value.report
    conforms, _results, text = pyshacl.validate(data, shacl_graph=seed.ontology.evidence_shapes, advanced=True)
    assert not conforms and "frontex" in text


def test_outputs_are_replaced_all_or_none(data_copy: Path, tmp_path: Path) -> None:
    """If one output cannot be written (here kg.html is a folder), none of the others is replaced."""
    out = tmp_path / "out"
    assert build(data_copy, out).exit_code == 0
    before = {name: (out / name).read_bytes() for name in ("kg.trig", "kg.ttl")}
    (out / "kg.html").unlink()
    (out / "kg.html").mkdir()
    edit(data_copy / ANNOTATION, 'label: "North of Trieste"', 'label: "north of Trieste"')  # a real change
    store = snapshot(out)["store"]
    one_line_error(build(data_copy, out), OutputError.exit_code, "kg.html", "is a folder")
    assert {name: (out / name).read_bytes() for name in ("kg.trig", "kg.ttl")} == before
    assert sorted(p.name for p in out.iterdir()) == ["kg.html", "kg.trig", "kg.ttl", "store"]  # no temp files
    assert snapshot(out)["store"] == store  # checked before the store was touched


def test_shacl_failure_leaves_earlier_outputs(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(data_copy, out).exit_code == 0
    before = snapshot(out)
    for day in ("2020-07-13", "2020-07-14"):
        add_relation(
            data_copy,
            f'  - subject: "meeting"\n    predicate: "date"\n    object: "{day}"\n'
            f'    object_is_literal: true\n    datatype: "date"\n    evidence:\n      - {MEETING_SPAN}\n',
        )
    assert build(data_copy, out).exit_code == ValidationFailed.exit_code
    assert snapshot(out) == before


SHAPE_CASES = {
    # name: (triples to remove as (subject, predicate) pairs, words the report must contain)
    "commitment without modality": ([("id:article-001/commitment-continue-dialogue", "kg:modality")], "modality"),
    "post without organisation": ([("id:post/italy-minister-of-the-interior", "kg:postIn")], "kg:postIn"),
    "claim without speaker or message": ([("id:article-001/claim-all-instruments", "kg:statedBy")], "statedBy"),
    "span without sentence": ([("id:article-001/span/377-415", "kg:inSentence")], "kg:inSentence"),
    "meeting without label": ([("id:article-001/meeting", "rdfs:label")], "rdfs:label"),
}


@pytest.mark.parametrize("case", sorted(SHAPE_CASES))
def test_shapes_catch(case: str) -> None:
    from rdflib import URIRef

    from kg.build import build_graph
    from kg.namespaces import PREFIXES, article_graph
    from kg.validate import validate_dataset

    def iri(curie: str) -> URIRef:
        prefix, local = curie.split(":", 1)
        return URIRef(PREFIXES[prefix] + local)

    result = build_graph(Path(__file__).resolve().parent.parent / "data")
    graph = result.dataset.graph(article_graph("article-001"))
    removals, words = SHAPE_CASES[case]
    for subject, predicate in removals:
        assert (iri(subject), iri(predicate), None) in graph
        graph.remove((iri(subject), iri(predicate), None))
    with pytest.raises(ValidationFailed) as caught:
        validate_dataset(result.dataset, result.ontology)
    assert words in caught.value.report


@pytest.mark.parametrize("validator", ["native", "pyshacl"])
@pytest.mark.parametrize("shapes_file", ["shapes.ttl", "evidence-shapes.ttl"])
def test_shapes_with_service_are_refused_before_any_validator_runs(
    validator: str, shapes_file: str, data_copy: Path, ontology_copy: Path, tmp_path: Path
) -> None:
    """A SHACL-SPARQL constraint naming SERVICE is refused at load time; nothing connects to it."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        with (ontology_copy / shapes_file).open("a", encoding="utf-8") as handle:
            handle.write(
                "\n<https://w3id.org/migration-kg/shapes#RemoteShape> a sh:NodeShape ;\n"
                "    sh:targetClass kg:Meeting ;\n"
                '    sh:sparql [ sh:message "remote" ; sh:select """\n'
                f"        SELECT $this WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ $this ?p ?o }} }}\n"
                '    """ ] .\n'
            )
        result = build(data_copy, tmp_path / "out", "--ontology", str(ontology_copy), "--validator", validator)
        first = one_line_error(result, 3, f"shapes file {shapes_file}", "SERVICE")
        assert "never reach outside" in first
        with pytest.raises(BlockingIOError):
            listener.accept()  # no connection was made
    assert not (tmp_path / "out").exists()
