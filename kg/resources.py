"""The one place that knows where ontology/, queries/ and data/ live.

In a source checkout (and an editable install) they sit beside the ``kg`` package; a wheel carries
copies of ontology/ and queries/ inside the package as ``kg/_resources``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _find(name: str) -> Path:
    bundled = _PACKAGE / "_resources" / name
    if bundled.is_dir():
        return bundled
    return _CHECKOUT / name


def ontology_dir() -> Path:
    """Folder with kg.ttl, topics.ttl and the SHACL shapes."""
    return _find("ontology")


def queries_dir() -> Path:
    """Folder with the named SPARQL queries."""
    return _find("queries")


def web_dir() -> Path:
    """Folder with the page `kg serve` shows (index.html, page.js, page.css), inside the package."""
    return _PACKAGE / "web"


ONTOLOGY_FILES = ("kg.ttl", "topics.ttl")
SHAPES_FILE = "shapes.ttl"
EVIDENCE_SHAPES_FILE = "evidence-shapes.ttl"
