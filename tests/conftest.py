"""Shared fixtures; under CI=true a skipped test counts as a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import BuildResult, build_graph

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology"
SEED_ANNOTATION = DATA / "annotations" / "article-001.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current build")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is not allowed: {report.longrepr}"


@pytest.fixture(scope="session")
def seed() -> BuildResult:
    """The dataset built from the project's data/ (built once per session)."""
    return build_graph(DATA)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def ontology_copy(tmp_path: Path) -> Path:
    """A private copy of ontology/ that a test may break."""
    target = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, target)
    return target


@pytest.fixture(scope="session")
def built_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """out/kg.trig of a `kg build` of the project's data/ in a private folder (built once per session)."""
    from kg.pipeline import run_build

    out = tmp_path_factory.mktemp("built")
    run_build(DATA, out)
    return out / "kg.trig"
