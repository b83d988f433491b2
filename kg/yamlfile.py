"""Strict reading of YAML files: positions for every error, no typing traps, no tags, no aliases.

PyYAML follows YAML 1.1, where an unquoted ``NO``, ``on`` or ``2020-07-13`` is a boolean or a date.
kg reads the node tree (``yaml.compose``) instead of constructed objects, so every value is checked
against the type the field needs and every error names ``file:line:column``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kg.errors import DuplicateId, FileFormatError, InputError, MissingInput, SchemaError

_T = "tag:yaml.org,2002:"
_STR, _INT, _SEQ, _MAP = _T + "str", _T + "int", _T + "seq", _T + "map"
_PLAIN_TAGS = {"str", "int", "bool", "null", "float", "timestamp", "seq", "map"}
_READ_AS = {
    _T + "bool": "a boolean",
    _T + "null": "null",
    _T + "timestamp": "a date",
    _T + "float": "a number",
    _T + "int": "a number",
}


# the largest article kg reads (kg build, kg extract, kg add): a long news article is ~50 kB, so
# anything past 2 MB is not one article, and refusing it before reading keeps memory bounded
MAX_ARTICLE_BYTES = 2 * 10**6


def read_text(path: Path, what: str, max_bytes: int | None = None) -> str:
    """Read a UTF-8 text file, raising FileFormatError naming the byte offset of bad input.

    A file of more than ``max_bytes`` bytes is refused before it is read.

    Raises:
        MissingInput: there is no such file.
        InputError: it cannot be read (a folder, no permission).
        FileFormatError: it is too big, not UTF-8, or starts with a byte-order mark.
    """
    name = what.removeprefix("the ")
    try:
        if max_bytes is not None and (size := path.stat().st_size) > max_bytes:
            raise FileFormatError(
                f"{what} is {size / 1e6:.1f} MB; kg handles news articles up to {max_bytes / 1e6:g} MB",
                str(path),
                "split it into articles",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise MissingInput(
            f"the {name} file does not exist", str(path), "give its path, or run kg where data/ is (or pass --data)"
        ) from None
    except OSError as exc:
        raise InputError(f"the {name} file cannot be read: {exc.strerror}", str(path), "check the path") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{what} is not valid UTF-8",
            f"{path}, byte {exc.start}",
            "save the file as UTF-8",
        ) from None
    if text.startswith("\ufeff"):
        raise FileFormatError(f"{what} starts with a byte-order mark", str(path), "save it as UTF-8 without BOM")
    return text


def _compose(text: str) -> yaml.Node | None:
    """The node tree of a YAML text, composed by libyaml when PyYAML has it.

    libyaml composes about ten times faster and gives the same nodes, tags, marks and aliases (the
    checks below work on nodes either way), but words its syntax errors differently; on an error
    the pure-Python composer runs again so that messages stay the same with or without libyaml.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


# the longest string a data file may hold: far above any label, quotation or sentence, far below
# what would make a graph or a page unwieldy
MAX_STRING = 20_000
# control characters other than tab and line breaks, and lone surrogates (YAML's "\\ud800" escape
# makes one): RDF syntaxes, the HTML page and most tools downstream choke on them
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _char_name(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return f"a lone surrogate ({code})"
    return "NUL (U+0000)" if char == "\x00" else f"a control character ({code})"


class YamlDoc:
    """A parsed YAML file whose nodes are read with position-aware, type-checked accessors."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        self.what = what
        text = read_text(path, what)
        try:
            root = _compose(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            raise FileFormatError(
                f"{what} is not valid YAML: {exc.problem or exc.context}",
                where,
                "fix the YAML syntax",
            ) from None
        except yaml.YAMLError as exc:
            raise FileFormatError(f"{what} is not valid YAML: {exc}", str(path), "fix the YAML syntax") from None
        if root is None:
            raise SchemaError(f"{what} is empty", str(path), "see the file format in the README")
        self.root = root
        self._seen: set[int] = set()

    def where(self, node: yaml.Node) -> str:
        """``file:line:column`` of a node (1-based)."""
        mark = node.start_mark
        return f"{self.path}:{mark.line + 1}:{mark.column + 1}"

    def _visit(self, node: yaml.Node) -> None:
        # an alias makes compose return the same node object twice; refusing them rules out
        # exponential "billion laughs" documents and keeps every value at one place in the file
        if id(node) in self._seen:
            raise FileFormatError(
                "YAML anchors and aliases are not allowed", self.where(node), "write the value out in full"
            )
        self._seen.add(id(node))

    def mapping(
        self, node: yaml.Node, context: str, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()
    ) -> dict[str, yaml.Node]:
        """A mapping's values by key: checks duplicate, missing and unknown keys."""
        self._check_tag(node, context)
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            raise SchemaError(f"{context} must be a mapping", self.where(node), "write `key: value` lines")
        self._visit(node)
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.string(key_node, f"a key of {context}")
            if key in out:
                raise DuplicateId(f"key `{key}` appears twice in {context}", self.where(key_node), "keep one of them")
            out[key] = value_node
        missing = [k for k in required if k not in out]
        if missing:
            raise SchemaError(f"{context} lacks `{missing[0]}`", self.where(node), f"add `{missing[0]}:`")
        allowed = set(required) | set(optional)
        for key, value in out.items():
            if key not in allowed:
                raise SchemaError(
                    f"{context} has unknown key `{key}`",
                    self.where(value),
                    "allowed: " + ", ".join(sorted(allowed)),
                )
        return out

    def sequence(self, node: yaml.Node, context: str) -> list[yaml.Node]:
        """A sequence's items."""
        self._check_tag(node, context)
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            raise SchemaError(f"{context} must be a list", self.where(node), "write a `- item` list or [a, b]")
        self._visit(node)
        return list(node.value)

    def _check_tag(self, node: yaml.Node, context: str) -> None:
        # explicit tags (`!!python/object`, `!custom`) are refused before anything else is looked at
        if not node.tag.startswith(_T) or node.tag[len(_T) :] not in _PLAIN_TAGS:
            raise FileFormatError(
                f"{context} has YAML tag `{node.tag}`, which kg does not accept",
                self.where(node),
                "remove the tag",
            )

    def _scalar(self, node: yaml.Node, context: str) -> yaml.ScalarNode:
        self._check_tag(node, context)
        if not isinstance(node, yaml.ScalarNode):
            raise SchemaError(f"{context} must be a single value", self.where(node), "write a plain value")
        return node

    def string(self, node: yaml.Node, context: str) -> str:
        """A string value; an unquoted value YAML would read as another type is an error."""
        scalar = self._scalar(node, context)
        if scalar.tag != _STR:
            read_as = _READ_AS.get(scalar.tag, scalar.tag)
            raise FileFormatError(
                f"{context} `{scalar.value}` is read by YAML as {read_as}, not text",
                self.where(node),
                f'quote it: "{scalar.value}"',
            )
        value = str(scalar.value)
        if len(value) > MAX_STRING:
            raise SchemaError(
                f"{context} is {len(value):,} characters long; kg accepts at most {MAX_STRING:,}",
                self.where(node),
                "shorten it: a label, quotation or span is a phrase or a sentence",
            )
        bad = _FORBIDDEN.search(value)
        if bad:
            char = bad.group()
            raise FileFormatError(
                f"{context} holds {_char_name(char)} at character {bad.start() + 1}",
                self.where(node),
                "remove it: text in kg is printable Unicode (tabs and line breaks allowed)",
            )
        return value

    def optional_string(self, values: dict[str, yaml.Node], key: str, context: str) -> str | None:
        """A string value that may be absent or null."""
        node = values.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _T + "null"):
            return None
        return self.string(node, f"{context} `{key}`")

    def integer(self, node: yaml.Node, context: str) -> int:
        """A whole number written without quotes."""
        scalar = self._scalar(node, context)
        if scalar.tag != _INT:
            raise SchemaError(
                f"{context} `{scalar.value}` is not a whole number", self.where(node), "write digits only"
            )
        try:
            return int(str(scalar.value).replace("_", ""), 10)
        except ValueError:
            raise SchemaError(
                f"{context} `{scalar.value}` is not a decimal number", self.where(node), "write digits only"
            ) from None

    def number(self, node: yaml.Node, context: str) -> float:
        """A number such as 0.85."""
        scalar = self._scalar(node, context)
        if scalar.tag not in (_INT, _T + "float"):
            raise SchemaError(f"{context} `{scalar.value}` is not a number", self.where(node), "write e.g. 0.8")
        try:
            return float(str(scalar.value))
        except ValueError:
            raise SchemaError(
                f"{context} `{scalar.value}` is not a number", self.where(node), "write e.g. 0.8"
            ) from None

    def boolean(self, node: yaml.Node, context: str) -> bool:
        """true or false."""
        scalar = self._scalar(node, context)
        if scalar.tag != _T + "bool" or str(scalar.value).lower() not in ("true", "false"):
            raise SchemaError(f"{context} must be true or false", self.where(node), "write true or false")
        return str(scalar.value).lower() == "true"

    def strings(self, node: yaml.Node | None, context: str) -> tuple[str, ...]:
        """A list of strings (absent means empty)."""
        if node is None:
            return ()
        return tuple(self.string(item, f"an item of {context}") for item in self.sequence(node, context))
