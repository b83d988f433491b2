"""The cases the extractor must recognise (issue 4, §2), each on sentences written for the test:
metonyms that are actors and cities that stay places, the other side of an agreement "signed with",
coreference ("the EU executive", "the bloc", "the Italian side", "the two sides"), and what must not
become a fact (absence, background, comparisons with other schemes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.draft import extractor_for
from kg.model import Annotation

ROOT = Path(__file__).resolve().parent.parent


def draft_of(text: str, published: str = "2023-07-20") -> Annotation:
    return extractor_for(ROOT / "data" / "registry.yaml").extract(text, "t", published=published)


def facts(draft: Annotation) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in draft.relations}


def parties(draft: Annotation, document: str) -> set[str]:
    return {r.subject for r in draft.relations if r.predicate == "partyTo" and r.object == document}


# -- metonyms -------------------------------------------------------------------------------------


def test_capitals_that_act_are_their_states_or_bodies() -> None:
    draft = draft_of("Ankara and Brussels agreed a joint statement on migration on 18 March 2016.")
    assert parties(draft, "declaration") == {"turkiye", "eu"}
    draft = draft_of("The Hague and Rabat signed a memorandum of understanding on returns on 3 March 2023.")
    assert parties(draft, "mou") == {"netherlands", "morocco"}


def test_a_city_named_as_the_place_stays_a_place() -> None:
    draft = draft_of("The interior ministers of Italy and Tunisia met in The Hague on 3 March 2023.")
    assert ("meeting", "locatedIn", "the-hague") in facts(draft)
    assert "netherlands" not in {e.id for e in draft.entities}
    draft = draft_of("EU interior ministers met in Brussels on 3 March 2023.")
    assert ("meeting", "locatedIn", "brussels") in facts(draft)
    assert ("eu", "participatedIn", "meeting") in facts(draft)


# -- the other side of "signed ... with" ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "document", "expected"),
    [
        ("Tunisia signed a memorandum of understanding with the EU on 16 July 2023.", "mou", {"tunisia", "eu"}),
        ("Tunisian authorities signed a deal with the EU on 16 July 2023.", "agreement", {"tunisia", "eu"}),
        (
            "The Tunisian authorities agreed a deal with Italy and Malta to curb departures.",
            "agreement",
            {"tunisia", "italy", "malta"},
        ),
        ("Italy signed with Libya a memorandum of understanding on 2 February 2017.", "mou", {"italy", "libya"}),
        ("Albania concluded a protocol with Italy in November.", "agreement", {"albania", "italy"}),
        # who helped is no party; agreeing with someone that something should happen is no agreement with them
        ("Italy signed a deal in cooperation with UNHCR on 3 March.", "agreement", {"italy"}),
        ("Italy signed a deal with the support of Frontex.", "agreement", {"italy"}),
        ("Italy agreed with France that the deal with Libya should be renewed.", "agreement", {"italy"}),
    ],
)
def test_the_other_side_of_an_agreement_signed_with_is_a_party(
    sentence: str, document: str, expected: set[str]
) -> None:
    assert parties(draft_of(sentence), document) == expected


def signatories(draft: Annotation, document: str) -> set[str]:
    return {r.subject for r in draft.relations if r.predicate == "signed" and r.object == document}


AGREED = "Italy and Libya agreed a memorandum of understanding on 2 February 2017. "
MINISTERS = "Italy's interior minister, Marco Minniti, and Libya's prime minister, Fayez al-Sarraj,"


@pytest.mark.parametrize("what", ["it", "the text", "the final text", "the document"])
def test_signing_the_text_is_signing_the_document_named_before(what: str) -> None:
    draft = draft_of(f"{AGREED}{MINISTERS} signed {what} in Rome.", published="2017-02-05")
    assert signatories(draft, "mou") == {"marco-minniti", "fayez-al-sarraj"}
    # with no document named before, "the text" is no document
    draft = draft_of(f"{MINISTERS} signed {what} in Rome.", published="2017-02-05")
    assert not signatories(draft, "mou")


@pytest.mark.parametrize(
    "denial", ["had not signed", "hadn't signed", "has not yet signed", "has never signed", "never signed"]
)
def test_a_person_who_had_not_signed_is_no_signatory(denial: str) -> None:
    draft = draft_of(
        f"{AGREED}Italy's interior minister, Marco Minniti, {denial} it by Friday.", published="2017-02-05"
    )
    assert signatories(draft, "mou") == set()
    assert parties(draft, "mou") == {"italy", "libya"}


# -- coreference ----------------------------------------------------------------------------------


def test_the_eu_executive_is_the_commission() -> None:
    draft = draft_of(
        "The European Commission presented a new pact on migration. "
        "The EU executive said the plan would be adopted by June."
    )
    assert any(r.predicate == "statedBy" and r.object == "european-commission" for r in draft.relations)


def test_the_bloc_is_the_eu_of_the_sentence_before() -> None:
    draft = draft_of(
        "The EU and Tunisia signed a memorandum of understanding on 16 July 2023. "
        "The bloc pledged 105 million euros for border management."
    )
    pledges = [r.object for r in draft.relations if r.predicate == "modality" and r.object == "modality:pledged"]
    assert pledges
    commitment = next(r.subject for r in draft.relations if r.object == "modality:pledged")
    assert parties(draft, commitment) == {"eu"}


def test_the_italian_side_is_italy() -> None:
    draft = draft_of(
        "The interior ministers of Italy and Libya met in Rome on 3 March 2023. "
        "The Italian side pledged to train Libyan coastguards."
    )
    commitment = next(r.subject for r in draft.relations if r.object == "modality:pledged")
    assert parties(draft, commitment) == {"italy"}


def test_the_two_sides_are_the_parties_named_before() -> None:
    draft = draft_of(
        "Italy and Libya signed a memorandum on 2 February 2017. The two sides agreed to cooperate on border control."
    )
    assert ("italy", "cooperatesWith", "libya") in facts(draft)


@pytest.mark.parametrize("sides", ["The two sides pledged", "Both governments committed themselves"])
def test_the_two_sides_of_a_document_are_the_parties_of_their_commitment(sides: str) -> None:
    draft = draft_of(f"Italy and Libya signed a memorandum on 2 February 2017. {sides} to set up a joint committee.")
    assert parties(draft, "commitment-joint-committee") == {"italy", "libya"}
    # a document with one party named has no two sides to stand for
    draft = draft_of(f"Italy signed a memorandum on 2 February 2017. {sides} to set up a joint committee.")
    assert parties(draft, "commitment-joint-committee") == set()


# -- what must not become a fact ------------------------------------------------------------------


@pytest.mark.parametrize(
    "absent",
    ["Malta was invited but did not attend.", "Spain stayed away.", "Greece did not take part in the talks."],
)
def test_an_actor_absent_from_a_meeting_takes_no_part(absent: str) -> None:
    draft = draft_of(f"The interior ministers of Italy, France and Libya met in Rome on 3 March 2023. {absent}")
    present = {r.subject for r in draft.relations if r.predicate == "participatedIn"}
    assert present == {"italy", "france", "libya"}


def test_a_treaty_mentioned_as_background_is_not_drafted() -> None:
    draft = draft_of(
        "Italy and Libya signed a memorandum on 2 February 2017. "
        "In 2008, the two countries had signed a friendship treaty."
    )
    assert {e.id for e in draft.entities if e.type in ("Treaty", "MemorandumOfUnderstanding")} == {"mou"}


def test_a_scheme_named_for_comparison_gives_no_party() -> None:
    draft = draft_of(
        "Italy and Albania signed a protocol on 6 November 2023. "
        "Unlike the British scheme with Rwanda, the protocol keeps jurisdiction with Italy."
    )
    assert parties(draft, "agreement") == {"italy", "albania"}
    assert not any(r.subject in ("rwanda", "united-kingdom") for r in draft.relations)
