"""Load, validate and display annotation codebooks (TOML).

A codebook names the annotation dimensions, their labels and the one-key
shortcut of every label, plus an optional actor gazetteer used for hints::

    name = "framing-default"
    version = 1
    queued_kinds = ["title", "body", "list_item", "block_quote"]

    [[dimensions]]
    id = "perspective"
    question = "Whose perspective does this sentence voice?"
    kind = "single"          # single | multi | ordinal

    [[dimensions.labels]]
    id = "pakistani_institute"
    name = "Pakistani institute"
    key = "1"
    definition = "..."
    example = "..."          # optional

    [[actors]]
    id = "taliban"
    name = "Taliban / IEA"
    aliases = ["Taliban", "Islamic Emirate", "IEA"]

Every problem in a codebook raises :class:`framing.models.FramingError` with a
one-line message naming the file, the place (and the line when it can be found
cheaply) and the problem, e.g.::

    my.toml: line 31: dimensions[1] "frame", labels[3] "Morality": duplicate key "3"
    (already used by labels[2] "Capacity_and_resources")

The labels of an ``ordinal`` dimension are in scale order (file order).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast

from framing.models import (
    DEFAULT_QUEUED_KINDS,
    DIMENSION_KINDS,
    UNIT_KINDS,
    Actor,
    Codebook,
    Dimension,
    DimensionKind,
    FramingError,
    Label,
)
from framing.wrap import wrap

__all__ = [
    "DEFAULT_CODEBOOK_SOURCE",
    "RESERVED_KEYS",
    "codebook_to_json",
    "default_codebook_text",
    "load_codebook",
    "parse_codebook",
    "render_codebook",
]

#: ``Codebook.path`` (and the file name in error messages) of the shipped codebook.
DEFAULT_CODEBOOK_SOURCE = "<default>"
_DEFAULT_PACKAGE = "framing.data"
_DEFAULT_RESOURCE = "default_codebook.toml"

# What the annotation screen uses each reserved key for (used in messages).
_RESERVED_PURPOSE: dict[str, str] = {
    "s": "skip",
    "q": "quit",
    "?": "help",
    "D": "the disagreements list",
    "c": "widening the context",
    "g": "the document list",
    "u": "the next unfinished unit",
    "r": "my labels",
    "h": "the hints panel",
    "/": "search",
    "f": "flag the unit",
    "n": "a note on the unit",
    "m": "merging units while adjudicating",
    " ": "space",
    "space": "space",
    "enter": "enter",
    "return": "enter",
    "backspace": "backspace",
    "delete": "delete",
    "escape": "escape",
    "tab": "tab",
    "up": "navigation",
    "down": "navigation",
    "left": "navigation",
    "right": "navigation",
    "home": "navigation",
    "end": "navigation",
    "pageup": "navigation",
    "pagedown": "navigation",
}

#: Keys the annotation UI binds itself; no label may use them. Label keys must in
#: any case be exactly one printable, non-space character, so the named keys
#: ("enter", "backspace", ...) are listed for the UI's benefit.
RESERVED_KEYS: frozenset[str] = frozenset(_RESERVED_PURPOSE)

_TOP_FIELDS = ("name", "version", "queued_kinds", "dimensions", "actors")
_DIM_FIELDS = ("id", "question", "kind", "labels")
_LABEL_FIELDS = ("id", "name", "key", "definition", "example")
_ACTOR_FIELDS = ("id", "name", "aliases")

# Ids are stored in the database and exported: keep them simple.
_ID_RE = re.compile(r"^\w[\w.\-]*$")
_TOML_POS_RE = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOML_END_RE = re.compile(r"^(?P<msg>.*?)\s*\(at end of document\)$")


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def default_codebook_text() -> str:
    """The TOML text of the codebook shipped with the package."""
    return resources.files(_DEFAULT_PACKAGE).joinpath(_DEFAULT_RESOURCE).read_text("utf-8")


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook file; ``None`` loads the shipped default.

    The returned ``Codebook.path`` is ``str(path)`` (or ``"<default>"``).
    Raises :class:`FramingError` (one line: file, place, problem) when the file
    cannot be read, is not UTF-8, is not valid TOML or is not a valid codebook.
    """
    if path is None:
        return parse_codebook(default_codebook_text(), DEFAULT_CODEBOOK_SOURCE)
    source = str(path)
    try:
        data = Path(path).expanduser().read_bytes()
    except FileNotFoundError:
        raise FramingError(f"{source}: cannot read codebook: no such file") from None
    except IsADirectoryError:
        raise FramingError(f"{source}: cannot read codebook: is a directory") from None
    except PermissionError:
        raise FramingError(f"{source}: cannot read codebook: permission denied") from None
    except OSError as exc:
        reason = _one_line(exc.strerror or str(exc))
        raise FramingError(f"{source}: cannot read codebook: {reason}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FramingError(
            f"{source}: line {line}, column {column}: not valid UTF-8 "
            f"(byte 0x{data[exc.start]:02x}); save the codebook as UTF-8"
        ) from None
    return parse_codebook(text, source)


def parse_codebook(text: str, source: str) -> Codebook:
    """Parse and validate codebook TOML ``text``; ``source`` names it in errors.

    The returned ``Codebook.path`` is ``source``.
    """
    if text.startswith("\ufeff"):  # tolerate a UTF-8 byte-order mark
        text = text[1:]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FramingError(f"{source}: {_toml_error(exc)}") from None
    except RecursionError:
        raise FramingError(f"{source}: invalid TOML: nested too deeply") from None
    return _Validator(raw, text, source).codebook()


def _toml_error(exc: tomllib.TOMLDecodeError) -> str:
    """``line L, column C: invalid TOML: <reason>`` from a tomllib error."""
    message = _one_line(str(getattr(exc, "msg", "") or str(exc)))
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    if isinstance(line, int) and isinstance(column, int):
        # Python >= 3.14: msg has no position suffix.
        message = _TOML_POS_RE.sub(r"\g<msg>", message)
        return f"line {line}, column {column}: invalid TOML: {message}"
    found = _TOML_POS_RE.match(message)
    if found:
        return f"line {found['line']}, column {found['col']}: invalid TOML: {found['msg']}"
    found = _TOML_END_RE.match(message)
    if found:
        return f"end of file: invalid TOML: {found['msg']}"
    return f"invalid TOML: {message}"


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _q(value: object) -> str:
    """A value quoted for a one-line message (escapes newlines and quotes)."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(shown, ensure_ascii=False)
    return repr(value)


def _toml_type(value: object) -> str:
    """The TOML name of a parsed value's type, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date/time"


class _SourceMap:
    """Cheap line numbers for ``[[dimensions]]``, ``[[dimensions.labels]]`` and
    ``[[actors]]`` blocks and the ``field = ...`` lines inside them.

    The scan is purely textual; lookups only answer when the number of blocks
    found matches the parsed structure, so inline-table codebooks simply get
    messages without line numbers.
    """

    _HEADER = re.compile(
        r"^\s*\[\[\s*(dimensions|dimensions\s*\.\s*labels|actors)\s*\]\]\s*(#.*)?$"
    )
    _TABLE = re.compile(r"^\s*\[")
    _FIELD = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.dims: list[tuple[int, dict[str, int]]] = []
        self.labels: list[list[tuple[int, dict[str, int]]]] = []
        self.actors: list[tuple[int, dict[str, int]]] = []
        self.top: dict[str, int] = {}
        current: dict[str, int] | None = self.top
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline is not None:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = self._HEADER.match(line)
            if header:
                kind = re.sub(r"\s+", "", header.group(1))
                fields: dict[str, int] = {}
                if kind == "dimensions":
                    self.dims.append((number, fields))
                    self.labels.append([])
                elif kind == "actors":
                    self.actors.append((number, fields))
                elif self.labels:
                    self.labels[-1].append((number, fields))
                current = fields
                continue
            if self._TABLE.match(line):
                current = None  # some other table: stop attributing fields
                continue
            field_match = self._FIELD.match(line)
            if field_match and current is not None:
                current.setdefault(field_match.group(1), number)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2 == 1:
                    in_multiline = quotes
                    break

    def dim_line(self, raw: Mapping[str, Any], i: int, field: str | None = None) -> int | None:
        dims = raw.get("dimensions")
        if not isinstance(dims, list) or len(dims) != len(self.dims) or i >= len(self.dims):
            return None
        line, fields = self.dims[i]
        return fields.get(field, line) if field else line

    def label_line(
        self, raw: Mapping[str, Any], i: int, j: int, field: str | None = None
    ) -> int | None:
        if self.dim_line(raw, i) is None:
            return None
        labels = (
            raw["dimensions"][i].get("labels") if isinstance(raw["dimensions"][i], dict) else None
        )
        if not isinstance(labels, list) or len(labels) != len(self.labels[i]) or j >= len(labels):
            return None
        line, fields = self.labels[i][j]
        return fields.get(field, line) if field else line

    def actor_line(self, raw: Mapping[str, Any], k: int, field: str | None = None) -> int | None:
        actors = raw.get("actors")
        if not isinstance(actors, list) or len(actors) != len(self.actors) or k >= len(actors):
            return None
        line, fields = self.actors[k]
        return fields.get(field, line) if field else line


class _Validator:
    """Turns the parsed TOML into a :class:`Codebook`, or raises on the first problem."""

    def __init__(self, raw: dict[str, Any], text: str, source: str) -> None:
        self.raw = raw
        self.source = source
        self.map = _SourceMap(text)

    # -- messages --------------------------------------------------------

    def fail(self, place: str, problem: str, line: int | None = None) -> FramingError:
        parts = [self.source]
        if line is not None:
            parts.append(f"line {line}")
        if place:
            parts.append(place)
        parts.append(problem)
        return FramingError(re.sub(r"[\r\n]+", " ", ": ".join(parts)))

    @staticmethod
    def named(prefix: str, index: int, table: object) -> str:
        ident = table.get("id") if isinstance(table, dict) else None
        if isinstance(ident, str) and ident.strip():
            return f"{prefix}[{index}] {_q(ident)}"
        return f"{prefix}[{index}]"

    # -- field helpers ---------------------------------------------------

    def text_field(
        self,
        table: dict[str, Any],
        field: str,
        place: str,
        line: int | None,
        *,
        required: bool = True,
        default: str = "",
    ) -> str:
        if field not in table:
            if required:
                raise self.fail(place, f'missing required field "{field}"', line)
            return default
        value = table[field]
        if not isinstance(value, str):
            raise self.fail(place, f'"{field}" must be a string, not {_toml_type(value)}', line)
        if required and not value.strip():
            raise self.fail(place, f'"{field}" is empty', line)
        return value.strip()

    def ident(self, table: dict[str, Any], place: str, line: int | None) -> str:
        value = self.text_field(table, "id", place, line)
        if not _ID_RE.match(value):
            raise self.fail(
                place,
                f"invalid id {_q(value)} (use letters, digits, '_', '-' or '.', no spaces)",
                line,
            )
        return value

    def check_fields(
        self, table: dict[str, Any], allowed: tuple[str, ...], place: str, line: int | None
    ) -> None:
        for field in table:
            if field not in allowed:
                raise self.fail(
                    place,
                    f"unknown field {_q(field)} (expected one of {', '.join(allowed)})",
                    line,
                )

    def table_list(
        self, value: object, what: str, header: str, place: str, line: int | None
    ) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            found = _toml_type(value)
            if isinstance(value, list):
                found = "an array with non-table items"
            raise self.fail(
                place, f'"{what}" must be a list of tables ({header}), not {found}', line
            )
        return cast(list[dict[str, Any]], value)

    # -- the codebook ----------------------------------------------------

    def codebook(self) -> Codebook:
        raw = self.raw
        self.check_fields(raw, _TOP_FIELDS, "top level", None)
        name = self.text_field(raw, "name", "top level", self.map.top.get("name"), required=False)
        if "name" in raw and not name:
            raise self.fail("top level", '"name" is empty', self.map.top.get("name"))
        version = raw.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise self.fail(
                "top level",
                f'"version" must be a positive integer, not {_q(version)}',
                self.map.top.get("version"),
            )
        queued = self.queued_kinds()
        if "dimensions" not in raw:
            raise self.fail("", "no dimensions (add at least one [[dimensions]] table)", None)
        dim_tables = self.table_list(
            raw["dimensions"], "dimensions", "[[dimensions]]", "top level", None
        )
        if not dim_tables:
            raise self.fail("", "no dimensions (add at least one [[dimensions]] table)", None)
        dimensions: list[Dimension] = []
        first_seen: dict[str, int] = {}
        for i, table in enumerate(dim_tables):
            dim = self.dimension(i, table)
            if dim.id in first_seen:
                k = first_seen[dim.id]
                raise self.fail(
                    self.named("dimensions", i, table),
                    f"duplicate dimension id {_q(dim.id)} (already used by dimensions[{k}])",
                    self.map.dim_line(raw, i, "id"),
                )
            first_seen[dim.id] = i
            dimensions.append(dim)
        actors = self.actors()
        return Codebook(
            dimensions=tuple(dimensions),
            name=name or "codebook",
            path=self.source,
            actors=actors,
            queued_kinds=queued,
        )

    def queued_kinds(self) -> tuple[str, ...]:
        if "queued_kinds" not in self.raw:
            return DEFAULT_QUEUED_KINDS
        value = self.raw["queued_kinds"]
        line = self.map.top.get("queued_kinds")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            found = (
                "an array with non-string items" if isinstance(value, list) else _toml_type(value)
            )
            raise self.fail(
                "top level", f'"queued_kinds" must be a list of strings, not {found}', line
            )
        kinds = [v.strip() for v in value]
        if not kinds:
            raise self.fail("top level", '"queued_kinds" is empty (nothing would be queued)', line)
        if any(not k for k in kinds):
            raise self.fail("top level", '"queued_kinds" contains an empty string', line)
        unknown = [k for k in dict.fromkeys(kinds) if k not in UNIT_KINDS]
        if unknown:
            raise self.fail(
                "top level",
                f'"queued_kinds" has unknown kind(s) {", ".join(_q(k) for k in unknown)}'
                f" (kinds: {', '.join(UNIT_KINDS)})",
                line,
            )
        return tuple(dict.fromkeys(kinds))

    def dimension(self, i: int, table: dict[str, Any]) -> Dimension:
        raw = self.raw
        place = self.named("dimensions", i, table)
        line = self.map.dim_line(raw, i)
        self.check_fields(table, _DIM_FIELDS, place, line)
        dim_id = self.ident(table, place, self.map.dim_line(raw, i, "id"))
        question = self.text_field(table, "question", place, self.map.dim_line(raw, i, "question"))
        kind_line = self.map.dim_line(raw, i, "kind")
        if "kind" not in table:
            raise self.fail(place, 'missing required field "kind" (single, multi or ordinal)', line)
        kind = table["kind"]
        if not isinstance(kind, str):
            raise self.fail(place, f'"kind" must be a string, not {_toml_type(kind)}', kind_line)
        if kind not in DIMENSION_KINDS:
            raise self.fail(
                place, f"unknown kind {_q(kind)} (expected single, multi or ordinal)", kind_line
            )
        if "labels" not in table:
            raise self.fail(place, "no labels (a dimension needs at least one)", line)
        label_tables = self.table_list(
            table["labels"],
            "labels",
            "[[dimensions.labels]]",
            place,
            self.map.dim_line(raw, i, "labels"),
        )
        if not label_tables:
            raise self.fail(place, "no labels (a dimension needs at least one)", line)
        if kind == "ordinal" and len(label_tables) < 2:
            raise self.fail(
                place, "an ordinal dimension needs at least 2 labels (in scale order)", line
            )
        labels: list[Label] = []
        ids_seen: dict[str, int] = {}
        keys_seen: dict[str, int] = {}
        for j, lab_table in enumerate(label_tables):
            label = self.label(i, j, lab_table, place)
            lab_place = f"{place}, {self.named('labels', j, lab_table)}"
            if label.id in ids_seen:
                k = ids_seen[label.id]
                raise self.fail(
                    lab_place,
                    f"duplicate label id {_q(label.id)} (already used by labels[{k}])",
                    self.map.label_line(raw, i, j, "id"),
                )
            if label.key in keys_seen:
                k = keys_seen[label.key]
                raise self.fail(
                    lab_place,
                    f"duplicate key {_q(label.key)} (already used by "
                    f"{self.named('labels', k, label_tables[k])})",
                    self.map.label_line(raw, i, j, "key"),
                )
            ids_seen[label.id] = j
            keys_seen[label.key] = j
            labels.append(label)
        return Dimension(
            id=dim_id,
            question=question,
            kind=cast(DimensionKind, kind),
            labels=tuple(labels),
        )

    def label(self, i: int, j: int, table: dict[str, Any], dim_place: str) -> Label:
        raw = self.raw
        place = f"{dim_place}, {self.named('labels', j, table)}"

        def at(field: str | None = None) -> int | None:
            return self.map.label_line(raw, i, j, field)

        self.check_fields(table, _LABEL_FIELDS, place, at())
        label_id = self.ident(table, place, at("id"))
        name = self.text_field(table, "name", place, at("name"))
        key = self.key(table, place, at("key") if "key" in table else at())
        definition = self.text_field(table, "definition", place, at("definition"))
        example = self.text_field(table, "example", place, at("example"), required=False)
        return Label(id=label_id, name=name, key=key, definition=definition, example=example)

    def key(self, table: dict[str, Any], place: str, line: int | None) -> str:
        if "key" not in table:
            raise self.fail(place, 'missing required field "key"', line)
        key = table["key"]
        if not isinstance(key, str):
            hint = (
                f' (write key = "{key}")'
                if isinstance(key, int) and not isinstance(key, bool)
                else ""
            )
            raise self.fail(place, f'"key" must be a string, not {_toml_type(key)}{hint}', line)
        if key in RESERVED_KEYS or key.lower() in RESERVED_KEYS:
            purpose = _RESERVED_PURPOSE.get(key, _RESERVED_PURPOSE.get(key.lower(), ""))
            raise self.fail(
                place, f"key {_q(key)} is reserved by the annotation screen ({purpose})", line
            )
        if len(key) != 1:
            raise self.fail(place, f"key {_q(key)} must be exactly one character", line)
        if not key.isprintable() or key.isspace():
            raise self.fail(place, f"key {_q(key)} must be a printable, non-space character", line)
        return key

    def actors(self) -> tuple[Actor, ...]:
        raw = self.raw
        if "actors" not in raw:
            return ()
        tables = self.table_list(raw["actors"], "actors", "[[actors]]", "top level", None)
        actors: list[Actor] = []
        ids_seen: dict[str, int] = {}
        alias_owner: dict[str, str] = {}
        for k, table in enumerate(tables):
            place = self.named("actors", k, table)
            line = self.map.actor_line(raw, k)
            self.check_fields(table, _ACTOR_FIELDS, place, line)
            actor_id = self.ident(table, place, self.map.actor_line(raw, k, "id"))
            if actor_id in ids_seen:
                raise self.fail(
                    place,
                    f"duplicate actor id {_q(actor_id)} "
                    f"(already used by actors[{ids_seen[actor_id]}])",
                    self.map.actor_line(raw, k, "id"),
                )
            ids_seen[actor_id] = k
            name = self.text_field(table, "name", place, self.map.actor_line(raw, k, "name"))
            aliases_line = self.map.actor_line(raw, k, "aliases")
            value = table.get("aliases", [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                found = (
                    "an array with non-string items"
                    if isinstance(value, list)
                    else _toml_type(value)
                )
                raise self.fail(
                    place, f'"aliases" must be a list of strings, not {found}', aliases_line
                )
            aliases: list[str] = []
            for alias in value:
                alias = alias.strip()
                if not alias:
                    raise self.fail(place, '"aliases" contains an empty string', aliases_line)
                if alias in alias_owner:
                    owner = alias_owner[alias]
                    where = (
                        "listed twice" if owner == actor_id else f"already an alias of {_q(owner)}"
                    )
                    raise self.fail(place, f"alias {_q(alias)} is {where}", aliases_line)
                alias_owner[alias] = actor_id
                aliases.append(alias)
            actors.append(Actor(id=actor_id, name=name, aliases=tuple(aliases)))
        return tuple(actors)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def codebook_to_json(cb: Codebook) -> dict[str, Any]:
    """A JSON-ready dict: ``{"dimensions": [{"id", "kind", "question", "labels":
    [{"id", "name", "key", "definition"}]}]}``; labels keep codebook order
    (scale order for an ordinal dimension)."""
    return {
        "dimensions": [
            {
                "id": dim.id,
                "kind": dim.kind,
                "question": dim.question,
                "labels": [
                    {
                        "id": lab.id,
                        "name": lab.name,
                        "key": lab.key,
                        "definition": lab.definition,
                    }
                    for lab in dim.labels
                ],
            }
            for dim in cb.dimensions
        ]
    }


_KIND_NOTE = {
    "single": "single: choose one label",
    "multi": "multi: choose any number of labels",
    "ordinal": "ordinal: choose one; labels are in scale order",
}


def render_codebook(cb: Codebook, width: int = 78) -> str:
    """A plain-text view of the codebook for a person (no markup).

    Each dimension gets a header with its kind and question; each label its
    key, name and id, then the wrapped definition and example.
    """
    width = max(width, 40)
    indent = " " * 8
    lines: list[str] = []
    title = f"Codebook {cb.name}"
    if cb.path:
        title += f" ({cb.path})"
    lines.append(title)
    lines.append(f"{len(cb.dimensions)} dimension(s): {', '.join(cb.dimension_ids)}")
    for n, dim in enumerate(cb.dimensions, start=1):
        lines.append("")
        header = f"{n}. {dim.id} [{_KIND_NOTE.get(dim.kind, dim.kind)}]"
        header_lines = wrap(header, width=width, subsequent_indent="   ")
        lines.extend(header_lines)
        lines.append("=" * max(len(h) for h in header_lines))
        lines.extend(wrap(dim.question, width=width))
        for lab in dim.labels:
            lines.append("")
            key = "space" if lab.key == " " else lab.key
            head = f"  [{key}] {lab.name}"
            if len(head) + len(lab.id) + 4 <= width:
                lines.append(f"{head}  ({lab.id})")
            else:
                lines.extend(wrap(head, width=width, subsequent_indent=indent))
                lines.append(f"{indent}({lab.id})")
            lines.extend(
                wrap(lab.definition, width=width, initial_indent=indent, subsequent_indent=indent)
            )
            if lab.example:
                lines.extend(
                    wrap(
                        f"Example: {lab.example}",
                        width=width,
                        initial_indent=indent,
                        subsequent_indent=indent + "  ",
                    )
                )
    if cb.actors:
        lines.append("")
        lines.append(f"Actors ({len(cb.actors)})")
        lines.append("=" * len(lines[-1]))
        for actor in cb.actors:
            lines.extend(
                wrap(
                    f"{actor.name} ({actor.id}): {', '.join(actor.aliases)}",
                    width=width,
                    initial_indent="  ",
                    subsequent_indent=indent,
                    break_on_hyphens=False,
                )
            )
    return "\n".join(lines) + "\n"
