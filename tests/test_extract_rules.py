"""General extraction rules, each on short sentences written for the test: relative dates and the
bounds of weeks and months, pronouns, commitments without a commitment verb, hosts who receive
guests, persons named without a title, and sentences that hold a quotation with full stops."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.draft import extractor_for
from kg.model import Annotation
from kg.namespaces import KG
from kg.textscan import split_sentences

ROOT = Path(__file__).resolve().parent.parent


def draft_of(text: str, published: str | None = None) -> Annotation:
    return extractor_for(ROOT / "data" / "registry.yaml").extract(text, "t", published=published)


def facts(draft: Annotation) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in draft.relations}


def dates(draft: Annotation, subject: str) -> list[str]:
    return [r.object for r in draft.relations if r.subject == subject and r.predicate == "date"]


def spans_inside(draft: Annotation, text: str) -> bool:
    inside = all(text[m.start : m.end] == m.text for e in draft.entities for m in e.mentions)
    return inside and all(0 <= e.start < e.end <= len(text) for r in draft.relations for e in r.evidence)


# -- 1. relative dates ------------------------------------------------------------------------


# 15 May 2024 is a Wednesday
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The interior ministers of Italy and Libya met in Rome on Sunday.", "2024-05-12"),  # past: the last one
        ("The interior ministers of Italy and Libya will meet in Rome on Tuesday.", "2024-05-21"),  # future: next
        ("The interior ministers of Italy and Libya are due to meet in Rome on Wednesday.", "2024-05-15"),  # today
        ("The interior ministers of Italy and Libya meet in Rome next Wednesday.", "2024-05-22"),
        ("The interior ministers of Italy and Libya meet in Rome next Tuesday.", "2024-05-21"),
        ("The interior ministers of Italy and Libya met in Rome last Tuesday.", "2024-05-14"),
        ("The interior ministers of Italy and Libya met in Rome yesterday.", "2024-05-14"),
        ("The interior ministers of Italy and Libya are to meet in Rome tomorrow.", "2024-05-16"),
        # a weekday of the week named after it
        ("The interior ministers of Italy and Libya met in Rome on Friday last week.", "2024-05-10"),
        ("The interior ministers of Italy and Libya will meet in Rome on Monday next week.", "2024-05-20"),
        ("The interior ministers of Italy and Libya met in Rome on Monday this week.", "2024-05-13"),
    ],
)
def test_weekdays_and_days_resolve_against_the_article_date(sentence: str, expected: str) -> None:
    draft = draft_of(sentence, published="2024-05-15")
    assert dates(draft, "meeting") == [expected]


def test_the_day_before_counts_from_the_last_date_named() -> None:
    draft = draft_of(
        "Italy and Libya signed a memorandum of understanding on 10 May 2024. Their interior ministers had "
        "met in Tunis the day before to prepare the text.",
        published="2024-05-15",
    )
    assert dates(draft, "mou") == ["2024-05-10"]
    assert dates(draft, "meeting") == ["2024-05-09"]
    assert ("meeting", "locatedIn", "tunis") in facts(draft)


def test_an_event_a_day_before_another_dates_the_other() -> None:
    draft = draft_of(
        "Italy and Libya signed a memorandum of understanding on Thursday. Their accord was sealed one day "
        "before EU interior ministers were to gather for a conference in Valletta.",
        published="2024-05-17",
    )
    assert dates(draft, "mou") == ["2024-05-16"]
    assert dates(draft, "meeting-2") == ["2024-05-17"]


@pytest.mark.parametrize("when", ["last week", "last month", "earlier this month", "earlier this week"])
def test_a_week_or_a_month_gives_no_invented_day_and_is_not_background(when: str) -> None:
    draft = draft_of(f"The interior ministers of Italy and Libya met in Rome {when}.", published="2024-05-15")
    assert {("italy", "participatedIn", "meeting"), ("libya", "participatedIn", "meeting")} <= facts(draft)
    assert dates(draft, "meeting") == []
    assert bounds(draft, "meeting") is not None


# -- 1b. periods: the bounds of a week or a month ---------------------------------------------


def bounds(draft: Annotation, subject: str) -> tuple[str, str] | None:
    """(notBefore, notAfter) of ``subject``, each drafted once with the phrase as its evidence; None without."""
    found = {
        r.predicate: r for r in draft.relations if r.subject == subject and r.predicate in ("notBefore", "notAfter")
    }
    if not found:
        return None
    assert set(found) == {"notBefore", "notAfter"}
    for r in found.values():
        assert r.object_is_literal and r.datatype == "date"
        assert re.fullmatch(
            r"(?:earlier |later )?(?:last|this|next) (?:week|month)"
            r"|(?:in|during) (?:(?:early|mid|late)[ -])?[A-Z][a-z]+(?: \d{4})?",
            r.evidence[0].text,
            re.I,
        )
    return found["notBefore"].object, found["notAfter"].object


MET = "The interior ministers of Italy and Libya met in Rome {when}."
WILL = "The interior ministers of Italy and Libya will meet in Rome {when}."


PERIODS = [
    # 15 May 2024 is a Wednesday: its week runs from Monday 13 to Sunday 19 May
    (MET, "last week", "2024-05-15", ("2024-05-06", "2024-05-12")),
    (MET, "earlier this week", "2024-05-15", ("2024-05-13", "2024-05-14")),
    (MET, "this week", "2024-05-15", ("2024-05-13", "2024-05-15")),  # past: up to the article's day
    (WILL, "this week", "2024-05-15", ("2024-05-15", "2024-05-19")),  # future: from it
    (WILL, "later this week", "2024-05-15", ("2024-05-16", "2024-05-19")),
    (WILL, "next week", "2024-05-15", ("2024-05-20", "2024-05-26")),
    (MET, "last month", "2024-05-15", ("2024-04-01", "2024-04-30")),
    (MET, "earlier this month", "2024-05-15", ("2024-05-01", "2024-05-14")),
    (MET, "this month", "2024-05-15", ("2024-05-01", "2024-05-15")),
    (WILL, "this month", "2024-05-15", ("2024-05-15", "2024-05-31")),
    (WILL, "later this month", "2024-05-15", ("2024-05-16", "2024-05-31")),
    (WILL, "next month", "2024-05-15", ("2024-06-01", "2024-06-30")),
    # February of a leap year and of a common one; a month of 31 days after one of 30
    (MET, "last month", "2024-03-10", ("2024-02-01", "2024-02-29")),
    (MET, "last month", "2023-03-10", ("2023-02-01", "2023-02-28")),
    (WILL, "later this month", "2024-02-10", ("2024-02-11", "2024-02-29")),
    (WILL, "next month", "2024-06-30", ("2024-07-01", "2024-07-31")),
    # weeks and months across the end of a year (2 January 2025 is a Thursday)
    (MET, "last week", "2025-01-02", ("2024-12-23", "2024-12-29")),
    (MET, "this week", "2025-01-02", ("2024-12-30", "2025-01-02")),
    (WILL, "next week", "2024-12-27", ("2024-12-30", "2025-01-05")),
    (MET, "last month", "2025-01-15", ("2024-12-01", "2024-12-31")),
    (WILL, "next month", "2024-12-15", ("2025-01-01", "2025-01-31")),
    # a week counted from a Sunday, a month from its last day
    (MET, "last week", "2024-05-19", ("2024-05-06", "2024-05-12")),
    (MET, "earlier this month", "2024-01-31", ("2024-01-01", "2024-01-30")),
]

# -- 1c. named months: "in March", "in March 2023", "in early March" (the same test as 1b) ---------

NAMED_MONTHS = [
    (MET, "in March", "2024-05-15", ("2024-03-01", "2024-03-31")),
    (MET, "in March 2023", "2024-05-15", ("2023-03-01", "2023-03-31")),
    (MET, "in February", "2024-05-15", ("2024-02-01", "2024-02-29")),
    # early, mid and late stay the whole month
    (MET, "in early March", "2024-05-15", ("2024-03-01", "2024-03-31")),
    (MET, "in mid-March", "2024-05-15", ("2024-03-01", "2024-03-31")),
    (MET, "in late March", "2024-05-15", ("2024-03-01", "2024-03-31")),
    # a month after the article's, in the past tense and without a year: the previous year's
    (MET, "in November", "2024-05-15", ("2023-11-01", "2023-11-30")),
    # in the future tense: the next one of its name
    (WILL, "in June", "2024-05-15", ("2024-06-01", "2024-06-30")),
    (WILL, "in March", "2024-05-15", ("2025-03-01", "2025-03-31")),
    # the article's own month: up to its day, or from it
    (MET, "in May", "2024-05-15", ("2024-05-01", "2024-05-15")),
    (WILL, "in May", "2024-05-15", ("2024-05-15", "2024-05-31")),
]


@pytest.mark.parametrize(("sentence", "when", "published", "expected"), [*PERIODS, *NAMED_MONTHS])
def test_a_week_or_a_month_gives_its_first_and_last_day(
    sentence: str, when: str, published: str, expected: tuple[str, str]
) -> None:
    draft = draft_of(sentence.format(when=when), published=published)
    assert bounds(draft, "meeting") == expected
    assert dates(draft, "meeting") == []


def test_a_document_signed_in_a_named_month_has_its_bounds() -> None:
    draft = draft_of("Italy and Libya signed a memorandum of understanding in March 2023.", published="2023-06-20")
    assert bounds(draft, "mou") == ("2023-03-01", "2023-03-31")
    assert ("italy", "partyTo", "mou") in facts(draft)


@pytest.mark.parametrize(
    "sentence",
    [
        "The interior ministers of Italy and Libya met in Rome on 5 March 2024.",
        "The interior ministers of Italy and Libya met in Rome in March, on 5 March.",
        "In March the interior ministers of Italy and Libya met in Rome on 5 March.",
    ],
)
def test_a_day_wins_over_a_named_month(sentence: str) -> None:
    draft = draft_of(sentence, published="2024-05-15")
    assert dates(draft, "meeting") == ["2024-03-05"]
    assert bounds(draft, "meeting") is None


@pytest.mark.parametrize(
    "second",
    [
        # limits: no "in"
        "The talks had been planned since March.",
        "Italy wants the talks to produce a plan by March.",
        "Italy wants the talks to go on until March.",
        # another event's time, in another clause
        "Italy said the talks met the concerns of the court, which ruled in March that the plan was unlawful.",
        # inside a quotation
        'Italy\'s minister said: "We met the Libyans in March, and we will meet them again."',
    ],
)
def test_named_months_of_limits_other_events_and_quotations_give_no_bounds(second: str) -> None:
    draft = draft_of("The interior ministers of Italy and Libya met in Rome. " + second, published="2024-05-15")
    assert ("italy", "participatedIn", "meeting") in facts(draft)
    assert bounds(draft, "meeting") is None


@pytest.mark.parametrize(
    ("sentence", "when", "published"),
    [
        (MET, "earlier this month", "2024-06-01"),  # nothing of the month is before the 1st
        (MET, "earlier this week", "2024-05-13"),  # a Monday
        (WILL, "later this week", "2024-05-19"),  # a Sunday
        (WILL, "later this month", "2024-01-31"),
        (MET, "in June 2024", "2024-05-15"),  # a month after the article, in the past tense
    ],
)
def test_a_period_that_holds_no_day_gives_no_bounds(sentence: str, when: str, published: str) -> None:
    assert bounds(draft_of(sentence.format(when=when), published=published), "meeting") is None


def test_a_period_needs_the_article_date_which_a_dateline_gives() -> None:
    assert bounds(draft_of(MET.format(when="last week")), "meeting") is None
    dated = draft_of("ROME, 15 May 2024 – " + MET.format(when="last week"))
    assert dated.article.published == "2024-05-15"
    assert bounds(dated, "meeting") == ("2024-05-06", "2024-05-12")


@pytest.mark.parametrize(
    "sentence",
    [
        "The interior ministers of Italy and Libya met in Rome last week, on 8 May.",
        "The interior ministers of Italy and Libya met in Rome on Wednesday last week.",
        "Last week the interior ministers of Italy and Libya met in Rome on 8 May.",
    ],
)
def test_a_day_in_the_same_sentence_wins_over_the_period(sentence: str) -> None:
    draft = draft_of(sentence, published="2024-05-15")
    assert dates(draft, "meeting") == ["2024-05-08"]
    assert bounds(draft, "meeting") is None


def test_a_day_in_another_sentence_wins_too() -> None:
    draft = draft_of(
        "The interior ministers of Italy and Libya met in Rome on 8 May. The talks last week were their first.",
        published="2024-05-15",
    )
    assert dates(draft, "meeting") == ["2024-05-08"]
    assert bounds(draft, "meeting") is None


@pytest.mark.parametrize(
    "second",
    [
        # background by the existing cues: a previous event, a comparison
        "Last month's summit in Valletta, like the previous one, had failed to agree on returns.",
        "Unlike last month's summit in Valletta, which had failed, the talks ended with a joint statement.",
        # the period is in another clause, about something else: a court's ruling
        "Italy said the talks met the concerns of the court, which ruled last month that the plan was unlawful.",
        # limits and other times: "by", "since", "after"
        "The talks had been planned since last month.",
        "Italy wants the talks to produce a plan by next month.",
        # inside a quotation: the speaker's time, not the article's
        'Italy\'s minister said: "We met the Libyans last week, and we will meet them again."',
    ],
)
def test_periods_of_background_other_events_and_quotations_give_no_bounds(second: str) -> None:
    draft = draft_of("The interior ministers of Italy and Libya met in Rome. " + second, published="2024-05-15")
    assert ("italy", "participatedIn", "meeting") in facts(draft)
    assert bounds(draft, "meeting") is None


def test_a_meeting_announced_for_next_month_has_its_own_bounds() -> None:
    draft = draft_of(
        "The interior ministers of Italy and Libya met in Rome on Tuesday. They are due to discuss returns again "
        "at a summit in Valletta next month.",
        published="2024-05-15",
    )
    assert dates(draft, "meeting") == ["2024-05-14"]
    assert bounds(draft, "meeting-2") == ("2024-06-01", "2024-06-30")


def test_a_treaty_signed_last_week_at_a_ceremony_earlier_this_month_has_the_days_both_allow() -> None:
    draft = draft_of(
        "Italy and Libya signed a memorandum of understanding last week. Their interior ministers signed it at "
        "a ceremony in Tripoli earlier this month.",
        published="2024-05-15",
    )
    # "last week" is 6-12 May, "earlier this month" 1-14 May: the document and the ceremony it was
    # signed at share both periods, and each keeps the days common to them
    assert bounds(draft, "mou") == ("2024-05-06", "2024-05-12")
    assert bounds(draft, "meeting") == ("2024-05-06", "2024-05-12")
    assert ("mou", "adoptedAt", "meeting") in facts(draft)
    evidence = {r.predicate: r.evidence[0].text for r in draft.relations if r.subject == "mou"}
    assert evidence["notBefore"] == evidence["notAfter"] == "last week"


def test_a_draft_with_bounds_builds_validates_and_the_shapes_refuse_them_reversed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import main
    from kg.draft import to_yaml

    text = "ROME, 15 May 2024 – The interior ministers of Italy and Libya met in Rome last week.\n"
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    (data / "annotations").mkdir()
    shutil.copy(ROOT / "data" / "registry.yaml", data)
    (data / "articles" / "t.txt").write_text(text, encoding="utf-8")
    annotation = to_yaml(draft_of(text))
    assert 'predicate: "notBefore"' in annotation and 'object: "2024-05-06"' in annotation
    (data / "annotations" / "t.yaml").write_text(annotation, encoding="utf-8")
    built = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    graph = Graph().parse(tmp_path / "out" / "kg.ttl")
    meeting = URIRef("https://w3id.org/migration-kg/id/t/meeting")
    assert graph.value(meeting, KG.notBefore) == Literal("2024-05-06", datatype=XSD.date)
    assert graph.value(meeting, KG.notAfter) == Literal("2024-05-12", datatype=XSD.date)
    # the earliest day after the latest: the build stops with the shapes' message
    swapped = annotation.replace('object: "2024-05-06"', 'object: "2024-05-13"')
    (data / "annotations" / "t.yaml").write_text(swapped, encoding="utf-8")
    refused = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(tmp_path / "out")])
    assert refused.exit_code == 4
    assert "notBefore" in refused.output and "is after kg:notAfter" in refused.output


# -- 2. pronouns ------------------------------------------------------------------------------


def test_he_is_the_person_named_in_the_sentence_before() -> None:
    draft = draft_of(
        "Italy's interior minister, Matteo Piantedosi, arrived in Tunis on Monday. He signed a memorandum "
        "of understanding on border patrols."
    )
    got = facts(draft)
    assert {("matteo-piantedosi", "signed", "mou"), ("italy", "partyTo", "mou")} <= got


def test_she_passes_over_a_man_named_after_her() -> None:
    draft = draft_of(
        "Italy's prime minister, Giorgia Meloni, met Tunisia's president, Kais Saied, in Rome. Ms Meloni thanked "
        'Mr Saied. "We will stop the smugglers," she said.'
    )
    claim = next(e.id for e in draft.entities if e.type == "Claim")
    assert (claim, "statedBy", "giorgia-meloni") in facts(draft)
    assert (claim, "statedBy", "kais-saied") not in facts(draft)
    assert {e.id for e in draft.entities if e.type == "Person"} == {"giorgia-meloni", "kais-saied"}


def test_she_with_two_persons_before_and_no_honorific_is_left_alone() -> None:
    draft = draft_of(
        "Italy's prime minister, Giorgia Meloni, met Tunisian President Kais Saied in Tunis on Sunday. "
        '"We will stop the smugglers," she said.'
    )
    assert not any(p == "statedBy" for _s, p, _o in facts(draft)), facts(draft)  # who said it is not clear


def test_he_is_not_resolved_beyond_the_sentence_before() -> None:
    draft = draft_of(
        "Italy's interior minister, Matteo Piantedosi, met Libyan officials in Rome. The talks lasted two hours. "
        'Officials described the atmosphere as tense. "We will stop the smugglers," he said.'
    )
    assert not any(p == "statedBy" and o == "matteo-piantedosi" for _s, p, o in facts(draft))


def test_it_is_the_one_actor_of_the_sentence_before() -> None:
    draft = draft_of("Frontex presented its annual report on Monday. It pledged to deploy 100 more officers at sea.")
    commitment = next(e.id for e in draft.entities if e.type == "Commitment")
    assert ("frontex", "partyTo", commitment) in facts(draft)


def test_it_stays_unresolved_when_two_actors_could_be_meant() -> None:
    draft = draft_of(
        "Frontex and Europol presented a joint report on Monday. It pledged to deploy 100 more officers at sea."
    )
    assert not any(p == "partyTo" for _s, p, _o in facts(draft))


# -- 3. commitments without a commitment verb ---------------------------------------------------


def test_a_settled_undertaking_beside_agreed_ones_is_a_commitment_of_the_same_parties() -> None:
    draft = draft_of(
        "Italy and Tunisia agreed to set up a joint centre for returns. Joint sea patrols are to resume at once."
    )
    commitment = next(e for e in draft.entities if e.type == "Commitment" and "patrols" in e.mentions[0].text)
    assert commitment.mentions[0].text == "Joint sea patrols are to resume at once"
    got = facts(draft)
    assert {("italy", "partyTo", commitment.id), ("tunisia", "partyTo", commitment.id)} <= got
    assert (commitment.id, "modality", "modality:agreed") in got


def test_backing_with_funding_is_a_pledge() -> None:
    draft = draft_of(
        "Italy and Tunisia signed a memorandum of understanding in Rome. The European Union will back the "
        "programme with funding of 50 million euros."
    )
    commitment = next(e.id for e in draft.entities if e.type == "Commitment")
    got = facts(draft)
    assert {("eu", "partyTo", commitment), (commitment, "modality", "modality:pledged")} <= got


def test_what_a_party_says_the_parties_would_do_is_their_stated_commitment() -> None:
    draft = draft_of(
        "Italy and Tunisia signed a memorandum of understanding in Rome. Italian officials said the two "
        "governments would hold a joint review in June."
    )
    commitment = next(e for e in draft.entities if e.type == "Commitment")
    got = facts(draft)
    assert {("italy", "partyTo", commitment.id), ("tunisia", "partyTo", commitment.id)} <= got
    assert (commitment.id, "modality", "modality:stated") in got
    assert not any(e.type == "Claim" for e in draft.entities)  # the commitment, not also a claim
    stated = [r for r in draft.relations if r.predicate == "partyTo" and r.object == commitment.id]
    assert {r.stated_by for r in stated} == {"italy"}


@pytest.mark.parametrize(
    "text",
    [
        # what a third party would do is the speaker's claim, not a commitment
        "Italy and Tunisia signed a memorandum of understanding in Rome. Italian officials said Libya would "
        "receive ten boats.",
        # a plan stated with no agreed undertaking or document around it
        "The interior ministers of Italy and Malta met in Valletta. Italy will send more ships.",
        # what the document provides is its content (its topics), not a commitment (annotation guide)
        "Italy and Tunisia signed a memorandum of understanding in Rome. Under the memorandum, Tunisia will "
        "examine the asylum claims of people sent back from Italy.",
        # a pledge reported in someone's statement is part of the claim (annotation guide)
        "The ministers met in Zagreb. Johansson said ten EU countries had pledged to take in minors.",
    ],
)
def test_no_commitment_without_agreed_context_or_from_a_third_party(text: str) -> None:
    assert not any(e.type == "Commitment" for e in draft_of(text).entities)


# -- 4. hosts who receive guests, persons without a title ----------------------------------------


def test_receiving_a_guest_is_hosting_a_meeting() -> None:
    draft = draft_of(
        "Italy's prime minister, Giorgia Meloni, received Tunisian President Kais Saied in Rome on Monday.",
        published="2024-05-15",
    )
    assert {
        ("giorgia-meloni", "hosted", "meeting"),
        ("giorgia-meloni", "participatedIn", "meeting"),
        ("kais-saied", "participatedIn", "meeting"),
        ("tunisia", "participatedIn", "meeting"),
        ("meeting", "locatedIn", "rome"),
        ("meeting", "date", "2024-05-13"),
    } <= facts(draft)
    assert not any(p == "hosted" and s == "kais-saied" for s, p, _o in facts(draft))


def test_a_host_to_be_is_an_undertaking_not_the_meetings_host() -> None:
    text = (
        "Italy's prime minister, Giorgia Meloni, met Tunisian President Kais Saied in Tunis on Sunday. "
        "She added that Rome would host a conference on migration the following week."
    )
    draft = draft_of(text, published="2023-07-16")
    assert not any(p in ("hosted", "organized") for _s, p, _o in facts(draft)), facts(draft)
    assert ("giorgia-meloni", "participatedIn", "meeting") in facts(draft)
    past = draft_of(
        text.replace(
            "She added that Rome would host a conference on migration the following week.", "Rome hosted the talks."
        ),
        published="2023-07-16",
    )
    assert ("italy", "hosted", "meeting") in facts(past)


def test_welcoming_someone_and_receiving_money_are_told_apart() -> None:
    draft = draft_of("The Maltese prime minister, Robert Abela, welcomed the delegations in Valletta.")
    assert ("robert-abela", "hosted", "meeting") in facts(draft)
    money = draft_of("The interior ministers met in Rome. Tunisia received 100 million euros in support.")
    assert not any(p == "hosted" for _s, p, _o in facts(money))


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Matteo Villa, a researcher at a think tank, said the deal would not stop departures.", "matteo-villa"),
        ("Fayez al-Sarraj told reporters the deal was fair to both countries.", "fayez-al-sarraj"),
    ],
)
def test_a_person_named_without_a_title_before_a_speech_verb(text: str, person: str) -> None:
    draft = draft_of(text)
    claim = next(e.id for e in draft.entities if e.type == "Claim")
    assert (claim, "statedBy", person) in facts(draft)
    assert next(e for e in draft.entities if e.id == person).type == "Person"


@pytest.mark.parametrize(
    "text",
    [
        "Border Police said the route across the sea had been closed for a week.",
        "Human Rights Watch said the deal would trap migrants in unsafe camps.",
        "The Canary Islands, a Spanish archipelago, saw arrivals rise sharply in the autumn.",
        "Lake Chad, a shrinking lake, said to be drying out, lies far from the coast.",
        "The European Commission said the deal would help the whole region.",
    ],
)
def test_places_and_organisations_are_not_persons(text: str) -> None:
    assert not any(e.type == "Person" for e in draft_of(text).entities)


# -- 5. quotations with full stops ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ('"We must stop the smugglers. Lives are lost at sea." she said. The ministers met.', "she said."),
        ('"We must stop the smugglers. Lives are lost at sea," Meloni said. The ministers met.', "Meloni said."),
        ('"Lives are lost at sea." Meloni said. The ministers met.', "Meloni said."),
        ('"Lives are lost at sea." Later the ministers met.', 'sea."'),  # a new sentence after the quote
        ("The ministers met. They agreed.", "met."),
    ],
)
def test_a_full_stop_inside_a_quotation_that_goes_on_does_not_end_the_sentence(text: str, first: str) -> None:
    spans = split_sentences(text)
    assert text[spans[0][0] : spans[0][1]].endswith(first)
    assert all(0 <= a < b <= len(text) for a, b in spans)


def test_a_quotation_of_two_sentences_is_one_claim_of_its_speaker() -> None:
    text = (
        "Italy's prime minister, Giorgia Meloni, met Tunisian President Kais Saied in Rome. "
        '"We will stop the smugglers. Lives are lost at sea," Meloni said.'
    )
    draft = draft_of(text)
    claim = next(e.id for e in draft.entities if e.type == "Claim")
    got = facts(draft)
    assert (claim, "statedBy", "giorgia-meloni") in got
    assert (claim, "quotation", "We will stop the smugglers. Lives are lost at sea") in got
    assert spans_inside(draft, text)


def test_a_host_named_outright_is_not_displaced_by_who_welcomed_the_guests() -> None:
    got = facts(
        draft_of(
            "Malta's prime minister, Robert Abela, hosted the conference in Valletta, where the foreign minister "
            "of Malta, Ian Borg, welcomed the delegations."
        )
    )
    assert ("robert-abela", "hosted", "meeting") in got and ("ian-borg", "hosted", "meeting") not in got


# -- 3b. commitment verbs in the present tense, and undertakings not to do something -------------


@pytest.mark.parametrize(
    "verb",
    ["undertakes to", "pledges to", "commits itself to", "committed itself to", "vows to", "promises to"],
)
def test_a_commitment_verb_in_the_present_tense_is_a_pledge(verb: str) -> None:
    draft = draft_of(f"Italy and Libya signed a treaty on Monday. Libya {verb} provide equipment to the coast guard.")
    commitment = next(e.id for e in draft.entities if e.type == "Commitment")
    assert {("libya", "partyTo", commitment), (commitment, "modality", "modality:pledged")} <= facts(draft)


def test_an_undertaking_not_to_do_something_is_a_commitment_of_its_party() -> None:
    draft = draft_of(
        "Italy and Libya signed a treaty on Monday. Libya undertakes in the treaty not to send anyone relocated "
        "from Italy to a third country, and a monitoring committee will check how both governments apply it."
    )
    got = facts(draft)
    undertaking = next(e for e in draft.entities if e.type == "Commitment" and "undertakes" in e.mentions[0].text)
    assert undertaking.mentions[0].text.startswith("undertakes in the treaty not to send")
    assert undertaking.mentions[0].text.endswith("to a third country")  # the committee's clause is its own
    assert {("libya", "partyTo", undertaking.id), (undertaking.id, "modality", "modality:pledged")} <= got
    description = next(
        r.object for r in draft.relations if r.subject == undertaking.id and r.predicate == "description"
    )
    assert description.lower().startswith("not to send")  # not "send anyone ...": the undertaking is not to
    committee = next(e for e in draft.entities if e.type == "Commitment" and "committee" in e.mentions[0].text)
    assert (committee.id, "modality", "modality:agreed") in got


def test_a_denial_before_the_commitment_verb_still_denies_the_party() -> None:
    draft = draft_of("Italy and Libya signed a treaty on Monday. Libya has not pledged to send anyone to Italy.")
    assert not any(r.subject == "libya" and r.object.startswith("commitment") for r in draft.relations)


# -- 5b. persons whose title names no state ------------------------------------------------------


def test_a_title_only_one_state_gives_names_that_state() -> None:
    draft = draft_of("Home Secretary James Cleverly signed the treaty with Rwanda in Kigali on Tuesday.")
    got = facts(draft)
    post = "united-kingdom-home-secretary"
    assert {("james-cleverly", "holdsPost", post), ("james-cleverly", "represents", "united-kingdom")} <= got
    assert (post, "postIn", "united-kingdom") in got


@pytest.mark.parametrize(
    ("sentence", "state"),
    [
        # the lawmakers or the government of a state, named last before the title in the sentence
        (
            "British lawmakers backed the bill that declares Rwanda a safe country, keeping alive Prime Minister "
            "Rishi Sunak's plan.",
            "united-kingdom",
        ),
        ("The Italian government welcomed the plan, and Interior Minister Rishi Sunak backed it.", "italy"),
        ("Italy and the Tunisian authorities backed the plan of Prime Minister Rishi Sunak.", "tunisia"),
    ],
)
def test_a_title_without_a_state_takes_the_government_named_before_it(sentence: str, state: str) -> None:
    got = facts(draft_of(sentence))
    assert ("rishi-sunak", "represents", state) in got
    assert any(s == "rishi-sunak" and p == "holdsPost" and o.startswith(state + "-") for s, p, o in got)


@pytest.mark.parametrize(
    "sentence",
    [
        "Prime Minister Boris Johnson received them in London.",
        "Rwanda was declared safe, and Prime Minister Boris Johnson received them.",  # a state, not its government
        "Interior Minister Boris Johnson received them in Rome.",  # Rome is a place here
    ],
)
def test_a_title_whose_state_is_not_fixed_gives_the_person_without_a_post(sentence: str) -> None:
    draft = draft_of("The interior ministers of Italy and Libya met on Monday. " + sentence)
    person = next(e for e in draft.entities if e.type == "Person")
    assert person.id == "boris-johnson" and person.mentions[0].text == "Boris Johnson"
    assert ("boris-johnson", "hosted", "meeting") in facts(draft)
    assert not any(e.type == "Post" for e in draft.entities)  # no post without its state, and no state guessed
    assert not any(r.subject == "boris-johnson" and r.predicate in ("holdsPost", "represents") for r in draft.relations)
