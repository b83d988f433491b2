"""Benchmark of `kg extract`: articles per second on one core, and time per stage.

Usage:
    python bench/bench_extract.py [--rounds R]

Runs the extractor over every article of data/articles and eval/dev/articles, R rounds, in one
process (one core), after building the extractor once. The target in issue 4 is at least 200
articles per second for 400-word articles; the table prints the measured rate against that target,
also scaled to 400-word articles by words per second (extraction time grows linearly with length),
and, as the baseline, the rate of a plain scan of the same texts with one compiled regular
expression of all registry names (the cheapest possible "extractor"), with the ratio.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.draft import extractor_for  # noqa: E402

TARGET = 200.0  # articles per second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = [
        p.read_text(encoding="utf-8")
        for folder in (ROOT / "data" / "articles", ROOT / "eval" / "dev" / "articles")
        for p in sorted(folder.glob("*.txt"))
    ]
    words = [len(t.split()) for t in texts]
    started = time.perf_counter()
    extractor = extractor_for(ROOT / "data" / "registry.yaml")
    setup = time.perf_counter() - started
    timings: dict[str, float] = {}
    rates = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for i, text in enumerate(texts):
            extractor.extract(text, f"a{i}", published="2023-07-24", timings=timings)
        rates.append(len(texts) / (time.perf_counter() - t0))
    registry = extractor.registry
    names = sorted({n for a in registry.actors.values() for n in (a.label, *a.aliases)}, key=len, reverse=True)
    baseline_re = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    base_rates = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for text in texts:
            baseline_re.findall(text)
        base_rates.append(len(texts) / (time.perf_counter() - t0))
    rate = statistics.median(rates)
    base = statistics.median(base_rates)
    total = sum(timings.values())
    median_words = statistics.median(words)
    print(f"articles: {len(texts)} (median {median_words:.0f} words, max {max(words)}), rounds: {args.rounds}")
    print(f"extractor set-up (registry, ontology, automaton): {setup * 1000:.0f} ms, once")
    print(f"{'':34} {'value':>12} {'target':>10} {'ratio':>8}")
    print(f"{'kg extract, articles/s (1 core)':34} {rate:12.0f} {TARGET:10.0f} {rate / TARGET:8.2f}")
    # the target is for 400-word articles: scale by words per second
    at_400 = rate * statistics.mean(words) / 400
    print(f"{'  the same, for 400-word articles':34} {at_400:12.0f} {TARGET:10.0f} {at_400 / TARGET:8.2f}")
    print(f"{'baseline: one name regex, art./s':34} {base:12.0f} {'':10} {rate / base:8.3f}")
    print(f"{'ms per article':34} {1000 / rate:12.2f}")
    print("time per stage (share of extraction):")
    for stage, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:32} {seconds / (len(texts) * args.rounds) * 1000:9.3f} ms {seconds / total:7.1%}")


if __name__ == "__main__":
    main()
