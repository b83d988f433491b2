"""Reading the actor registry (data/registry.yaml); its format is documented in the README."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from kg.errors import DuplicateId, SchemaError, UnknownEntity
from kg.model import Membership, Registry, RegistryActor
from kg.yamlfile import YamlDoc

REGISTRY_SCHEMA = "kg-registry/1"
ACTOR_TYPES = ("State", "SupranationalUnion", "IntergovernmentalOrganization", "Agency", "Institution")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID = re.compile(r"^Q[1-9][0-9]*$")


def check_slug(doc: YamlDoc, node: yaml.Node, value: str, context: str) -> str:
    """Ids become IRIs: lower-case letters, digits and single hyphens only."""
    if not SLUG.match(value):
        raise SchemaError(
            f"{context} `{value}` is not a valid id",
            doc.where(node),
            "use lower-case letters, digits and single hyphens (e.g. `italy-interior-ministry`)",
        )
    return value


def check_date(doc: YamlDoc, node: yaml.Node, value: str, context: str) -> str:
    """An ISO calendar date written as a quoted string."""
    try:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise SchemaError(
            f"{context} `{value}` is not a date", doc.where(node), 'write an ISO date such as "2020-07-13"'
        ) from None
    return value


def load_registry(path: Path) -> Registry:
    """Read and check the registry file.

    Raises:
        FileFormatError, SchemaError, DuplicateId, UnknownEntity: the file is wrong (with file:line).
    """
    doc = YamlDoc(path, "registry")
    top = doc.mapping(doc.root, "the registry", required=("schema", "actors"), optional=("as_of",))
    schema = doc.string(top["schema"], "`schema`")
    if schema != REGISTRY_SCHEMA:
        raise SchemaError(
            f"registry schema `{schema}` is not supported", doc.where(top["schema"]), f"use `{REGISTRY_SCHEMA}`"
        )
    as_of = ""
    if "as_of" in top:
        as_of = check_date(doc, top["as_of"], doc.string(top["as_of"], "`as_of`"), "`as_of`")
    actors: dict[str, RegistryActor] = {}
    nodes: dict[str, yaml.Node] = {}
    for item in doc.sequence(top["actors"], "`actors`"):
        actor = _read_actor(doc, item)
        if actor.id in actors:
            raise DuplicateId(
                f"actor id `{actor.id}` is defined twice in the registry",
                doc.where(item),
                f"first defined at {actors[actor.id].where}; keep one",
            )
        actors[actor.id] = actor
        nodes[actor.id] = item
    for actor in actors.values():
        targets = [actor.part_of] if actor.part_of else []
        targets += [m.of for m in actor.member_of]
        for target in targets:
            if target not in actors:
                raise UnknownEntity(
                    f"registry actor `{actor.id}` refers to unknown actor `{target}`",
                    actor.where,
                    "add that actor to the registry or fix the id",
                )
    return Registry(path=str(path), as_of=as_of, actors=actors)


def _read_actor(doc: YamlDoc, node: yaml.Node) -> RegistryActor:
    values = doc.mapping(
        node,
        "a registry actor",
        required=("id", "label", "type"),
        optional=(
            "full_name",
            "iso3166",
            "wikidata",
            "wikidata_source",
            "aliases",
            "demonyms",
            "metonyms",
            "part_of",
            "member_of",
        ),
    )
    actor_id = check_slug(doc, values["id"], doc.string(values["id"], "actor `id`"), "actor `id`")
    context = f"registry actor `{actor_id}`"
    actor_type = doc.string(values["type"], f"{context} `type`")
    if actor_type not in ACTOR_TYPES:
        raise SchemaError(
            f"{context} has unknown type `{actor_type}`",
            doc.where(values["type"]),
            "use one of " + ", ".join(ACTOR_TYPES),
        )
    label = doc.string(values["label"], f"{context} `label`").strip()
    if not label:
        raise SchemaError(f"{context} has an empty label", doc.where(values["label"]), "write its name")
    iso: tuple[str, str, str] | None = None
    if "iso3166" in values:
        codes = doc.mapping(values["iso3166"], f"{context} `iso3166`", required=("alpha2", "alpha3", "numeric"))
        a2 = doc.string(codes["alpha2"], f"{context} alpha2")
        a3 = doc.string(codes["alpha3"], f"{context} alpha3")
        num = doc.string(codes["numeric"], f"{context} numeric")
        for code, pattern, node_ in (
            (a2, r"^[A-Z]{2}$", codes["alpha2"]),
            (a3, r"^[A-Z]{3}$", codes["alpha3"]),
            (num, r"^[0-9]{3}$", codes["numeric"]),
        ):
            if not re.match(pattern, code):
                raise SchemaError(f"{context} has malformed ISO 3166 code `{code}`", doc.where(node_), "check the code")
        iso = (a2, a3, num)
    if actor_type == "State" and iso is None:
        raise SchemaError(f"{context} is a state without ISO 3166 codes", doc.where(node), "add `iso3166:`")
    wikidata = doc.optional_string(values, "wikidata", context)
    source = doc.optional_string(values, "wikidata_source", context)
    if wikidata is not None:
        if not QID.match(wikidata):
            raise SchemaError(
                f"{context} has malformed Wikidata id `{wikidata}`", doc.where(values["wikidata"]), "write e.g. Q38"
            )
        if not source:
            raise SchemaError(
                f"{context} has a Wikidata id but no `wikidata_source`",
                doc.where(values["wikidata"]),
                "say where the id was verified, or remove it",
            )
    part_of = doc.optional_string(values, "part_of", context)
    memberships = []
    if "member_of" in values:
        for item in doc.sequence(values["member_of"], f"{context} `member_of`"):
            m = doc.mapping(item, f"a membership of `{actor_id}`", required=("of",), optional=("since", "until"))
            since = doc.optional_string(m, "since", "membership")
            until = doc.optional_string(m, "until", "membership")
            memberships.append(
                Membership(
                    of=doc.string(m["of"], "membership `of`"),
                    since=check_date(doc, m["since"], since, "membership `since`") if since else None,
                    until=check_date(doc, m["until"], until, "membership `until`") if until else None,
                )
            )
    return RegistryActor(
        id=actor_id,
        label=label,
        type=actor_type,
        full_name=doc.optional_string(values, "full_name", context),
        iso3166=iso,
        wikidata=wikidata,
        wikidata_source=source,
        aliases=doc.strings(values.get("aliases"), f"{context} `aliases`"),
        demonyms=doc.strings(values.get("demonyms"), f"{context} `demonyms`"),
        metonyms=doc.strings(values.get("metonyms"), f"{context} `metonyms`"),
        part_of=part_of,
        member_of=tuple(memberships),
        where=doc.where(node),
    )
