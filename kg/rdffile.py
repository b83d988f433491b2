"""Reading RDF files strictly: Turtle, N-Triples, TriG and N-Quads, with line and column on errors.

rdflib accepts some malformed input (IRIs with spaces, relative IRIs resolved against the file's
location, bad language tags); kg parses every RDF file it reads with pyoxigraph, which follows the
W3C grammars (``tests/test_w3c.py`` runs the W3C syntax and evaluation suites through this module).
The format is chosen by the file's extension; an unknown extension is read as TriG, which is what
``kg build`` writes and a superset of Turtle.

No base IRI is given unless the caller passes one, so a relative IRI in a file is an error rather
than something resolved against wherever the file happens to be.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from kg.errors import FileFormatError, MissingInput

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
}


# syntaxes kg refuses to read: RDF/XML may declare a DOCTYPE with entities (which can expand without
# bound or name outside files) and JSON-LD may name a remote @context, which a reader would fetch
REFUSED = {".rdf": "RDF/XML", ".owl": "RDF/XML", ".xml": "RDF/XML", ".jsonld": "JSON-LD", ".json": "JSON-LD"}


# deeper bracket nesting than this is refused in RDF files as in queries: pyoxigraph parses it, but
# rdflib, which kg uses to write Turtle, recurses once per level and overflows past a few hundred
MAX_NESTING = 100
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


def nesting(text: str) -> tuple[int, int]:
    """The deepest bracket nesting of a query or an RDF file (Turtle, TriG), and the offset where it is first reached.

    Brackets inside strings, IRIs and comments do not count. The scan is lexical, as a guard: an
    IRI is taken to be ``<`` up to the next ``>`` with none of the characters IRIs may not hold.
    """
    deepest = depth = 0
    where = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "'\"":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        elif c == "<":
            match = _IRI.match(text, i)
            if match:
                i = match.end()
                continue
        elif c in "({[":
            depth += 1
            if depth > deepest:
                deepest, where = depth, i
        elif c in ")}]":
            depth -= 1
        i += 1
    return deepest, where


def format_of(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its extension (TriG when the extension is not known).

    Raises:
        FileFormatError: an RDF/XML or JSON-LD file, which kg does not read.
    """
    refused = REFUSED.get(path.suffix.lower())
    if refused:
        raise FileFormatError(
            f"kg does not read {refused} (it could declare entities or a remote @context)",
            str(path),
            "convert it to Turtle, N-Triples, TriG or N-Quads",
        )
    return FORMATS.get(path.suffix.lower(), ox.RdfFormat.TRIG)


def syntax_error(exc: SyntaxError, path: Path, what: str, fmt: ox.RdfFormat, remedy: str) -> FileFormatError:
    """The FileFormatError for a pyoxigraph parse error, naming ``path:line:column``."""
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "offset", None)
    reason = str(exc.msg if getattr(exc, "msg", None) else exc)
    if reason.startswith("Parser error") and ": " in reason:
        reason = reason.split(": ", 1)[1]
    where = f"{path}:{line}:{column}" if line else str(path)
    return FileFormatError(f"{what} is not valid {fmt.name}: {reason}", where, remedy)


def read_quads(
    path: Path,
    what: str = "RDF file",
    fmt: ox.RdfFormat | None = None,
    base_iri: str | None = None,
    remedy: str = "fix the syntax",
) -> list[ox.Quad]:
    """Every quad of an RDF file, parsed strictly (triples formats give default-graph quads).

    Args:
        path: the file.
        what: how error messages name the file ("ontology file kg.ttl").
        fmt: the syntax; by default from the extension (:func:`format_of`).
        base_iri: the IRI relative IRIs resolve against; without one they are errors.
        remedy: the remedy an error message gives.

    Raises:
        FileFormatError: not valid in that syntax, with ``file:line:column``.
        MissingInput: no such file.
    """
    from kg.yamlfile import read_text

    fmt = fmt or format_of(path)
    if not path.is_file():
        raise MissingInput(f"{what} does not exist", str(path), "check the path")
    text = read_text(path, what)  # UTF-8 without a byte-order mark, or a FileFormatError
    deepest, offset = nesting(text)
    if deepest > MAX_NESTING:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise FileFormatError(
            f"{what} nests brackets {deepest} deep; kg accepts at most {MAX_NESTING}",
            f"{path}:{line}:{column}",
            "flatten it: give the nested blank nodes names",
        )
    try:
        return list(ox.parse(text.encode("utf-8"), format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        raise syntax_error(exc, path, what, fmt, remedy) from None
