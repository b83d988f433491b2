"""Errors kg raises, and the exit codes the command line maps them to.

Every failure a user can cause is a :class:`KgError` whose message has three parts: what failed,
where (a file with line and column, an article id, an offset) and a remedy. The CLI prints it as
one line, ``Error: <what> (<where>) — <remedy>``, and exits with the class's ``exit_code``::

    KgError                      exit 1   anything else kg reports
    ├── InputError               exit 3   a data, ontology or annotation file is wrong
    │   ├── FileFormatError               not UTF-8, malformed YAML/Turtle, YAML typing trap, bad tag
    │   ├── SchemaError                   a field is missing, of the wrong type or not allowed
    │   ├── DuplicateId                   an id (or a mapping key) is defined twice
    │   ├── UnknownEntity                 an annotation names an id that is not defined
    │   ├── SpanMismatch                  offsets out of range, reversed, or not matching the text
    │   ├── MissingInput                  a folder or file kg needs is absent
    │   ├── StoreDamaged                  the store's database is corrupt or unreadable (rebuild it)
    │   └── UnsupportedShape              a SHACL feature kg's native validator does not implement
    ├── ValidationFailed         exit 4   the built graph violates the SHACL shapes
    ├── OutputError              exit 5   an output could not be written (earlier outputs kept)
    │   └── BuildLocked                   another kg build is writing the same store
    ├── QueryError               exit 6   a SPARQL query is wrong, refused or too slow
    │   ├── QuerySyntaxError              not valid SPARQL (with line and column)
    │   ├── QueryRejected                 UPDATE, LOAD, SERVICE or FROM <outside IRI>
    │   │   └── UpdateRefused             an UPDATE (kg serve answers it with 403)
    │   ├── UnknownQuery                  no named query or file by that name
    │   ├── QueryTimeout                  the query ran past its time limit and was stopped
    │   ├── StoreBusy                     a build kept the store locked for the whole time limit
    │   ├── TooManyRows                   the answer has more rows than kg serve's row cap
    │   └── ServerBusy                    every kg serve worker stayed busy for the whole wait
    ├── RemoteError              exit 7   a remote SPARQL server (kg push, kg query --endpoint) failed
    │   ├── RemoteUnreachable             connection refused, unknown host, connection dropped
    │   ├── RemoteTimeout                 no connection, or no answer, within the timeout
    │   ├── RemoteAuthFailed              HTTP 401 or 403: credentials missing, wrong or not allowed
    │   ├── RemoteRefused                 any other HTTP error, or an answer that is not SPARQL results
    │   ├── RemotePartial                 HTTP 206, a truncated answer, or a graph stored incompletely
    │   └── RemoteNoData                  no kg graph there, or a default graph that is not the union
    ├── AddressInUse             exit 2   kg serve cannot listen on the --host and --port given
    └── Interrupted              exit 130 stopped by Ctrl-C (SIGINT); nothing half-written is left
        └── Terminated           exit 143 stopped by SIGTERM (kill PID)

Exit code 2 is otherwise click's, for a wrong command line.
"""

from __future__ import annotations


class KgError(Exception):
    """Base class of every error kg reports to a user."""

    exit_code = 1

    def __init__(self, what: str, where: str = "", remedy: str = "") -> None:
        self.what = what
        self.where = where
        self.remedy = remedy
        super().__init__(self.line())

    def __reduce__(self) -> tuple[type[KgError], tuple[str, str, str]]:
        # keeps the three parts when an error crosses a process boundary (build workers)
        return (self.__class__, (self.what, self.where, self.remedy))

    def line(self) -> str:
        """The error as one line: what (where) — remedy."""
        text = self.what
        if self.where:
            text += f" ({self.where})"
        if self.remedy:
            text += f" — {self.remedy}"
        return " ".join(text.split())


class InputError(KgError):
    """A file kg reads is wrong; nothing was written."""

    exit_code = 3


class FileFormatError(InputError):
    """A file cannot be decoded or parsed (encoding, YAML, Turtle)."""


class SchemaError(InputError):
    """A field of an annotation or registry file is missing, mistyped or unknown."""


class DuplicateId(InputError):
    """The same id or mapping key is defined twice."""


class UnknownEntity(InputError):
    """An annotation refers to an id that neither it nor the registry defines."""


class SpanMismatch(InputError):
    """Character offsets are out of range or do not match the article text."""


class MissingInput(InputError):
    """A folder or file kg needs does not exist."""


class StoreDamaged(InputError):
    """The store's database cannot be read: files corrupt, truncated or missing (it can be rebuilt)."""


class UnsupportedShape(InputError):
    """A shapes file uses a SHACL feature that kg's native validator does not implement."""


class ValidationFailed(KgError):
    """The graph violates the SHACL shapes; ``report`` holds the readable report."""

    exit_code = 4

    def __init__(self, what: str, where: str = "", remedy: str = "", report: str = "", graph: str = "") -> None:
        super().__init__(what, where, remedy)
        self.report = report
        self.graph = graph  # IRI of the failing named graph, when known

    def __reduce__(self) -> tuple[type[KgError], tuple[str, str, str, str, str]]:  # type: ignore[override]
        return (self.__class__, (self.what, self.where, self.remedy, self.report, self.graph))


class OutputError(KgError):
    """An output could not be written; earlier outputs are left as they were."""

    exit_code = 5


class BuildLocked(OutputError):
    """Another build holds the store's lock; this one stopped before writing anything."""


class QueryError(KgError):
    """A SPARQL query cannot be run."""

    exit_code = 6


class QuerySyntaxError(QueryError):
    """The query is not valid SPARQL."""


class QueryRejected(QueryError):
    """The query would write, or reach outside the local graph."""


class UpdateRefused(QueryRejected):
    """The query is an UPDATE: kg only reads."""


class UnknownQuery(QueryError):
    """No named query or file by that name."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and its worker was stopped."""


class StoreBusy(QueryError):
    """A build held the store for longer than the query's time limit."""


class RemoteError(KgError):
    """A remote SPARQL server could not be used; the message names its URL, never the password."""

    exit_code = 7


class RemoteUnreachable(RemoteError):
    """Nothing answers at the URL, or the connection dropped mid-request."""


class RemoteTimeout(RemoteError):
    """No connection within the connect timeout, or no answer within the read timeout."""


class RemoteAuthFailed(RemoteError):
    """The server answered 401 or 403."""


class RemoteRefused(RemoteError):
    """The server answered with another HTTP error, or with something that is not SPARQL results."""


class RemotePartial(RemoteError):
    """The server answered in part (HTTP 206, rows cut at a limit) or stored a graph incompletely."""


class RemoteNoData(RemoteError):
    """The server holds no kg graph in its default graph (nothing pushed, or no union default graph)."""


class TooManyRows(QueryError):
    """The answer has more rows than the server hands out in one response."""


class ServerBusy(QueryError):
    """Every worker of the server stayed busy for as long as a request may wait."""


class AddressInUse(KgError):
    """The server cannot listen on the address given (taken, or not an address of this machine)."""

    exit_code = 2


class Interrupted(KgError):
    """The command was stopped by Ctrl-C (SIGINT); temporary files were removed, outputs kept."""

    exit_code = 130  # 128 + SIGINT, as shells report it


class Terminated(Interrupted):
    """The command was stopped by SIGTERM."""

    exit_code = 143  # 128 + SIGTERM


EXIT_CODES = {
    0: "success",
    1: "unexpected error inside kg (please report it)",
    2: "wrong command line (unknown option, missing argument, an address kg serve cannot listen on)",
    InputError.exit_code: "bad input: a data, annotation, registry or ontology file is wrong, or the store is damaged",
    ValidationFailed.exit_code: "the built graph violates the SHACL shapes",
    OutputError.exit_code: "an output could not be written, or another build is writing the same store",
    QueryError.exit_code: "a SPARQL query is not valid, was refused, or ran past its time limit",
    RemoteError.exit_code: "a remote SPARQL server is unreachable, refused, timed out or answered in part",
    Interrupted.exit_code: "stopped by Ctrl-C (SIGINT); earlier outputs kept, no temporary files left",
    Terminated.exit_code: "stopped by SIGTERM; earlier outputs kept, no temporary files left",
}
