"""Drafts: run the extractor on an article file, and write the draft as annotation YAML or JSON.

The YAML is the reviewed-annotation format (schema ``kg-annotation/1``), every scalar quoted, so a
reviewer edits it and ``kg build`` compiles it. The JSON shape is documented in the README
("Extracting a draft") and kept stable.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import FileFormatError
from kg.model import Annotation, Entity, Registry, Span
from kg.yamlfile import MAX_ARTICLE_BYTES, read_text

if TYPE_CHECKING:
    from kg.evaluate import Score
    from kg.extract import Extractor


def extractor_for(registry_path: Path | str, ontology_dir: Path | str | None = None) -> Extractor:
    """The extractor for a registry and ontology, built once per process and reused."""
    return _cached_extractor(str(registry_path), str(ontology_dir) if ontology_dir else None)


@lru_cache(maxsize=4)
def _cached_extractor(registry_path: str, ontology_dir: str | None) -> Extractor:
    from kg.extract import Extractor, topic_lexicon
    from kg.ontology import load_ontology
    from kg.registry import load_registry

    registry = load_registry(Path(registry_path))
    ontology = load_ontology(Path(ontology_dir) if ontology_dir else None)
    return Extractor(registry, topic_lexicon(ontology.graph))


def check_article_id(article_id: str, path: Path) -> None:
    """Refuse an id that would not make a plain IRI (spaces, ``<>"{}|^``, capitals): ids are slugs.

    Raises:
        SchemaError: naming the article file and the remedy.
    """
    from kg.errors import SchemaError
    from kg.registry import SLUG

    if not SLUG.match(article_id):
        raise SchemaError(
            f"`{article_id}` is not a valid article id",
            str(path),
            "use --id with lower-case letters, digits and hyphens",
        )


def read_article(path: Path) -> str:
    """An article's text: UTF-8, not empty, not binary.

    Raises:
        MissingInput, FileFormatError: with the file and the remedy.
    """
    from kg.errors import MissingInput

    if not path.is_file():
        raise MissingInput(f"no article file {path}", str(path), "give the path of a UTF-8 text file")
    text = read_text(path, "the article", MAX_ARTICLE_BYTES)
    if "\x00" in text:
        raise FileFormatError("the article contains NUL bytes (binary data?)", str(path), "give a plain-text article")
    return text


def extract_file(
    path: Path, registry_path: Path, published: str | None = None, article_id: str | None = None,
    ontology_dir: Path | None = None,
) -> tuple[Annotation, list[str]]:  # fmt: skip
    """The draft annotation of an article file, and warnings for the reviewer.

    Raises:
        SchemaError: the article id (``article_id``, else the file name) cannot be an IRI's last part.
        MissingInput, FileFormatError: as read_article.
    """
    check_article_id(article_id or path.stem, path)
    text = read_article(path)
    warnings = []
    if not text.strip():
        warnings.append(f"{path}: the article is empty; the draft has no facts")
    extractor = extractor_for(registry_path, ontology_dir)
    draft = extractor.extract(text, article_id or path.stem, published=published)
    if text.strip() and not looks_english(text):
        warnings.append(f"{path}: the text does not look like English; the draft may be empty or poor")
    return draft, warnings


_FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "and", "of", "to", "in", "on", "at", "with", "for", "from", "by", "is", "are", "was",
     "were", "that", "this", "it", "as", "be", "has", "have", "said"}
)  # fmt: skip


def looks_english(text: str) -> bool:
    """A cheap check: English prose has many short function words (about one word in four)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 8:
        return bool(words) and all(w.isascii() for w in words)
    return sum(w in _FUNCTION_WORDS for w in words) / len(words) >= 0.1


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _span(span: Span) -> str:
    return f"{{start: {span.start}, end: {span.end}, text: {_q(span.text)}}}"


def to_yaml(draft: Annotation, source: str | None = None) -> str:
    """The draft in the reviewed-annotation YAML format, every scalar quoted."""
    meta = draft.article
    lines = [
        "# Draft annotation written by `kg extract`: review every entity and relation, then remove",
        "# the confidence values you have checked. Format: README, 'The annotation format'.",
        'schema: "kg-annotation/1"',
        "article:",
        f"  id: {_q(meta.id)}",
        f"  text: {_q(meta.text_file)}",
        f"  sha256: {_q(meta.sha256)}",
        f"  title: {_q(meta.title)}",
        f"  published: {_q(meta.published) if meta.published else 'null'}",
        f"  source: {_q(source) if source else 'null'}",
        f"  language: {_q(meta.language)}",
        "sentences:",
    ]
    lines += [f"  - {{start: {a}, end: {b}}}" for a, b in draft.sentences]
    lines.append("entities:" if draft.entities else "entities: []")
    for ent in draft.entities:
        lines.append(f"  - id: {_q(ent.id)}")
        if ent.registry:
            lines.append(f"    registry: {_q(ent.registry)}")
        else:
            lines.append(f"    type: {_q(ent.type or '')}")
            lines.append(f"    label: {_q(ent.label or ent.id)}")
        lines.append("    mentions:")
        lines += [f"      - {_span(m)}" for m in ent.mentions]
    lines.append("relations:" if draft.relations else "relations: []")
    for rel in draft.relations:
        lines.append(f"  - subject: {_q(rel.subject)}")
        lines.append(f"    predicate: {_q(rel.predicate)}")
        lines.append(f"    object: {_q(rel.object)}")
        if rel.object_is_literal:
            lines.append("    object_is_literal: true")
            if rel.datatype:
                lines.append(f"    datatype: {_q(rel.datatype)}")
        for key in ("stated_by", "stated_in", "modality", "status", "role"):
            value = getattr(rel, key)
            if value:
                lines.append(f"    {key}: {_q(value)}")
        if rel.confidence is not None:
            lines.append(f"    confidence: {rel.confidence:g}")
        lines.append("    evidence:")
        lines += [f"      - {_span(e)}" for e in rel.evidence]
    return "\n".join(lines) + "\n"


def to_json(draft: Annotation, registry: Registry) -> str:
    """The draft as the documented JSON shape; registry actors take type, label and QID from ``registry``."""

    def described(ent: Entity) -> dict[str, str | None]:
        if ent.registry:
            actor = registry.actors[ent.registry]
            return {"label": actor.label, "type": actor.type, "wikidata": actor.wikidata}
        return {"label": ent.label or ent.id, "type": ent.type or "", "wikidata": None}

    def sentence_index(span: Span) -> int | None:
        for index, (a, b) in enumerate(draft.sentences):
            if a <= span.start and span.end <= b:
                return index
        return None

    data = {
        "article": draft.article.id,
        "sentences": [{"start": a, "end": b} for a, b in draft.sentences],
        "entities": [
            {
                "id": e.id,
                **described(e),
                "mentions": [{"start": m.start, "end": m.end, "text": m.text} for m in e.mentions],
            }
            for e in draft.entities
        ],
        "relations": [
            {
                "subject": r.subject,
                "predicate": r.predicate,
                "object": r.object,
                "object_is_literal": r.object_is_literal,
                "evidence": [{"start": e.start, "end": e.end, "sentence": sentence_index(e)} for e in r.evidence],
                "confidence": r.confidence,
                "modality": r.modality,
                "stated_by": r.stated_by,
            }
            for r in draft.relations
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def add_article(
    article: Path, data_dir: Path, title: str, published: str, source: str, article_id: str | None = None
) -> list[Path]:
    """Copy an article into ``data_dir/articles`` and write its draft to ``data_dir/drafts``.

    Raises:
        DuplicateId: an article with that id is already there (nothing is replaced).
    """
    from kg.errors import DuplicateId
    from kg.output import prepare_dir, write_all_atomic

    aid = article_id or article.stem
    check_article_id(aid, article)
    text = read_article(article)
    target = data_dir / "articles" / f"{aid}.txt"
    draft_path = data_dir / "drafts" / f"{aid}.yaml"
    for path in (target, data_dir / "annotations" / f"{aid}.yaml", draft_path):
        if path.exists():
            raise DuplicateId(
                f"article `{aid}` is already in {data_dir}", str(path), "choose another --id or remove it first"
            )
    draft, _warnings = extract_file(article, data_dir / "registry.yaml", published, aid)
    from dataclasses import replace

    draft = replace(draft, article=replace(draft.article, title=title))
    prepare_dir(target.parent)
    prepare_dir(draft_path.parent)
    write_all_atomic({target: text.encode("utf-8"), draft_path: to_yaml(draft, source).encode("utf-8")})
    return [target, draft_path]


def evaluate_dir(gold_dir: Path, registry_path: Path) -> Score:
    """Run the extractor on every gold article of ``gold_dir`` and score it."""
    from kg.annotation import load_annotation
    from kg.errors import MissingInput
    from kg.evaluate import Score, score_article

    paths = sorted((gold_dir / "annotations").glob("*.yaml"))
    if not paths:
        raise MissingInput(
            f"no gold annotations in {gold_dir / 'annotations'}",
            str(gold_dir),
            "give a folder with annotations/ and articles/",
        )
    forbidden = _forbidden(gold_dir / "forbidden.yaml")
    score = Score()
    for path in paths:
        gold = load_annotation(path, gold_dir)
        draft, _ = extract_file(
            gold_dir / gold.article.text_file, registry_path, gold.article.published, gold.article.id
        )
        score_article(gold, draft, score, forbidden.get(gold.article.id, set()))
    return score


def _forbidden(path: Path) -> dict[str, set[tuple[str, str, str]]]:
    """Facts that must not be drafted, per article: ``{article: [[subject, predicate, object], ...]}``."""
    from kg.yamlfile import YamlDoc

    if not path.is_file():
        return {}
    import yaml

    from kg.errors import SchemaError

    doc = YamlDoc(path, "forbidden facts")
    if not isinstance(doc.root, yaml.MappingNode):
        raise SchemaError("forbidden facts must map article ids to lists", str(path), "see `kg evaluate --help`")
    out: dict[str, set[tuple[str, str, str]]] = {}
    for key, value in doc.root.value:
        article = doc.string(key, "article id")
        for item in doc.sequence(value, article):
            triple = [doc.string(v, "fact") for v in doc.sequence(item, article)]
            if len(triple) != 3:
                raise SchemaError(
                    "a forbidden fact is [subject, predicate, object]", doc.where(item), "give three strings"
                )
            out.setdefault(article, set()).add((triple[0], triple[1], triple[2]))
    return out
