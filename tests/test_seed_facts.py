"""One test per fact the seed article states, and tests for what it must not say.

Each expected fact is checked in the article's named graph together with its provenance: an
assertion whose evidence span lies in the sentence that states it (and, where the article says so,
who stated it).
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.build import BuildResult
from kg.namespaces import ID, KG, TOPIC, article_graph

ARTICLE = "article-001"
MEETING = ID[f"{ARTICLE}/meeting"]
LAMORGESE = ID["person/luciana-lamorgese"]
POST = ID["post/italy-minister-of-the-interior"]
MINISTRY = ID["actor/italy-interior-ministry"]
EUROPEAN = ["italy", "france", "germany", "malta", "spain"]
AFRICAN = ["algeria", "libya", "mauritania", "morocco", "tunisia"]
STATES = EUROPEAN + AFRICAN
PARTICIPANTS = [*STATES, "european-commission"]


def A(actor: str) -> URIRef:
    return ID[f"actor/{actor}"]


def L(local: str) -> URIRef:
    return ID[f"{ARTICLE}/{local}"]


@pytest.fixture(scope="module")
def g(seed: BuildResult) -> Graph:
    return seed.dataset.graph(article_graph(ARTICLE))


def evidence_of(g: Graph, s: URIRef, p: URIRef, o: URIRef | Literal) -> list[tuple[str, str]]:
    """(span text, sentence text) for every evidence span of the fact; fails if the fact is absent."""
    assert (s, p, o) in g, f"fact missing: {s} {p} {o}"
    out = []
    for fact in g.subjects(RDF.subject, s):
        if (fact, RDF.predicate, p) in g and (fact, RDF.object, o) in g:
            for span in g.objects(fact, KG.evidence):
                sentence = g.value(span, KG.inSentence)
                out.append((str(g.value(span, KG.anchorOf)), str(g.value(sentence, KG.text))))
    assert out, f"fact has no evidence: {s} {p} {o}"
    return out


def stated_by(g: Graph, s: URIRef, p: URIRef, o: URIRef | Literal) -> set[URIRef]:
    return {
        who
        for fact in g.subjects(RDF.subject, s)
        if (fact, RDF.predicate, p) in g and (fact, RDF.object, o) in g
        for who in g.objects(fact, KG.statedBy)
    }


def assert_evidence(g: Graph, s: URIRef, p: URIRef, o: URIRef | Literal, words: str) -> None:
    spans = evidence_of(g, s, p, o)
    assert any(words in span or words in sentence for span, sentence in spans), spans


# --------------------------------------------------------------------------- who took part


@pytest.mark.parametrize("actor", PARTICIPANTS)
def test_participant_took_part_as_the_italian_department_said(g: Graph, actor: str) -> None:
    assert_evidence(g, A(actor), KG.participatedIn, MEETING, "discussed with colleagues from Algeria")
    assert stated_by(g, A(actor), KG.participatedIn, MEETING) == {MINISTRY}


def test_headline_says_the_eu_discussed(g: Graph) -> None:
    assert_evidence(g, A("eu"), KG.participatedIn, MEETING, "The EU and North Africa discussed")


def test_lamorgese_took_part_as_hostess(g: Graph) -> None:
    assert_evidence(g, LAMORGESE, KG.participatedIn, MEETING, "as the hostess of the event")


# --------------------------------------------------------------------------- the meeting


def test_meeting_is_a_meeting_with_a_label(g: Graph) -> None:
    assert (MEETING, RDF.type, KG.Meeting) in g
    assert g.value(MEETING, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) is not None


def test_italy_convened_the_meeting(g: Graph) -> None:
    assert_evidence(g, A("italy"), KG.organized, MEETING, "A meeting convened by the Italian side")


def test_lamorgese_hosted_the_meeting_as_italys_interior_minister(g: Graph) -> None:
    assert_evidence(g, LAMORGESE, KG.hosted, MEETING, "as the hostess of the event")
    roles = {
        role
        for fact in g.subjects(RDF.subject, LAMORGESE)
        if (fact, RDF.predicate, KG.hosted) in g
        for role in g.objects(fact, KG.inRole)
    }
    assert roles == {POST}


def test_lamorgese_holds_the_post_of_interior_minister_of_italy(g: Graph) -> None:
    assert_evidence(g, LAMORGESE, KG.holdsPost, POST, "The interior Minister of Italy Luciana Lamorgese")
    assert (POST, RDF.type, KG.Post) in g


def test_the_post_is_in_the_italian_interior_ministry(g: Graph) -> None:
    assert_evidence(g, POST, KG.postIn, MINISTRY, "The interior Minister of Italy")


def test_lamorgese_represents_italy(g: Graph) -> None:
    assert_evidence(g, LAMORGESE, KG.represents, A("italy"), "The interior Minister of Italy Luciana Lamorgese")


def test_meeting_was_held_online(g: Graph) -> None:
    venue = ID["place/videoconference"]
    assert_evidence(g, MEETING, KG.locatedIn, venue, "via videoconference")
    assert (venue, RDF.type, KG.OnlinePlace) in g


def test_meeting_was_held_from_the_north_of_trieste(g: Graph) -> None:
    assert_evidence(g, MEETING, KG.heldFrom, ID["place/north-of-trieste"], "from the North of Trieste")


@pytest.mark.parametrize(
    ("topic", "words"),
    [("irregular-migration", "the fight against illegal migration"), ("smuggling", "the traffic of migrants")],
)
def test_meeting_topic(g: Graph, topic: str, words: str) -> None:
    assert_evidence(g, MEETING, KG.about, TOPIC[topic], words)


# --------------------------------------------------------------------------- commitments

COMMITMENTS = {
    # id: (modality, parties, topics, words of the evidence)
    "commitment-suppress-smuggling": (
        KG.ExpressedCommitment,
        STATES,
        ["smuggling", "migration-management"],
        'expressed their "clear commitment"',
    ),
    "commitment-support-agencies": (
        KG.Noted,
        STATES,
        ["search-and-rescue", "border-management", "law-enforcement-cooperation"],
        "border agencies involved in rescue at sea and on land",
    ),
    "commitment-dismantle-networks": (
        KG.Noted,
        STATES,
        ["trafficking", "transnational-crime"],
        "dismantle criminal organizations trafficking in migrants",
    ),
    "commitment-continue-dialogue": (
        KG.Pledged,
        PARTICIPANTS,
        ["dialogue", "trafficking"],
        "pledged to continue the dialogue with African partners",
    ),
    "commitment-afripol-cooperation": (
        KG.Agreed,
        PARTICIPANTS,
        ["law-enforcement-cooperation"],
        "agreed to promote closer cooperation",
    ),
    "commitment-police-training": (
        KG.Agreed,
        STATES,
        ["police-training", "law-enforcement-cooperation", "trafficking", "transnational-crime"],
        "training projects for police officers",
    ),
}


@pytest.mark.parametrize("commitment", sorted(COMMITMENTS))
def test_commitment_parties_modality_and_topics(g: Graph, commitment: str) -> None:
    modality, parties, topics, words = COMMITMENTS[commitment]
    node = L(commitment)
    assert (node, RDF.type, KG.Commitment) in g
    assert set(g.objects(node, KG.modality)) == {modality}
    assert {str(p)[len(str(ID["actor/"])) :] for p in g.subjects(KG.partyTo, node)} == set(parties)
    for party in parties:
        assert_evidence(g, A(party), KG.partyTo, node, words)
    assert set(g.objects(node, KG.about)) == {TOPIC[t] for t in topics}
    assert (node, KG.adoptedAt, MEETING) in g
    assert g.value(node, KG.description) is not None


@pytest.mark.parametrize("agency", ["frontex", "europol"])
def test_afripol_is_to_cooperate_more_closely_with(g: Graph, agency: str) -> None:
    assert_evidence(g, A("afripol"), KG.cooperatesWith, A(agency), "including the border Agency Frontex and Europol")
    statuses = {
        st
        for fact in g.subjects(RDF.subject, A("afripol"))
        if (fact, RDF.object, A(agency)) in g
        for st in g.objects(fact, KG.cooperationStatus)
    }
    assert statuses == {KG.AgreedCooperation}


@pytest.mark.parametrize(("body", "parent"), [("frontex", "eu"), ("europol", "eu"), ("afripol", "african-union")])
def test_article_names_the_parent_body(g: Graph, body: str, parent: str) -> None:
    assert_evidence(g, A(body), KG.partOf, A(parent), "")


# --------------------------------------------------------------------------- what was said, and by whom

QUOTES = {
    # claim id: (stated by, stated in, modality, words the quotation starts with)
    "claim-mutual-commitments": ({MINISTRY}, set(), KG.Stated, "strengthening mutual commitments"),
    "claim-moral-duty": ({A(p) for p in PARTICIPANTS}, {L("message")}, KG.Stressed, "The participants underlined"),
    "claim-positive-results": (set(), {L("communique")}, KG.Stated, "The current practice in this area"),
    "claim-all-instruments": ({LAMORGESE}, set(), KG.Stated, "We will use all available instruments"),
}


@pytest.mark.parametrize("claim", sorted(QUOTES))
def test_quoted_statement_and_who_said_it(g: Graph, seed: BuildResult, claim: str) -> None:
    by, within, modality, start = QUOTES[claim]
    node = L(claim)
    assert (node, RDF.type, KG.Claim) in g
    assert set(g.objects(node, KG.statedBy)) == by
    assert set(g.objects(node, KG.statedIn)) == within
    assert set(g.objects(node, KG.modality)) == {modality}
    quotes = [str(q) for q in g.objects(node, KG.quotation)]
    assert len(quotes) == 1 and quotes[0].startswith(start)
    assert quotes[0] in seed.annotations[0].text  # verbatim from the article


def test_lamorgese_stressed_that_italy_was_first(g: Graph) -> None:
    node = L("claim-italy-first")
    assert set(g.objects(node, KG.statedBy)) == {LAMORGESE}
    assert set(g.objects(node, KG.modality)) == {KG.Stressed}
    assert_evidence(g, node, KG.statedBy, LAMORGESE, "stressed")


def test_the_message_is_the_italian_ministrys(g: Graph) -> None:
    assert_evidence(g, L("message"), KG.issuedBy, MINISTRY, "said the Italian Department")


# --------------------------------------------------------------------------- what the article does not say


@pytest.mark.parametrize("body", ["frontex", "europol", "afripol", "african-union"])
def test_named_agencies_did_not_take_part(g: Graph, body: str) -> None:
    assert (A(body), KG.participatedIn, MEETING) not in g
    assert (A(body), KG.partyTo, None) not in g


def test_nothing_was_signed(g: Graph) -> None:
    assert (None, KG.signed, None) not in g
    assert (None, KG.signatory, None) not in g
    for kind in (KG.Treaty, KG.MemorandumOfUnderstanding, KG.JointStatement):
        assert (None, RDF.type, kind) not in g


def test_no_date_is_asserted(g: Graph) -> None:
    assert (None, KG.date, None) not in g  # the text gives none


def test_registry_background_is_not_in_the_article_graph(g: Graph) -> None:
    assert (None, KG.memberOf, None) not in g
    assert (None, RDF.type, KG.Membership) not in g


# --------------------------------------------------------------------------- evidence everywhere


def test_every_span_matches_the_text_and_lies_in_its_sentence(g: Graph, seed: BuildResult) -> None:
    text = seed.annotations[0].text
    spans = list(g.subjects(RDF.type, KG.TextSpan))
    assert len(spans) > 50
    for span in spans:
        start, end = int(g.value(span, KG.start)), int(g.value(span, KG.end))  # type: ignore[arg-type]
        assert str(g.value(span, KG.anchorOf)) == text[start:end]
        sentence = g.value(span, KG.inSentence)
        s_start, s_end = int(g.value(sentence, KG.start)), int(g.value(sentence, KG.end))  # type: ignore[arg-type]
        assert s_start <= start < end <= s_end
        assert str(g.value(sentence, KG.text)) == text[s_start:s_end]


def test_every_fact_has_an_assertion(g: Graph) -> None:
    source_side = {
        RDF.type,
        KG.start,
        KG.end,
        KG.anchorOf,
        KG.inSentence,
        KG.inArticle,
        KG.text,
        KG.sentenceIndex,
        KG.title,
        KG.sha256,
        KG.sourceName,
        KG.mentions,
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    }
    facts = [(s, p, o) for s, p, o in g if p not in source_side and (s, RDF.type, KG.Assertion) not in g]
    assert len(facts) > 100
    for s, p, o in facts:
        evidence_of(g, s, p, o)  # type: ignore[arg-type]
