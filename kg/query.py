"""Named SPARQL queries: listing, checking before running, and running with a time limit.

User SPARQL never reaches the network and never runs forever. Before execution a query is parsed
(rdflib's parser, for line and column on errors) and refused if it is an UPDATE or LOAD, uses
SERVICE, or names an outside graph with FROM / FROM NAMED. It then runs on pyoxigraph in a worker
process that is killed at the time limit, because neither engine can be interrupted by a signal.
Queries see the default graph as the union of all named graphs. The worker runs ``execute``, which
sorts the rows of a final ORDER BY itself (pyoxigraph's sort reads strings from disk again at each
comparison).
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kg import resources
from kg.errors import KgError, MissingInput, QueryRejected, QuerySyntaxError, QueryTimeout, UnknownQuery, UpdateRefused
from kg.namespaces import GRAPH, ID, PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox

DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class NamedQuery:
    """A query file of queries/ with the question its first comment line asks."""

    name: str
    question: str
    path: Path


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    """The named queries, sorted by name."""
    folder = folder or resources.queries_dir()
    out = []
    for path in sorted(folder.glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
        out.append(NamedQuery(path.stem, first.lstrip("# ").strip(), path))
    return out


def load_query(ref: str, stdin_text: str | None = None) -> tuple[str, str]:
    """The text of a query given as a name of queries/, a file path, or ``-`` (standard input).

    Returns (text, where) — where names the source for error messages.
    """
    if ref == "-":
        if stdin_text is not None:
            return stdin_text, "<stdin>"
        if hasattr(sys.stdin, "buffer"):
            return _decoded(sys.stdin.buffer.read(), "<stdin>"), "<stdin>"
        return sys.stdin.read(), "<stdin>"
    for named in list_queries():
        if named.name == ref:
            return _decoded(named.path.read_bytes(), str(named.path)), str(named.path)
    path = Path(ref)
    if path.is_file():
        return _decoded(path.read_bytes(), str(path)), str(path)
    names = ", ".join(q.name for q in list_queries())
    raise UnknownQuery(f"no named query or file `{ref}`", ref, f"use one of: {names}; or a path to a .rq file")


def _decoded(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuerySyntaxError(
            "the query is not valid UTF-8", f"{where}, byte {exc.start}", "save the query as UTF-8"
        ) from None


def bind_params(text: str, params: dict[str, str], where: str = "query") -> str:
    """Replace the default of the ``VALUES ?name { ... }`` blocks with the given value.

    A query may repeat a parameter's block (inside each branch of a UNION, or in a subquery, where
    the engine would not carry an outer binding in): every block of that name gets the value.

    A value is taken as: an IRI when written ``<...>`` or starting with http(s)://; a registry actor
    when it is an id such as ``tunisia``; otherwise a plain string.

    Raises:
        UnknownQuery: the query has no ``VALUES ?name`` block for a parameter.
    """
    from kg.registry import SLUG

    for name, value in params.items():
        pattern = re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^}]*\}")
        if not pattern.search(text):
            raise UnknownQuery(
                f"the query has no parameter `{name}`", where, "parameters are the variables of its VALUES blocks"
            )
        if value.startswith("<") and value.endswith(">"):
            term = value
        elif value.startswith(("http://", "https://")):
            term = f"<{value}>"
        elif SLUG.match(value):
            term = f"<{ID['actor/' + value]}>"
        else:
            term = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        replacement = f"VALUES ?{name} {{ {term} }}"
        # backslashes escaped so that re takes the replacement literally
        text = pattern.sub(replacement.replace("\\", "\\\\"), text)
    return text


# deeper nesting than this is refused before any parser sees it: rdflib's parser recurses about 30
# Python frames per level, and pyoxigraph's overflows the C stack (a crash) a few thousand deep
MAX_NESTING = 100
_RECURSION_LIMIT = 20_000  # enough for rdflib to parse MAX_NESTING levels of any bracket
_parse_lock = threading.Lock()


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _parse(text: str, where: str) -> Any:
    """rdflib's algebra of a query; an update is refused, a syntax error reported with its place."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        try:
            request = parseUpdate(text).request
        except ParseException:
            raise QuerySyntaxError(
                f"the query is not valid SPARQL: {exc.msg}", f"{where}:{exc.lineno}:{exc.col}", "fix the syntax"
            ) from None
        if not request:  # nothing but white space, comments and prologue
            raise QuerySyntaxError(
                "the query is empty", where, "write a SELECT, ASK, CONSTRUCT or DESCRIBE query"
            ) from None
        if any(operation.name == "Load" for operation in request):
            raise QueryRejected(
                "the query is a LOAD, an UPDATE that fetches a graph; kg never fetches graphs and only reads",
                where,
                "use SELECT, ASK, CONSTRUCT or DESCRIBE on the built graph",
            ) from None
        raise UpdateRefused(
            "the query is an UPDATE; kg only reads", where, "use SELECT, ASK, CONSTRUCT or DESCRIBE"
        ) from None
    try:
        return translateQuery(parsed).algebra
    except Exception as exc:  # rdflib raises a bare Exception for an undeclared prefix
        if "prefix" not in str(exc).lower():
            raise
        import pyoxigraph as ox

        try:  # pyoxigraph's parser says where the undeclared prefix is
            ox.Store().query(text)
        except SyntaxError as located:
            raise QuerySyntaxError(*_engine_syntax_error(located, where)) from None
        raise QuerySyntaxError(
            f"the query is not valid SPARQL: {exc}", where, "declare the prefix with a PREFIX line"
        ) from None


def check_query(text: str, where: str = "query", base_iri: str | None = None) -> str:
    """Parse and vet a query; returns its form (SelectQuery, AskQuery, ConstructQuery, DescribeQuery).

    Three steps, before anything runs: a lexical guard against nesting deeper than MAX_NESTING;
    rdflib's parser, whose algebra shows an UPDATE, SERVICE or FROM; and pyoxigraph's parser (the
    engine that will run the query), which is stricter about scoping and VALUES rows.

    Raises:
        QuerySyntaxError: not valid SPARQL, with line and column.
        QueryRejected: a LOAD, SERVICE, FROM / FROM NAMED with a graph outside kg, nesting deeper
            than MAX_NESTING, or a function the engine does not have; UpdateRefused (a
            QueryRejected) for any other UPDATE.

    ``base_iri`` resolves relative IRIs; kg's own queries have none, so there a relative IRI is an
    error (write a BASE declaration).
    """
    import pyoxigraph as ox
    from rdflib.plugins.sparql.parserutils import CompValue

    from kg.rdffile import nesting

    deepest, offset = nesting(text)
    if deepest > MAX_NESTING:
        raise QueryRejected(
            f"the query nests brackets {deepest} deep; kg accepts at most {MAX_NESTING}",
            f"{where}:{_position(text, offset)}",
            "flatten the query",
        )
    with _parse_lock:  # the recursion limit is the interpreter's, shared by every thread
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
        try:
            algebra = _parse(text, where)
        finally:
            sys.setrecursionlimit(limit)
    for clause in algebra.get("datasetClause") or []:
        iri = clause.get("default") or clause.get("named")
        if iri is not None and not str(iri).startswith(str(GRAPH)):
            raise QueryRejected(
                f"FROM <{iri}> names a graph outside kg; kg never fetches graphs", where, "remove the FROM clause"
            )

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryRejected("SERVICE is not allowed: queries never reach the network", where, "remove SERVICE")
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(algebra)
    # pyoxigraph parses and plans without evaluating until its result is read; nothing is read here,
    # and SERVICE is already refused, so this reaches no data and no network
    try:
        ox.Store().query(text, base_iri=base_iri)
    except SyntaxError as exc:
        raise QuerySyntaxError(*_engine_syntax_error(exc, where)) from None
    except (RuntimeError, ValueError) as exc:
        raise QueryRejected(f"the query cannot run on kg's engine: {exc}", where, "rewrite that part") from None
    return str(algebra.name)


def _engine_syntax_error(exc: SyntaxError, where: str) -> tuple[str, str, str]:
    """What, where and remedy of one of pyoxigraph's query syntax errors ("error at 3:1: expected ...")."""
    message = " ".join(str(exc).split())
    match = re.match(r"error at (\d+):(\d+): (.*)", message)
    if match:
        where, message = f"{where}:{match[1]}:{match[2]}", match[3]
    # among the tokens pyoxigraph expected, its own explanations read as words ("Prefix not found")
    words = re.findall(r"(?:(?<=one of )|(?<=, ))([A-Z][A-Za-z*]*(?: [A-Za-z*()'-]+){1,})(?=,|$)", message)
    if words:
        message = "; ".join(words)
    if len(message) > 160:
        message = message[:157] + "..."
    return f"the query is not valid SPARQL: {message}", where, "fix the syntax"


# a final ORDER BY of plain variables: kg sorts those rows itself (see _solution_rows)
_ORDER_BY = re.compile(r"\bORDER\s+BY((?:\s*(?:\?\w+|(?:ASC|DESC)\s*\(\s*\?\w+\s*\)))+)\s*\Z", re.IGNORECASE)
_CONDITION = re.compile(r"(?:(ASC|DESC)\s*\(\s*)?\?(\w+)", re.IGNORECASE)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRINGS = {_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
_NUMBERS: dict[str, Any] = {_XSD + "integer": int, _XSD + "decimal": Decimal}


def split_order(text: str) -> tuple[str, list[tuple[str, bool]]]:
    """The query without its final ``ORDER BY`` of plain variables, and those (name, descending).

    Only an ORDER BY that ends the query and orders by variables (``?a DESC(?b) ASC(?c)``) is
    split off: a subquery's is followed by ``}``, one with LIMIT or OFFSET or by an expression
    is not matched. A query without one comes back unchanged, with no keys.
    """
    match = _ORDER_BY.search(text)
    if match is None:
        return text, []
    keys = [(name, (how or "").upper() == "DESC") for how, name in _CONDITION.findall(match.group(1))]
    return text[: match.start()], keys


def _cell_of(term: Any) -> tuple[str | None, int, str]:
    """A pyoxigraph term (or None) as (value, kind, datatype); kinds as _cell_keys reads them."""
    import pyoxigraph as ox

    if term is None:
        return None, _UNBOUND, ""
    if isinstance(term, ox.NamedNode):
        return term.value, _IRI, ""
    if isinstance(term, ox.Literal):
        return term.value, _LITERAL, term.datatype.value
    return getattr(term, "value", str(term)), _OTHER, ""


# kinds of term in a result cell
_UNBOUND, _IRI, _LITERAL, _OTHER = range(4)


def _cell_keys(cells: list[tuple[str | None, int, str]]) -> list[Any] | None:
    """Keys that order a column of (value, kind, datatype) cells as SPARQL's ORDER BY does, or None if unsure.

    Unbound, then IRIs, then literals (SPARQL 1.1, 15.1); literals compared by value when all
    are strings (plain or language-tagged: by the string, as pyoxigraph does) or all are of one
    numeric type. Blank nodes and other literal types are left to the engine.
    """
    datatypes = {datatype for _, kind, datatype in cells if kind == _LITERAL}
    convert: Any
    if datatypes <= _STRINGS:
        convert = str
    elif len(datatypes) == 1 and (number := _NUMBERS.get(next(iter(datatypes)))) is not None:
        convert = number
    else:
        return None
    try:
        if all(kind == _LITERAL for _, kind, _ in cells):  # the usual case: values only
            return [convert(value) for value, _, _ in cells]
        if any(kind == _OTHER for _, kind, _ in cells):
            return None  # blank nodes, triples
        return [
            (0, "") if kind == _UNBOUND else (1, value) if kind == _IRI else (2, convert(value))
            for value, kind, _ in cells
        ]
    except (ValueError, ArithmeticError):  # an ill-typed number ("x"^^xsd:integer): the engine knows
        return None


_TSV_ESCAPE = re.compile(r'\\([tnr"\\])')
_TSV_UNESCAPED = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _tsv_unescape(match: re.Match[str]) -> str:
    return _TSV_UNESCAPED[match[1]]


def _tsv_string(quoted: str) -> str:
    """The string of a TSV literal's quoted part, without its quotes (pyoxigraph escapes five characters)."""
    inner = quoted[1:-1]
    return _TSV_ESCAPE.sub(_tsv_unescape, inner) if "\\" in inner else inner


def _literal_datatype(suffix: str) -> str:
    """The datatype of a TSV literal from what follows its closing quote: nothing, a language tag, or ^^<IRI>."""
    if not suffix:
        return _XSD + "string"
    if suffix[0] == "@":  # a language tag, with a direction after "--" (RDF 1.2)
        return _RDF + ("dirLangString" if "--" in suffix else "langString")
    return suffix[3:-1]


def _tsv_cell(cell: str) -> tuple[str | None, int, str]:
    """One cell of pyoxigraph's TSV results as (value, kind, datatype)."""
    if not cell:
        return None, _UNBOUND, ""
    first = cell[0]
    if first == "<":
        return cell[1:-1], _IRI, ""
    if first == '"':
        end = cell.rindex('"')  # neither a language tag nor an IRI holds a quote
        return _tsv_string(cell[: end + 1]), _LITERAL, _literal_datatype(cell[end + 1 :])
    if cell.startswith("_:"):
        return cell[2:], _OTHER, ""
    # a number or boolean written bare, its value as it is
    if cell in ("true", "false"):
        datatype = "boolean"
    elif "e" in cell or "E" in cell:
        datatype = "double"
    elif "." in cell:
        datatype = "decimal"
    else:
        datatype = "integer"
    return cell, _LITERAL, _XSD + datatype


def _tsv_column(
    cells: list[str], keyed: bool, escaped: bool = True, directional: bool = True
) -> tuple[list[str | None], list[Any] | None]:
    """The values of one TSV column, and (when ``keyed``) its sort keys or None (see _cell_keys).

    A column of IRIs only, of strings only (plain or language-tagged) or of integers of at least 0
    written bare is read a column at a time; others a cell at a time. ``escaped``: whether the
    answer may hold an escape (a backslash); ``directional``: whether it may hold a language tag
    with a direction (``@ar--rtl``, of rdf:dirLangString, which kg leaves the engine to sort).
    """
    firsts = {cell[:1] for cell in cells}
    if firsts == {"<"}:
        iris: list[str | None] = [cell[1:-1] for cell in cells]
        return iris, iris  # IRIs only: ordered by their text
    if firsts == {'"'}:
        strings: list[str] | None = None
        lasts = {cell[-1] for cell in cells}
        if lasts == {'"'}:  # plain strings: nothing after the closing quote
            strings = [cell[1:-1] for cell in cells]
        elif ">" not in lasts and not directional:  # and language-tagged ones (a datatype would end with ">")
            strings = [cell[1 : cell.rindex('"')] for cell in cells]
        else:
            ends = [cell.rindex('"') for cell in cells]  # neither a language tag nor an IRI holds a quote
            suffixes = {cell[end + 1 :] for cell, end in zip(cells, ends, strict=True)}
            if {_literal_datatype(suffix) for suffix in suffixes} <= _STRINGS:
                strings = [cell[1:end] for cell, end in zip(cells, ends, strict=True)]
        if strings is not None:
            if escaped:
                strings = [_TSV_ESCAPE.sub(_tsv_unescape, v) if "\\" in v else v for v in strings]
            return cast("list[str | None]", strings), strings  # strings only: ordered by their text
    if all(cell.isdigit() for cell in cells):  # counts: integers written bare, at least 0
        numbers: list[str | None] = list(cells)
        return numbers, [int(cell) for cell in cells] if keyed else None
    parsed = [_tsv_cell(cell) for cell in cells]
    return [value for value, _, _ in parsed], _cell_keys(parsed) if keyed else None


def _engine_rows(store: ox.Store, text: str) -> list[list[str | None]]:
    """The rows of ``text`` run whole (its ORDER BY too), read term by term."""
    import pyoxigraph as ox

    result = store.query(text, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions):
        return []
    return [[_cell_of(term)[0] for term in solution] for solution in result]


def _solution_rows(
    store: ox.Store, text: str, result: ox.QuerySolutions, keys: list[tuple[str, bool]]
) -> tuple[list[str], list[list[str | None]]]:
    """Column names and rows of a SELECT result, sorted by ``keys`` (the ORDER BY split off ``text``).

    The solutions are read as TSV written by pyoxigraph, in one call, rather than as a Python
    object per term (a few times faster for tens of thousands of rows).

    The final ORDER BY is applied here, on the rows read, instead of by pyoxigraph, which reads
    every string it compares from the database again (sorting 25,000 rows read hundreds of
    thousands of them). Rows tied on every key keep the engine's order, which SPARQL leaves open.
    When a key column holds terms whose order kg does not reproduce (blank nodes, mixed or other
    datatypes, a variable not selected), the whole query is run again with its ORDER BY.
    """
    import pyoxigraph as ox

    names = [v.value for v in result.variables]
    data = (result.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode("utf-8")
    if "<<" in data:  # RDF-star triples (or "<<" in a string): read term by term
        return names, _engine_rows(store, text)
    if not names:  # the header, then an empty line per row
        return names, [[] for _ in range(data.count("\n") - 1)]
    # the header, then a line per row (line breaks in values are escaped): all the cells in one
    # list, each column a slice of it
    cells = data.replace("\n", "\t").split("\t")
    width, key_names = len(names), {name for name, _ in keys}
    escaped, directional = "\\" in data, "--" in data
    columns = [
        _tsv_column(cells[width + i : -1 : width], name in key_names, escaped, directional)
        for i, name in enumerate(names)
    ]
    rows = list(map(list, zip(*(values for values, _ in columns), strict=True)))
    if keys and rows:
        sort_keys = [columns[names.index(name)][1] if name in names else None for name, _ in keys]
        if any(k is None for k in sort_keys):
            return names, _engine_rows(store, text)
        order = list(range(len(rows)))
        for column_keys, (_, descending) in reversed(list(zip(sort_keys, keys, strict=True))):
            assert column_keys is not None
            order.sort(key=column_keys.__getitem__, reverse=descending)
        rows = [rows[i] for i in order]
    return names, rows


def execute(store: ox.Store, text: str) -> tuple[str, Any, Any]:
    """Run a checked query on ``store`` (default graph = union of all graphs).

    Returns what ``run_query`` returns: ("select", column names, rows), ("ask", ["ask"],
    [["true"|"false"]]) or ("graph", Turtle, None). The benchmark times this function.
    """
    import pyoxigraph as ox

    body, keys = split_order(text)
    result = store.query(body, use_default_graph_as_union=True)
    if isinstance(result, ox.QuerySolutions):
        return ("select", *_solution_rows(store, text, result, keys))
    if isinstance(result, ox.QueryBoolean):
        return "ask", ["ask"], [[str(bool(result)).lower()]]
    return "graph", turtle_of_ntriples(result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""), None


def open_source(source: Path) -> ox.Store:
    """What queries run on: a built store opened read-only in place, or a graph file loaded into memory.

    A file is read strictly, in the syntax its extension names (:mod:`kg.rdffile`).

    Raises:
        FileFormatError: the file is not valid in its syntax, or is RDF/XML or JSON-LD.
    """
    import pyoxigraph as ox

    if source.is_dir():
        from kg.store import open_read_only

        return open_read_only(source)
    from kg.rdffile import format_of, syntax_error

    fmt = format_of(source)
    store = ox.Store()
    try:
        store.load(path=str(source), format=fmt)
    except SyntaxError as exc:
        raise syntax_error(exc, source, "the graph file", fmt, "rebuild it with `kg build`, or fix the file") from None
    return store


def _worker(source: str, text: str, conn: Any) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops this worker
    try:
        try:
            store = open_source(Path(source))
        except KgError as exc:  # the file's fault, not the query's: raised as it is in the parent
            conn.send(("kgerror", exc, None))
            return
        conn.send(execute(store, text))
    except Exception as exc:  # reported to the parent, which raises a KgError
        from kg.store import store_failure

        failure = store_failure(exc, Path(source)) if Path(source).is_dir() else None
        conn.send(("kgerror", failure, None) if failure is not None else ("error", str(exc), None))
    finally:
        conn.close()


def turtle_of_ntriples(ntriples: bytes) -> str:
    """N-Triples as sorted Turtle with kg's prefixes: how CONSTRUCT and DESCRIBE answers are shown.

    The lines are sorted as bytes, which pyoxigraph writes without building Python objects: the
    order of (subject, predicate, object), as a term that is the start of another (`"a"`,
    `"a"@en`) goes on in it with a character above the space that ends it on its line. Prefixes
    are given only for namespaces of the triples' IRIs whose names have no "/" (Turtle would
    escape it as "\\/").
    """
    import pyoxigraph as ox

    lines = sorted(ntriples.splitlines())
    candidates = {k: v for k, v in PREFIXES.items() if k not in ("id", "topic", "graph")}
    if b"<<" in ntriples:  # RDF-star: quoted triples hold spaces; the IRIs are taken line by line
        terms: set[bytes] = set()
        for line in lines:
            subject, predicate, rest = line.split(b" ", 2)  # only the object (a literal) may hold spaces
            terms.update((subject, predicate, rest[:-2]))
        iris = b" ".join(term for term in terms if term.startswith(b"<"))
        used = {k: v for k, v in candidates.items() if b"<" + v.encode() in iris}
    else:
        used = _prefixes_used(ntriples, candidates)
    triples = ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b""
    return turtle.decode("utf-8")


def _prefixes_used(ntriples: bytes, candidates: dict[str, str]) -> dict[str, str]:
    """The candidate prefixes whose namespace starts a subject, predicate or object of the N-Triples (no RDF-star).

    Found on the bytes, without splitting lines, in one pass for all the namespaces: ``<namespace``
    starts a term at the start of a line, or after its first or second space (subjects and
    predicates hold no space; an object that is a literal starts with a quote, so a
    ``<namespace`` inside it comes after a third space or after another character).
    """
    remaining = {name: b"<" + namespace.encode() for name, namespace in candidates.items()}
    used = set()
    at = 0
    while remaining:
        match = re.compile(b"|".join(re.escape(needle) for needle in remaining.values())).search(ntriples, at)
        if match is None:
            break
        at = match.start()
        start = ntriples.rfind(b"\n", 0, at) + 1
        if at == start or (ntriples[at - 1 : at] == b" " and ntriples.count(b" ", start, at) <= 2):
            for name, needle in list(remaining.items()):
                if ntriples.startswith(needle, at):
                    used.add(name)
                    del remaining[name]
        at += 1
    return {name: namespace for name, namespace in candidates.items() if name in used}


def graph_turtle(triples: list[Any]) -> str:
    """pyoxigraph triples (a remote answer, parsed) as :func:`turtle_of_ntriples` shows them."""
    import pyoxigraph as ox

    return turtle_of_ntriples(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")


def require_built(graph_file: Path) -> None:
    """Raise MissingInput unless ``graph_file`` (the TriG ``kg build`` writes) exists."""
    if graph_file.is_file():
        return
    from kg.store import STORE_DIR, is_built

    store = graph_file.parent / STORE_DIR
    if is_built(store):  # a large build: the store is there, the files are not written
        raise MissingInput(
            f"no built graph at {graph_file}; `kg build` writes it only for graphs of up to 100,000 triples",
            str(graph_file),
            f"query {store} with `kg query`, or write a TriG file with "
            f"`kg export --store {store} --format trig -o FILE` and pass --graph FILE",
        )
    raise MissingInput(f"no built graph at {graph_file}", str(graph_file), "run `kg build` first, or pass --graph")


def query_source(graph_file: Path | None, store: Path) -> Path:
    """What a query reads: the TriG file if one is given, else the built store, else out/kg.trig."""
    if graph_file is not None:
        return graph_file
    from kg.store import is_built

    if is_built(store):
        return store
    return Path("out/kg.trig")


def run_query(
    text: str, graph_file: Path, where: str = "query", timeout: float = DEFAULT_TIMEOUT
) -> tuple[str, Any, Any]:
    """Check and run a query in a worker process killed after ``timeout`` seconds.

    ``graph_file`` is a built store (``<out>/store``, queried in place) or a TriG file (loaded
    into memory first). A store is read under its read lock: a running build makes the query
    wait, at most ``timeout`` seconds.

    Returns ("select", column names, rows), ("ask", ["ask"], [["true"|"false"]]) or ("graph", turtle, None).

    Raises:
        QueryError subclasses (StoreBusy: a build held the store too long). MissingInput: no such file.
    """
    check_query(text, where)
    if graph_file.is_dir():
        from kg.store import reading

        with reading(graph_file, timeout):
            return _run_in_worker(text, graph_file, where, timeout)
    require_built(graph_file)
    from kg.rdffile import format_of

    format_of(graph_file)  # an RDF/XML or JSON-LD file is refused here, before a worker starts
    return _run_in_worker(text, graph_file, where, timeout)


def _run_in_worker(text: str, graph_file: Path, where: str, timeout: float) -> tuple[str, Any, Any]:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(str(graph_file), text, child), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise QueryTimeout(
                f"the query ran longer than {timeout:g} s and was stopped", where, "narrow it, or raise --timeout"
            )
        kind, first, second = parent.recv()
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    if kind == "kgerror":
        raise first
    if kind == "error":
        raise QuerySyntaxError(f"the query failed: {first}", where, "fix the query")
    return kind, first, second


def format_result(kind: str, first: Any, second: Any, fmt: str) -> str:
    """A query result as text: table, csv, tsv or json (graphs are always Turtle)."""
    import csv
    import io
    import json

    if kind == "graph":
        return str(first) if str(first).endswith("\n") else str(first) + "\n"
    names, rows = first, second
    if fmt == "json":
        return json.dumps([dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False, indent=1) + "\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(names)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        return buffer.getvalue()
    widths = [min(60, max([len(n)] + [len(str(r[i] or "")) for r in rows])) for i, n in enumerate(names)]

    def line(values: list[str]) -> str:
        return "  ".join(str(v or "")[:w].ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(names), line(["-" * w for w in widths])] + [line(row) for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
