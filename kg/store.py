"""The on-disk store of a build: a pyoxigraph (RocksDB) database at ``<out>/store/``.

One named graph per article (``graph/article/<id>``), the ontology, registry and registry
background in their own graphs, and ``graph/build-state``: for every article graph, the files it
was compiled from and their SHA-256, plus a hash of the inputs shared by all articles (registry,
ontology, shapes, compiler). A build compares those hashes with the files to rebuild only what
changed.

Crash safety comes from the order of writes, each of which is atomic on its own:

1. the hashes of the articles about to change are deleted (when the shared inputs changed, the
   whole store is emptied instead: nothing in it is valid any more);
2. their graphs, and those of removed articles, are dropped;
3. each batch of new article graphs is loaded together with its hashes, in one atomic write;
4. the inputs hash is written;
5. ``graph/links`` (kg.links), derived from all article graphs, is written last. It is dropped
   before step 1 whenever article graphs change, so it never describes graphs that are gone, and
   every build computes it again and rewrites it when it differs: a build killed before step 5
   leaves no links, which the next build restores even if no article changed.

A build killed at any moment therefore leaves every article either complete with its hash, or
without a hash (rebuilt next time); no hash ever describes a graph it was not written with.

The folder holds the database (``db/``, created under another name and renamed, so that it never
exists half-made) and two lock files: ``build.lock`` is held by the one running build (a second
build fails at once); ``read.lock`` is shared by readers (``kg query``, ``kg serve``) and taken exclusively by a
build while it has the store open, because RocksDB lets a reader open a database beside a writer
only at the reader's risk.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from kg.build import CompiledArticle, new_dataset
from kg.errors import BuildLocked, KgError, OutputError, StoreBusy, StoreDamaged
from kg.namespaces import (
    ARTICLE_GRAPH_PREFIX,
    BACKGROUND_GRAPH,
    BUILD,
    LINKS_GRAPH,
    ONTOLOGY_GRAPH,
    REGISTRY_GRAPH,
    STATE_GRAPH,
)
from kg.ontology import XSD_INTEGER, Ontology, integer_ranges, triple_from_oxigraph

STORE_DIR = "store"
DB_DIR = "db"  # the RocksDB database, inside the store folder
BUILD_LOCK = "build.lock"
READ_LOCK = "read.lock"
# article graphs are loaded in atomic batches below pyoxigraph's bulk-load batch (one million quads)
BATCH_QUADS = 200_000
# a write smaller than this goes through a transaction; bigger ones are bulk-loaded (SST files)
BULK_MIN_QUADS = 20_000
# how long a build waits for running queries to release the store
READERS_WAIT = 60.0

_STATE = ox.NamedNode(str(STATE_GRAPH))
_LINKS = ox.NamedNode(str(LINKS_GRAPH))
_INPUTS = ox.NamedNode(str(BUILD.inputsHash))
_ANNOTATION = ox.NamedNode(str(BUILD.annotationFile))
_ANNOTATION_SHA = ox.NamedNode(str(BUILD.annotationSha256))
_TEXT = ox.NamedNode(str(BUILD.textFile))
_TEXT_SHA = ox.NamedNode(str(BUILD.textSha256))


def store_dir(out_dir: Path | str) -> Path:
    """Where the store of an output folder lives: ``<out>/store``."""
    return Path(out_dir) / STORE_DIR


@dataclass(frozen=True)
class ArticleState:
    """What an article graph was compiled from."""

    graph: str
    annotation_file: str
    annotation_sha256: str
    text_file: str
    text_sha256: str

    @property
    def article_id(self) -> str:
        return self.graph[len(ARTICLE_GRAPH_PREFIX) :]


@dataclass
class StoreState:
    """The build state recorded in a store, and the article graphs it holds."""

    inputs_sha256: str | None = None
    articles: dict[str, ArticleState] = field(default_factory=dict)  # by annotation file
    article_graphs: set[str] = field(default_factory=set)


# how RocksDB (through pyoxigraph, as OSError or RuntimeError) begins the message of a failure of
# the database itself, as opposed to Python's own "[Errno N] ..." errors
_ROCKSDB_STATUS = ("Corruption:", "IO error:", "Invalid argument:", "Not implemented:", "Result incomplete:")


def store_failure(exc: BaseException, path: Path, writing: bool = False) -> KgError | None:
    """The KgError a pyoxigraph failure on the store at ``path`` stands for, or None if it is none.

    A corrupt, truncated or missing database file is StoreDamaged, with the way back: the store
    holds nothing that data/ does not, so deleting it and building again restores it. A database
    another process has open for writing is BuildLocked. While writing, any other I/O failure
    (disk full, file too large) is an OutputError: the store stays consistent (its writes are
    atomic) and the next build finishes the job.
    """
    if not isinstance(exc, (OSError, RuntimeError)) or not str(exc).startswith(_ROCKSDB_STATUS):
        return None
    reason = " ".join(str(exc).split())
    if f"{DB_DIR}/LOCK:" in reason:  # RocksDB's own lock, taken by any process opening it for writing
        return BuildLocked(
            f"another process has the database of the store {path} open for writing",
            str(path / DB_DIR / "LOCK"),
            "close it (a Python session, an `oxigraph serve` on it) and try again",
        )
    if reason.startswith("Corruption:") or "No such file or directory" in reason:
        return StoreDamaged(
            f"the store {path} is damaged: {reason}",
            str(path),
            f"delete the folder {path} and run `kg build` again to rebuild it from the data",
        )
    if writing:
        return OutputError(
            f"cannot write the store {path}: {reason}",
            str(path),
            "free disk space or fix the folder's permissions, and build again (the store stays consistent)",
        )
    return StoreDamaged(
        f"cannot read the store {path}: {reason}",
        str(path),
        f"check the folder's permissions; if it is damaged, delete {path} and run `kg build` again",
    )


@contextlib.contextmanager
def guarded(path: Path, writing: bool = False) -> Iterator[None]:
    """Turn pyoxigraph failures of the store at ``path`` inside the block into KgErrors (store_failure)."""
    try:
        yield
    except (OSError, RuntimeError) as exc:
        failure = store_failure(exc, path, writing)
        if failure is None:
            raise
        raise failure from None


def _lock(path: Path, mode: int, wait: float) -> IO[bytes] | None:
    """Take a flock on ``path`` (created if missing), retrying for ``wait`` seconds; None if it stays taken."""
    handle = path.open("a+b")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle.fileno(), mode | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.close()
                return None
            time.sleep(0.05)


class StoreWriter:
    """The store opened for writing by one build, with both locks held until ``close``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._locks: list[IO[bytes]] = []
        self.store: ox.Store | None = None
        self.opened = False  # the database was opened: failures from then on are failures to write it

    def open(self) -> ox.Store:
        """Lock the store (creating its folder if needed) and open it.

        Raises:
            BuildLocked: another build holds it. OutputError: it cannot be created or opened.
        """
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            build = _lock(self.path / BUILD_LOCK, fcntl.LOCK_EX, 0.0)
        except OSError as exc:
            raise OutputError(
                f"cannot create the store {self.path}: {exc.strerror or exc}", str(self.path), "choose a writable --out"
            ) from None
        if build is None:
            raise BuildLocked(
                f"another kg build is writing the store {self.path}",
                str(self.path / BUILD_LOCK),
                "wait for it to finish, or build into another folder with --out",
            )
        self._locks.append(build)
        readers = _lock(self.path / READ_LOCK, fcntl.LOCK_EX, READERS_WAIT)
        if readers is None:
            self.close()
            raise BuildLocked(
                f"queries kept the store {self.path} busy for {READERS_WAIT:g} s",
                str(self.path / READ_LOCK),
                "stop the running `kg query` commands and `kg serve` servers, and build again",
            )
        self._locks.append(readers)
        try:
            database = self.path / DB_DIR
            if not database.is_dir():
                _create(database)
            self.store = ox.Store(str(database))
            self.opened = True
        except (OSError, RuntimeError) as exc:
            self.close()
            failure = store_failure(exc, self.path, writing=True)  # opening writes (recovery, new log)
            if failure is not None:
                raise failure from None
            raise OutputError(
                f"cannot open the store {self.path}: {exc}", str(self.path), "remove the folder to rebuild from scratch"
            ) from None
        return self.store

    def close(self) -> None:
        """Flush and close the store, then release the locks.

        Raises:
            OutputError: the flush failed (disk full); the locks are released all the same.
        """
        try:
            if self.store is not None:
                store, self.store = self.store, None
                with guarded(self.path, writing=True):
                    store.flush()
                # pyoxigraph closes the database when the last reference goes
                del store
        finally:
            for handle in reversed(self._locks):
                handle.close()
            self._locks = []


def _create(database: Path) -> None:
    """Create an empty database under a temporary name, then rename it into place.

    pyoxigraph cannot open read-only a database whose creation was interrupted, so a build
    killed while creating it must leave no database at all.
    """
    import shutil

    fresh = database.with_name(database.name + ".new")
    if fresh.exists():
        shutil.rmtree(fresh)
    store = ox.Store(str(fresh))
    store.flush()
    del store
    os.rename(fresh, database)


def is_built(path: Path) -> bool:
    """Whether ``path`` is a store folder holding a database."""
    return (path / DB_DIR / "CURRENT").is_file()


def open_read_only(path: Path) -> ox.Store:
    """Open the database of a built store for reading (hold ``reading(path)`` meanwhile).

    Raises:
        StoreDamaged: the database is corrupt or a file of it is missing.
    """
    with guarded(path):
        return ox.Store.read_only(str(path / DB_DIR))


@contextlib.contextmanager
def reading(path: Path, wait: float) -> Iterator[None]:
    """Hold the store's read lock (shared with other readers) while the block runs.

    Raises:
        StoreBusy: a build kept the store locked for ``wait`` seconds. StoreDamaged: reading the
        database inside the block found it corrupt.
    """
    handle = _lock(path / READ_LOCK, fcntl.LOCK_SH, wait)
    if handle is None:
        raise StoreBusy(
            f"a kg build kept the store {path} locked for {wait:g} s",
            str(path),
            "wait for the build to finish, or raise --timeout",
        )
    try:
        with guarded(path):
            yield
    finally:
        handle.close()


def read_state(store: ox.Store) -> StoreState:
    """The build state recorded in the store."""
    state = StoreState()
    fields: dict[str, dict[str, str]] = {}
    for quad in store.quads_for_pattern(None, None, None, _STATE):
        subject, predicate, value = quad.subject, quad.predicate, quad.object
        if not isinstance(subject, ox.NamedNode) or not isinstance(value, ox.Literal):
            continue  # not written by kg
        if predicate == _INPUTS:
            state.inputs_sha256 = value.value
        else:
            fields.setdefault(subject.value, {})[predicate.value] = value.value
    for graph, values in fields.items():
        try:
            article = ArticleState(
                graph,
                values[_ANNOTATION.value],
                values[_ANNOTATION_SHA.value],
                values[_TEXT.value],
                values[_TEXT_SHA.value],
            )
        except KeyError:  # incomplete: treated as missing, so the article is rebuilt
            continue
        state.articles[article.annotation_file] = article
    state.article_graphs = {
        g.value
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(ARTICLE_GRAPH_PREFIX)
    }
    return state


def _state_quads(item: CompiledArticle) -> list[ox.Quad]:
    graph = ox.NamedNode(ARTICLE_GRAPH_PREFIX + item.article_id)
    return [
        ox.Quad(graph, _ANNOTATION, ox.Literal(item.annotation_file), _STATE),
        ox.Quad(graph, _ANNOTATION_SHA, ox.Literal(item.annotation_sha256), _STATE),
        ox.Quad(graph, _TEXT, ox.Literal(item.text_file), _STATE),
        ox.Quad(graph, _TEXT_SHA, ox.Literal(item.text_sha256), _STATE),
    ]


def _write(store: ox.Store, nquads: bytes, quads: int) -> bool:
    """Load N-Quads all-or-nothing; True if they were bulk-loaded.

    Both ways are atomic: a transaction, or one ingestion of SST files (a bulk load below
    pyoxigraph's batch of one million quads is ingested at once).
    """
    if quads >= BULK_MIN_QUADS:
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        return True
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    return False


def commit(
    store: ox.Store,
    inputs_sha256: str,
    base: bytes | None,
    compiled: list[CompiledArticle],
    drop: list[str],
    progress: Callable[[int], None] | None = None,
    links: bytes | None = None,
) -> None:
    """Apply a build to the store in the crash-safe order described in the module docstring.

    Args:
        base: the ontology and registry graphs as N-Quads when the shared inputs changed: the
            store is then emptied first and every article must be in ``compiled``. None otherwise.
        compiled: the articles to write.
        drop: article graph IRIs to remove first: changed and removed articles.
        progress: called with the number of articles written since the last call.
        links: graph/links as N-Quads, computed from all the articles the store will hold; None
            leaves it as it is.
    """
    if links is not None and (base is not None or drop or compiled):
        store.remove_graph(_LINKS)
    if base is not None:
        # nothing in the store is valid any more: start from empty (one atomic operation)
        store.clear()
        _write(store, base, 0)
    elif drop:
        # hashes first, then graphs: a crash in between leaves graphs without hashes (rebuilt)
        graphs = [ox.NamedNode(g) for g in drop]
        values = " ".join(str(g) for g in graphs)
        store.update(
            f"DELETE {{ GRAPH {_STATE} {{ ?g ?p ?o }} }} "
            f"WHERE {{ VALUES ?g {{ {values} }} GRAPH {_STATE} {{ ?g ?p ?o }} }}"
        )
        for graph in graphs:
            store.remove_graph(graph)
    batch: list[bytes] = []
    quads = 0
    done = 0
    bulk = False
    for item in compiled:
        state = ox.serialize(_state_quads(item), format=ox.RdfFormat.N_QUADS) or b""
        batch += [item.nquads, state]
        quads += item.triples + 4
        done += 1
        if quads >= BATCH_QUADS:
            bulk |= _write(store, b"".join(batch), quads)
            if progress:
                progress(done)
            batch, quads, done = [], 0, 0
    if batch:
        bulk |= _write(store, b"".join(batch), quads)
        if progress:
            progress(done)
    store.update(
        f"DELETE WHERE {{ GRAPH {_STATE} {{ {_STATE} {_INPUTS} ?h }} }};"
        f'INSERT DATA {{ GRAPH {_STATE} {{ {_STATE} {_INPUTS} "{inputs_sha256}" }} }}'
    )
    if links is not None:
        write_links(store, links)
    if bulk:
        # each bulk load adds SST files that overlap the others; merging them makes every index
        # lookup of a query two to three times faster (measured on 10k articles)
        store.optimize()
    store.flush()


def write_links(store: ox.Store, links: bytes) -> None:
    """Make graph/links hold exactly ``links`` (N-Quads), touching the store only if it differs."""
    old = ox.serialize(store.quads_for_pattern(None, None, None, _LINKS), format=ox.RdfFormat.N_QUADS) or b""
    if set(old.splitlines()) == set(links.splitlines()):
        return
    store.remove_graph(_LINKS)
    if links:
        store.load(links, format=ox.RdfFormat.N_QUADS)


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per named graph, without the build state."""
    result = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(result, ox.QuerySolutions)
    sizes = {row["g"].value: int(row["n"].value) for row in result}
    sizes.pop(str(STATE_GRAPH), None)
    return sizes


def data_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The store's named graphs holding data (all but the build state), sorted by IRI."""
    names = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g != _STATE]
    return sorted(names, key=lambda g: g.value)


def store_size(path: Path) -> int:
    """Bytes the store takes on disk."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def dataset_from_store(store: ox.Store, ontology: Ontology) -> Dataset:
    """The data graphs of a store as an rdflib Dataset, inserted in a stable order.

    The shared graphs come first, then the article graphs by IRI, each graph's triples sorted:
    the order ``build_graph`` uses, so serialisations are the same bytes. Integer literals get
    back the type the ontology gives their property (the store keeps only xsd:integer).
    """
    ranges = integer_ranges(ontology)
    dataset = new_dataset()
    shared = [ONTOLOGY_GRAPH, REGISTRY_GRAPH, BACKGROUND_GRAPH]
    names = [URIRef(g.value) for g in data_graphs(store)]
    for name in shared + sorted(n for n in names if n not in shared):
        graph = dataset.graph(name)
        triples = [
            triple_from_oxigraph(q, ranges) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))
        ]
        for triple in sorted(triples):
            graph.add(triple)
    return dataset


def data_quads(store: ox.Store, ontology: Ontology) -> Iterator[ox.Quad]:
    """The quads of the data graphs (not the build state), graph by graph, integer types restored."""
    ranges = {p: ox.NamedNode(str(t)) for p, t in integer_ranges(ontology).items()}
    for graph in data_graphs(store):
        for quad in store.quads_for_pattern(None, None, None, graph):
            obj = quad.object
            if isinstance(obj, ox.Literal) and quad.predicate.value in ranges and obj.datatype.value == XSD_INTEGER:
                obj = ox.Literal(obj.value, datatype=ranges[quad.predicate.value])
                quad = ox.Quad(quad.subject, quad.predicate, obj, quad.graph_name)
            yield quad


# ---------------------------------------------------------------------------------------------
# an in-memory copy, for serving: the on-disk store reads every string back from RocksDB each time
# a query reads a term (about 2 µs a term), an in-memory store holds them in memory


@dataclass(frozen=True)
class StoreDump:
    """Every quad of a store in an N-Quads file, and what N-Quads cannot say of it.

    ``empty_graphs``: the named graphs that hold no quad; ``blank_nodes``: whether the file holds
    any (loading N-Quads gives blank nodes new identifiers, so they are then read another way).
    """

    path: Path
    empty_graphs: tuple[str, ...] = ()
    blank_nodes: bool = False


class _BlankNodeSpotter:
    """A binary file wrapper for ``Store.dump`` that notes whether ``_:`` was written."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.seen, self._last = out, False, b""

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.seen = self.seen or b"_:" in self._last + chunk[:1] or b"_:" in chunk
        self._last = chunk[-1:]
        return self.out.write(chunk)

    def flush(self) -> None:
        self.out.flush()


def dump_store(path: Path, target: Path) -> StoreDump:
    """Write every quad of the built store at ``path`` to ``target`` as N-Quads.

    All the graphs, the build state included, with the values as the store holds them (derived
    integer types already read as xsd:integer, as every query on the store sees them). Hold
    ``reading(path)`` meanwhile. Takes about 15 s for a million quads: pyoxigraph reads every
    term's string back from the database.

    Raises:
        StoreDamaged: the database cannot be read. OutputError: ``target`` cannot be written.
    """
    store = open_read_only(path)
    try:
        with guarded(path), target.open("wb") as out:
            spotter = _BlankNodeSpotter(out)
            store.dump(cast("IO[bytes]", spotter), format=ox.RdfFormat.N_QUADS)
            empty = tuple(
                str(graph)
                for graph in store.named_graphs()
                if next(iter(store.quads_for_pattern(None, None, None, graph)), None) is None
            )
    except OSError as exc:  # the disk is full, the folder not writable (a store failure is a KgError by now)
        raise OutputError(
            f"cannot write a copy of the store {path} to {target}: {exc.strerror or exc}",
            str(target),
            "free space in the temporary folder (or point TMPDIR elsewhere)",
        ) from None
    return StoreDump(target, empty, spotter.seen)


def load_dump(dump: StoreDump) -> ox.Store:
    """An in-memory store holding exactly the quads of a :func:`dump_store` file.

    About 0.4 KiB of memory per quad and 5 s per million quads (on the development machine).
    """
    memory = ox.Store()
    if dump.blank_nodes:  # slower, but keeps the blank nodes' identifiers, as queries show them
        memory.extend(ox.parse(path=str(dump.path), format=ox.RdfFormat.N_QUADS))
    else:
        memory.load(path=str(dump.path), format=ox.RdfFormat.N_QUADS)
    for graph in dump.empty_graphs:
        memory.add_graph(ox.NamedNode(graph[1:-1]) if graph.startswith("<") else ox.BlankNode(graph[2:]))
    return memory


def load_in_memory(path: Path) -> ox.Store:
    """The built store at ``path`` copied into an in-memory pyoxigraph store (hold ``reading(path)``).

    The copy answers every query as the store does: the same quads, in the same graphs, with the
    same datatypes. Goes through a temporary N-Quads file beside nothing of the user's (the
    system's temporary folder), removed before returning.

    Raises:
        StoreDamaged: the database cannot be read.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kg-memory-") as folder:
        return load_dump(dump_store(path, Path(folder) / "store.nq"))
