"""The named competency queries in queries/: each states its question and answers it on the seed graph.

Queries run with the default graph as the union of all named graphs (as Oxigraph's
`use_default_graph_as_union` and Fuseki's `unionDefaultGraph` do).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import BuildResult
from kg.export import serialize_dataset

QUERIES = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))
EUROPEAN = {"France", "Germany", "Italy", "Malta", "Spain"}
AFRICAN = {"Algeria", "Libya", "Mauritania", "Morocco", "Tunisia"}
# queries about links between articles: the seed is one article, so they answer nothing here; they
# answer on the synthetic corpus of tests/test_store_queries.py, which requires answers
ACROSS_ARTICLES = {"same-events"}


@pytest.fixture(scope="module")
def store(seed: BuildResult) -> ox.Store:
    store = ox.Store()
    store.load(serialize_dataset(seed.dataset, "nquads"), format=ox.RdfFormat.N_QUADS)
    return store


def rows(store: ox.Store, name: str) -> list[tuple[str | None, ...]]:
    text = (QUERIES[0].parent / f"{name}.rq").read_text(encoding="utf-8")
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):  # CONSTRUCT: (subject, predicate local name, object)
        return sorted((t.subject.value, t.predicate.value.rsplit("#", 1)[-1], t.object.value) for t in result)  # type: ignore[union-attr]
    return [
        tuple(None if t is None else t.value for t in solution)
        for solution in result  # type: ignore[union-attr]
    ]


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_at_least_twelve_named_queries() -> None:
    assert len(QUERIES) >= 12


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_states_its_question_and_answers(store: ox.Store, path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ") and first.endswith("?"), first
    if path.stem in ACROSS_ARTICLES:
        assert rows(store, path.stem) == [], "the seed is one article: nothing to link"
        return
    assert rows(store, path.stem), f"{path.name} returns nothing on the seed graph"


def test_participants_and_their_side(store: ox.Store) -> None:
    got = {(r[1], r[3]) for r in rows(store, "participants")}
    assert {(s, "European") for s in EUROPEAN} | {(s, "African") for s in AFRICAN} <= got
    assert ("European Commission", "European") in got and ("Luciana Lamorgese", "European") in got
    assert not {name for name, _side in got} & {"Frontex", "Europol", "Afripol"}


def test_organisers(store: ox.Store) -> None:
    got = {(r[1], r[2], r[3]) for r in rows(store, "organisers")}
    assert got == {("Italy", "convened", None), ("Luciana Lamorgese", "hosted", "Minister of the Interior of Italy")}


def test_afripol_partners(store: ox.Store) -> None:
    got = rows(store, "afripol-partners")
    assert [(r[0], r[1]) for r in got] == [("Europol", "agreed"), ("Frontex", "agreed")]
    assert all(r[2] and r[2].startswith("They also agreed") for r in got)


def test_commitments(store: ox.Store) -> None:
    got = {r[0]: (r[1], int(r[2] or 0)) for r in rows(store, "commitments")}
    assert got["continue the dialogue with African partners"] == ("pledged", 11)
    assert got["coordinated suppression of migrant smuggling"] == ("expressed commitment", 10)
    assert len(got) == 6


def test_quotes_and_who_said_them(store: ox.Store) -> None:
    got = {r[0]: r for r in rows(store, "quotes")}
    lamorgese = got["Italy will use all available instruments against criminal networks"]
    assert lamorgese[2] == "Luciana Lamorgese" and (lamorgese[4] or "").startswith("We will use")
    assert got["current law-enforcement cooperation has yielded positive results"][3] == "communiqué on the meeting"


def test_eu_members_among_participants(store: ox.Store) -> None:
    got = {r[1]: r[2] for r in rows(store, "eu-members-among-participants")}
    assert got == {
        "France": "1958-01-01",
        "Germany": "1958-01-01",
        "Italy": "1958-01-01",
        "Malta": "2004-05-01",
        "Spain": "1986-01-01",
    }


def test_actors_by_meetings(store: ox.Store) -> None:
    got = {r[0]: int(r[1] or 0) for r in rows(store, "actors-by-meetings")}
    assert got["Italy"] == 1 and "Frontex" not in got and len(got) == 13


def test_actor_profile_of_italy(store: ox.Store) -> None:
    relations = {r[0] for r in rows(store, "actor-profile")}
    assert {"organised", "participated in", "party to", "represents"} <= relations


def test_facts_per_article(store: ox.Store) -> None:
    ((article, _title, facts, spans),) = rows(store, "facts-per-article")
    assert article and article.endswith("article-001") and int(facts or 0) > 150 and int(spans or 0) > 40


def test_ego_network_of_tunisia(store: ox.Store) -> None:
    got = {(short(s), p, short(o)) for s, p, o in rows(store, "ego-network")}  # type: ignore[misc]
    assert ("tunisia", "participatedIn", "meeting") in got
    assert sum(1 for s, p, _o in got if s == "tunisia" and p == "partyTo") == 6
    assert ("claim-moral-duty", "statedBy", "tunisia") in got
    # ties among the neighbours: the commitments were adopted at the meeting
    assert ("commitment-afripol-cooperation", "adoptedAt", "meeting") in got
    # nothing two steps away: topics and other states are not neighbours of Tunisia
    assert not {o for _s, _p, o in got} & {"italy", "border-management"}


def test_meeting_network(store: ox.Store) -> None:
    got = {(short(s), p, short(o)) for s, p, o in rows(store, "meeting-network")}  # type: ignore[misc]
    participants = {s for s, p, _o in got if p == "participatedIn"}
    assert {"italy", "france", "germany", "malta", "spain", "algeria", "libya", "mauritania", "morocco"} < participants
    assert ("italy", "organized", "meeting") in got
    assert ("luciana-lamorgese", "hosted", "meeting") in got
    assert not participants & {"frontex", "europol", "afripol"}


def test_cooperation_network(store: ox.Store) -> None:
    got = {(short(s), p, short(o)) for s, p, o in rows(store, "cooperation-network")}  # type: ignore[misc]
    cooperation = {frozenset((s, o)) for s, p, o in got if p == "cooperatesWith"}
    assert cooperation == {frozenset(("afripol", "frontex")), frozenset(("afripol", "europol"))}
    assert sum(1 for _s, p, _o in got if p == "partyTo") >= 60
