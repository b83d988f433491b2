"""The ontology: documented terms, Python terms in step with the Turtle, alignment, topics, closure."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.build import BuildResult
from kg.inference import infer_closure
from kg.namespaces import KG, ORG, SCHEMA, TOPIC
from kg.ontology import load_ontology

PROV = "http://www.w3.org/ns/prov#"
KGNS = str(KG._NS)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_ontology().graph


def kg_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(KGNS)}


def test_every_term_has_a_label_and_a_comment(onto: Graph) -> None:
    missing = [t for t in kg_terms(onto) if (t, RDFS.label, None) not in onto or (t, RDFS.comment, None) not in onto]
    assert not missing


def test_python_terms_and_turtle_agree_both_ways(onto: Graph) -> None:
    python_terms = {KG[name] for name in KG.__annotations__}
    assert python_terms == kg_terms(onto)


def test_misspelt_term_fails() -> None:
    with pytest.raises(AttributeError):
        KG.participatesIn  # noqa: B018


def _tied(onto: Graph, term: URIRef) -> bool:
    """The term reaches a non-kg vocabulary through subClassOf/subPropertyOf/equivalence/inverse."""
    seen, todo = set(), [term]
    links = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for link in links:
            for other in [*onto.objects(node, link), *onto.subjects(OWL.inverseOf, node)]:
                if not str(other).startswith(KGNS):
                    return True
                todo.append(other)
    return False


# terms no standard vocabulary has a counterpart for, with the reason (a wrong sub-property would
# make the OWL-RL closure state something false in a standard term)
UNALIGNED = {
    KG.notBefore: "a bound of a date; schema:startDate or dcterms:date would call it the date itself",
    KG.notAfter: "a bound of a date; schema:endDate or dcterms:date would call it the date itself",
}


def test_every_class_and_property_is_aligned(onto: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = [t for k in kinds for t in onto.subjects(RDF.type, k) if str(t).startswith(KGNS)]
    assert len(terms) >= 80
    assert sorted(t for t in terms if not _tied(onto, t)) == sorted(UNALIGNED)


def test_date_bounds_say_why_they_have_no_standard_counterpart(onto: Graph) -> None:
    for term in UNALIGNED:
        comment = str(onto.value(term, RDFS.comment))
        assert "TEI" in comment and "not the date" in comment
        assert (term, RDFS.range, XSD.date) in onto


@pytest.mark.parametrize(
    "required",
    [
        "State",
        "SupranationalUnion",
        "IntergovernmentalOrganization",
        "Agency",
        "Institution",
        "Person",
        "Meeting",
        "Agreement",
        "Treaty",
        "MemorandumOfUnderstanding",
        "JointStatement",
        "Commitment",
        "Programme",
        "Fund",
        "Place",
        "OnlinePlace",
        "Topic",
        "Post",
        "Article",
        "Sentence",
        "TextSpan",
        "Claim",
    ],
)
def test_required_class(onto: Graph, required: str) -> None:
    assert (KG[required], RDF.type, OWL.Class) in onto


@pytest.mark.parametrize(
    "required",
    [
        "participatedIn",
        "organized",
        "hosted",
        "locatedIn",
        "date",
        "notBefore",
        "notAfter",
        "represents",
        "holdsPost",
        "memberOf",
        "partyTo",
        "signed",
        "about",
        "cooperatesWith",
        "funds",
        "statedBy",
        "modality",
    ],
)
def test_required_property(onto: Graph, required: str) -> None:
    assert (KG[required], RDF.type, OWL.ObjectProperty) in onto or (
        KG[required],
        RDF.type,
        OWL.DatatypeProperty,
    ) in onto


@pytest.mark.parametrize(
    "topic",
    [
        "smuggling",
        "trafficking",
        "border-management",
        "search-and-rescue",
        "police-training",
        "returns-readmission",
        "legal-pathways",
        "root-causes",
        "funding",
    ],
)
def test_topic_scheme(onto: Graph, topic: str) -> None:
    assert (TOPIC[topic], SKOS.inScheme, KG.topics) in onto
    assert (TOPIC[topic], RDF.type, SKOS.Concept) in onto
    assert (TOPIC[topic], SKOS.prefLabel, None) in onto


@pytest.fixture(scope="module")
def closure(seed: BuildResult) -> Graph:
    return infer_closure(seed.dataset)


ITALY = URIRef("https://w3id.org/migration-kg/id/actor/italy")
MEETING = URIRef("https://w3id.org/migration-kg/id/article-001/meeting")
LAMORGESE = URIRef("https://w3id.org/migration-kg/id/person/luciana-lamorgese")
FRONTEX = URIRef("https://w3id.org/migration-kg/id/actor/frontex")


@pytest.mark.parametrize(
    ("triple", "why"),
    [
        ((MEETING, SCHEMA.attendee, ITALY), "participatedIn is the inverse of schema:attendee"),
        ((MEETING, SCHEMA.organizer, ITALY), "organized is the inverse of schema:organizer"),
        ((MEETING, SCHEMA.organizer, LAMORGESE), "hosted is a kind of organised"),
        ((ITALY, RDF.type, SCHEMA.Country), "State is a schema:Country"),
        ((FRONTEX, RDF.type, SCHEMA.GovernmentOrganization), "Agency is a schema:GovernmentOrganization"),
        ((FRONTEX, RDF.type, ORG.Organization), "Agency is an org:Organization"),
        ((LAMORGESE, RDF.type, SCHEMA.Person), "Person is a schema:Person"),
        ((MEETING, RDF.type, SCHEMA.Event), "Meeting is a schema:Event"),
        (
            (URIRef("https://w3id.org/migration-kg/id/post/italy-minister-of-the-interior"), ORG.heldBy, LAMORGESE),
            "holdsPost is the inverse of org:heldBy",
        ),
        ((ITALY, SCHEMA.memberOf, URIRef("https://w3id.org/migration-kg/id/actor/eu")), "memberOf is schema:memberOf"),
        ((ITALY, ORG.memberOf, URIRef("https://w3id.org/migration-kg/id/actor/eu")), "memberOf is org:memberOf"),
        (
            (
                URIRef("https://w3id.org/migration-kg/id/article-001/fact/italy.organized.meeting"),
                URIRef(PROV + "wasDerivedFrom"),
                URIRef("https://w3id.org/migration-kg/id/article-001/span/377-415"),
            ),
            "evidence is prov:wasDerivedFrom",
        ),
        (
            (
                URIRef("https://w3id.org/migration-kg/id/article-001/claim-all-instruments"),
                URIRef(PROV + "wasAttributedTo"),
                LAMORGESE,
            ),
            "statedBy is prov:wasAttributedTo",
        ),
        (
            (
                FRONTEX,
                URIRef("http://www.w3.org/ns/org#linkedTo"),
                URIRef("https://w3id.org/migration-kg/id/actor/afripol"),
            ),
            "cooperatesWith is symmetric and an org:linkedTo",
        ),
    ],
)
def test_owl_rl_closure_yields_standard_triples(
    closure: Graph, triple: tuple[URIRef, URIRef, URIRef], why: str
) -> None:
    assert triple in closure, why


def test_closure_has_no_generalised_or_trivial_triples(closure: Graph) -> None:
    from rdflib import Literal

    assert not any(isinstance(s, Literal) for s, _p, _o in closure)
    assert not any(p == OWL.sameAs and s == o for s, p, o in closure)


def test_every_class_has_a_shape(onto: Graph) -> None:
    ontology = load_ontology()
    shapes = ontology.shapes + ontology.evidence_shapes
    targeted = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    classes = {c for c in onto.subjects(RDF.type, OWL.Class) if str(c).startswith(KGNS)}
    assert classes - targeted == set()


def test_shapes_apply_to_the_ontology_concepts(seed: BuildResult) -> None:
    """The topic, modality and status concepts themselves conform (validated with the registry)."""
    import pyshacl

    ontology = load_ontology()
    conforms, _graph, text = pyshacl.validate(ontology.graph, shacl_graph=ontology.shapes, advanced=True)
    assert conforms, text
