"""The actor registry: coverage, identifiers, and background knowledge kept in its own graph."""

from __future__ import annotations

import re

import pytest
from rdflib.namespace import RDF

from kg.build import BuildResult, actor_iri
from kg.model import Registry
from kg.namespaces import BACKGROUND_GRAPH, KG, REGISTRY_GRAPH, SCHEMA, article_graph

SEED_STATES = {
    # id: (alpha-2, alpha-3, numeric) — ISO 3166-1
    "italy": ("IT", "ITA", "380"),
    "france": ("FR", "FRA", "250"),
    "germany": ("DE", "DEU", "276"),
    "malta": ("MT", "MLT", "470"),
    "spain": ("ES", "ESP", "724"),
    "algeria": ("DZ", "DZA", "012"),
    "libya": ("LY", "LBY", "434"),
    "mauritania": ("MR", "MRT", "478"),
    "morocco": ("MA", "MAR", "504"),
    "tunisia": ("TN", "TUN", "788"),
}
BODIES = {
    "eu": "SupranationalUnion",
    "african-union": "SupranationalUnion",
    "ecowas": "IntergovernmentalOrganization",
    "european-commission": "Institution",
    "council-of-the-eu": "Institution",
    "european-parliament": "Institution",
    "frontex": "Agency",
    "europol": "Agency",
    "euaa": "Agency",
    "eu-lisa": "Agency",
    "cepol": "Agency",
    "eurojust": "Agency",
    "afripol": "Agency",
    "african-union-commission": "Institution",
    "iom": "IntergovernmentalOrganization",
    "unhcr": "IntergovernmentalOrganization",
    "unodc": "IntergovernmentalOrganization",
    "interpol": "IntergovernmentalOrganization",
}


@pytest.fixture(scope="module")
def registry(seed: BuildResult) -> Registry:
    return seed.registry


def test_every_un_member_state(registry: Registry) -> None:
    states = [a for a in registry.actors.values() if a.type == "State"]
    assert len(states) == 193
    for code_index in range(3):
        codes = [a.iso3166[code_index] for a in states if a.iso3166]
        assert len(set(codes)) == 193


@pytest.mark.parametrize("state", sorted(SEED_STATES))
def test_seed_state_codes(registry: Registry, state: str) -> None:
    assert registry.actors[state].iso3166 == SEED_STATES[state]


@pytest.mark.parametrize("body", sorted(BODIES))
def test_field_bodies(registry: Registry, body: str) -> None:
    assert registry.actors[body].type == BODIES[body]


@pytest.mark.parametrize("state", sorted(SEED_STATES))
def test_interior_ministry_of_each_seed_state(registry: Registry, state: str) -> None:
    ministry = registry.actors[f"{state}-interior-ministry"]
    assert ministry.type == "Agency" and ministry.part_of == state


def test_names_for_recognition(registry: Registry) -> None:
    assert "Tunisian" in registry.actors["tunisia"].demonyms
    assert "Rome" in registry.actors["italy"].metonyms
    assert "the Italian Department" in registry.actors["italy-interior-ministry"].aliases


def test_wikidata_only_with_a_source(registry: Registry) -> None:
    linked = [a for a in registry.actors.values() if a.wikidata]
    assert linked
    for actor in linked:
        assert re.fullmatch(r"Q[1-9][0-9]*", actor.wikidata or "")
        assert actor.wikidata_source


def test_wikidata_links_in_the_graph(seed: BuildResult) -> None:
    g = seed.dataset.graph(REGISTRY_GRAPH)
    italy = actor_iri("italy")
    assert (italy, SCHEMA.sameAs, None) in g
    assert all(str(o).startswith("http://www.wikidata.org/entity/Q") for o in g.objects(None, SCHEMA.sameAs))


def test_eu_has_27_current_members_and_the_uk_left(seed: BuildResult) -> None:
    bg = seed.dataset.graph(BACKGROUND_GRAPH)
    members = set(bg.subjects(KG.memberOf, actor_iri("eu")))
    assert len(members) == 27
    assert actor_iri("united-kingdom") not in members
    assert actor_iri("morocco") in set(bg.subjects(KG.memberOf, actor_iri("african-union")))


def test_background_facts_live_only_in_the_background_graph(seed: BuildResult) -> None:
    names = seed.dataset.graph(REGISTRY_GRAPH)
    assert (None, KG.memberOf, None) not in names
    assert (None, KG.partOf, None) not in names
    assert (None, RDF.type, KG.Membership) not in names
    article = seed.dataset.graph(article_graph("article-001"))
    assert (None, KG.memberOf, None) not in article
