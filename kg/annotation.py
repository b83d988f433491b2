"""Reading annotation files (data/annotations/*.yaml): the reviewed record of what an article says.

The format is documented in the README ("The annotation format"). Offsets count Unicode code
points of the article text; every span's ``text`` must equal the characters it covers.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from kg.errors import FileFormatError, MissingInput, SchemaError, SpanMismatch
from kg.model import Annotation, ArticleMeta, Entity, Reference, Relation, Span
from kg.registry import SLUG, check_date, check_slug
from kg.yamlfile import MAX_ARTICLE_BYTES, YamlDoc, read_text

ANNOTATION_SCHEMA = "kg-annotation/1"
DATATYPES = ("string", "date", "integer")


def sha256_text(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_annotation(path: Path, data_dir: Path) -> Annotation:
    """Read an annotation and its article text, checking every span against the text.

    Args:
        path: the annotation file.
        data_dir: the folder the article's ``text`` path is relative to.

    Raises:
        FileFormatError, SchemaError, DuplicateId: the file is malformed (with file:line:column).
        SpanMismatch: an offset is out of range or the span text differs from the article.
        MissingInput: the article text file does not exist.
    """
    doc = YamlDoc(path, "annotation")
    top = doc.mapping(doc.root, "the annotation", required=("schema", "article", "sentences", "entities", "relations"))
    schema = doc.string(top["schema"], "`schema`")
    if schema != ANNOTATION_SCHEMA:
        raise SchemaError(
            f"annotation schema `{schema}` is not supported", doc.where(top["schema"]), f"use `{ANNOTATION_SCHEMA}`"
        )
    meta = _read_article(doc, top["article"])
    text_path = data_dir / meta.text_file
    if not text_path.is_file():
        raise MissingInput(
            f"article text `{meta.text_file}` does not exist",
            f"{doc.where(top['article'])}, looked for {text_path}",
            "add the article with `kg add` or fix `article.text`",
        )
    text = read_text(text_path, f"article {meta.id}", MAX_ARTICLE_BYTES)
    if not text.strip():
        raise FileFormatError(
            f"article {meta.id} is empty" + (" (only white space)" if text else ""),
            f"{text_path}, named at {doc.where(top['article'])}",
            "put the article's text in the file, or remove its annotation",
        )
    actual = sha256_text(text)
    if actual != meta.sha256:
        raise SpanMismatch(
            f"article {meta.id} text does not match the annotation's sha256 ({actual[:12]}… ≠ {meta.sha256[:12]}…)",
            f"{text_path} vs {doc.where(top['article'])}",
            "the text changed after review: re-check the spans, then update `sha256`",
        )
    reader = _SpanReader(doc, meta.id, text)
    sentences = reader.sentences(top["sentences"])
    entities = tuple(_read_entity(doc, reader, n) for n in doc.sequence(top["entities"], "`entities`"))
    relations: list[Relation] = []
    for node in doc.sequence(top["relations"], "`relations`"):
        relations.extend(_read_relations(doc, reader, node))
    return Annotation(
        path=str(path),
        article=meta,
        text=text,
        sentences=sentences,
        entities=entities,
        relations=tuple(relations),
    )


def _read_article(doc: YamlDoc, node: yaml.Node) -> ArticleMeta:
    values = doc.mapping(
        node, "`article`", required=("id", "text", "sha256", "title"), optional=("published", "source", "language")
    )
    article_id = check_slug(doc, values["id"], doc.string(values["id"], "article `id`"), "article `id`")
    published = doc.optional_string(values, "published", "article")
    if published is not None:
        check_date(doc, values["published"], published, "article `published`")
    sha = doc.string(values["sha256"], "article `sha256`")
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise SchemaError(
            "article `sha256` is not 64 lower-case hex digits",
            doc.where(values["sha256"]),
            "run `sha256sum` on the text",
        )
    return ArticleMeta(
        id=article_id,
        text_file=doc.string(values["text"], "article `text`"),
        sha256=sha,
        title=doc.string(values["title"], "article `title`"),
        published=published,
        source=doc.optional_string(values, "source", "article"),
        language=_language(doc, values),
    )


# a language tag as RDF's syntaxes write one (BCP 47's shape: letters, then subtags of letters and digits)
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")


def _language(doc: YamlDoc, values: dict[str, yaml.Node]) -> str:
    tag = doc.optional_string(values, "language", "article")
    if tag is None:
        return "en"
    if not LANGUAGE_TAG.fullmatch(tag):
        raise SchemaError(
            f"article `language` `{tag}` is not a language tag",
            doc.where(values["language"]),
            'write e.g. "en" or "fr-BE"',
        )
    return tag


class _SpanReader:
    """Reads spans and checks them against the article text."""

    def __init__(self, doc: YamlDoc, article_id: str, text: str) -> None:
        self.doc = doc
        self.article_id = article_id
        self.text = text

    def offsets(self, node: yaml.Node, values: dict[str, yaml.Node], context: str) -> tuple[int, int]:
        start = self.doc.integer(values["start"], f"{context} `start`")
        end = self.doc.integer(values["end"], f"{context} `end`")
        if start < 0 or end < 0 or start >= end or end > len(self.text):
            raise SpanMismatch(
                f"{context} offsets {start}–{end} are out of range for article {self.article_id} "
                f"({len(self.text)} characters)",
                self.doc.where(node),
                "use 0 ≤ start < end ≤ length, counted in Unicode code points",
            )
        return start, end

    def span(self, node: yaml.Node, context: str) -> Span:
        values = self.doc.mapping(node, context, required=("start", "end", "text"), optional=("sentence",))
        start, end = self.offsets(node, values, context)
        claimed = self.doc.string(values["text"], f"{context} `text`")
        actual = self.text[start:end]
        if claimed != actual:
            raise SpanMismatch(
                f"{context} in article {self.article_id} at {start}–{end} reads {actual!r}, "
                f"but the annotation says {claimed!r}",
                self.doc.where(node),
                "fix the offsets or the text",
            )
        return Span(start, end, actual, self.doc.where(node))

    def sentences(self, node: yaml.Node) -> tuple[tuple[int, int], ...]:
        out: list[tuple[int, int]] = []
        for item in self.doc.sequence(node, "`sentences`"):
            values = self.doc.mapping(item, "a sentence", required=("start", "end"))
            start, end = self.offsets(item, values, "sentence")
            if out and start < out[-1][1]:
                raise SpanMismatch(
                    f"sentence {start}–{end} overlaps or precedes the one before it in article {self.article_id}",
                    self.doc.where(item),
                    "list sentences in text order without overlaps",
                )
            out.append((start, end))
        if not out:
            raise SchemaError("`sentences` is empty", self.doc.where(node), "list the article's sentences")
        return tuple(out)


def _read_entity(doc: YamlDoc, reader: _SpanReader, node: yaml.Node) -> Entity:
    values = doc.mapping(
        node,
        "an entity",
        required=("id",),
        optional=("registry", "type", "label", "mentions", "wikidata", "same_as", "not_same_as"),
    )
    entity_id = check_slug(doc, values["id"], doc.string(values["id"], "entity `id`"), "entity `id`")
    context = f"entity `{entity_id}`"
    registry_id = doc.optional_string(values, "registry", context)
    entity_type = doc.optional_string(values, "type", context)
    label = doc.optional_string(values, "label", context)
    if registry_id is None and (entity_type is None or not label):
        raise SchemaError(
            f"{context} needs either `registry:` or both `type:` and `label:`",
            doc.where(node),
            "link it to a registry actor or describe it",
        )
    mentions: tuple[Span, ...] = ()
    if "mentions" in values:
        mentions = tuple(
            reader.span(item, f"a mention of `{entity_id}`")
            for item in doc.sequence(values["mentions"], f"{context} `mentions`")
        )
    return Entity(
        id=entity_id,
        registry=registry_id,
        type=entity_type,
        label=label,
        mentions=mentions,
        where=doc.where(node),
        same_as=_read_references(doc, values.get("same_as"), f"{context} `same_as`"),
        not_same_as=_read_references(doc, values.get("not_same_as"), f"{context} `not_same_as`"),
    )


def _read_references(doc: YamlDoc, node: yaml.Node | None, context: str) -> tuple[Reference, ...]:
    """A list of ``"<article>/<entity>"`` strings naming entities of other articles."""
    if node is None:
        return ()
    out = []
    for item in doc.sequence(node, context):
        value = doc.string(item, context)
        article, _, entity = value.partition("/")
        if not (SLUG.match(article) and SLUG.match(entity)):
            raise SchemaError(
                f"{context} entry `{value}` is not `<article>/<entity>`",
                doc.where(item),
                'name another article\'s entity by both ids, e.g. "dev-001/meeting"',
            )
        out.append(Reference(article, entity, doc.where(item)))
    return tuple(out)


def _read_relations(doc: YamlDoc, reader: _SpanReader, node: yaml.Node) -> list[Relation]:
    values = doc.mapping(
        node,
        "a relation",
        required=("subject", "predicate", "object", "evidence"),
        optional=(
            "object_is_literal",
            "datatype",
            "stated_by",
            "stated_in",
            "modality",
            "status",
            "role",
            "confidence",
        ),
    )
    # `subject` and `object` may be lists: the relation then holds for every pair, with one evidence
    subject_node = values["subject"]
    if isinstance(subject_node, yaml.SequenceNode):
        subjects = list(doc.strings(subject_node, "relation `subject`"))
    else:
        subjects = [doc.string(subject_node, "relation `subject`")]
    predicate = doc.string(values["predicate"], "relation `predicate`")
    is_literal = (
        doc.boolean(values["object_is_literal"], "`object_is_literal`") if "object_is_literal" in values else False
    )
    object_node = values["object"]
    if isinstance(object_node, yaml.SequenceNode):
        objects = list(doc.strings(object_node, "relation `object`"))
    else:
        objects = [doc.string(object_node, "relation `object`")]
    datatype = doc.optional_string(values, "datatype", "relation")
    if datatype is not None and datatype not in DATATYPES:
        raise SchemaError(
            f"unknown datatype `{datatype}`", doc.where(values["datatype"]), "use " + ", ".join(DATATYPES)
        )
    if is_literal and datatype == "date":
        for obj in objects:
            check_date(doc, object_node, obj, "relation `object`")
    evidence = tuple(
        reader.span(item, "an evidence span") for item in doc.sequence(values["evidence"], "relation `evidence`")
    )
    if not evidence:
        raise SchemaError("a relation has no evidence", doc.where(values["evidence"]), "add the span that states it")
    confidence = None
    if "confidence" in values:
        confidence = doc.number(values["confidence"], "`confidence`")
        if not 0.0 <= confidence <= 1.0:
            raise SchemaError(
                f"confidence {confidence} is not between 0 and 1", doc.where(values["confidence"]), "use 0…1"
            )
    return [
        Relation(
            subject=subject,
            predicate=predicate,
            object=obj,
            evidence=evidence,
            object_is_literal=is_literal,
            datatype=datatype,
            stated_by=doc.optional_string(values, "stated_by", "relation"),
            stated_in=doc.optional_string(values, "stated_in", "relation"),
            modality=doc.optional_string(values, "modality", "relation"),
            status=doc.optional_string(values, "status", "relation"),
            role=doc.optional_string(values, "role", "relation"),
            confidence=confidence,
            where=doc.where(node),
        )
        for subject in subjects
        for obj in objects
    ]
