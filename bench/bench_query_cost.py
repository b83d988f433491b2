"""Where a named query's time goes on a built store: evaluating it, reading its answer, kg's own work.

Usage:
    python bench/bench_query_cost.py STORE [--repeat 7] [--memory] [--floors] [QUERY ...]

STORE is a built store folder (``<out>/store``, e.g. one kept by ``bench_corpus.py --keep DIR``);
with ``--memory``, the queries run on an in-memory copy of it (what ``kg serve --memory`` answers
from), where reading a term costs far less.
For each named query (all by default), medians in ms of CPU time (the engine runs in the calling
thread, so CPU time is what the query costs, less disturbed than wall time by other processes on
a shared machine) of:

- *evaluate*: the engine alone, its solutions counted and none of their terms read. A SELECT is
  wrapped as ``SELECT (COUNT(*) AS ?n) WHERE { { <query> } }``, a CONSTRUCT's WHERE clause is
  counted the same way (without the final ORDER BY, which kg applies itself);
- *read*: the query run and every term of its answer read out of the store: a SELECT's solutions
  as pyoxigraph terms, a CONSTRUCT's triples written as N-Triples by pyoxigraph (in Rust);
- *execute*: ``kg.query.execute``, what `kg query` times in the README: the rows also turned into
  strings and sorted, a CONSTRUCT's triples sorted and written as Turtle.

pyoxigraph keeps each string once in the database and reads it back each time a term is read, so
*read* minus *evaluate* grows with the number of terms in the answer whatever the query's plan:
*µs/term* is that difference per term (shown for answers of at least 10,000 terms; for small ones
it is noise, and wrapping a query in a count can change its plan). A query whose *read* is above
a latency target with a small *evaluate* is bound by the size of its answer, not by its plan.

With ``--floors``, the same figures for the smallest patterns that any text of the whole-corpus
listings has to evaluate (FLOORS below: e.g. every participation with its meeting's label, which
``participants`` needs whatever else it adds), in each of the forms the engine plans differently,
the fastest counted: a lower bound on that listing's time on this engine and store.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
MIN_TERMS = 10_000  # below this many terms in the answer, µs/term is not shown
_CONSTRUCT = re.compile(r"\bCONSTRUCT\s*\{.*?\}\s*WHERE\s*", re.S)
_PREFIXES = """PREFIX kg: <https://w3id.org/migration-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
_MEETING_PREDICATES = "kg:participatedIn kg:organized kg:hosted kg:locatedIn kg:heldFrom"
# listing[, which floor] -> (what every text of it must find, [forms of that pattern]); each form selects
# the same rows
FLOORS: dict[str, tuple[str, list[str]]] = {
    "participants": (
        "each participation with the meeting's label",
        [
            "SELECT ?actor ?m ?meeting WHERE { ?actor kg:participatedIn ?m . ?m rdfs:label ?meeting }",
            "SELECT ?actor ?m ?meeting WHERE { { SELECT ?actor ?m WHERE { ?actor kg:participatedIn ?m } }"
            " { SELECT ?m ?meeting WHERE { ?m rdfs:label ?meeting } } }",
        ],
    ),
    "participants, labelled": (
        "each participation with the meeting's and the participant's label",
        [
            "SELECT ?meeting ?participant WHERE { { SELECT ?actor ?meeting WHERE {"
            " { SELECT ?actor ?m WHERE { ?actor kg:participatedIn ?m } }"
            " { SELECT ?m ?meeting WHERE { ?m rdfs:label ?meeting } } } }"
            " { SELECT ?actor ?participant WHERE { { SELECT DISTINCT ?actor WHERE { ?actor kg:participatedIn ?m } }"
            " ?actor rdfs:label ?participant } } }",
            "SELECT ?meeting ?participant WHERE { { SELECT ?actor ?meeting WHERE {"
            " ?actor kg:participatedIn ?m . ?m rdfs:label ?meeting } }"
            " { SELECT ?actor ?participant WHERE { { SELECT DISTINCT ?actor WHERE { ?actor kg:participatedIn ?m } }"
            " ?actor rdfs:label ?participant } } }",
        ],
    ),
    "meeting-network": (
        "each fact of the five meeting predicates",
        [
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_MEETING_PREDICATES} }} ?s ?p ?o }}",
        ],
    ),
    "facts-per-article": (
        "each evidence link with its article graph",
        ["SELECT ?g ?fact ?span WHERE { GRAPH ?g { ?fact kg:evidence ?span } }"],
    ),
    "organisers": (
        "each convening or hosting assertion with its sentence",
        [
            "SELECT ?g ?fact ?actor ?m ?sentence WHERE { VALUES ?p { kg:organized kg:hosted }"
            " GRAPH ?g { ?fact rdf:predicate ?p ; rdf:subject ?actor ; rdf:object ?m ;"
            " kg:evidence/kg:inSentence/kg:text ?sentence } }",
        ],
    ),
}


def median_ms(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """Median CPU time of ``run`` in ms, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = run()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times), result


def costs(store: Any, text: str, repeat: int) -> dict[str, Any]:
    """Rows, terms and the three medians of one query on one store."""
    import pyoxigraph as ox

    from kg.query import execute, split_order

    body, _keys = split_order(text)
    lines = body.splitlines()
    prologue = "\n".join(line for line in lines if line.startswith("PREFIX"))
    rest = "\n".join(line for line in lines if not line.startswith("PREFIX"))
    construct = _CONSTRUCT.search(rest)

    def run(query: str) -> Any:
        return store.query(query, use_default_graph_as_union=True)

    if construct:
        counting = f"{prologue}\nSELECT (COUNT(*) AS ?n) WHERE {rest[construct.end() :]}"

        def read() -> tuple[int, int]:
            triples = (run(body).serialize(format=ox.RdfFormat.N_TRIPLES) or b"").count(b"\n")
            return triples, 3 * triples
    else:
        counting = f"{prologue}\nSELECT (COUNT(*) AS ?n) WHERE {{ {{\n{rest}\n}} }}"

        def read() -> tuple[int, int]:
            rows = [tuple(solution) for solution in run(body)]
            return len(rows), sum(1 for row in rows for term in row if term is not None)

    evaluate, _ = median_ms(repeat, lambda: next(iter(run(counting)))["n"].value)
    reading, (rows, terms) = median_ms(repeat, read)
    executing, _ = median_ms(repeat, lambda: execute(store, text))
    per_term = (reading - evaluate) * 1000 / terms if terms >= MIN_TERMS else None
    return {"rows": rows, "terms": terms, "evaluate": evaluate, "read": reading, "execute": executing, "us": per_term}


def floors(store: Any, repeat: int) -> None:
    """Print the evaluate and read medians of each listing's floor pattern (its fastest form)."""
    print(f"{'listing: what every text of it finds':90}{'rows':>9}{'evaluate':>10}{'read':>9}{'tsv':>9}")
    for name, (what, forms) in FLOORS.items():
        best = min((costs_of_select(store, _PREFIXES + form, repeat) for form in forms), key=lambda c: c["evaluate"])
        figures = f"{best['rows']:>9,}{best['evaluate']:>10.1f}{best['read']:>9.1f}{best['tsv']:>9.1f}"
        print(f"{name + ': ' + what:90}{figures}", flush=True)


def costs_of_select(store: Any, text: str, repeat: int) -> dict[str, Any]:
    """Rows, and the evaluate, read and TSV medians, of a SELECT (no ORDER BY) that is not a named query.

    *tsv*: the solutions written as TSV by pyoxigraph, as ``kg.query.execute`` reads them."""
    import pyoxigraph as ox

    body = text.split("SELECT", 1)
    counting = f"{body[0]}SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT{body[1]} }} }}"

    def run(query: str) -> Any:
        return store.query(query, use_default_graph_as_union=True)

    evaluate, _ = median_ms(repeat, lambda: next(iter(run(counting)))["n"].value)
    reading, rows = median_ms(repeat, lambda: len([tuple(solution) for solution in run(text)]))
    tsv, _ = median_ms(repeat, lambda: run(text).serialize(format=ox.QueryResultsFormat.TSV))
    return {"rows": rows, "evaluate": evaluate, "read": reading, "tsv": tsv}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path, help="a built store folder (<out>/store)")
    parser.add_argument("queries", nargs="*", help="named queries (default: all of queries/, none with --floors)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--memory", action="store_true", help="query an in-memory copy of the store")
    parser.add_argument(
        "--floors",
        action="store_true",
        help="time what each whole-corpus listing must evaluate (only that, unless queries are named)",
    )
    args = parser.parse_args()
    from kg.store import load_in_memory, open_read_only

    if args.memory:
        start = time.perf_counter()
        store = load_in_memory(args.store)
        print(f"copied into memory in {time.perf_counter() - start:.1f} s")
    else:
        store = open_read_only(args.store)
    # --floors alone: the floors only
    names = args.queries or ([] if args.floors else sorted(p.stem for p in QUERIES_DIR.glob("*.rq")))
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print("CPU time in ms, medians of", args.repeat, "runs")
    if names:
        print(f"{'query':32}{'rows':>9}{'terms':>10}{'evaluate':>10}{'read':>9}{'execute':>9}{'µs/term':>9}")
    for name in names:
        c = costs(store, (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8"), args.repeat)
        per_term = "-" if c["us"] is None else f"{c['us']:.2f}"
        print(
            f"{name:32}{c['rows']:>9,}{c['terms']:>10,}{c['evaluate']:>10.1f}{c['read']:>9.1f}"
            f"{c['execute']:>9.1f}{per_term:>9}",
            flush=True,
        )
    if args.floors:
        floors(store, args.repeat)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
