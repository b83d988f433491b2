"""Time `kg push` and remote named queries against Virtuoso and `oxigraph serve` on a synthetic corpus.

Usage:
    python bench/bench_push.py [--articles 1000] [--servers virtuoso,oxigraph] [--work DIR]

Generates the corpus (bench/gen_corpus.py), builds it into a store, starts each server on free
loopback ports in a temporary folder (the same way as tests/test_remote.py), then times: the first
push (every graph uploaded), a second push with nothing changed, a push after one article changed,
and every named query on the local store and on the server (one run each, after one warm-up; a
local run includes starting its worker process).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from gen_corpus import touch_article, write_corpus  # noqa: E402
from test_remote import SERVERS  # noqa: E402  (the server fixtures of the integration tests)

from kg.pipeline import run_build  # noqa: E402
from kg.query import list_queries, run_query  # noqa: E402
from kg.remote import Endpoint, push_store, run_remote_query  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--servers", default="virtuoso,oxigraph")
    parser.add_argument("--work", type=Path, default=None, help="folder for corpus, store and servers")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-push-"))
    data, out = work / "data", work / "out"
    if not (data / "annotations").is_dir():
        write_corpus(args.articles, data)
    report = run_build(data, out, files=False)
    store = out / "store"
    print(f"{args.articles} articles, {report.triples} triples in {len(report.graph_sizes)} graphs")
    for number, name in enumerate(args.servers.split(",")):
        folder = work / name
        folder.mkdir(exist_ok=True)
        server = SERVERS[name](folder)
        server.start()
        try:
            endpoint = server.endpoint()
            for label in ("first push", "nothing changed"):
                start = time.perf_counter()
                pushed = push_store(store, endpoint)
                print(f"{name:9} {label:18} {time.perf_counter() - start:7.2f} s  {len(pushed.uploaded)} uploaded")
            touch_article(data, 2, variant=3 + number)  # another variant for each server
            run_build(data, out, files=False)
            start = time.perf_counter()
            pushed = push_store(store, endpoint)
            print(f"{name:9} {'one article changed':18} {time.perf_counter() - start:7.2f} s  {pushed.uploaded}")
            reader = Endpoint(server.read_url)
            for named in list_queries():
                text = named.path.read_text(encoding="utf-8")
                times = []
                for remote in (False, True):
                    for _ in range(2):  # the first run warms up
                        start = time.perf_counter()
                        if remote:
                            run_remote_query(text, reader, named.name)
                        else:
                            run_query(text, store, named.name)
                    times.append(time.perf_counter() - start)
                print(f"{name:9} {named.name:30} local {times[0] * 1000:8.0f} ms  remote {times[1] * 1000:8.0f} ms")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
