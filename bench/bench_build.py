"""Benchmark of `kg build`: time per stage, against plain parsers loading the same triples.

Usage:
    python bench/bench_build.py [--copies N] [--repeat R]

``--copies N`` builds a corpus of N copies of the seed article (each under its own article id) so
the figures show how the stages grow. Baselines, measured in the same run on the same triples:
rdflib parsing the TriG kg wrote (rdflib's default in-memory store) and pyoxigraph parsing it.
Prints one table; ratios are kg's time over the baseline's (lower is better).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import build_graph  # noqa: E402
from kg.export import EXPORTERS, serialize_dataset  # noqa: E402
from kg.network import build_network  # noqa: E402
from kg.validate import validate_dataset  # noqa: E402
from kg.visualise import render_html  # noqa: E402


def make_corpus(copies: int, target: Path) -> Path:
    """data/ with the seed article repeated ``copies`` times under distinct ids."""
    data = target / "data"
    shutil.copytree(ROOT / "data", data)
    text = (data / "annotations" / "article-001.yaml").read_text(encoding="utf-8")
    for i in range(2, copies + 1):
        new_id = f"article-{i:03d}"
        shutil.copy(data / "articles" / "article-001.txt", data / "articles" / f"{new_id}.txt")
        (data / "annotations" / f"{new_id}.yaml").write_text(
            text.replace('id: "article-001"', f'id: "{new_id}"').replace(
                "articles/article-001.txt", f"articles/{new_id}.txt"
            ),
            encoding="utf-8",
        )
    return data


def timed(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import pyoxigraph as ox
    from rdflib import Dataset

    with tempfile.TemporaryDirectory() as tmp:
        data = make_corpus(args.copies, Path(tmp))
        rows: list[tuple[str, float]] = []
        t_build, result = timed(lambda: build_graph(data), args.repeat)
        rows.append(("build (load + compile)", t_build))
        ds = result.dataset  # type: ignore[attr-defined]
        t_validate, _ = timed(lambda: validate_dataset(ds, result.ontology), args.repeat)  # type: ignore[attr-defined]
        rows.append(("validate (SHACL)", t_validate))
        for fmt in EXPORTERS:
            t, _ = timed(lambda fmt=fmt: serialize_dataset(ds, fmt), args.repeat)
            rows.append((f"serialise {fmt}", t))
        t_net, net = timed(lambda: build_network(ds), args.repeat)
        rows.append(("network", t_net))
        t_html, _ = timed(lambda: render_html(net), args.repeat)  # type: ignore[arg-type]
        rows.append(("render html", t_html))
        main_job = t_build + t_validate + t_net + t_html
        main_job += sum(t for name, t in rows if name in ("serialise trig", "serialise turtle"))
        trig = serialize_dataset(ds, "trig")
        t_rdflib, _ = timed(lambda: Dataset().parse(data=trig.decode(), format="trig"), args.repeat)
        t_ox, _ = timed(lambda: list(ox.parse(trig, format=ox.RdfFormat.TRIG)), args.repeat)
        tracemalloc.start()
        build_graph(data)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    quads = sum(1 for _ in ds.quads((None, None, None, None)))
    print(f"kg build benchmark: {args.copies} article(s), {quads} quads, median of {args.repeat} run(s)")
    print(f"{'stage':28} {'seconds':>9}")
    for name, seconds in rows:
        print(f"{name:28} {seconds:9.3f}")
    print(f"{'main job (kg build)':28} {main_job:9.3f}")
    print(f"{'peak Python memory, build':28} {peak / 2**20:8.1f} MiB")
    print()
    print("baselines: parsing the same TriG")
    print(f"{'rdflib Dataset.parse':28} {t_rdflib:9.3f}   build/rdflib-parse = {t_build / t_rdflib:5.2f}x")
    print(f"{'pyoxigraph parse':28} {t_ox:9.3f}   build/oxigraph-parse = {t_build / t_ox:5.2f}x")
    print(f"{'articles per second (job)':28} {args.copies / main_job:9.1f}")


if __name__ == "__main__":
    main()
