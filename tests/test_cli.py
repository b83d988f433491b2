"""The command line: help, version, the main job, export, the README's provenance query."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import __version__, build_graph
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [[], ["build"], ["export"], ["queries"], ["query"], ["stats"]])
def test_help(command: list[str]) -> None:
    for flag in ("-h", "--help"):
        result = CliRunner().invoke(main, [*command, flag])
        assert result.exit_code == 0
        assert "Usage:" in result.output
        if command:
            assert "Examples:" in result.output
        else:
            assert "Exit codes:" in result.output


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "rdfxml", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2 and "rdfxml" in result.stderr


def test_build_writes_turtle_trig_and_html(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    assert "built 1 article(s): article-001" in result.output
    for name in ("kg.ttl", "kg.trig", "kg.html"):
        assert (tmp_path / "out" / name).stat().st_size > 1000
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temp files left


def test_two_builds_are_byte_identical_across_processes(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "kg.cli", "build", "--out", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        for fmt in ("jsonld", "nquads", "graphml", "csv"):
            subprocess.run(
                [sys.executable, "-m", "kg.cli", "export", "--format", fmt, "-o", str(out / f"x.{fmt}")],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        outputs.append({p.name: p.read_bytes() for p in out.iterdir() if p.is_file()})
        outputs[-1]["store"] = _store_content(out / "store")
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) == 8
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name


def _store_content(path: Path) -> bytes:
    import pyoxigraph as ox

    from kg.store import open_read_only

    return b"".join(sorted((ox.serialize(open_read_only(path), format=ox.RdfFormat.N_QUADS) or b"").splitlines(True)))


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "trig", "nquads", "jsonld", "graphml", "csv"])
def test_export_command(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"kg.{fmt}"
    result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out} ({fmt}" in result.output
    assert out.stat().st_size > 1000


def test_readme_provenance_query_answers_which_sentence_and_who(tmp_path: Path) -> None:
    """The README's question: which sentence says Italy convened the meeting, and who said so?"""
    import pyoxigraph as ox

    CliRunner().invoke(main, ["build", "--out", str(tmp_path)])
    store = ox.Store()
    store.load(path=str(tmp_path / "kg.trig"), format=ox.RdfFormat.TRIG)
    rows = list(store.query((ROOT / "queries" / "fact-evidence.rq").read_text()))  # type: ignore[arg-type]
    assert len(rows) == 1
    _meeting, article, sentence, words, stated_by = (rows[0][i].value for i in range(5))
    assert sentence.startswith("A meeting convened by the Italian side")
    assert words == "A meeting convened by the Italian side"
    assert stated_by == "the article"
    assert article.startswith("The EU and North Africa")


def test_python_api() -> None:
    result = build_graph(ROOT / "data")
    assert result.article_ids() == ["article-001"]
    assert len(list(result.dataset.quads((None, None, None, None)))) > 5000


def test_provenance_query_names_who_said_it(tmp_path: Path) -> None:
    """The same query for Algeria's participation: stated by the Italian interior ministry."""
    import pyoxigraph as ox

    CliRunner().invoke(main, ["build", "--out", str(tmp_path)])
    store = ox.Store()
    store.load(path=str(tmp_path / "kg.trig"), format=ox.RdfFormat.TRIG)
    query = (ROOT / "queries" / "fact-evidence.rq").read_text()
    query = query.replace("actor/italy>", "actor/algeria>").replace("kg:organized", "kg:participatedIn")
    rows = list(store.query(query))  # type: ignore[arg-type]
    assert {row[4].value for row in rows} == {"Ministry of the Interior (Italy)"}
    assert {row[3].value for row in rows} >= {"said the Italian Department"}
