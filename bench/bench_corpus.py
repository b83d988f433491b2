"""Benchmark of kg on large synthetic corpora, against plain rdflib in the same run.

Usage:
    python bench/bench_corpus.py [--sizes 1000,10000] [--repeat 20] [--rdflib-timeout 30] [--keep DIR] [--no-rdflib]
    python bench/bench_corpus.py --existing DIR [--repeat 20] [--rdflib-timeout 30] [--no-rdflib]

For each size, bench/gen_corpus.py writes a corpus of that many articles (about 110 triples each),
then, every build in a child process of its own (peak memory is the child's):

- kg build into a fresh store: total and per stage, store size on disk, peak memory (the main
  process and, separately, the largest compile worker);
- the build validates with kg's native SHACL checks (kg.shacl); pyshacl, the alternative
  (`kg build --validator pyshacl`), is timed on a sample of articles and scaled;
- a rebuild after touching one article, and one with nothing changed;
- loading: kg's write stage against pyoxigraph's own bulk_load of the same quads (N-Quads);
- each competency query (queries/*.rq) on the store: median and p95 latency of kg.query.execute,
  what `kg query`'s worker runs (every result read, sorted, a CONSTRUCT written as Turtle);
- the same on an in-memory copy of the store, what `kg serve --memory` answers from
  (kg.store.load_in_memory, in a child process of its own): the time to load it, the process's
  memory once loaded, and each query's latency;
- the baseline: rdflib building the same dataset in memory (build_graph) and running the same
  queries with its own SPARQL engine (default graph = union), each capped at --rdflib-timeout,
  doing what kg.query.execute does with the answer: every row read, a CONSTRUCT's triples written
  as Turtle (rdflib's serializer).

Prints two tables (build figures, query latencies) and how the figures compare with the targets.

``--existing DIR`` measures a corpus built before (DIR holds data/ and out/store, as ``--keep``
leaves them in DIR/n<size>) without touching it: no generation and no build, only the queries
(on disk and in memory) and the rdflib baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import touch_article, write_corpus  # noqa: E402

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
# rdflib's in-memory Dataset takes about 1.5 KiB per quad: above this the baseline is skipped
RDFLIB_MAX_QUADS = 3_000_000
VALIDATION_SAMPLE = 200
TARGETS = {"build_s": 60.0, "memory_mib": 2048.0, "query_ms": 100.0, "speedup": 20.0, "load_ratio": 2.0}

BUILD = """
import json, resource, sys, time
start = time.perf_counter()
from kg.pipeline import run_build
# the store only: kg.trig, kg.ttl and kg.html are not written above 100,000 triples anyway
report = run_build(sys.argv[1], sys.argv[2], files=False)  # validated natively, as kg build does
total = time.perf_counter() - start
articles = sum(n for g, n in report.graph_sizes.items() if "/graph/article/" in g)
print(json.dumps({
    "total": total, "seconds": report.seconds, "triples": report.triples, "article_triples": articles,
    "new": report.new, "rebuilt": report.rebuilt, "unchanged": report.unchanged,
    "self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "workers_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""

VALIDATE = """
import json, random, sys, time
import pyoxigraph as ox
from pathlib import Path
from kg.build import base_nquads, compile_file, load_inputs, annotation_files
from kg.namespaces import ARTICLE_GRAPH_PREFIX
from kg.validate import validate_store_graphs
data = Path(sys.argv[1]); sample = int(sys.argv[2])
ontology, registry = load_inputs(data)
files = annotation_files(data)
chosen = random.Random(1).sample(files, min(sample, len(files)))
store = ox.Store()
store.load(base_nquads(ontology, registry), format=ox.RdfFormat.N_QUADS)
names = []
for i, path in enumerate(chosen):
    item = compile_file(i, path, data, registry, ontology)
    store.load(item.nquads, format=ox.RdfFormat.N_QUADS)
    names.append(ARTICLE_GRAPH_PREFIX + item.article_id)
start = time.perf_counter()
validate_store_graphs(store, names, ontology)
print(json.dumps({"per_article": (time.perf_counter() - start) / len(names), "sample": len(names)}))
"""

BULK = """
import json, sys, time
import pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
store.flush()
print(json.dumps({"seconds": time.perf_counter() - start}))
"""

RDFLIB = """
import json, resource, signal, statistics, sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
from kg.build import build_graph
start = time.perf_counter()
dataset = build_graph(sys.argv[1]).dataset
build_s = time.perf_counter() - start
dataset.default_union = True
cap = float(sys.argv[2]); repeat = int(sys.argv[3])

class Late(Exception):
    pass

def late(_signum, _frame):
    raise Late()

signal.signal(signal.SIGALRM, late)
queries = {}
for path in sys.argv[4:]:
    text = Path(path).read_text(encoding="utf-8")
    times = []
    for _ in range(repeat):
        signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            t = time.perf_counter()
            # the work kg.query.execute does: every row read, and a graph answer written as Turtle
            result = dataset.query(text)
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                result.serialize(format="turtle")
                rows = list(result.graph)
            else:
                rows = list(result)
            times.append(time.perf_counter() - t)
        except Late:
            times = None
            break
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if sum(times) > cap:  # slow: fewer runs
            break
    queries[Path(path).stem] = None if times is None else {"median": statistics.median(times), "rows": len(rows)}
print(json.dumps({"build_s": build_s, "queries": queries,
                  "mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


MEMORY = """
import json, resource, statistics, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from bench_corpus import time_queries
from kg.store import load_in_memory, reading
path = Path(sys.argv[1])
start = time.perf_counter()
with reading(path, 60):
    store = load_in_memory(path)
load_s = time.perf_counter() - start
with open("/proc/self/statm") as statm:
    rss = int(statm.read().split()[1]) * resource.getpagesize() / 2**20
queries = time_queries(store, int(sys.argv[2]))
print(json.dumps({"load_s": load_s, "rss_mib": rss, "quads": len(store), "queries": queries,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(code: str, *args: str, timeout: float = 7200) -> dict:  # type: ignore[type-arg]
    """Run ``code`` in a fresh interpreter and return the JSON it prints."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark step failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def folder_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def query_latencies(store_path: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Median and p95 (ms) of each named query on the store, as `kg query` runs it in its worker.

    Timed: kg.query.execute, which runs the query and reads every result (rows sorted by kg for a
    final ORDER BY; a CONSTRUCT's triples sorted and written as Turtle). Not timed: starting the
    worker process, opening the store and the syntax check: a fixed cost per `kg query`, whatever
    the query (see the README).
    """
    from kg.store import open_read_only

    return time_queries(open_read_only(store_path), repeat)


def memory_latencies(store_path: Path, repeat: int) -> dict:  # type: ignore[type-arg]
    """The store copied into memory in a child process: load time, memory, and query_latencies there."""
    return child(MEMORY, str(store_path), str(repeat), str(ROOT / "bench"))


def time_queries(store: object, repeat: int) -> dict[str, dict[str, float]]:
    """Median, p95 and median CPU time (ms) of kg.query.execute for each named query on an open store."""
    import pyoxigraph as ox

    from kg.query import execute

    assert isinstance(store, ox.Store)
    out = {}
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        times, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            kind, _, rows = execute(store, text)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        result = store.query(text, use_default_graph_as_union=True)
        count = len(rows) if kind == "select" else len(list(result)) if isinstance(result, ox.QueryTriples) else 1
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        out[path.stem] = {"median": statistics.median(times), "p95": p95, "cpu": statistics.median(cpu), "rows": count}
    return out


def measure(size: int, work: Path, repeat: int, rdflib_timeout: float, baseline: bool = True) -> dict:  # type: ignore[type-arg]
    """Every figure for one corpus size."""
    from kg.export import export_store
    from kg.store import store_dir

    data, out = work / "data", work / "out"
    start = time.perf_counter()
    write_corpus(size, data)
    figures: dict = {"size": size, "generate_s": time.perf_counter() - start}  # type: ignore[type-arg]
    print(f"[{size}] corpus written in {figures['generate_s']:.1f} s; building", file=sys.stderr, flush=True)

    figures["build"] = child(BUILD, str(data), str(out))
    figures["store_mib"] = folder_mib(store_dir(out))
    figures["validation"] = child(VALIDATE, str(data), str(VALIDATION_SAMPLE))
    touch_article(data, size // 2)
    figures["touch_one"] = child(BUILD, str(data), str(out))
    figures["no_change"] = child(BUILD, str(data), str(out))

    print(f"[{size}] loading reference", file=sys.stderr, flush=True)
    dump = work / "dump.nq"
    export_store(store_dir(out), "nquads", dump)
    figures["bulk_load"] = child(BULK, str(dump), str(work / "bulk"))
    shutil.rmtree(work / "bulk")
    dump.unlink()

    measure_queries(figures, data, store_dir(out), repeat, rdflib_timeout, baseline, figures["build"]["triples"])
    return figures


def measure_existing(folder: Path, repeat: int, rdflib_timeout: float, baseline: bool = True) -> dict:  # type: ignore[type-arg]
    """The query figures of a corpus built before (``folder`` holds data/ and out/store), left as it is."""
    from kg.store import open_read_only, reading

    data, store = folder / "data", folder / "out" / "store"
    size = len(list((data / "annotations").glob("*.yaml")))
    with reading(store, 60):
        quads = len(open_read_only(store))
    figures: dict = {"size": size, "existing": str(folder), "quads": quads}  # type: ignore[type-arg]
    measure_queries(figures, data, store, repeat, rdflib_timeout, baseline, quads)
    return figures


def measure_queries(
    figures: dict,  # type: ignore[type-arg]
    data: Path,
    store: Path,
    repeat: int,
    rdflib_timeout: float,
    baseline: bool,
    quads: int,
) -> None:
    """The queries on the store, on its in-memory copy and with rdflib, into ``figures``."""
    size = figures["size"]
    print(f"[{size}] queries on the store (load average {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
    figures["load_average"] = [os.getloadavg()[0]]
    figures["queries"] = query_latencies(store, repeat)
    print(f"[{size}] queries on an in-memory copy", file=sys.stderr, flush=True)
    figures["load_average"].append(os.getloadavg()[0])
    figures["memory"] = memory_latencies(store, repeat)
    figures["load_average"].append(os.getloadavg()[0])
    if not baseline:
        figures["rdflib"] = {"skipped": "--no-rdflib"}
    elif quads > RDFLIB_MAX_QUADS:
        figures["rdflib"] = {"skipped": f"{quads:,} quads would need about {quads * 1.5 / 2**20:.0f} GiB in rdflib"}
    else:
        print(f"[{size}] rdflib baseline", file=sys.stderr, flush=True)
        figures["rdflib"] = child(RDFLIB, str(data), str(rdflib_timeout), "3", *map(str, QUERIES))
        figures["load_average"].append(os.getloadavg()[0])


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else (f"{value:,.0f}" if value >= 100 else f"{value:.1f}")


def report(results: list[dict], rdflib_timeout: float) -> str:  # type: ignore[type-arg]
    import pyoxigraph
    import rdflib

    lines = [
        f"kg corpus benchmark: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}",
        "",
    ]
    built = [r for r in results if "build" in r]
    if built:
        lines += build_table(built)
    for r in results:
        if "existing" in r:
            lines.append(f"{r['size']:,} articles built before, in {r['existing']}: {r['quads']:,} quads (not rebuilt)")
    width = 18
    head = f"{'':46}" + "".join(f"{articles(r):>{width}}" for r in results)
    lines += ["", head, "-" * len(head)]
    lines.append(f"{'in-memory copy: load (s)':46}" + "".join(f"{r['memory']['load_s']:>{width}.1f}" for r in results))
    memory = "".join(f"{r['memory']['rss_mib']:>{width}.0f}" for r in results)
    lines.append(f"{'in-memory copy: process memory (MiB)':46}" + memory)
    lines.append(
        f"{'load average: disk, memory, rdflib runs, end':46}"
        + "".join(f"{' / '.join(f'{a:.1f}' for a in r['load_average']):>{width}}" for r in results)
    )
    for r in results:
        if "skipped" in r["rdflib"]:
            lines.append(f"  rdflib at {r['size']:,} articles skipped: {r['rdflib']['skipped']}")
    for r in results:
        lines += query_table(r, rdflib_timeout)
    target = max((r for r in results if r["size"] <= 10_000), key=lambda r: r["size"], default=None)
    if target is None:  # the targets are for 10,000 articles: nothing to hold a bigger corpus to
        lines += ["", "Targets: set for 10,000 articles, not measured in this run (--sizes 10000)."]
        return "\n".join(lines)
    lines += ["", "Targets (the largest size measured up to 10,000 articles):"]
    for label, ok, value in target_checks(target, rdflib_timeout):
        lines.append(f"  {'met ' if ok else 'MISSED'}  {label}: {value}")
    return "\n".join(lines)


def articles(r: dict) -> str:  # type: ignore[type-arg]
    return f"{r['size']:,} articles"


def build_table(results: list[dict]) -> list[str]:  # type: ignore[type-arg]
    """The build figures, a column per corpus size."""
    lines: list[str] = []
    width = 18
    head = f"{'':46}" + "".join(f"{articles(r):>{width}}" for r in results)
    lines += [head, "-" * len(head)]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:46}" + "".join(f"{v:>{width}}" for v in values))

    def stage(r: dict, name: str) -> float:  # type: ignore[type-arg]
        return float(r["build"]["seconds"].get(name, 0.0))

    row("quads in the store", [f"{r['build']['triples']:,}" for r in results])
    row("triples per article graph", [f"{r['build']['article_triples'] / r['size']:.0f}" for r in results])
    row("kg build into the store, validated (s)", [f"{r['build']['total']:.1f}" for r in results])
    for name in ("scan", "compile", "validate", "write"):
        row(f"  {name} (s)", [f"{stage(r, name):.1f}" for r in results])
    row(
        "  start-up, inputs, report (s)",
        [f"{r['build']['total'] - sum(r['build']['seconds'].values()) + stage(r, 'files'):.1f}" for r in results],
    )
    row(
        "  validation with pyshacl instead (s, scaled)",
        [f"{r['validation']['per_article'] * r['size']:.0f}" for r in results],
    )
    row("store on disk (MiB)", [f"{r['store_mib']:.0f}" for r in results])
    row("peak memory, build main process (MiB)", [f"{r['build']['self_mib']:.0f}" for r in results])
    row("peak memory, largest compile worker (MiB)", [f"{r['build']['workers_mib']:.0f}" for r in results])
    row("rebuild after touching 1 article (s)", [f"{r['touch_one']['total']:.1f}" for r in results])
    row(
        "  articles rebuilt / unchanged",
        [f"{r['touch_one']['rebuilt']} / {r['touch_one']['unchanged']}" for r in results],
    )
    row("rebuild with nothing changed (s)", [f"{r['no_change']['total']:.1f}" for r in results])
    row("loading: kg write stage (s)", [f"{stage(r, 'write'):.1f}" for r in results])
    row("loading: pyoxigraph bulk_load, same quads (s)", [f"{r['bulk_load']['seconds']:.1f}" for r in results])
    row("  kg write / bulk_load", [f"{stage(r, 'write') / r['bulk_load']['seconds']:.2f}x" for r in results])
    row(
        "rdflib build_graph, in memory (s)",
        [f"{r['rdflib']['build_s']:.1f}" if "build_s" in r["rdflib"] else "skipped" for r in results],
    )
    row(
        "  kg build / rdflib build",
        [f"{r['build']['total'] / r['rdflib']['build_s']:.2f}x" if "build_s" in r["rdflib"] else "-" for r in results],
    )
    row("peak memory, rdflib (MiB)", [f"{r['rdflib']['mib']:.0f}" if "mib" in r["rdflib"] else "-" for r in results])
    return lines


def speedups(r: dict, mode: str, rdflib_timeout: float) -> dict[str, tuple[str, str, float | None]]:  # type: ignore[type-arg]
    """Per query: (rdflib's median as shown, the speed-up as shown, the speed-up or its lower bound)."""
    out = {}
    base_queries = r["rdflib"].get("queries") if "queries" in r["rdflib"] else None
    for path in QUERIES:
        median = r[mode]["queries"][path.stem]["median"] if mode == "memory" else r["queries"][path.stem]["median"]
        if base_queries is None:
            out[path.stem] = ("-", "-", None)
            continue
        base = base_queries.get(path.stem)
        if base is None:  # gave up at the time limit: the speed-up is at least this
            ratio = rdflib_timeout * 1000 / median
            out[path.stem] = (f">{rdflib_timeout:g}s", f">{ratio:.0f}x", ratio)
        else:
            ratio = base["median"] * 1000 / median
            out[path.stem] = (fmt_ms(base["median"] * 1000), f"{ratio:.0f}x", ratio)
    return out


def query_table(r: dict, rdflib_timeout: float) -> list[str]:  # type: ignore[type-arg]
    """Query latencies at one corpus size: on disk, in memory, rdflib, and the speed-ups."""
    lines = [
        "",
        f"Query latency in ms at {r['size']:,} articles (median / p95 of kg.query.execute, as `kg query` runs it,",
        "results read; cpu: median CPU time of the same runs, less disturbed by other processes on a shared",
        "machine; disk: the store; memory: its in-memory copy, as `kg serve --memory` answers from; rdflib:",
        "median; speed-up = rdflib / kg)",
    ]
    head = f"{'query':30}{'disk':>16}{'cpu':>8}{'memory':>16}{'cpu':>8}{'rdflib':>10}{'speed-up disk':>15}{'memory':>9}"
    lines += [head, "-" * len(head)]
    disk, memory = speedups(r, "disk", rdflib_timeout), speedups(r, "memory", rdflib_timeout)
    for path in QUERIES:
        q, m = r["queries"][path.stem], r["memory"]["queries"][path.stem]
        on_disk = f"{fmt_ms(q['median'])} / {fmt_ms(q['p95'])}"
        in_memory = f"{fmt_ms(m['median'])} / {fmt_ms(m['p95'])}"
        lines.append(
            f"{path.stem:30}{on_disk:>16}{fmt_ms(q['cpu']):>8}{in_memory:>16}{fmt_ms(m['cpu']):>8}"
            f"{disk[path.stem][0]:>10}{disk[path.stem][1]:>15}{memory[path.stem][1]:>9}"
        )
    return lines


def target_checks(target: dict, rdflib_timeout: float) -> list[tuple[str, bool, str]]:  # type: ignore[type-arg]
    """(label, met, measured) of each target, for the store on disk and its in-memory copy."""
    checks = []
    if "build" in target:
        b = target["build"]
        memory = b["self_mib"] + b["workers_mib"] * 2  # main and both workers at their peaks, an upper bound
        checks += [
            (
                f"build ≤ {TARGETS['build_s']:g} s (SHACL validation included)",
                b["total"] <= TARGETS["build_s"],
                f"{b['total']:.1f} s",
            ),
            (
                f"peak memory ≤ {TARGETS['memory_mib'] / 1024:g} GiB (main + 2 workers)",
                memory <= TARGETS["memory_mib"],
                f"{memory:.0f} MiB",
            ),
        ]
    for mode, where in (("disk", "on disk"), ("memory", "in memory")):
        figures = target["queries"] if mode == "disk" else target["memory"]["queries"]
        fast = sorted(q for q, v in figures.items() if v["median"] <= TARGETS["query_ms"])
        slow = sorted(set(figures) - set(fast))
        checks.append(
            (
                f"every query ≤ {TARGETS['query_ms']:g} ms median, {where}",
                not slow,
                f"{len(fast)} of {len(figures)}" + (f" (not: {', '.join(slow)})" if slow else ""),
            )
        )
        ratios = speedups(target, mode, rdflib_timeout)
        if any(ratio is not None for _, _, ratio in ratios.values()):
            short = sorted(q for q, (_, _, ratio) in ratios.items() if ratio is None or ratio < TARGETS["speedup"])
            checks.append(
                (
                    f"every query ≥ {TARGETS['speedup']:g}x faster than rdflib, {where}",
                    not short,
                    f"{len(ratios) - len(short)} of {len(ratios)}" + (f" (not: {', '.join(short)})" if short else ""),
                )
            )
    if "build" in target:
        ratio = target["build"]["seconds"]["write"] / target["bulk_load"]["seconds"]
        checks.append(
            (f"loading within {TARGETS['load_ratio']:g}x of bulk_load", ratio <= TARGETS["load_ratio"], f"{ratio:.2f}x")
        )
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated article counts (100000 works too)")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query on the store")
    parser.add_argument("--rdflib-timeout", type=float, default=30.0, help="seconds before an rdflib query is given up")
    parser.add_argument("--keep", type=Path, help="keep corpora and stores in this folder")
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib baseline (slow; while iterating)")
    parser.add_argument(
        "--existing",
        type=Path,
        metavar="DIR",
        help="only the queries, on a corpus built before (DIR/data and DIR/out/store)",
    )
    args = parser.parse_args()
    if args.existing:
        results = [measure_existing(args.existing, args.repeat, args.rdflib_timeout, not args.no_rdflib)]
        print(report(results, args.rdflib_timeout))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results = []
    for size in sizes:
        if args.keep:
            work = args.keep / f"n{size}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            results.append(measure(size, work, args.repeat, args.rdflib_timeout, not args.no_rdflib))
        else:
            with tempfile.TemporaryDirectory(prefix=f"kg-bench-{size}-") as tmp:
                results.append(measure(size, Path(tmp), args.repeat, args.rdflib_timeout, not args.no_rdflib))
    print(report(results, args.rdflib_timeout))


if __name__ == "__main__":
    main()
