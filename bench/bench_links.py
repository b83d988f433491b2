"""Time cross-article identity links (kg.links) on a synthetic corpus.

Usage:
    python bench/bench_links.py [--articles 10000] [--work DIR]

Generates the corpus (bench/gen_corpus.py), builds it into a store without validation, then times
what every build does for links: reading the facts of all article graphs from the store, checking
them, finding the links and serialising graph/links; and the "links" stage of an incremental build
that changes one article.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import touch_article, write_corpus

from kg.build import load_inputs, to_nquads
from kg.links import actor_words, check_identity, find_links, link_triples, store_facts
from kg.namespaces import LINKS_GRAPH
from kg.pipeline import run_build
from kg.store import StoreWriter, read_state, store_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpus and store (default: temporary)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-links-"))
    data, out = work / "data", work / "out"
    if not (data / "annotations").is_dir():
        write_corpus(args.articles, data)
    start = time.perf_counter()
    report = run_build(data, out, validate=False, files=False)
    print(f"build of {len(report.articles)} articles: {time.perf_counter() - start:.1f} s, links {report.links}")

    writer = StoreWriter(store_dir(out))
    store = writer.open()
    state = read_state(store)
    _ontology, registry = load_inputs(data)
    laps = []
    t0 = time.perf_counter()
    facts = store_facts(store, {a.graph: a.annotation_file for a in state.articles.values()})
    laps.append(("read facts from the store", time.perf_counter() - t0))
    t1 = time.perf_counter()
    check_identity(facts)
    laps.append(("check labels and reviews", time.perf_counter() - t1))
    t2 = time.perf_counter()
    links = find_links(facts, actor_words(registry))
    laps.append(("find links", time.perf_counter() - t2))
    t3 = time.perf_counter()
    nquads = to_nquads(link_triples(links), LINKS_GRAPH)
    laps.append(("serialise graph/links", time.perf_counter() - t3))
    writer.close()
    del store  # pyoxigraph closes the database with its last reference
    reports = sum(len(f.reports) for f in facts.values())
    print(f"{len(facts)} articles, {reports} meetings and documents, {len(links)} links, {len(nquads)} bytes")
    for name, seconds in laps:
        print(f"  {name:28} {seconds:6.2f} s")
    print(f"  {'total':28} {time.perf_counter() - t0:6.2f} s")

    touch_article(data, 7, variant=int(time.time()) % 1000 + 1)  # a new variant on every run
    start = time.perf_counter()
    report = run_build(data, out, validate=False, files=False)
    print(
        f"incremental build (1 article changed): {time.perf_counter() - start:.1f} s, "
        f"of which links {report.seconds['links']:.2f} s; links {report.links}"
    )


if __name__ == "__main__":
    main()
