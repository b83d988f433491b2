"""Dependencies point one way: nothing imports the CLI; the model knows no rdflib; heavy imports are lazy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kg"
MODULES = sorted(p for p in PACKAGE.glob("*.py"))


def imports_of(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != "cli.py"], ids=lambda p: p.name)
def test_nothing_imports_the_cli(path: Path) -> None:
    assert "kg.cli" not in imports_of(path)


def test_model_has_no_rdflib() -> None:
    assert not any(name.startswith("rdflib") for name in imports_of(PACKAGE / "model.py"))


@pytest.mark.parametrize("heavy", ["pyshacl", "owlrl", "pyvis", "playwright", "starlette", "uvicorn"])
def test_heavy_libraries_are_not_imported_at_module_level(heavy: str) -> None:
    for path in MODULES:
        assert heavy not in {n.split(".")[0] for n in imports_of(path, top_level_only=True)}, path.name


def test_help_does_not_load_heavy_libraries() -> None:
    heavy = "('pyshacl', 'owlrl', 'pyvis', 'starlette', 'uvicorn')"
    code = f"import sys; from kg.cli import main; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
