"""The seed article's graph compared, as a graph, with the reviewed golden copy.

Regenerate after a deliberate change with `pytest tests/test_golden.py --update-golden` and review
the diff of tests/golden/article-001.ttl.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from kg.build import BuildResult
from kg.namespaces import PREFIXES, article_graph

GOLDEN = Path(__file__).parent / "golden" / "article-001.ttl"


def test_seed_graph_matches_golden(seed: BuildResult, request: pytest.FixtureRequest) -> None:
    built = Graph()
    for prefix, ns in PREFIXES.items():
        built.bind(prefix, ns)
    for triple in sorted(seed.dataset.graph(article_graph("article-001"))):
        built.add(triple)
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(built.serialize(format="turtle"), encoding="utf-8")
    expected = Graph().parse(GOLDEN, format="turtle")
    iso_built, iso_expected = to_isomorphic(built), to_isomorphic(expected)
    if iso_built != iso_expected:
        _both, only_expected, only_built = graph_diff(iso_expected, iso_built)
        lines = ["only in expected:", *sorted(f"  {t}" for t in only_expected)[:20]]
        lines += ["only in actual:", *sorted(f"  {t}" for t in only_built)[:20]]
        pytest.fail("\n".join(lines))
