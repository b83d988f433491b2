"""Benchmark of SHACL validation: kg.shacl (native, one query per constraint over all graphs) against
kg.validate.validate_dataset (pyshacl per article graph, the evidence rule on pyoxigraph).

Usage:
    python bench/bench_validate.py [--copies 100 1000] [--sample 5]

For each N in ``--copies``, a pyoxigraph store holds the ontology, the registry and N copies of
the seed article graph (each renamed to its own article id, as ``kg build`` would name them; the
actors, persons, posts and places keep their IRIs, so they are shared by all copies). The native
checks run on that store. validate_dataset is timed on the seed and on ``--sample`` copies, and its
time for N copies is extrapolated from the time per article (it validates articles one at a time,
so its time grows linearly); with ``--sample`` at least N it is measured. Prints one table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
from rdflib import Dataset  # noqa: E402

from kg.build import BuildResult, build_graph  # noqa: E402
from kg.namespaces import BACKGROUND_GRAPH, ONTOLOGY_GRAPH, REGISTRY_GRAPH, article_graph  # noqa: E402
from kg.shacl import check_store, check_union, compile_ontology_shapes, load_store  # noqa: E402
from kg.validate import validate_dataset  # noqa: E402

SEED_ID = "article-001"
T = TypeVar("T")


def copies_as_nquads(seed: BuildResult, count: int) -> bytes:
    """The seed article graph ``count`` times, renamed article-00001, article-00002, …

    Written by rdflib: N-Quads read back from a pyoxigraph store would carry the store's
    normalised literals (xsd:integer for xsd:nonNegativeInteger), which pyshacl rejects.
    """
    graph = article_graph(SEED_ID)
    lines = seed.dataset.graph(graph).serialize(format="nt").splitlines()
    text = "".join(f"{line.rstrip(' .')} <{graph}> .\n" for line in lines if line.strip())
    return "".join(text.replace(SEED_ID, f"article-{i:05d}") for i in range(1, count + 1)).encode()


def native_store(seed: BuildResult, count: int) -> ox.Store:
    store = ox.Store()
    context = load_store(seed.dataset)
    for name in (ONTOLOGY_GRAPH, REGISTRY_GRAPH, BACKGROUND_GRAPH):
        store.extend(context.quads_for_pattern(None, None, None, ox.NamedNode(str(name))))
    store.bulk_load(copies_as_nquads(seed, count), format=ox.RdfFormat.N_QUADS)
    return store


def rdflib_dataset(seed: BuildResult, count: int) -> Dataset:
    ds = Dataset()
    for name in (ONTOLOGY_GRAPH, REGISTRY_GRAPH, BACKGROUND_GRAPH):
        target = ds.graph(name)
        for triple in seed.dataset.graph(name):
            target.add(triple)
    ds.parse(data=copies_as_nquads(seed, count).decode(), format="nquads")
    return ds


def timed(func: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--sample", type=int, default=5, help="articles validate_dataset is timed on")
    args = parser.parse_args()

    seed = build_graph(ROOT / "data")
    t_compile, checks = timed(lambda: compile_ontology_shapes(seed.ontology))
    registry = [str(REGISTRY_GRAPH), str(BACKGROUND_GRAPH)]

    # validate_dataset: the registry once, then each article on its own
    t_one, _ = timed(lambda: validate_dataset(seed.dataset, seed.ontology))
    sample = rdflib_dataset(seed, args.sample)
    t_sample, _ = timed(lambda: validate_dataset(sample, seed.ontology))
    per_article = (t_sample - t_one) / (args.sample - 1) if args.sample > 1 else t_one

    print(f"seed article: {len(seed.dataset.graph(article_graph(SEED_ID)))} triples; compile shapes {t_compile:.3f} s")
    print(f"validate_dataset: seed {t_one:.2f} s, {args.sample} copies {t_sample:.2f} s, {per_article:.3f} s/article")
    print()
    header = (
        f"{'articles':>8} {'quads':>9} {'load s':>7} {'registry':>8} {'core':>7} {'evidence':>8} "
        f"{'native s':>8} {'ms/art':>6} {'validate_dataset s':>19} {'ratio':>6}"
    )
    print(header)
    for count in args.copies:
        t_load, store = timed(lambda count=count: native_store(seed, count))  # type: ignore[misc]
        t_registry, found_registry = timed(
            lambda store=store: check_union(store, checks.core, registry, name=registry[0])  # type: ignore[misc]
        )
        t_core, found_core = timed(lambda store=store: check_store(store, checks.core))  # type: ignore[misc]
        t_evidence, found_evidence = timed(lambda store=store: check_store(store, checks.evidence))  # type: ignore[misc]
        if found_registry or found_core or found_evidence:
            raise SystemExit("the copies of the seed should conform; the native checks found violations")
        native = t_registry + t_core + t_evidence
        if count <= args.sample:
            ds = rdflib_dataset(seed, count)
            reference, _ = timed(lambda ds=ds: validate_dataset(ds, seed.ontology))
            how = "measured"
        else:
            reference = t_one + per_article * (count - 1)
            how = "extrapolated"
        print(
            f"{count:>8} {len(store):>9} {t_load:>7.2f} {t_registry:>8.3f} {t_core:>7.2f} {t_evidence:>8.2f} "
            f"{native:>8.2f} {1000 * native / count:>6.1f} {reference:>9.1f} {how:>9} {reference / native:>5.0f}x"
        )


if __name__ == "__main__":
    main()
