"""Cross-article identity: one node per actor and person; links between two articles' reports of one event.

Two short articles, written for these tests, report the mini-summit of the interior ministers of
Germany, France, Italy and Malta in Birgu (Malta) on 23 September 2019, where they agreed a joint
declaration on relocating migrants rescued at sea (the event of eval/dev/articles/dev-001.txt).
Their annotations are made here from the texts, with offsets found by searching for each phrase.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.build import build_graph
from kg.cli import main
from kg.errors import DuplicateId, InputError, SchemaError, UnknownEntity
from kg.links import facts_from_triples, find_links, interval, label_similarity
from kg.namespaces import ID, KG, LINKS_GRAPH, article_graph
from kg.pipeline import run_build
from kg.store import open_read_only, store_dir

ROOT = Path(__file__).resolve().parent.parent

TEXT_A = (
    "BIRGU, 23 September 2019. The interior ministers of Germany, France, Italy and Malta met in Birgu "
    "on Monday. Italy's interior minister Luciana Lamorgese said the four countries had agreed a joint "
    "declaration of intent on relocating migrants rescued at sea."
)
TEXT_B = (
    "Four EU countries backed a plan to share out people rescued in the Mediterranean. Meeting in Malta "
    "on 23 September 2019, ministers from Malta, Italy, France and Germany signed a joint declaration on "
    "relocating migrants rescued in the Mediterranean. Luciana Lamorgese called it a first step."
)
STATES = ("germany", "france", "italy", "malta")
NAMES = {"germany": "Germany", "france": "France", "italy": "Italy", "malta": "Malta"}


def article_a() -> dict[str, Any]:
    entities: list[dict[str, Any]] = [{"id": s, "registry": s, "mention": NAMES[s]} for s in STATES]
    entities += [
        {"id": "meeting", "type": "Meeting", "label": "meeting of four interior ministers in Birgu",
         "mention": "met in Birgu"},
        {"id": "declaration", "type": "JointStatement",
         "label": "joint declaration of intent on relocating migrants rescued at sea",
         "mention": "joint declaration of intent"},
        {"id": "luciana-lamorgese", "type": "Person", "label": "Luciana Lamorgese", "mention": "Luciana Lamorgese"},
    ]  # fmt: skip
    relations = [
        (list(STATES), "participatedIn", "meeting", "Germany, France, Italy and Malta met in Birgu"),
        ("meeting", "date", "2019-09-23", "BIRGU, 23 September 2019"),
        (list(STATES), "partyTo", "declaration", "the four countries had agreed a joint declaration"),
        ("declaration", "adoptedAt", "meeting", "the four countries had agreed a joint declaration"),
        ("luciana-lamorgese", "represents", "italy", "Italy's interior minister Luciana Lamorgese"),
    ]
    return {"id": "links-a", "text": TEXT_A, "entities": entities, "relations": relations}


def article_b() -> dict[str, Any]:
    entities: list[dict[str, Any]] = [{"id": s, "registry": s, "mention": NAMES[s]} for s in STATES]
    entities += [
        {"id": "talks", "type": "Meeting", "label": "ministers' meeting in Malta on migrants rescued at sea",
         "mention": "Meeting in Malta"},
        {"id": "joint-declaration", "type": "JointStatement",
         "label": "joint declaration on relocating migrants rescued in the Mediterranean",
         "mention": "a joint declaration"},
        {"id": "luciana-lamorgese", "type": "Person", "label": "Luciana Lamorgese", "mention": "Luciana Lamorgese"},
    ]  # fmt: skip
    relations = [
        (["malta", "italy", "france", "germany"], "participatedIn", "talks",
         "Meeting in Malta on 23 September 2019, ministers from Malta, Italy, France and Germany"),
        ("talks", "date", "2019-09-23", "Meeting in Malta on 23 September 2019"),
        (["malta", "italy", "france", "germany"], "partyTo", "joint-declaration",
         "ministers from Malta, Italy, France and Germany signed a joint declaration"),
        ("joint-declaration", "date", "2019-09-23", "Meeting in Malta on 23 September 2019"),
        ("luciana-lamorgese", "participatedIn", "talks", "Luciana Lamorgese"),
    ]  # fmt: skip
    return {"id": "links-b", "text": TEXT_B, "entities": entities, "relations": relations}


def write_article(data: Path, spec: dict[str, Any]) -> Path:
    """Write the article text and its annotation (JSON, which is YAML) with offsets found in the text."""
    text, aid = spec["text"], spec["id"]

    def span(phrase: str) -> dict[str, Any]:
        start = text.index(phrase)
        return {"start": start, "end": start + len(phrase), "text": phrase}

    sentences = [{"start": m.start(), "end": m.end()} for m in re.finditer(r"[^ ][^.]*\.", text)]
    entities = []
    for entity in spec["entities"]:
        out = {k: v for k, v in entity.items() if k != "mention"}
        out["mentions"] = [span(entity["mention"])]
        entities.append(out)
    relations = []
    for subject, predicate, obj, evidence in spec["relations"]:
        relation: dict[str, Any] = {"subject": subject, "predicate": predicate, "object": obj,
                                    "evidence": [span(evidence)]}  # fmt: skip
        if predicate in ("date", "notBefore", "notAfter"):
            relation |= {"object_is_literal": True, "datatype": "date"}
        relations.append(relation)
    annotation = {
        "schema": "kg-annotation/1",
        "article": {"id": aid, "text": f"articles/{aid}.txt", "title": spec.get("title", aid),
                    "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    "published": spec.get("published", "2019-09-24")},
        "sentences": sentences,
        "entities": entities,
        "relations": relations,
    }  # fmt: skip
    (data / "articles").mkdir(parents=True, exist_ok=True)
    (data / "annotations").mkdir(parents=True, exist_ok=True)
    (data / "articles" / f"{aid}.txt").write_text(text, encoding="utf-8")
    path = data / "annotations" / f"{aid}.json"
    path.write_text(json.dumps(annotation, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def entity(spec: dict[str, Any], entity_id: str) -> dict[str, Any]:
    return next(e for e in spec["entities"] if e["id"] == entity_id)


def make_data(tmp_path: Path, *specs: dict[str, Any]) -> Path:
    data = tmp_path / "data"
    (data / "annotations").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "registry.yaml", data)
    for spec in specs:
        write_article(data, spec)
    return data


def links_of(data: Path) -> Graph:
    return build_graph(data).dataset.graph(LINKS_GRAPH)


MEETING_A, MEETING_B = ID["links-a/meeting"], ID["links-b/talks"]
DECL_A, DECL_B = ID["links-a/declaration"], ID["links-b/joint-declaration"]


def status(links: Graph, a: URIRef, b: URIRef) -> URIRef | None:
    for link in links.subjects(RDF.subject, a):
        if links.value(link, RDF.object) == b:
            value = links.value(link, KG.linkStatus)
            return value if isinstance(value, URIRef) else None
    return None


# --- actors: one node across articles ------------------------------------------------------


def test_the_same_actor_and_person_are_one_node_with_both_articles_evidence(tmp_path: Path) -> None:
    dataset = build_graph(make_data(tmp_path, article_a(), article_b())).dataset
    italy, person = ID["actor/italy"], ID["person/luciana-lamorgese"]
    for aid, meeting in (("links-a", MEETING_A), ("links-b", MEETING_B)):
        graph = dataset.graph(article_graph(aid))
        assert (italy, KG.participatedIn, meeting) in graph
        spans = list(graph.subjects(KG.mentions, person))
        assert spans and all(str(s).startswith(str(ID[f"{aid}/span/"])) for s in spans)
    # one node: every label of the person, in any graph, is the same
    assert {str(o) for _s, _p, o, _g in dataset.quads((person, RDFS.label, None, None))} == {"Luciana Lamorgese"}


def test_a_person_labelled_differently_in_two_articles_is_refused(tmp_path: Path) -> None:
    b = article_b()
    entity(b, "luciana-lamorgese")["label"] = "Lamorgese"
    data = make_data(tmp_path, article_a(), b)
    with pytest.raises(DuplicateId) as caught:
        build_graph(data)
    assert "'Lamorgese' in article links-b" in caught.value.what and "links-a" in caught.value.what
    assert re.search(r"links-b\.json:\d+:\d+", caught.value.where)


def test_the_label_check_sees_articles_the_incremental_build_does_not_recompile(tmp_path: Path) -> None:
    data = make_data(tmp_path, article_a())
    run_build(data, tmp_path / "out", validate=False, files=False)
    b = article_b()
    entity(b, "luciana-lamorgese")["label"] = "Lamorgese"
    write_article(data, b)
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert result.output.startswith("Error: `luciana-lamorgese` is a Person labelled 'Lamorgese' in article links-b")


# --- candidate links -------------------------------------------------------------------------


def test_two_reports_of_one_meeting_and_declaration_are_linked_as_candidates(tmp_path: Path) -> None:
    links = links_of(make_data(tmp_path, article_a(), article_b()))
    assert (MEETING_A, KG.reportedSameAs, MEETING_B) in links
    assert (DECL_A, KG.reportedSameAs, DECL_B) in links
    assert status(links, MEETING_A, MEETING_B) == KG.CandidateLink
    link = next(links.subjects(RDF.subject, MEETING_A))
    assert set(links.objects(link, KG.sharedActor)) == {ID[f"actor/{s}"] for s in STATES}
    # Jaccard 4/5: the four states, and Lamorgese, whom article B does not say she represents Italy
    assert str(links.value(link, KG.matchScore)) == "0.8"
    assert links.value(link, KG.linkRule) == KG.SameMeetingRule
    assert set(links.objects(link, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))) == {
        ID["article/links-a"],
        ID["article/links-b"],
    }
    # never merged: no owl:sameAs, and each node keeps its own label in its own graph
    assert not any(p == URIRef("http://www.w3.org/2002/07/owl#sameAs") for _s, p, _o in links)


def _other_date(spec: dict[str, Any]) -> None:
    spec["relations"] = [
        (s, p, "2019-10-08" if p == "date" else o, e) for s, p, o, e in spec["relations"]
    ]  # fmt: skip


def _other_states(spec: dict[str, Any]) -> None:
    swap = {"malta": "greece", "italy": "spain", "france": "portugal", "germany": "cyprus"}
    spec["entities"] = [
        {"id": swap[e["id"]], "registry": swap[e["id"]], "mention": e["mention"]} if e["id"] in swap else e
        for e in spec["entities"]
    ]
    spec["relations"] = [
        ([swap[x] for x in s] if isinstance(s, list) else s, p, o, e) for s, p, o, e in spec["relations"]
    ]


def _undated(spec: dict[str, Any]) -> None:
    spec["relations"] = [r for r in spec["relations"] if r[1] != "date"]


@pytest.mark.parametrize("change", [_other_date, _other_states, _undated], ids=["date", "participants", "undated"])
def test_no_link_without_compatible_dates_and_shared_participants(tmp_path: Path, change: Any) -> None:
    b = article_b()
    change(b)
    links = links_of(make_data(tmp_path, article_a(), b))
    assert (MEETING_A, KG.reportedSameAs, MEETING_B) not in links
    assert (DECL_A, KG.reportedSameAs, DECL_B) not in links


def test_documents_with_unrelated_labels_are_not_linked(tmp_path: Path) -> None:
    b = article_b()
    entity(b, "joint-declaration")["label"] = "joint statement on energy interconnectors"
    links = links_of(make_data(tmp_path, article_a(), b))
    assert (MEETING_A, KG.reportedSameAs, MEETING_B) in links
    assert (DECL_A, KG.reportedSameAs, DECL_B) not in links


def test_a_month_overlaps_a_day_and_a_range_spans_its_dates() -> None:
    assert interval("2019-09")[0] <= interval("2019-09-23")[0] <= interval("2019-09")[1]  # type: ignore[index]
    base = str(ID)
    triples = [
        (base + "x/m", str(RDF.type), str(KG.Meeting)),
        (base + "x/m", str(KG.date), "2019-09"),
        *[(base + f"actor/{s}", str(KG.participatedIn), base + "x/m") for s in STATES],
    ]
    other = [(s.replace("/x/", "/y/"), p, o.replace("/x/", "/y/")) for s, p, o in triples]
    other[1] = (other[1][0], other[1][1], "2019-09-30")
    facts = {"x": facts_from_triples("x", triples), "y": facts_from_triples("y", other)}
    assert [link.status for link in find_links(facts)] == ["candidate"]
    assert label_similarity("MoU on energy", "MoU on migration", frozenset()) == 0.0


def _last_week(first: str | None, last: str | None) -> dict[str, Any]:
    """Article B published a week later: the meeting and the declaration dated only "last week",
    with the bounds given (None leaves one out)."""
    b = article_b() | {"text": TEXT_B.replace("on 23 September 2019", "last week"), "published": "2019-10-01"}
    relations = [
        (s, p, o, e.replace("on 23 September 2019", "last week")) for s, p, o, e in b["relations"] if p != "date"
    ]
    for subject in ("talks", "joint-declaration"):
        relations += [(subject, p, day, "Meeting in Malta last week") for p, day in
                      (("notBefore", first), ("notAfter", last)) if day]  # fmt: skip
    b["relations"] = relations
    return b


@pytest.mark.parametrize(
    ("first", "last", "linked"),
    [
        ("2019-09-23", "2019-09-29", True),  # the week of Monday 23 September: A's day is in it
        ("2019-09-16", "2019-09-22", False),  # the week before: no overlap
        ("2019-09-23", None, False),  # a single bound is no interval: undated, never linked by rule
    ],
    ids=["overlapping", "the-week-before", "one-bound"],
)
def test_a_meeting_dated_only_by_bounds_is_linked_when_they_hold_the_other_date(
    tmp_path: Path, first: str, last: str | None, linked: bool
) -> None:
    data = make_data(tmp_path, article_a(), _last_week(first, last))
    links = links_of(data)
    assert ((MEETING_A, KG.reportedSameAs, MEETING_B) in links) is linked
    assert ((DECL_A, KG.reportedSameAs, DECL_B) in links) is linked
    # an incremental build that recompiles only article A reads B's bounds from the store
    run_build(data, tmp_path / "out")
    write_article(data, article_a() | {"title": "another title"})
    run_build(data, tmp_path / "out")
    stored = open_read_only(store_dir(tmp_path / "out"))
    found = stored.quads_for_pattern(_ox(MEETING_A), _ox(KG.reportedSameAs), _ox(MEETING_B), _ox(LINKS_GRAPH))
    assert bool(list(found)) is linked


def test_the_interval_of_bounds_is_from_the_earliest_to_the_latest_day() -> None:
    base = str(ID)
    meeting = [
        (base + "x/m", str(RDF.type), str(KG.Meeting)),
        (base + "x/m", str(KG.notBefore), "2023-12-04"),
        (base + "x/m", str(KG.notAfter), "2023-12-10"),
    ]
    assert facts_from_triples("x", meeting).reports[base + "x/m"].dates == (
        interval("2023-12-04")[0],  # type: ignore[index]
        interval("2023-12-10")[0],  # type: ignore[index]
    )
    # a date wins over bounds; bounds the wrong way round are no interval
    dated = [*meeting, (base + "x/m", str(KG.date), "2023-12-05")]
    assert facts_from_triples("x", dated).reports[base + "x/m"].dates == interval("2023-12-05")
    backwards = [meeting[0], (meeting[1][0], meeting[1][1], "2023-12-11"), meeting[2]]
    assert facts_from_triples("x", backwards).reports[base + "x/m"].dates is None


# --- the store: incremental builds and removals ----------------------------------------------


def test_the_link_survives_incremental_builds_and_goes_with_a_removed_article(tmp_path: Path) -> None:
    other = article_a() | {"id": "links-c", "text": TEXT_A.replace("Monday", "Monday afternoon")}
    other["relations"] = [r for r in other["relations"] if r[1] != "date"]
    data, out = make_data(tmp_path, article_a(), article_b(), other), tmp_path / "out"
    first = run_build(data, out, validate=False)
    assert first.links == {"candidate": 2}
    write_article(data, other | {"text": TEXT_A.replace("Monday", "Monday evening")})
    second = run_build(data, out, validate=False)
    assert (second.rebuilt, second.unchanged, second.links) == (1, 2, {"candidate": 2})
    assert "links: 2 candidate" in second.summary()
    store = open_read_only(store_dir(out))
    assert len(list(store.quads_for_pattern(None, None, None, _ox(LINKS_GRAPH)))) == first.graph_sizes[str(LINKS_GRAPH)]
    del store
    (data / "annotations" / "links-b.json").unlink()
    third = run_build(data, out, validate=False)
    assert third.removed == 1 and third.links == {} and str(LINKS_GRAPH) not in third.graph_sizes
    assert "id:link/" not in (out / "kg.trig").read_text(encoding="utf-8")


def _ox(node: URIRef) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(str(node))


def test_the_store_holds_the_links_build_graph_draws(tmp_path: Path) -> None:
    from kg.export import serialize_dataset
    from kg.ontology import load_ontology
    from kg.store import dataset_from_store

    b = article_b()
    entity(b, "talks")["same_as"] = ["links-a/meeting"]
    data = make_data(tmp_path, article_a(), b)
    run_build(data, tmp_path / "out")  # validated with the shapes, reviews included
    store = open_read_only(store_dir(tmp_path / "out"))
    from_store = serialize_dataset(dataset_from_store(store, load_ontology()), "nquads")
    assert from_store == serialize_dataset(build_graph(data).dataset, "nquads")


# --- reviews -----------------------------------------------------------------------------------


def test_a_reviewed_same_as_confirms_a_link_even_where_the_rule_does_not_match(tmp_path: Path) -> None:
    b = article_b()
    _undated(b)
    entity(b, "talks")["same_as"] = ["links-a/meeting"]
    links = links_of(make_data(tmp_path, article_a(), b))
    assert status(links, MEETING_A, MEETING_B) == KG.ConfirmedLink
    assert (MEETING_A, KG.reportedSameAs, MEETING_B) in links
    link = next(links.subjects(RDF.subject, MEETING_A))
    assert set(links.objects(link, KG.linkRule)) == {KG.ReviewRule}
    assert links.value(link, KG.reviewedIn) == ID["article/links-b"]


def test_a_reviewed_not_same_as_suppresses_the_candidate(tmp_path: Path) -> None:
    b = article_b()
    entity(b, "joint-declaration")["not_same_as"] = ["links-a/declaration"]
    links = links_of(make_data(tmp_path, article_a(), b))
    assert status(links, DECL_A, DECL_B) == KG.RejectedLink
    assert (DECL_A, KG.reportedSameAs, DECL_B) not in links
    assert status(links, MEETING_A, MEETING_B) == KG.CandidateLink


@pytest.mark.parametrize(
    ("on", "refs", "error", "message"),
    [
        ("talks", ["links-z/meeting"], UnknownEntity, "names article `links-z`, which is not in the data"),
        ("talks", ["links-a/summit"], UnknownEntity, "is not a meeting or document of article links-a"),
        ("talks", ["links-a/declaration"], SchemaError, "links a Meeting with a JointStatement"),
        ("talks", ["links-b/joint-declaration"], SchemaError, "in its own article"),
        ("luciana-lamorgese", ["links-a/meeting"], SchemaError, "only meetings and documents"),
        ("talks", ["links-a"], SchemaError, "is not `<article>/<entity>`"),
    ],
)
def test_bad_review_references_are_refused_with_their_place(
    tmp_path: Path, on: str, refs: list[str], error: type[InputError], message: str
) -> None:
    b = article_b()
    entity(b, on)["same_as"] = refs
    data = make_data(tmp_path, article_a(), b)
    with pytest.raises(error) as caught:
        build_graph(data)
    assert message in caught.value.what
    assert re.search(r"links-b\.json:\d+:\d+", caught.value.where)
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3 and result.output.startswith("Error: ") and message in result.output


def test_contradicting_reviews_are_refused(tmp_path: Path) -> None:
    a, b = article_a(), article_b()
    entity(a, "meeting")["not_same_as"] = ["links-b/talks"]
    entity(b, "talks")["same_as"] = ["links-a/meeting"]
    with pytest.raises(SchemaError, match="reviewed both as the same and as not the same"):
        build_graph(make_data(tmp_path, a, b))


def test_removing_an_article_a_review_names_is_refused(tmp_path: Path) -> None:
    b = article_b()
    entity(b, "talks")["same_as"] = ["links-a/meeting"]
    data, out = make_data(tmp_path, article_a(), b), tmp_path / "out"
    run_build(data, out, validate=False, files=False)
    (data / "annotations" / "links-a.json").unlink()
    with pytest.raises(UnknownEntity) as caught:
        run_build(data, out, validate=False, files=False)
    assert "links-b.json" in caught.value.where


# --- shapes and stats ----------------------------------------------------------------------------


def test_the_links_graph_conforms_for_pyshacl_and_the_native_validator(tmp_path: Path) -> None:
    import pyshacl

    from kg.namespaces import ONTOLOGY_GRAPH
    from kg.shacl import check_store, compile_ontology_shapes, load_store

    b = article_b()
    entity(b, "joint-declaration")["not_same_as"] = ["links-a/declaration"]
    result = build_graph(make_data(tmp_path, article_a(), b))
    links = result.dataset.graph(LINKS_GRAPH)
    assert len(links) > 20
    conforms, _graph, text = pyshacl.validate(links + result.ontology.graph, shacl_graph=result.ontology.shapes)
    assert conforms, text
    store = load_store(result.dataset)
    checks = compile_ontology_shapes(result.ontology).core
    assert check_store(store, checks, [str(LINKS_GRAPH)], ontology_graph=str(ONTOLOGY_GRAPH)) == []
    # a broken record is caught by both
    broken = Graph()
    for triple in links:
        broken.add(triple)
    node = next(links.subjects(RDF.type, KG.IdentityLink))
    broken.remove((node, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    conforms, _graph, _text = pyshacl.validate(broken + result.ontology.graph, shacl_graph=result.ontology.shapes)
    assert not conforms


def test_stats_lists_the_links(tmp_path: Path) -> None:
    b = article_b()
    entity(b, "joint-declaration")["not_same_as"] = ["links-a/declaration"]
    data = make_data(tmp_path, article_a(), b)
    table = CliRunner().invoke(main, ["stats", "--data", str(data)])
    assert table.exit_code == 0
    assert "  JointStatement                   0 candidate, 0 confirmed, 1 rejected" in table.output
    assert "  Meeting                          1 candidate, 0 confirmed, 0 rejected" in table.output
    assert (
        "  Meeting, candidate 0.80: [links-a] meeting of four interior ministers in Birgu"
        "  ~  [links-b] ministers' meeting in Malta on migrants rescued at sea" in table.output
    )
    as_json = json.loads(CliRunner().invoke(main, ["stats", "--data", str(data), "--format", "json"]).output)
    assert [(r["kind"], r["status"]) for r in as_json["links"]["list"]] == [
        ("JointStatement", "rejected"),
        ("Meeting", "candidate"),
    ]
    assert as_json["links"]["list"][1]["shared"] == sorted(STATES)


def test_the_synthetic_corpus_reports_some_meetings_twice(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from gen_corpus import write_corpus

    data = write_corpus(60, tmp_path / "corpus")
    links = links_of(data)
    pairs = sorted((str(a), str(b)) for a, _p, b in links.triples((None, KG.reportedSameAs, None)))
    assert [(a.rsplit("/", 2)[1], b.rsplit("/", 2)[1]) for a, b in pairs] == [
        ("syn-000019", "syn-000020"),
        ("syn-000039", "syn-000040"),
        ("syn-000059", "syn-000060"),
    ]
