"""Load on `kg serve`: N concurrent clients for D seconds, mixing the named queries.

Usage:
    python bench/bench_serve.py [--clients 50] [--duration 60] [--articles 10000] [--keep DIR]
                                [--workers N] [--skip-seed] [--skip-corpus]

Starts `kg serve` on a free loopback port (127.0.0.1 only: no traffic leaves the machine), first on
the seed graph (data/, built into a temporary store), then on a synthetic corpus of ``--articles``
articles (bench/gen_corpus.py; 10,000 articles is about 1.1M quads), built into a store. Each
client loops for ``--duration`` seconds: it takes the next named query of queries/ (each client
starts at a different one), sends it as a form POST asking JSON for SELECT and ASK and Turtle for
CONSTRUCT, and reads the whole answer. A request that fails or is answered with anything but 200
counts as an error. Prints, per graph, requests, errors, throughput, and p50 / p99 latency.

``load(url, clients, duration)`` is what tests/test_serve_load.py runs.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
READY = re.compile(r"serving .* at (http://\S+/) ")


@dataclass
class Served:
    """A running `kg serve`: its base URL and process; ``stderr`` is filled in when it has stopped."""

    url: str
    process: subprocess.Popen  # type: ignore[type-arg]
    stderr: str = ""
    banner: str = ""  # the line the server prints when it is ready


@contextlib.contextmanager
def running_server(source: Path, *options: str, ready_within: float = 600.0) -> Iterator[Served]:
    """`kg serve` on a free loopback port, answering from ``source`` (a store folder or a TriG file).

    Yields once the server says it is serving; stops it afterwards (SIGTERM, as Ctrl-C would).
    """
    where = ["--store", str(source)] if source.is_dir() else ["--graph", str(source)]
    command = [sys.executable, "-m", "kg.cli", "serve", "--port", "0", *where, *options]
    with tempfile.TemporaryFile("w+") as errors:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=ROOT)
        served = Served("", process)
        try:
            served.url, served.banner = _wait_ready(process, ready_within)
            yield served
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            assert process.stdout is not None
            process.stdout.close()
            errors.seek(0)
            served.stderr = errors.read()


def _wait_ready(process: subprocess.Popen, within: float) -> tuple[str, str]:  # type: ignore[type-arg]
    assert process.stdout is not None
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1.0)
        if ready:
            line = process.stdout.readline()
            match = READY.search(line)
            if match:
                return match.group(1), line
            if not line and process.poll() is not None:
                break
    process.kill()
    process.wait()
    raise RuntimeError(f"kg serve did not start (exit {process.returncode})")


def named_requests() -> list[tuple[str, str, str]]:
    """(name, text, Accept) of every named query: JSON for SELECT and ASK, Turtle for the others."""
    out = []
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        graph = re.search(r"^\s*(CONSTRUCT|DESCRIBE)\b", text, re.MULTILINE | re.IGNORECASE)
        out.append((path.stem, text, "text/turtle" if graph else "application/sparql-results+json"))
    return out


@dataclass
class LoadResult:
    """What a load run measured."""

    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: list[str] = field(default_factory=list)  # one line per failed request
    by_query: dict[str, list[float]] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _client(url: str, requests: list[tuple[str, str, str]], start: int, stop_at: float, result: LoadResult) -> None:
    """One client: a keep-alive connection, sending the named queries in turn until ``stop_at``."""
    import http.client
    from urllib.parse import urlencode, urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=600)
    index = start
    try:
        while time.monotonic() < stop_at:
            name, text, accept = requests[index % len(requests)]
            index += 1
            body = urlencode({"query": text})
            headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
            began = time.monotonic()
            try:
                connection.request("POST", parts.path + "sparql", body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as exc:  # any failed request is an error of the run
                result.errors.append(f"{name}: {type(exc).__name__}: {exc}")
                connection.close()  # reconnects on the next request
                continue
            elapsed = time.monotonic() - began
            if response.status != 200 or not answer:
                result.errors.append(f"{name}: {response.status} {answer[:200]!r}")
                continue
            result.latencies.append(elapsed)
            result.by_query.setdefault(name, []).append(elapsed)
    finally:
        connection.close()


def load(url: str, clients: int = 50, duration: float = 60.0) -> LoadResult:
    """``clients`` concurrent clients (threads) sending the named queries to ``url`` for ``duration`` seconds.

    Requests in flight when the time is up are awaited (their latency counts); none is cut off.
    Only loopback URLs are accepted.
    """
    import threading

    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError(f"load only loopback servers, not {url}")
    requests = named_requests()
    result = LoadResult(clients, duration)
    began = time.monotonic()
    stop_at = began + duration
    threads = [
        threading.Thread(target=_client, args=(url, requests, i, stop_at, result), daemon=True) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    return result


def build_seed(work: Path) -> Path:
    """The seed graph (data/) built into a store under ``work``; returns the store folder."""
    from kg.pipeline import run_build

    run_build(ROOT / "data", work / "out")
    return work / "out" / "store"


def build_corpus(articles: int, work: Path) -> Path:
    """A synthetic corpus of ``articles`` articles built into a store under ``work``; returns the store."""
    sys.path.insert(0, str(ROOT / "bench"))
    from gen_corpus import write_corpus

    from kg.pipeline import run_build

    write_corpus(articles, work / "data")
    run_build(work / "data", work / "out")
    return work / "out" / "store"


def report(label: str, quads: int, result: LoadResult) -> str:
    slowest = sorted(((statistics.median(v), k) for k, v in result.by_query.items()), reverse=True)[:3]
    lines = [
        f"{label}: {quads:,} quads, {result.clients} clients for {result.seconds:.0f} s",
        f"  requests {result.requests:,}, errors {len(result.errors)}, throughput {result.throughput:.1f} req/s",
        f"  latency p50 {result.percentile(50) * 1000:,.0f} ms, p99 {result.percentile(99) * 1000:,.0f} ms",
        "  slowest medians: " + ", ".join(f"{name} {ms * 1000:,.0f} ms" for ms, name in slowest),
    ]
    lines += [f"  error: {line}" for line in result.errors[:5]]
    return "\n".join(lines)


def quads_of(store: Path) -> int:
    from kg.store import open_read_only

    return len(open_read_only(store))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per graph")
    parser.add_argument("--articles", type=int, default=10_000, help="articles of the synthetic corpus")
    parser.add_argument("--workers", type=int, help="kg serve --workers (default: one per CPU)")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it (reused when built)")
    parser.add_argument("--skip-seed", action="store_true", help="no run on the seed graph")
    parser.add_argument("--skip-corpus", action="store_true", help="no run on the synthetic corpus")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-serve-"))
    options = ("--workers", str(args.workers)) if args.workers else ()
    try:
        runs = []
        if not args.skip_seed:
            runs.append(("seed", build_seed(work / "seed")))
        if not args.skip_corpus:
            corpus = work / f"n{args.articles}"
            store = corpus / "out" / "store"
            if not (store / "db").is_dir():
                print(f"building a corpus of {args.articles:,} articles", file=sys.stderr, flush=True)
                store = build_corpus(args.articles, corpus)
            runs.append((f"{args.articles:,} articles", store))
        for label, store in runs:
            quads = quads_of(store)
            with running_server(store, *options) as served:
                print(f"loading {served.url} ({label})", file=sys.stderr, flush=True)
                result = load(served.url, args.clients, args.duration)
            print(report(label, quads, result), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
