"""`kg stats`: counts, centrality, components and the actors bridging the European and African sides."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.build import BuildResult
from kg.cli import main
from kg.stats import compute_stats


def test_counts_by_class_and_relation(seed: BuildResult) -> None:
    stats = compute_stats(seed.dataset)
    assert stats["classes"]["State"] == 10 and stats["classes"]["Commitment"] == 6
    assert stats["relations"]["participatedIn"] == 13 and stats["relations"]["cooperatesWith"] == 2
    assert "signed" not in stats["relations"]


def test_network_measures(seed: BuildResult) -> None:
    stats = compute_stats(seed.dataset)
    assert stats["network"]["components"] == [stats["network"]["nodes"]]  # one connected network
    assert stats["degree"][0]["actor"] == "Italy"  # convened, took part, party to every commitment
    assert {"Italy", "European Union"} <= {row["actor"] for row in stats["betweenness"][:3]}
    assert set(stats["sides"]["African"]) >= {"Algeria", "Libya", "Mauritania", "Morocco", "Tunisia", "Afripol"}
    assert "Luciana Lamorgese" in stats["sides"]["European"]
    bridges = [row["actor"] for row in stats["bridges"]]
    assert bridges[:2] == ["European Union", "Afripol"]


def test_stats_command() -> None:
    table = CliRunner().invoke(main, ["stats"])
    assert table.exit_code == 0 and "Bridging the European and African sides" in table.output
    as_json = CliRunner().invoke(main, ["stats", "--format", "json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output)["classes"]["State"] == 10
