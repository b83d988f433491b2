"""A deterministic generator of synthetic articles with reviewed-style annotations, for benchmarks only.

Usage:
    python bench/gen_corpus.py N TARGET [--seed S]

Writes TARGET/registry.yaml (a copy of data/registry.yaml), TARGET/articles/syn-NNNNNN.txt and
TARGET/annotations/syn-NNNNNN.yaml for N articles. Each article is a short wire report of one
meeting between registry states: who took part, where, who convened and hosted it, what the
participants committed to and who said what. Annotations follow the real format (README, "The
annotation format") and validate against the shapes; an article builds to about 100 triples.

Every DUPLICATE_EVERY-th article is a second report, worded differently, of the meeting of the
article before it (same states, place, topic and date; both give the date), so that benchmarks
exercise cross-article identity links (kg.links); the other meetings are undated.

Actors are drawn with a skewed distribution (a few states appear in many articles, as in real
news), persons, posts and places come from fixed pools shared across articles, so queries join
across article graphs. Article ``i`` depends only on ``(seed, i)``: ``touch_article`` rewrites one
article with a new variant without changing any other file.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# article i with i % DUPLICATE_EVERY == 0 reports the meeting of article i - 1 again
DUPLICATE_EVERY = 20

# states that news about migration cooperation names most often; the rest of the registry's
# states appear with a small weight
FREQUENT = (
    "italy", "tunisia", "libya", "france", "spain", "germany", "malta", "greece", "morocco", "algeria",
    "egypt", "turkey", "niger", "mauritania", "senegal", "nigeria", "mali", "chad", "sudan", "netherlands",
)  # fmt: skip
AGENCIES = ("afripol", "europol", "frontex", "euaa", "iom", "unhcr")
TOPICS = (
    ("irregular-migration", "irregular migration"),
    ("smuggling", "migrant smuggling"),
    ("trafficking", "human trafficking"),
    ("border-management", "border management"),
    ("search-and-rescue", "search and rescue"),
    ("law-enforcement-cooperation", "police cooperation"),
    ("returns-readmission", "returns"),
    ("legal-pathways", "legal pathways"),
    ("root-causes", "the root causes of migration"),
    ("funding", "funding"),
    ("asylum", "asylum"),
)
PLEDGES = (
    "step up joint patrols",
    "share information on smuggling networks",
    "train border guards together",
    "open a common coordination centre",
    "speed up returns of rejected applicants",
    "fund job schemes for young people",
    "meet again within six months",
    "set up a working group on trafficking",
)
QUOTES = (
    "We will not let criminal networks decide who crosses the sea",
    "Cooperation is the only answer to a shared challenge",
    "Our partners can count on our support",
    "Saving lives at sea comes first",
    "This agreement will be judged by its results",
    "No country can manage migration alone",
)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
)  # fmt: skip
CITIES = (
    "Rome", "Tunis", "Tripoli", "Valletta", "Madrid", "Paris", "Berlin", "Athens", "Rabat", "Algiers",
    "Cairo", "Ankara", "Niamey", "Nouakchott", "Dakar", "Abuja", "Bamako", "Palermo", "Lampedusa", "Brussels",
    "Lisbon", "Vienna", "Marseille", "Naples", "Sfax", "Benghazi", "Tangier", "Oran", "Alexandria", "Izmir",
)  # fmt: skip
FIRST = (
    "Anna", "Marco", "Leila", "Youssef", "Sofia", "Karim", "Elena", "Omar", "Ines", "Hassan", "Clara", "Nabil",
    "Maria", "Samir", "Lucia", "Ahmed", "Nora", "Pierre", "Amina", "Jonas", "Fatima", "Luca", "Salma", "Paul",
)  # fmt: skip
LAST = (
    "Rossi", "Ben Ali", "Haddad", "Moreau", "Garcia", "Schmidt", "Borg", "Papadopoulos", "Alaoui", "Mansouri",
    "Kaya", "Diallo", "Okafor", "Traore", "Fischer", "Bianchi", "Lopez", "Dubois", "Sall", "Osman",
)  # fmt: skip


def _registry_actors(registry_path: Path) -> list[tuple[str, str, str]]:
    """(id, label, type) of the registry's actors, in file order."""
    doc = yaml.load(registry_path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return [(a["id"], a["label"], a["type"]) for a in doc["actors"]]


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _q(value: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _span(span: tuple[int, int, str]) -> str:
    start, end, text = span
    return f"{{start: {start}, end: {end}, text: {_q(text)}}}"


class _Article:
    """An article under construction: its text, sentences, entities with mentions, and relations."""

    def __init__(self) -> None:
        self.text = ""
        self.sentences: list[tuple[int, int]] = []
        self.entities: dict[str, dict[str, object]] = {}
        self.relations: list[list[str]] = []

    def sentence(self, *pieces: str | tuple[str, str]) -> tuple[int, int, str]:
        """Append a sentence made of plain pieces and ``(entity id, words)`` mentions; returns its span.

        The span (the evidence of the sentence's facts) leaves out the final full stop.
        """
        if self.text:
            self.text += " "
        start = len(self.text)
        for piece in pieces:
            if isinstance(piece, tuple):
                entity_id, words = piece
                self.mention(entity_id, len(self.text), words)
                self.text += words
            else:
                self.text += piece
        self.sentences.append((start, len(self.text)))
        return start, len(self.text) - 1, self.text[start : len(self.text) - 1]

    def mention(self, entity_id: str, start: int, words: str) -> None:
        mentions = self.entities[entity_id].setdefault("mentions", [])
        assert isinstance(mentions, list)
        mentions.append((start, start + len(words), words))

    def entity(self, entity_id: str, registry: str | None = None, type_name: str = "", label: str = "") -> str:
        self.entities.setdefault(entity_id, {"registry": registry, "type": type_name, "label": label})
        return entity_id

    def relation(
        self, subject: str | list[str], predicate: str, obj: str, span: tuple[int, int, str], **extra: str
    ) -> None:
        def ref(value: str | list[str]) -> str:
            return "[" + ", ".join(_q(v) for v in value) + "]" if isinstance(value, list) else _q(value)

        lines = [f"  - subject: {ref(subject)}", f"    predicate: {_q(predicate)}", f"    object: {_q(obj)}"]
        lines += [f"    {key}: {value}" for key, value in extra.items()]
        lines += ["    evidence:", f"      - {_span(span)}"]
        self.relations.append(lines)

    def annotation(self, header: list[str]) -> str:
        lines = [*header, "sentences:", *(f"  - {{start: {s}, end: {e}}}" for s, e in self.sentences), "entities:"]
        for entity_id, entity in self.entities.items():
            lines.append(f"  - id: {_q(entity_id)}")
            if entity["registry"]:
                lines.append(f"    registry: {_q(str(entity['registry']))}")
            else:
                lines += [f"    type: {_q(str(entity['type']))}", f"    label: {_q(str(entity['label']))}"]
            mentions = entity.get("mentions")
            if isinstance(mentions, list) and mentions:
                lines.append("    mentions:")
                lines += [f"      - {_span(m)}" for m in mentions]
        lines.append("relations:")
        for relation in self.relations:
            lines += relation
        return "\n".join(lines) + "\n"


class CorpusGenerator:
    """Makes synthetic articles: ``article(i)`` gives the id, text and annotation of article ``i``."""

    def __init__(self, registry_path: Path = ROOT / "data" / "registry.yaml", seed: int = 1) -> None:
        self.seed = seed
        actors = _registry_actors(registry_path)
        states = [(a, label) for a, label, kind in actors if kind == "State"]
        self.labels = dict(states)
        self.agencies = {a: label for a, label, _kind in actors if a in AGENCIES}
        frequent = [s for s in FREQUENT if s in self.labels]
        self.states = frequent + [s for s, _ in states if s not in frequent]
        # the frequent states take most of the weight, decreasing; every state keeps some
        self.weights = [12.0 / (1 + i) for i in range(len(frequent))] + [1.0] * (len(self.states) - len(frequent))
        pool = random.Random(seed)
        self.persons = [
            (f"{pool.choice(FIRST)} {pool.choice(LAST)}", pool.choices(self.states, self.weights)[0])
            for _ in range(400)
        ]

    def _pick_states(self, rnd: random.Random, count: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < count:
            state = rnd.choices(self.states, self.weights)[0]
            if state not in chosen:
                chosen.append(state)
        return chosen

    def article(self, index: int, variant: int = 0) -> tuple[str, str, str]:
        """(article id, text, annotation YAML) of article ``index``; ``variant`` > 0 gives an edited version."""
        if index > 1 and index % DUPLICATE_EVERY == 0:
            return self._second_report(index, variant)
        rnd = random.Random(f"{self.seed}/{index}/{variant}")
        aid = f"syn-{index:06d}"
        states = self._pick_states(rnd, rnd.choice((2, 2, 3, 3)))
        host, labels = states[0], [self.labels[s] for s in states]
        topic_id, topic_words = rnd.choice(TOPICS)
        city = rnd.choice(CITIES)
        year, month, day = 2015 + index % 10, 1 + index % 12, 1 + index % 28
        a = _Article()
        for state in states:
            a.entity(state, registry=state)
        meeting = a.entity("meeting", type_name="Meeting", label=f"{' and '.join(labels)} meeting on {topic_words}")
        place = a.entity(_slug(city), type_name="Place", label=city)

        # the meeting: who took part, where, about what
        listed: list[str | tuple[str, str]] = ["Ministers of "]
        for i, (state, label) in enumerate(zip(states, labels, strict=True)):
            listed += [" and " if i == len(states) - 1 else ", "] if i else []
            listed.append((state, label))
        span = a.sentence(*listed, " met in ", (place, city), " to discuss ", topic_words, ".")
        a.relation(states, "participatedIn", meeting, span)
        a.relation(meeting, "locatedIn", place, span)
        a.relation(meeting, "about", f"topic:{topic_id}", span)

        # often one more thing: who convened or hosted it, a pledge, or a quotation
        kind = rnd.choice(("none", "none", "convened", "hosted", "pledge", "quote", "cooperation"))
        name, home = rnd.choice(self.persons)
        person = _slug(name)
        if kind == "convened":
            span = a.sentence((meeting, "The meeting"), " was convened by ", (host, self.labels[host]), ".")
            a.relation(host, "organized", meeting, span)
        elif kind == "hosted":
            a.entity(person, type_name="Person", label=name)
            post = a.entity(f"{home}-minister-of-the-interior", type_name="Post",
                            label=f"Minister of the Interior of {self.labels[home]}")  # fmt: skip
            span = a.sentence(
                (person, name), ", ", (post, f"the interior minister of {self.labels[home]}"), ", hosted ",
                (meeting, "the talks"), f" on {day} {MONTHS[month - 1]} {year}.",
            )  # fmt: skip
            a.relation(person, "hosted", meeting, span, role=_q(post))
            a.relation(person, "holdsPost", post, span)
            a.relation(post, "postIn", home, span)
            a.entity(home, registry=home)
        elif kind == "pledge":
            pledge = rnd.choice(PLEDGES)
            commitment = a.entity("commitment", type_name="Commitment", label=pledge)
            span = a.sentence((commitment, f"They agreed to {pledge}"), ".")
            a.relation(states, "partyTo", commitment, span)
            a.relation(commitment, "modality", "modality:agreed", span)
            a.relation(commitment, "description", f"The participants agreed to {pledge}.", span,
                       object_is_literal="true")  # fmt: skip
            a.relation(commitment, "adoptedAt", meeting, span)
            a.relation(commitment, "about", f"topic:{topic_id}", span)
        elif kind == "quote":
            quote = rnd.choice(QUOTES)
            claim = a.entity("claim", type_name="Claim", label=quote)
            a.entity(person, type_name="Person", label=name)
            span = a.sentence('"', (claim, quote), '," said ', (person, name), ".")
            a.relation(claim, "statedBy", person, span)
            a.relation(claim, "quotation", quote, span, object_is_literal="true")
        elif kind == "cooperation":
            first, second = rnd.sample(AGENCIES, 2)
            for agency in (first, second):
                a.entity(agency, registry=agency)
            span = a.sentence(
                "They also agreed that ", (first, self.agencies[first]), " and ", (second, self.agencies[second]),
                " should cooperate more closely.",
            )  # fmt: skip
            a.relation(first, "cooperatesWith", second, span, modality='"agreed"', status='"agreed"')
        if (index + 1) % DUPLICATE_EVERY == 0:
            # the next article reports this meeting again: both give its date
            span = a.sentence((meeting, "The meeting"), f" took place on {day} {MONTHS[month - 1]} {year}.")
            a.relation(meeting, "date", f"{year}-{month:02d}-{day:02d}", span,
                       object_is_literal="true", datatype='"date"')  # fmt: skip
        header = [
            f"# Synthetic annotation for benchmarks (bench/gen_corpus.py, seed {self.seed}, article {index}).",
            'schema: "kg-annotation/1"',
            "article:",
            f"  id: {_q(aid)}",
            f"  text: {_q(f'articles/{aid}.txt')}",
            f"  sha256: {_q(hashlib.sha256(a.text.encode('utf-8')).hexdigest())}",
            f"  title: {_q(f'{self.labels[host]} hosts talks on {topic_words}')}",
            f'  published: "{year}-{month:02d}-{day:02d}"',
            '  source: "synthetic (bench/gen_corpus.py)"',
            '  language: "en"',
        ]
        return aid, a.text, a.annotation(header)

    def _second_report(self, index: int, variant: int) -> tuple[str, str, str]:
        """Article ``index`` as another outlet's report of the meeting of article ``index - 1``."""
        first = index - 1
        # the first draws of article(first), variant 0: its states, topic and place
        earlier = random.Random(f"{self.seed}/{first}/0")
        states = self._pick_states(earlier, earlier.choice((2, 2, 3, 3)))
        topic_id, topic_words = earlier.choice(TOPICS)
        city = earlier.choice(CITIES)
        year, month, day = 2015 + first % 10, 1 + first % 12, 1 + first % 28
        when = f"{year}-{month:02d}-{day:02d}"
        rnd = random.Random(f"{self.seed}/{index}/{variant}")
        aid = f"syn-{index:06d}"
        a = _Article()
        for state in states:
            a.entity(state, registry=state)
        meeting = a.entity("talks", type_name="Meeting", label=f"talks in {city} on {topic_words}")
        place = a.entity(_slug(city), type_name="Place", label=city)
        named: list[str | tuple[str, str]] = ["Delegations from "]
        for i, state in enumerate(rnd.sample(states, len(states))):
            named += [" and " if i == len(states) - 1 else ", "] if i else []
            named.append((state, self.labels[state]))
        span = a.sentence(
            *named, " held ", (meeting, "talks"), " in ", (place, city), f" on {day} {MONTHS[month - 1]} {year}.",
        )  # fmt: skip
        a.relation(states, "participatedIn", meeting, span)
        a.relation(meeting, "locatedIn", place, span)
        a.relation(meeting, "date", when, span, object_is_literal="true", datatype='"date"')
        # an edited version (variant > 0) says where it was updated, so its text and annotation change
        updated = f", the report said in update {variant}," if variant else ""
        span = a.sentence((meeting, "The talks"), f"{updated} focused on {topic_words}.")
        a.relation(meeting, "about", f"topic:{topic_id}", span)
        header = [
            f"# Synthetic annotation for benchmarks (bench/gen_corpus.py, seed {self.seed}, article {index}):",
            f"# a second report of the meeting of article {first}.",
            'schema: "kg-annotation/1"',
            "article:",
            f"  id: {_q(aid)}",
            f"  text: {_q(f'articles/{aid}.txt')}",
            f"  sha256: {_q(hashlib.sha256(a.text.encode('utf-8')).hexdigest())}",
            f"  title: {_q(f'Talks in {city} on {topic_words}')}",
            f'  published: "{when}"',
            '  source: "synthetic (bench/gen_corpus.py)"',
            '  language: "en"',
        ]
        return aid, a.text, a.annotation(header)


def write_corpus(count: int, target: Path, seed: int = 1, registry: Path = ROOT / "data" / "registry.yaml") -> Path:
    """Write a data folder of ``count`` synthetic articles under ``target``; returns ``target``."""
    gen = CorpusGenerator(registry, seed)
    (target / "articles").mkdir(parents=True, exist_ok=True)
    (target / "annotations").mkdir(parents=True, exist_ok=True)
    shutil.copy(registry, target / "registry.yaml")
    for index in range(1, count + 1):
        _write(gen, target, index, 0)
    return target


def touch_article(target: Path, index: int, variant: int = 1, seed: int = 1) -> str:
    """Rewrite article ``index`` of a generated corpus with another variant; returns its id."""
    return _write(CorpusGenerator(target / "registry.yaml", seed), target, index, variant)


def _write(gen: CorpusGenerator, target: Path, index: int, variant: int) -> str:
    aid, text, annotation = gen.article(index, variant)
    (target / "articles" / f"{aid}.txt").write_text(text, encoding="utf-8")
    (target / "annotations" / f"{aid}.yaml").write_text(annotation, encoding="utf-8")
    return aid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_corpus(args.count, args.target, args.seed)
    print(f"wrote {args.count} synthetic articles to {args.target}", file=sys.stderr)


if __name__ == "__main__":
    main()
