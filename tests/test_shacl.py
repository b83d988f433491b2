"""kg.shacl, the native SHACL validator, reports what pyshacl reports.

Every comparison is of the set of (checked graph, focus node, result path, source shape) that each
engine reports for the same data graphs: the registry with its background and the ontology, and
each article graph with the ontology and the registry's description of what the article names
(what kg.validate hands pyshacl).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.build import BuildResult, build_graph
from kg.errors import UnsupportedShape, ValidationFailed
from kg.namespaces import (
    BACKGROUND_GRAPH,
    GRAPH,
    ID,
    KG,
    ONTOLOGY_GRAPH,
    REGISTRY_GRAPH,
    SCHEMA,
    TOPIC,
    article_graph,
)
from kg.ontology import Ontology, to_oxigraph
from kg.shacl import (
    Check,
    Violation,
    check_store,
    check_union,
    compile_ontology_shapes,
    compile_shapes,
    load_store,
    validate_natively,
)
from kg.validate import article_data_graph

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "eval" / "dev"
SH = "http://www.w3.org/ns/shacl#"
ARTICLE = article_graph("article-001")
MEETING = ID["article-001/meeting"]
SENTENCE = ID["article-001/sentence/0"]
ARTICLE_NODE = ID["article/article-001"]
FACT = ID["article-001/fact/italy.participatedIn.meeting"]
CLAIM = ID["article-001/claim-all-instruments"]
FOO = URIRef(str(KG._NS) + "Foo")  # a class the ontology does not define

Key = tuple[str, str, str, Node]  # graph, focus (N-Triples), path ("", "<iri>" or "^<iri>"), source shape


# --------------------------------------------------------------------------------------------
# the two engines on the same data


def _nt(node: Node) -> str:
    return str(to_oxigraph(node))


def _pyshacl(data: Graph, shapes: Graph, graph: str) -> set[Key]:
    import pyshacl

    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    found: set[Key] = set()
    for result in results.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        path = results.value(result, URIRef(SH + "resultPath"))
        if path is None:
            path_key = ""
        elif isinstance(path, URIRef):
            path_key = f"<{path}>"
        else:
            path_key = f"^<{results.value(path, URIRef(SH + 'inversePath'))}>"
        focus = results.value(result, URIRef(SH + "focusNode"))
        shape = results.value(result, URIRef(SH + "sourceShape"))
        assert focus is not None and shape is not None
        found.add((graph, _nt(focus), path_key, shape))
    return found


def pyshacl_results(
    dataset: Dataset, ontology: Ontology, articles: set[str] | None = None, evidence: bool = True
) -> set[Key]:
    """pyshacl on the data graphs kg.validate builds (all articles, or those named).

    pyshacl takes seconds per article for the SPARQL-based evidence shape (kg.validate runs that
    one natively), so tests that are not about evidence leave it out with ``evidence=False``.
    """
    registry = dataset.graph(REGISTRY_GRAPH)
    data = Graph()
    for triple in (*registry, *dataset.graph(BACKGROUND_GRAPH)):
        data.add(triple)
    data += ontology.graph
    found = _pyshacl(data, ontology.shapes, str(REGISTRY_GRAPH))
    prefix = str(GRAPH["article/"])
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if not name.startswith(prefix) or (articles is not None and name not in articles):
            continue
        data = article_data_graph(graph, registry)
        data += ontology.graph
        found |= _pyshacl(data, ontology.shapes, name)
        if evidence:
            found |= _pyshacl(data, ontology.evidence_shapes, name)
    return found


def native_violations(
    dataset: Dataset, ontology: Ontology, evidence: bool = True
) -> tuple[list[Violation], dict[str, Node]]:
    store = load_store(dataset)
    checks = compile_ontology_shapes(ontology)
    everything = [*checks.core, *checks.evidence]
    nodes = {c.shape: c.shape_node for c in everything}
    found = check_union(store, checks.core, [str(REGISTRY_GRAPH), str(BACKGROUND_GRAPH)], name=str(REGISTRY_GRAPH))
    found += check_store(store, checks.core)
    if evidence:
        found += check_store(store, checks.evidence)
    return found, nodes


def native_results(dataset: Dataset, ontology: Ontology, evidence: bool = True) -> set[Key]:
    found, nodes = native_violations(dataset, ontology, evidence)
    return {(v.graph, v.focus, v.path, nodes[v.shape]) for v in found}


def assert_same(expected: set[Key], actual: set[Key]) -> None:
    only_pyshacl = sorted(map(str, expected - actual))
    only_native = sorted(map(str, actual - expected))
    assert not only_pyshacl and not only_native, f"only pyshacl: {only_pyshacl}\nonly native: {only_native}"


# --------------------------------------------------------------------------------------------
# conforming data: the seed and every gold annotation of the dev set


def test_seed_build_conforms_for_both(seed: BuildResult) -> None:
    expected = pyshacl_results(seed.dataset, seed.ontology)
    actual = native_results(seed.dataset, seed.ontology)
    assert expected == actual == set()


@pytest.fixture(scope="session")
def dev_gold(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The dev set's gold annotations built with the project's registry (built once)."""
    data = tmp_path_factory.mktemp("dev") / "data"
    (data / "annotations").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "registry.yaml", data)
    shutil.copytree(DEV / "articles", data / "articles")
    for path in sorted((DEV / "annotations").glob("*.yaml")):
        shutil.copy(path, data / "annotations")
    return build_graph(data)


@pytest.fixture(scope="session")
def dev_native(dev_gold: BuildResult) -> set[Key]:
    return native_results(dev_gold.dataset, dev_gold.ontology)


GOLDS = sorted(p.stem for p in (DEV / "annotations").glob("*.yaml"))


def test_the_dev_set_has_golds() -> None:
    assert len(GOLDS) >= 10


@pytest.mark.slow
@pytest.mark.parametrize("gold", GOLDS)
def test_dev_gold_parity(gold: str, dev_gold: BuildResult, dev_native: set[Key]) -> None:
    graph = str(article_graph(gold))
    assert len(dev_gold.dataset.graph(URIRef(graph))) > 0
    expected = {k for k in pyshacl_results(dev_gold.dataset, dev_gold.ontology, {graph}) if k[0] == graph}
    assert_same(expected, {k for k in dev_native if k[0] == graph})


def test_dev_registry_parity(dev_gold: BuildResult, dev_native: set[Key]) -> None:
    expected = pyshacl_results(dev_gold.dataset, dev_gold.ontology, set())
    assert_same(expected, {k for k in dev_native if k[0] == str(REGISTRY_GRAPH)})


# --------------------------------------------------------------------------------------------
# broken data: one mutation per kind of constraint


def _replace(graph: Graph, s: Node, p: Node, o: Node) -> None:
    assert (s, p, None) in graph, (s, p)
    graph.remove((s, p, None))
    graph.add((s, p, o))


def _remove(graph: Graph, s: Node, p: Node) -> None:
    assert (s, p, None) in graph, (s, p)
    graph.remove((s, p, None))


Mutation = Callable[[Dataset, Ontology], None]


def _in_article(*triples: tuple[Node, Node, Node]) -> Mutation:
    def mutate(ds: Dataset, _ontology: Ontology) -> None:
        for triple in triples:
            ds.graph(ARTICLE).add(triple)

    return mutate


def _bad_labels(ds: Dataset, _ontology: Ontology) -> None:
    """An empty label (sh:minLength) and one without a language tag (sh:datatype, sh:languageIn)."""
    _replace(ds.graph(ARTICLE), MEETING, RDFS.label, Literal("", lang="en"))
    _replace(ds.graph(ARTICLE), ID["place/north-africa"], RDFS.label, Literal("North Africa", datatype=XSD.string))


def _registry_hierarchy(ds: Dataset, _ontology: Ontology) -> None:
    """A registry node that is a class (below kg:Place) types an article node, which is then a place
    only through the registry's rdfs:subClassOf, and needs a label."""
    ds.graph(REGISTRY_GRAPH).add((ID["actor/italy"], RDFS.subClassOf, KG.Place))
    ds.graph(ARTICLE).add((ID["article-001/x"], RDF.type, ID["actor/italy"]))
    ds.graph(ARTICLE).add((MEETING, KG.locatedIn, ID["article-001/x"]))


def _second_topic_label(ds: Dataset, ontology: Ontology) -> None:
    """The ontology graph is in every article's data graph: a topic with two labels fails in each."""
    for graph in (ds.graph(ONTOLOGY_GRAPH), ontology.graph):
        graph.add((TOPIC["smuggling"], SKOS.prefLabel, Literal("Smuggling again", lang="en")))


MUTATIONS: dict[str, Mutation] = {
    # sh:minCount: a post without the organisation it belongs to
    "minCount": lambda ds, _o: _remove(ds.graph(ARTICLE), ID["post/italy-minister-of-the-interior"], KG.postIn),
    # sh:maxCount: a meeting with two dates
    "maxCount": _in_article(
        (MEETING, KG.date, Literal("2020-07-13", datatype=XSD.date)),
        (MEETING, KG.date, Literal("2020-07-14", datatype=XSD.date)),
    ),
    # sh:class: a meeting located in a state (its type comes from the registry)
    "class, registry type": _in_article((MEETING, KG.locatedIn, ID["actor/italy"])),
    # sh:class: a literal is never an instance
    "class, literal": _in_article((MEETING, KG.about, Literal("smuggling"))),
    # sh:class through an inverse path: a topic participates in a meeting
    "class, inverse path": _in_article((TOPIC["smuggling"], KG.participatedIn, MEETING)),
    # sh:datatype: an ill-typed date, a plain string for a count, a negative count, a tagged title
    "datatype, ill-typed date": _in_article((MEETING, KG.date, Literal("2020-13-45", datatype=XSD.date))),
    "datatype, string for a count": lambda ds, _o: _replace(ds.graph(ARTICLE), SENTENCE, KG.start, Literal("0")),
    "datatype, negative count": lambda ds, _o: _replace(
        ds.graph(ARTICLE), SENTENCE, KG.start, Literal("-1", datatype=XSD.nonNegativeInteger)
    ),
    "datatype, ill-typed count": lambda ds, _o: _replace(
        ds.graph(ARTICLE), SENTENCE, KG.start, Literal("abc", datatype=XSD.nonNegativeInteger)
    ),
    "datatype, language tag on a string": lambda ds, _o: _replace(
        ds.graph(ARTICLE), ARTICLE_NODE, KG.title, Literal("Title", lang="en")
    ),
    "datatype, a bound that is no date": _in_article((MEETING, KG.notAfter, Literal("last week"))),
    # the bounds of a period: SHACL-SPARQL (the earliest day after the latest), sh:or (not a meeting)
    "sparql, bounds the wrong way round": _in_article(
        (MEETING, KG.notBefore, Literal("2020-07-14", datatype=XSD.date)),
        (MEETING, KG.notAfter, Literal("2020-07-13", datatype=XSD.date)),
    ),
    "or, bounds of a place": _in_article(
        (ID["place/north-africa"], KG.notBefore, Literal("2020-07-13", datatype=XSD.date))
    ),
    # sh:pattern: in an article graph, and in the registry (seen by every article naming the state)
    "pattern": lambda ds, _o: _replace(ds.graph(ARTICLE), ARTICLE_NODE, KG.sha256, Literal("XYZ")),
    "pattern, registry": lambda ds, _o: _replace(
        ds.graph(REGISTRY_GRAPH), ID["actor/italy"], KG.iso3166Alpha2, Literal("it")
    ),
    # sh:languageIn
    "languageIn": lambda ds, _o: _replace(ds.graph(ARTICLE), MEETING, RDFS.label, Literal("Réunion", lang="fr")),
    # sh:minLength
    "minLength": _in_article((CLAIM, KG.quotation, Literal(""))),
    # sh:lessThan: a sentence that ends where it starts, and one whose end is not a number
    "lessThan": lambda ds, _o: _replace(
        ds.graph(ARTICLE), SENTENCE, KG.end, Literal("0", datatype=XSD.nonNegativeInteger)
    ),
    "lessThan, incomparable": lambda ds, _o: _replace(ds.graph(ARTICLE), SENTENCE, KG.end, Literal("end")),
    # sh:or: a claim with neither speaker nor message; an agreement of no concrete kind
    "or, property shapes": lambda ds, _o: _remove(ds.graph(ARTICLE), CLAIM, KG.statedBy),
    "or, class shapes": _in_article((ID["article-001/thing"], RDF.type, KG.Agreement)),
    # sh:in: a modality of the ontology put in the topic scheme by an article
    "in": _in_article((KG.Agreed, SKOS.inScheme, KG.topics)),
    # sh:hasValue: a topic outside the topic scheme
    "hasValue": _in_article(
        (ID["article-001/t"], RDF.type, KG.Topic),
        (ID["article-001/t"], SKOS.prefLabel, Literal("t", lang="en")),
        (ID["article-001/t"], SKOS.inScheme, KG.modalities),
    ),
    # checks of one kind on the same focus nodes run as one query (kg.shacl fuses them)
    "maxCount, fused": _in_article((FACT, RDF.object, ID["actor/spain"])),
    "class, fused, wrong evidence": _in_article((FACT, KG.evidence, MEETING)),
    "class, fused, registry types": _in_article((FACT, KG.statedBy, TOPIC["smuggling"])),
    "value tests on one path, fused": _bad_labels,
    # sh:nodeKind
    "nodeKind": lambda ds, _o: _replace(ds.graph(ARTICLE), FACT, RDF.predicate, Literal("participatedIn")),
    # sh:targetSubjectsOf: a link that is not a Wikidata entity, without a source
    "targetSubjectsOf": _in_article((MEETING, SCHEMA.sameAs, URIRef("http://example.org/x"))),
    # a second parent for an agency (registry background plus the article)
    "targetSubjectsOf, partOf": _in_article((ID["actor/frontex"], KG.partOf, ID["actor/italy"])),
    # an article adds a second Wikidata link to a registry actor
    "maxCount on a registry actor": _in_article(
        (ID["actor/italy"], SCHEMA.sameAs, URIRef("http://www.wikidata.org/entity/Q999"))
    ),
    # the registry loses a label: the registry and every article naming the actor report it
    "registry label missing": lambda ds, _o: _remove(ds.graph(REGISTRY_GRAPH), ID["actor/italy"], RDFS.label),
    # SHACL-SPARQL: a fact without an assertion, and an assertion without evidence
    "evidence, fact without assertion": _in_article((ID["actor/frontex"], KG.participatedIn, MEETING)),
    "evidence, assertion without evidence": lambda ds, _o: _remove(ds.graph(ARTICLE), FACT, KG.evidence),
    "evidence, bound without assertion": _in_article((MEETING, KG.notBefore, Literal("2020-07-06", datatype=XSD.date))),
    # rdfs:subClassOf stated by the article itself: its own hierarchy applies to it
    "own hierarchy, wrong class": _in_article(
        (FOO, RDFS.subClassOf, KG.Topic),
        (ID["article-001/x"], RDF.type, FOO),
        (MEETING, KG.locatedIn, ID["article-001/x"]),
    ),
    "own hierarchy, new target": _in_article((FOO, RDFS.subClassOf, KG.Meeting), (ID["article-001/x"], RDF.type, FOO)),
    "registry hierarchy": _registry_hierarchy,
    "ontology topic with two labels": _second_topic_label,
}

# where the two engines differ, by design or by a limit of the store; each is checked to still differ
KNOWN_DIFFERENCES = {
    # pyoxigraph stores every integer type as xsd:integer (oxigraph issue #526), so the native
    # check cannot tell "5"^^xsd:integer from "5"^^xsd:nonNegativeInteger; pyshacl reports it
    "datatype, integer for nonNegativeInteger": lambda ds, _o: _replace(
        ds.graph(ARTICLE), SENTENCE, KG.start, Literal("0", datatype=XSD.integer)
    ),
    # SHACL's sh:pattern is XPath fn:matches, where $ is the end of the string; pyshacl uses
    # Python's re.search, where $ also matches before a final newline, and accepts "IT\n"
    "pattern, final newline": lambda ds, _o: _replace(
        ds.graph(REGISTRY_GRAPH), ID["actor/italy"], KG.iso3166Alpha2, Literal("IT\n")
    ),
    # XSD 1.1 has a year 0000; rdflib (so pyshacl) calls "0000-01-01"^^xsd:date ill-typed
    "datatype, year zero": _in_article((MEETING, KG.date, Literal("0000-01-01", datatype=XSD.date))),
}


def mutated(name: str, mutations: dict[str, Mutation]) -> BuildResult:
    result = build_graph(ROOT / "data")
    mutations[name](result.dataset, result.ontology)
    return result


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_parity(name: str) -> None:
    evidence = name.startswith("evidence")
    result = mutated(name, MUTATIONS)
    expected = pyshacl_results(result.dataset, result.ontology, evidence=evidence)
    assert expected, "the mutation must make pyshacl report a violation, or this test cannot fail"
    assert_same(expected, native_results(result.dataset, result.ontology, evidence=evidence))


@pytest.mark.parametrize("name", sorted(KNOWN_DIFFERENCES))
def test_known_differences_still_differ(name: str) -> None:
    result = mutated(name, KNOWN_DIFFERENCES)
    expected = pyshacl_results(result.dataset, result.ontology, evidence=False)
    assert expected != native_results(result.dataset, result.ontology, evidence=False)


def test_known_difference_directions() -> None:
    """Which engine reports what, for the differences above."""
    for name in ("datatype, integer for nonNegativeInteger", "datatype, year zero"):
        result = mutated(name, KNOWN_DIFFERENCES)
        assert pyshacl_results(result.dataset, result.ontology, evidence=False), name
        assert not native_results(result.dataset, result.ontology, evidence=False), name
    newline = mutated("pattern, final newline", KNOWN_DIFFERENCES)
    assert not pyshacl_results(newline.dataset, newline.ontology, evidence=False)
    native = native_results(newline.dataset, newline.ontology, evidence=False)
    assert {k[2] for k in native} == {f"<{KG.iso3166Alpha2}>"}


def _registry_says_nobody_participated(ds: Dataset, _o: Ontology) -> None:
    ds.graph(REGISTRY_GRAPH).add((ID["actor/nobody"], KG.participatedIn, MEETING))


def test_registry_triples_about_nodes_an_article_does_not_name_stay_out() -> None:
    result = mutated("registry participant", {"registry participant": _registry_says_nobody_participated})
    assert pyshacl_results(result.dataset, result.ontology, evidence=False) == set()
    assert native_results(result.dataset, result.ontology, evidence=False) == set()


def test_registry_triples_about_nodes_an_article_names_come_in() -> None:
    def mutate(ds: Dataset, ontology: Ontology) -> None:
        _registry_says_nobody_participated(ds, ontology)
        ds.graph(ARTICLE).add((MEETING, KG.about, ID["actor/nobody"]))  # names it

    result = mutated("named", {"named": mutate})
    expected = pyshacl_results(result.dataset, result.ontology, evidence=False)
    assert {k[2] for k in expected} == {f"<{KG.about}>", f"^<{KG.participatedIn}>"}
    assert_same(expected, native_results(result.dataset, result.ontology, evidence=False))


# --------------------------------------------------------------------------------------------
# many graphs in one store


def _store_with_copies(seed: BuildResult, count: int) -> tuple[ox.Store, list[str]]:
    """The seed's graphs plus ``count`` renamed copies of its article graph."""
    store = load_store(seed.dataset)
    article = str(ARTICLE)
    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(article)))
    text = "\n".join(f"{q} ." for q in quads)
    names = [article]
    for i in range(2, count + 1):
        copy = f"article-copy-{i}"
        store.load(text.replace("article-001", copy).encode(), format=ox.RdfFormat.N_QUADS)
        names.append(str(article_graph(copy)))
    return store, names


def test_a_violation_stays_in_its_graph(seed: BuildResult) -> None:
    """An article adding a label to a registry actor breaks its own data graph only."""
    checks = compile_ontology_shapes(seed.ontology)
    store, names = _store_with_copies(seed, 3)
    broken = names[1]
    italy = ox.NamedNode(str(ID["actor/italy"]))
    store.add(ox.Quad(italy, ox.NamedNode(str(RDFS.label)), ox.Literal("Italia", language="en"), ox.NamedNode(broken)))
    found = check_store(store, checks.core)
    assert {(v.graph, v.focus, v.component) for v in found} == {(broken, str(italy), "MaxCount")}
    assert check_store(store, checks.core, [names[0], names[2]]) == []
    assert check_store(store, checks.core, [broken]) == found


def test_registry_nodes_are_checked_only_where_named(seed: BuildResult) -> None:
    """A registry actor no article names is not a focus node of any article graph."""
    checks = compile_ontology_shapes(seed.ontology)
    store = load_store(seed.dataset)
    nobody = ox.NamedNode(str(ID["actor/nobody"]))
    registry = ox.NamedNode(str(REGISTRY_GRAPH))
    store.add(ox.Quad(nobody, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(KG.State)), registry))
    assert check_store(store, checks.core) == []
    registry_result = check_union(store, checks.core, [str(REGISTRY_GRAPH)], name=str(REGISTRY_GRAPH))
    assert {v.focus for v in registry_result} == {str(nobody)}


def test_results_are_sorted_and_repeatable(seed: BuildResult) -> None:
    result = mutated("or, property shapes", MUTATIONS)
    first, _nodes = native_violations(result.dataset, result.ontology)
    again, _nodes = native_violations(result.dataset, result.ontology)
    assert first == again
    articles = [v for v in first if v.graph != str(REGISTRY_GRAPH)]
    assert articles == sorted(articles)


def test_shape_names_do_not_depend_on_blank_node_ids(seed: BuildResult) -> None:
    from kg.ontology import load_ontology

    again = compile_ontology_shapes(load_ontology())
    first = compile_ontology_shapes(seed.ontology)
    assert [c.shape for c in first.core] == [c.shape for c in again.core]
    assert len({c.shape for c in first.core}) == len({c.shape_node for c in first.core})


# --------------------------------------------------------------------------------------------
# the drop-in for kg.validate.validate_dataset


def test_validate_natively_accepts_the_seed(seed: BuildResult) -> None:
    validate_natively(seed.dataset, seed.ontology)


@pytest.mark.parametrize(
    ("name", "words"),
    [("minCount", "kg:postIn"), ("evidence, fact without assertion", "has no assertion with evidence")],
)
def test_validate_natively_fails_like_validate_dataset(name: str, words: str) -> None:
    from kg.validate import validate_dataset

    result = mutated(name, MUTATIONS)
    with pytest.raises(ValidationFailed) as native:
        validate_natively(result.dataset, result.ontology)
    with pytest.raises(ValidationFailed) as reference:
        validate_dataset(result.dataset, result.ontology)
    assert native.value.what.split(";")[0] == reference.value.what.split(";")[0]
    assert native.value.where == reference.value.where
    assert native.value.remedy == reference.value.remedy
    assert words in native.value.report
    assert native.value.report.count("\n  - ") == reference.value.report.count("\n  - ")


def test_validate_natively_reports_the_registry_first() -> None:
    result = mutated("registry label missing", MUTATIONS)
    with pytest.raises(ValidationFailed) as caught:
        validate_natively(result.dataset, result.ontology)
    assert caught.value.what.startswith("the registry violates the SHACL shapes in 1 place(s)")
    assert "focus id:actor/italy; path rdfs:label" in caught.value.report


# --------------------------------------------------------------------------------------------
# SHACL features kg's shapes do not use but the compiler supports, against pyshacl on small graphs

EX = "http://example.org/"
PREFIXES = f"""
@prefix sh: <{SH}> . @prefix ex: <{EX}> . @prefix rdf: <{RDF}> . @prefix rdfs: <{RDFS}> .
@prefix xsd: <{XSD}> .
"""


def _small_parity(shapes_ttl: str, data_ttl: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    shapes = Graph().parse(data=PREFIXES + shapes_ttl, format="turtle")
    data = Graph().parse(data=PREFIXES + data_ttl, format="turtle")
    expected = {(focus, path) for _g, focus, path, _s in _pyshacl(data, shapes, "")}
    ds = Dataset()
    graph = ds.graph(URIRef(EX + "data"))
    for triple in data:
        graph.add(triple)
    store, checks = load_store(ds), compile_shapes(shapes)
    # the data as one merged data graph, and as one of many article graphs: the same results
    merged = check_union(store, checks, [EX + "data"], name=EX + "data")
    assert merged == check_store(store, checks, [EX + "data"])
    return expected, {(v.focus, v.path) for v in merged}


SMALL_CASES = {
    "implicit class target": (
        "ex:Thing a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        "ex:a a ex:Thing . ex:b a ex:Thing ; ex:name 'b' . ex:c a ex:Sub . ex:Sub rdfs:subClassOf ex:Thing .",
    ),
    "pattern with flags": (
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:code ; sh:pattern '^ab$' ; sh:flags 'i' ] .",
        "ex:a a ex:T ; ex:code 'AB' . ex:b a ex:T ; ex:code 'abc' .",
    ),
    "in with literals": (
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:n ; sh:in ( 1 'one' ) ] .",
        "ex:a a ex:T ; ex:n 1 . ex:b a ex:T ; ex:n '1' . ex:c a ex:T ; ex:n 'one' .",
    ),
    "minCount 2 and maxCount 2": (
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:v ; sh:minCount 2 ; sh:maxCount 2 ] .",
        "ex:a a ex:T ; ex:v 1 . ex:b a ex:T ; ex:v 1 , 2 . ex:c a ex:T ; ex:v 1 , 2 , 3 .",
    ),
    "minCount 3 and maxCount 3 (counted)": (
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:v ; sh:minCount 3 ; sh:maxCount 3 ] .",
        "ex:a a ex:T . ex:b a ex:T ; ex:v 1 , 2 . ex:c a ex:T ; ex:v 1 , 2 , 3 . ex:d a ex:T ; ex:v 1 , 2 , 3 , 4 .",
    ),
    "hasValue on an inverse path": (
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:hasValue ex:x ] .",
        "ex:a a ex:T . ex:x ex:p ex:a . ex:b a ex:T . ex:y ex:p ex:b .",
    ),
    "datatypes": (
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:yes ; sh:datatype xsd:boolean ] ,"
        " [ sh:path ex:dec ; sh:datatype xsd:decimal ] , [ sh:path ex:int ; sh:datatype xsd:integer ] ,"
        " [ sh:path ex:when ; sh:datatype xsd:dateTime ] , [ sh:path ex:own ; sh:datatype ex:custom ] .",
        "ex:a a ex:T ; ex:yes true ; ex:dec 1.5 ; ex:int 3 ; ex:when '2020-01-01T10:00:00'^^xsd:dateTime ;"
        " ex:own '1'^^ex:custom ."
        " ex:b a ex:T ; ex:yes 1 ; ex:dec 'x'^^xsd:decimal ; ex:int 1.5 ; ex:when '2020-01-01'^^xsd:date ;"
        " ex:own '1' .",
    ),
    "class of the values of rdf:type": (
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path rdf:type ; sh:class ex:Meta ] .",
        "ex:a a ex:T . ex:T a ex:Meta . ex:b a ex:T , ex:U .",
    ),
    "node kinds": (
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:l ; sh:nodeKind sh:Literal ] ,"
        " [ sh:path ex:r ; sh:nodeKind sh:BlankNodeOrIRI ] .",
        "ex:a a ex:T ; ex:l 'x' ; ex:r ex:z . ex:b a ex:T ; ex:l ex:z ; ex:r 'x' . ex:c a ex:T ; ex:r [] .",
    ),
}


@pytest.mark.parametrize("case", sorted(SMALL_CASES))
def test_small_parity(case: str) -> None:
    expected, actual = _small_parity(*SMALL_CASES[case])
    assert expected, "the data must violate the shape, or this test cannot fail"
    assert expected == actual


# --------------------------------------------------------------------------------------------
# what the compiler refuses


def _sparql_shape(query: str) -> str:
    return "ex:S sh:targetClass ex:T ; sh:sparql [ sh:select '''" + query + "''' ] ."


REFUSED = {
    "sh:maxLength": "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:maxLength 3 ] .",
    "sh:node": "ex:S sh:targetClass ex:T ; sh:node ex:Other .",
    "sh:targetNode": "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
    "sh:severity": "ex:S sh:targetClass ex:T ; sh:severity sh:Warning .",
    "sh:deactivated": "ex:S sh:targetClass ex:T ; sh:deactivated true .",
    "a property path other than an IRI": "ex:S sh:targetClass ex:T ; sh:property [ sh:path ( ex:p ex:q ) ] .",
    "sh:datatype xsd:gYear": "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:datatype xsd:gYear ] .",
    "sh:flags 'g'": "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:pattern 'a' ; sh:flags 'g' ] .",
    "not valid XPath syntax": "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:pattern '(' ] .",
    "sh:minCount -1": "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount -1 ] .",
    "sh:property on a property shape": "ex:S sh:targetClass ex:T ; sh:path ex:p ; sh:property [ sh:path ex:q ] .",
    "OPTIONAL": _sparql_shape("SELECT $this WHERE { OPTIONAL { $this ?p ?o } }"),
    "UNION": _sparql_shape("SELECT $this WHERE { { $this ?p ?o } UNION { ?o ?p $this } }"),
    "property paths": _sparql_shape("SELECT $this WHERE { $this <http://x/p>+ ?o }"),
    "the function CONCAT": _sparql_shape('SELECT $this WHERE { $this ?p ?o FILTER(CONCAT(?o, "") = "") }'),
    "arithmetic": _sparql_shape("SELECT $this WHERE { $this ?p ?o FILTER(?o + 1 > 2) }"),
}


@pytest.mark.parametrize("feature", sorted(REFUSED))
def test_unsupported_features_are_refused_by_name(feature: str) -> None:
    shapes = Graph().parse(data=PREFIXES + REFUSED[feature], format="turtle")
    with pytest.raises(UnsupportedShape) as caught:
        compile_shapes(shapes, "ontology/test-shapes.ttl")
    assert feature in caught.value.what
    assert "ontology/test-shapes.ttl" in caught.value.where
    assert caught.value.exit_code == 3


def test_kg_shapes_compile() -> None:
    from kg.ontology import load_ontology

    checks = compile_ontology_shapes(load_ontology())
    assert all(isinstance(c, Check) for c in checks.core)
    components = {c.component for c in checks.core}
    assert components == {
        "Class", "Datatype", "HasValue", "In", "LanguageIn", "LessThan", "MaxCount", "MinCount", "MinLength",
        "NodeKind", "Or", "Pattern", "SPARQL",
    }  # fmt: skip
    assert [c.component for c in checks.evidence] == ["SPARQL"]


def test_a_blank_node_shape_keeps_its_node(seed: BuildResult) -> None:
    checks = compile_ontology_shapes(seed.ontology)
    property_shapes = [c for c in checks.core if isinstance(c.shape_node, BNode)]
    assert property_shapes and all((c.shape_node, None, None) in seed.ontology.shapes for c in property_shapes)
