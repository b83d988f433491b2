"""The main job: an incremental build into the store, validation, and the files of the output folder.

``run_build`` compares each annotation (and its article text) with the hashes the store recorded,
compiles only what changed (in worker processes when there are many), validates those graphs,
commits them to ``<out>/store`` in a crash-safe order (kg.store), and writes kg.trig, kg.ttl and
kg.html from the store when the graph is small enough for them to be useful.
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.build import (
    Validator,
    annotation_files,
    base_nquads,
    check_new_id,
    compile_and_validate,
    file_sha256,
    inputs_digest,
    load_inputs,
    to_nquads,
    validate_compiled,
)
from kg.errors import OutputError
from kg.export import serialize_dataset
from kg.links import ArticleFacts, actor_words, check_identity, find_links, link_triples, store_facts
from kg.namespaces import ARTICLE_GRAPH_PREFIX, BASE, LINKS_GRAPH
from kg.ontology import Ontology
from kg.output import prepare_dir, write_all_atomic
from kg.shacl import validate_store_natively
from kg.store import (
    StoreState,
    StoreWriter,
    commit,
    dataset_from_store,
    graph_sizes,
    read_state,
    store_dir,
    store_failure,
)
from kg.view import render_view, whole_view

OUTPUTS = {"kg.trig": "trig", "kg.ttl": "turtle"}
HTML_FILE = "kg.html"
# above this many triples the files are not written: serialising through rdflib and drawing the
# whole network would take minutes and give a page no browser can show; the store is the output
FILES_MAX_TRIPLES = 100_000
# article graphs listed one by one in the report up to this many
LISTED_GRAPHS = 10

# makes a progress display: (label, total) -> context manager whose value is called with steps done
ProgressFactory = Callable[[str, int], contextlib.AbstractContextManager[Callable[[int], None]]]


@dataclass
class BuildReport:
    """What ``run_build`` did."""

    store: str
    articles: list[str] = field(default_factory=list)  # ids of every article in the graph
    new: int = 0
    rebuilt: int = 0
    unchanged: int = 0
    removed: int = 0
    links: dict[str, int] = field(default_factory=dict)  # identity links by status
    inputs_changed: bool = False
    graph_sizes: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)  # path -> bytes written
    files_skipped: str = ""  # why kg.trig, kg.ttl and kg.html were not written
    removed_files: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage

    @property
    def triples(self) -> int:
        return sum(self.graph_sizes.values())

    def summary(self) -> list[str]:
        """Human-readable lines describing the build."""
        ids = self.articles
        shown = ", ".join(ids[:LISTED_GRAPHS]) + (f", … and {len(ids) - LISTED_GRAPHS} more" if len(ids) > 10 else "")
        lines = [f"built {len(ids)} article(s): {shown}"]
        counts = [
            (self.new, "new"),
            (self.rebuilt, "rebuilt"),
            (self.unchanged, "unchanged"),
            (self.removed, "removed"),
        ]
        did = ", ".join(f"{n} {what}" for n, what in counts if n) or "no articles"
        why = "registry, ontology or compiler changed: " if self.inputs_changed else ""
        lines.append(f"store {self.store}: {why}{did} ({self.triples} triples)")
        if self.links:
            lines.append("links: " + ", ".join(f"{n} {status}" for status, n in sorted(self.links.items())))
        articles = {g: n for g, n in self.graph_sizes.items() if g.startswith(ARTICLE_GRAPH_PREFIX)}
        if len(articles) > LISTED_GRAPHS:
            lines.append(f"  graph/article/…: {len(articles)} graphs, {sum(articles.values())} triples")
        sizes = sorted(self.graph_sizes.items())
        lines += [
            f"  {name[len(BASE) :]}: {size} triples"
            for name, size in sizes
            if len(articles) <= LISTED_GRAPHS or name not in articles
        ]
        lines += [f"wrote {path} ({size} bytes)" for path, size in self.files.items()]
        lines += [f"removed {path} (out of date)" for path in self.removed_files]
        if self.files_skipped:
            lines.append(self.files_skipped)
        return lines


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now


@contextlib.contextmanager
def _quiet(_label: str, _total: int) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


def run_build(
    data_dir: Path | str = "data",
    out_dir: Path | str = "out",
    validate: bool = True,
    ontology_dir: Path | None = None,
    *,
    workers: int | None = None,
    validator: Validator | None = None,
    progress: ProgressFactory | None = None,
    files: bool | None = None,
) -> BuildReport:
    """Bring ``<out>/store`` up to date with ``data_dir``, validate what changed, and write the files.

    Only articles whose annotation or text changed are compiled and validated; graphs of removed
    articles are dropped; a change to the registry, ontology or shapes rebuilds everything. Bad
    input or a SHACL violation stops the build before anything is written. The store is then
    updated in a crash-safe order (kg.store), and kg.trig, kg.ttl and kg.html are written from it
    atomically, all or none, when the graph has at most FILES_MAX_TRIPLES triples.

    Args:
        workers: processes compiling annotations (default: one per CPU for large changes).
        validator: the validation step (default: kg.shacl's native SHACL checks of all changed graphs
            at once; ``kg.validate.validate_store_graphs`` runs pyshacl article by article).
        progress: makes a progress display for the long steps (default: none).
        files: write kg.trig, kg.ttl and kg.html: True, False, or None for "when small enough".

    Raises:
        InputError subclasses, ValidationFailed, OutputError (BuildLocked: another build runs).
    """
    data_dir, out = Path(data_dir), Path(out_dir)
    progress = progress or _quiet
    clock = _Clock()
    path = store_dir(out)
    writer = StoreWriter(path)
    try:
        state = StoreState()
        if path.is_dir():
            # lock before any work, so that a second build fails at once
            state = read_state(writer.open())
        ontology, registry = load_inputs(data_dir, ontology_dir)
        inputs = inputs_digest(data_dir, ontology_dir)
        inputs_changed = state.inputs_sha256 != inputs
        report = BuildReport(str(path), inputs_changed=inputs_changed and bool(state.article_graphs))

        # which annotation files changed since the store recorded them
        unchanged: dict[str, str] = {}  # article id -> annotation file
        todo: list[tuple[int, Path]] = []
        for index, file in enumerate(annotation_files(data_dir)):
            rel = file.relative_to(data_dir).as_posix()
            known = state.articles.get(rel)
            if (
                not inputs_changed
                and known is not None
                and known.graph in state.article_graphs
                and _unchanged(file, data_dir / known.text_file, known.annotation_sha256, known.text_sha256)
            ):
                unchanged[known.article_id] = rel
            else:
                todo.append((index, file))
        clock.lap("scan")
        check = (validator or validate_store_natively) if validate else None
        with progress("compiling", len(todo)) as step:
            result = compile_and_validate(todo, data_dir, registry, ontology, ontology_dir, workers, step, check)
        compiled = result.articles
        clock.lap("compile")
        seen = {aid: str(data_dir / rel) for aid, rel in unchanged.items()}
        for item in compiled:
            check_new_id(item.article_id, str(data_dir / item.annotation_file), seen)
        # cross-article identity over every article of the data: the compiled ones and, from the
        # store, the unchanged ones; checked (labels, reviews) before anything is written
        facts: dict[str, ArticleFacts] = {c.article_id: c.facts for c in compiled}
        if unchanged and writer.store is not None:
            sources = {ARTICLE_GRAPH_PREFIX + aid: str(data_dir / rel) for aid, rel in unchanged.items()}
            facts.update(store_facts(writer.store, sources))
        check_identity(facts)
        links = find_links(facts, actor_words(registry))
        links_nquads = to_nquads(link_triples(links), LINKS_GRAPH)
        clock.lap("links")
        base = base_nquads(ontology, registry)
        if check is not None and (compiled or inputs_changed):
            if result.validated:  # by the compile workers; the registry is left, and comes first
                if inputs_changed:
                    validate_compiled(base, [], ontology, check, lambda _n: None, registry=True)
                if result.failure is not None:
                    raise result.failure
            else:
                with progress("validating", len(compiled)) as step:
                    validate_compiled(base, compiled, ontology, check, step, registry=inputs_changed)
        clock.lap("validate")

        # everything is checked: write
        prepare_dir(out)
        if files is not False:
            _check_targets(out)  # before the store changes, so that a folder in the way changes nothing
        if writer.store is None:
            state = read_state(writer.open())
        # the store is used through `writer` only: no local name may keep the database open
        assert writer.store is not None
        ids = set(unchanged) | {c.article_id for c in compiled}
        current = {ARTICLE_GRAPH_PREFIX + aid for aid in ids}
        drop = sorted(state.article_graphs - current) if not inputs_changed else []
        drop += sorted(g for g in state.article_graphs & {ARTICLE_GRAPH_PREFIX + c.article_id for c in compiled})
        removed = len(state.article_graphs - current)
        with progress("writing", len(compiled)) as step:
            commit(writer.store, inputs, base if inputs_changed else None, compiled, drop, step, links_nquads)
        clock.lap("write")
        report.articles = sorted(ids)
        report.rebuilt = sum(1 for c in compiled if ARTICLE_GRAPH_PREFIX + c.article_id in state.article_graphs)
        report.new = len(compiled) - report.rebuilt
        report.unchanged = len(unchanged)
        report.removed = removed
        for link in links:
            report.links[link.status] = report.links.get(link.status, 0) + 1
        report.graph_sizes = graph_sizes(writer.store)
        write_files = files if files is not None else report.triples <= FILES_MAX_TRIPLES
        _write_files(writer.store, out, ontology, write_files, report)
        clock.lap("files")
        report.seconds = clock.laps
    except BaseException as exc:
        # pyoxigraph closes a database only when the last reference goes, and the frames of a
        # traceback keep their arguments alive: clear them, so that close() below really closes
        traceback.clear_frames(exc.__traceback__)
        with contextlib.suppress(OutputError):  # the first failure is the one to report
            writer.close()
        failure = store_failure(exc, path, writing=writer.opened)
        if failure is not None:
            raise failure from None
        raise
    writer.close()
    return report


def _unchanged(annotation: Path, text: Path, annotation_sha256: str, text_sha256: str) -> bool:
    try:
        return file_sha256(annotation) == annotation_sha256 and file_sha256(text) == text_sha256
    except OSError:  # the text moved or vanished: rebuilding reports it properly
        return False


def _check_targets(out: Path) -> None:
    for name in (*OUTPUTS, HTML_FILE):
        if (out / name).is_dir():
            raise OutputError(
                f"output path {out / name} is a folder", str(out / name), "remove the folder or choose another --out"
            )


def _write_files(store: ox.Store, out: Path, ontology: Ontology, write: bool, report: BuildReport) -> None:
    targets = [out / name for name in (*OUTPUTS, HTML_FILE)]
    if not write:
        for target in targets:
            if target.is_file():
                target.unlink()
                report.removed_files.append(str(target))
        report.files_skipped = (
            f"kg.trig, kg.ttl and kg.html not written above {FILES_MAX_TRIPLES} triples: "
            "query the store with `kg query`, export it with `kg export --store`"
        )
        return
    dataset = dataset_from_store(store, ontology)
    contents: dict[str, bytes] = {name: serialize_dataset(dataset, fmt) for name, fmt in OUTPUTS.items()}
    contents[HTML_FILE] = render_view(whole_view(dataset), "html")
    write_all_atomic({out / name: data for name, data in contents.items()})
    for name, data in contents.items():
        report.files[str(out / name)] = len(data)
