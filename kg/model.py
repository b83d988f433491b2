"""Plain data classes for what kg reads: the registry and article annotations (no rdflib here)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """Characters ``text[start:end]`` of an article (offsets in Unicode code points)."""

    start: int
    end: int
    text: str
    where: str = field(default="", compare=False)


@dataclass(frozen=True)
class Membership:
    """Background fact: ``member`` belongs to ``of``, between optional ISO dates."""

    of: str
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class RegistryActor:
    """One actor of the registry: a state or a body, with its names and identifiers."""

    id: str
    label: str
    type: str
    full_name: str | None = None
    iso3166: tuple[str, str, str] | None = None  # alpha-2, alpha-3, numeric
    wikidata: str | None = None
    wikidata_source: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    part_of: str | None = None
    member_of: tuple[Membership, ...] = ()
    where: str = field(default="", compare=False)


@dataclass(frozen=True)
class Registry:
    """The reviewed actor registry."""

    path: str
    as_of: str
    actors: dict[str, RegistryActor]


@dataclass(frozen=True)
class ArticleMeta:
    """What an annotation says about its article."""

    id: str
    text_file: str
    sha256: str
    title: str
    published: str | None = None
    source: str | None = None
    language: str = "en"


@dataclass(frozen=True)
class Entity:
    """An entity of an annotation: a registry actor (``registry`` set) or one defined here."""

    id: str
    registry: str | None
    type: str | None
    label: str | None
    mentions: tuple[Span, ...]
    where: str = field(default="", compare=False)
    # a reviewer's judgement: other articles' entities ("<article>/<entity>") that are, or are not,
    # the same meeting or document (README, "Cross-article identity")
    same_as: tuple[Reference, ...] = ()
    not_same_as: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Reference:
    """An entity of another article, ``<article>/<entity>``, as a reviewer wrote it."""

    article: str
    entity: str
    where: str = field(default="", compare=False)


@dataclass(frozen=True)
class Relation:
    """One fact: subject, predicate (local name of a kg property) and object, with its evidence."""

    subject: str
    predicate: str
    object: str
    evidence: tuple[Span, ...]
    object_is_literal: bool = False
    datatype: str | None = None
    stated_by: str | None = None
    stated_in: str | None = None
    modality: str | None = None
    status: str | None = None
    role: str | None = None
    confidence: float | None = None
    where: str = field(default="", compare=False)


@dataclass(frozen=True)
class Annotation:
    """A reviewed (or draft) annotation of one article, with the article's text."""

    path: str
    article: ArticleMeta
    text: str
    sentences: tuple[tuple[int, int], ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
