"""kill -9 at any moment of a build: the store opens, stays consistent, and the next build recovers.

A build of a few hundred synthetic articles runs in a subprocess (with worker processes, as large
builds do) and is killed with SIGKILL at random moments: during a first build, during an
incremental one (edits, removals, additions) and during a full rebuild after a registry change.
After each kill the store must open, every article it records a hash for must hold exactly the
graph of that version, and the next build must leave the store equal to a clean build.

`kg export` is killed the same way, from a store and from data/, a dozen times: the file it was
replacing must be the earlier one byte for byte, or the new one complete, and the next export
must succeed and write the whole file.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build_graph, file_sha256, inputs_digest
from kg.export import serialize_dataset
from kg.ontology import load_ontology
from kg.store import data_quads, is_built, open_read_only, read_state, store_dir

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import touch_article, write_corpus  # noqa: E402

ARTICLES = 300
TRIALS_PER_SCENARIO = 4
# Validation runs before the first write and changes nothing on disk: left out to keep trials
# short. Small batches make the write phase a series of atomic loads, bulk (SST ingestion) or
# transactional as the batch size says; the driver prints when the write phase started and ended.
BUILD = """
import json, sys, time
start = time.perf_counter()
import kg.store
from kg.pipeline import run_build
kg.store.BATCH_QUADS, kg.store.BULK_MIN_QUADS = int(sys.argv[3]), int(sys.argv[4])
ready = time.perf_counter() - start
report = run_build(sys.argv[1], sys.argv[2], validate=False, workers=2, files=False)
s = report.seconds
before = ready + s["scan"] + s["compile"] + s["validate"]
print(json.dumps({"write_start": before, "write_end": before + s["write"]}))
"""
# (quads per batch, bulk-load from this many quads): bulk-loaded batches, then transactions
BATCHES = [("4000", "3000"), ("4000", "100000")]


def start_build(data: Path, out: Path, batches: tuple[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", BUILD, str(data), str(out), *batches],
        start_new_session=True,  # its own process group, so that stray workers can be reaped
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def build(data: Path, out: Path, batches: tuple[str, str] = BATCHES[0]) -> tuple[float, float]:
    """Build to the end; returns when (seconds after starting the process) the write phase ran."""
    process = start_build(data, out, batches)
    stdout, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    times = json.loads(stdout)
    return times["write_start"], times["write_end"]


def kill_during_build(data: Path, out: Path, delay: float, batches: tuple[str, str]) -> None:
    process = start_build(data, out, batches)
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)  # kill -9 of the build itself, as a user would
    process.communicate()
    with contextlib.suppress(ProcessLookupError):  # workers notice the parent has gone; reap any still there
        os.killpg(process.pid, signal.SIGKILL)


def expected_graphs(data: Path) -> dict[str, set[bytes]]:
    """N-Quads lines of each graph of a clean build."""
    graphs: dict[str, set[bytes]] = {}
    for line in serialize_dataset(build_graph(data).dataset, "nquads").splitlines():
        graphs.setdefault(line.rsplit(b" ", 2)[-2].decode(), set()).add(line)
    return graphs


def store_graphs(out: Path) -> dict[str, set[bytes]]:
    store = open_read_only(store_dir(out))
    graphs: dict[str, set[bytes]] = {}
    lines = (ox.serialize(data_quads(store, load_ontology()), format=ox.RdfFormat.N_QUADS) or b"").splitlines()
    for line in lines:
        graphs.setdefault(line.rsplit(b" ", 2)[-2].decode(), set()).add(line)
    return graphs


def check_consistent(data: Path, out: Path, expected: dict[str, set[bytes]]) -> tuple[int, int]:
    """Every article whose recorded hashes are those of its current files holds exactly its graph.

    Returns (articles checked, articles recorded).
    """
    if not is_built(store_dir(out)):
        return 0, 0  # killed before the store was created
    store = open_read_only(store_dir(out))  # opens: no corruption, no lock left behind
    state = read_state(store)
    del store
    if state.inputs_sha256 not in (None, inputs_digest(data)):
        return 0, len(state.articles)  # built with other shared inputs: all of it will be rebuilt
    actual = store_graphs(out)
    checked = 0
    for annotation, article in state.articles.items():
        current = data / annotation
        if not current.is_file() or file_sha256(current) != article.annotation_sha256:
            continue  # an older or removed version of the article, recorded with its own hashes
        name = f"<{article.graph}>"
        assert actual.get(name) == expected[name], f"{article.graph} does not match its recorded hashes"
        checked += 1
    return checked, len(state.articles)


def mutate(data: Path, rnd: random.Random, round_: int) -> None:
    """Edit half of the articles and remove a few."""
    for index in rnd.sample(range(1, ARTICLES + 1), ARTICLES // 2):
        touch_article(data, index, variant=round_)
    for path in rnd.sample(sorted((data / "annotations").iterdir()), 10):
        path.unlink()


@pytest.mark.slow
def test_kill_9_at_random_moments_then_recover(tmp_path: Path) -> None:
    rnd = random.Random(5)
    data = write_corpus(ARTICLES, tmp_path / "data")
    out = tmp_path / "out"
    partial = trials = checked = 0

    def trial(expected: dict[str, set[bytes]], window: tuple[float, float]) -> None:
        """Kill a build: mostly while it writes (timed on a build of the same change), else anywhere."""
        nonlocal partial, trials, checked
        batches = BATCHES[trials % 2]
        start, end = window
        delay = rnd.uniform(start - 0.05, end + 0.05) if trials % 3 else rnd.uniform(0.05, end + 0.1)
        kill_during_build(data, out, max(delay, 0.05), batches)
        done, recorded = check_consistent(data, out, expected)
        checked += done
        partial += 0 < recorded < len(expected) - 4  # the kill came in the middle of the writes
        trials += 1

    def timed(change: Callable[[], None]) -> tuple[float, float]:
        """Time a build of ``change`` in a scratch copy of the store."""
        scratch = tmp_path / "scratch"
        if out.exists():
            shutil.copytree(out, scratch)
        change()
        window = build(data, scratch)
        shutil.rmtree(scratch)
        return window

    # 1. a first build, killed; each attempt goes on from what the last one left
    window = timed(lambda: None)
    expected = expected_graphs(data)
    for _ in range(TRIALS_PER_SCENARIO):
        trial(expected, window)
    build(data, out)
    assert store_graphs(out) == expected

    # 2. incremental builds after edits and removals (the last round brings every article back)
    for round_ in range(1, TRIALS_PER_SCENARIO + 1):
        window = timed(
            lambda r=round_: mutate(data, rnd, r) if r < TRIALS_PER_SCENARIO else write_corpus(ARTICLES, data)
        )
        expected = expected_graphs(data)
        trial(expected, window)
        build(data, out)
        assert store_graphs(out) == expected

    # 3. a registry change (the store is emptied, every article rebuilt), killed
    registry = data / "registry.yaml"
    for round_ in range(TRIALS_PER_SCENARIO):
        window = timed(
            lambda r=round_: registry.write_text(
                registry.read_text(encoding="utf-8") + f"# edit {r}\n", encoding="utf-8"
            )
        )
        expected = expected_graphs(data)
        trial(expected, window)
    build(data, out)
    assert store_graphs(out) == expected

    # 4. the random kills above can all miss the write phase (on a slow or busy machine its timing
    #    shifts): then first builds into an empty store are killed at points spread through it,
    #    until one lands in the middle of the writes
    fresh, scratch = tmp_path / "fresh", tmp_path / "scratch"
    if not partial:
        start, end = build(data, scratch)
        shutil.rmtree(scratch)
        for attempt, fraction in enumerate([0.5, 0.3, 0.7, 0.4, 0.6, 0.2, 0.8, 0.35, 0.65, 0.45, 0.55, 0.25]):
            shutil.rmtree(fresh, ignore_errors=True)
            kill_during_build(data, fresh, start + fraction * (end - start), BATCHES[attempt % 2])
            done, recorded = check_consistent(data, fresh, expected)
            checked += done
            if 0 < recorded < len(expected) - 4:
                partial += 1
                build(data, fresh)
                assert store_graphs(fresh) == expected
                break

    assert trials >= 10
    assert checked > 0 and partial > 0, (checked, partial)  # some kills came in the middle of writing


# --- kill -9 during kg export -------------------------------------------------------------------

EXPORT_TRIALS = 12
# the export in a process of its own; with a delay, it waits before each rename into place, so
# that a kill lands between a complete temporary file and the rename as well as anywhere else
EXPORT = """
import os, sys, time
delay = float(sys.argv[1])
if delay:
    rename = os.replace
    def slow_replace(src, dst):
        time.sleep(delay)
        rename(src, dst)
    os.replace = slow_replace
sys.argv = ["kg", *sys.argv[2:]]
from kg.cli import main
main()
"""


def run_export(args: list[str], delay: float = 0.0) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", EXPORT, str(delay), "export", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_kill_9_during_export_leaves_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    """Each kill leaves the earlier export byte-identical, or the new one complete; the next run works."""
    rnd = random.Random(7)
    data = write_corpus(150, tmp_path / "data")
    out = tmp_path / "out"
    build(data, out)
    exports = tmp_path / "exports"
    exports.mkdir()
    jobs = [
        ["--store", str(store_dir(out)), "--format", "nquads"],
        ["--store", str(store_dir(out)), "--format", "turtle"],
        ["--data", str(ROOT / "data"), "--format", "trig"],
    ]
    complete: dict[int, bytes] = {}
    seconds: dict[int, float] = {}
    for index, args in enumerate(jobs):
        target = exports / f"reference-{index}"
        started = time.perf_counter()
        process = run_export([*args, "-o", str(target)])
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
        seconds[index] = time.perf_counter() - started
        complete[index] = target.read_bytes()
        target.unlink()
    mid_write = 0
    for trial in range(EXPORT_TRIALS):
        index = trial % len(jobs)
        target = exports / f"kg-{index}.out"
        old = f"an earlier export, trial {trial}\n".encode()
        target.write_bytes(old)
        delay = 2.0 if trial % 2 else 0.0
        process = run_export([*jobs[index], "-o", str(target)], delay)
        time.sleep(rnd.uniform(0.05, seconds[index] + delay))
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        assert target.read_bytes() in (old, complete[index]), f"trial {trial}: {target} is half-written"
        strays = [p for p in exports.iterdir() if p.name.startswith(f".{target.name}.")]
        mid_write += bool(strays)
        # a temporary file left by kill -9 stands in no one's way: the next export writes the whole file
        process = run_export([*jobs[index], "-o", str(target)])
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
        assert target.read_bytes() == complete[index]
        for stray in strays:
            stray.unlink()
    assert mid_write > 0  # some kills came between writing the temporary file and renaming it
    # the store the exports read is intact: it opens and holds every article as it was built
    assert check_consistent(data, out, expected_graphs(data))[0] == 150
