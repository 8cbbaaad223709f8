"""YAML to plain data with positions, read as YAML 1.2 and never constructing objects.

PyYAML composes the node graph (no object is ever built from a tag); this
module turns nodes into JSON-like values itself, using the YAML 1.2 core
schema, and reports where YAML 1.1 would have read a plain scalar differently
(``yes`` as true, ``010`` as 8, ``1.10`` as 1.1). Aliases are shared, and a
document whose aliases would expand past a budget is refused (billion laughs).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import yaml

from seedance_lint.core.pointer import child_pointer
from seedance_lint.input.parsers.positions import Position, Positions, too_many_digits

_Loader: type[yaml.CSafeLoader | yaml.SafeLoader]
try:  # the C composer is several times faster where libyaml is available
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

#: The most nodes a document may expand to through aliases.
MAX_EXPANDED_NODES = 100_000
MAX_DEPTH = 200

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_MERGE = "tag:yaml.org,2002:merge"
_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge", "timestamp", "binary", "value")
)


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, position: Position, kind: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.kind = kind


@dataclass(frozen=True)
class YamlNote:
    """Something worth a diagnostic that the document still parses with."""

    kind: str  # "duplicate-key" | "yaml11" | "tag" | "non-finite"
    pointer: str
    position: Position
    message: str


@dataclass
class ParsedYaml:
    value: object
    positions: Positions
    notes: list[YamlNote] = field(default_factory=list)


def parse_all(text: str) -> list[ParsedYaml]:
    """Every document of a YAML stream, in order."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        kind = "too-deep" if "maximum nesting depth" in str(error.problem) else "syntax"  # libyaml's own limit
        raise YamlSyntaxError(_yaml_message(error), where, kind) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(str(error).splitlines()[0], (1, 1)) from None
    except RecursionError:
        raise YamlSyntaxError(f"nested deeper than {MAX_DEPTH} levels", (1, 1), "too-deep") from None
    return [_Builder().build(node) for node in nodes if node is not None]


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    return ", ".join(parts) or "malformed YAML"


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self) -> None:
        self.positions = Positions()
        self.notes: list[YamlNote] = []
        self.expanded = 0
        self.seen: set[int] = set()

    def build(self, node: yaml.Node) -> ParsedYaml:
        value = self._value(node, "", 0)
        return ParsedYaml(value, self.positions, self.notes)

    def _value(self, node: yaml.Node, pointer: str, depth: int) -> object:
        self._count(node, depth)
        self.positions.values.setdefault(pointer, _mark(node))
        if node.tag not in _STANDARD_TAGS:
            self._note("tag", pointer, node, f"custom YAML tag {node.tag} is ignored; request files are plain data")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pointer, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self._value(item, child_pointer(pointer, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # the composer makes no other kind of node
        return self._scalar(node, pointer)

    def _count(self, node: yaml.Node, depth: int) -> None:
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            raise YamlSyntaxError(
                f"aliases expand this document past {MAX_EXPANDED_NODES} nodes", _mark(node), "too-large"
            )
        # A collection at depth d is nesting level d + 1 (jsonpos counts the same way: [[1]] is two levels).
        if depth >= MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
            raise YamlSyntaxError(f"nested deeper than {MAX_DEPTH} levels", _mark(node), "too-deep")

    def _note(self, kind: str, pointer: str, node: yaml.Node, message: str) -> None:
        self.notes.append(YamlNote(kind, pointer, _mark(node), message))

    def _mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict:
        result: dict = {}
        explicit: set[str] = set()  # YAML's merge: an explicit key wins over a merged one, wherever it is written
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._merge(result, value_node, pointer, depth)
                continue
            key = self._key(key_node, pointer)
            member = child_pointer(pointer, key)
            if key in explicit:
                first = self.positions.keys.get(member, _mark(key_node))
                self._note(
                    "duplicate-key",
                    member,
                    key_node,
                    f"duplicate key {key!r} (also at line {first[0]}); parsers keep only the last value",
                )
            explicit.add(key)
            self.positions.keys[member] = _mark(key_node)
            self.positions.values.pop(member, None)
            result[key] = self._value(value_node, member, depth + 1)
        return result

    def _merge(self, result: dict, node: yaml.Node, pointer: str, depth: int) -> None:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            merged = self._value(source, pointer, depth + 1)
            if isinstance(merged, dict):
                for key, value in merged.items():
                    result.setdefault(key, value)

    def _key(self, node: yaml.Node, pointer: str) -> str:
        if isinstance(node, yaml.ScalarNode):
            return node.value
        self._note("tag", pointer, node, "a mapping key must be a plain string")
        assert isinstance(node, (yaml.MappingNode, yaml.SequenceNode))  # not a scalar: a collection
        return f"<{node.id} key at line {_mark(node)[0]}>"

    def _scalar(self, node: yaml.ScalarNode, pointer: str) -> object:
        if node.style:  # quoted and block scalars are strings in every YAML version
            return node.value
        try:
            return self._plain_scalar(node, pointer)
        except ValueError as error:  # an integer past Python's digit limit (4,300): refused, as a hostile file is
            if isinstance(error, YamlSyntaxError):
                raise
            raise YamlSyntaxError(too_many_digits(node.value), _mark(node), "too-large") from None

    def _plain_scalar(self, node: yaml.ScalarNode, pointer: str) -> object:
        implicit_tag = _resolve11(node.value)
        if node.tag != implicit_tag:  # an explicit tag such as !!str or !!int
            return _explicit_scalar(node)
        value = core_schema_value(node.value)
        self._compare_with_yaml11(node, pointer, value)
        if isinstance(value, float) and not math.isfinite(value):
            self._note("non-finite", pointer, node, f"{node.value} is not a finite number and has no JSON form")
        return value

    def _compare_with_yaml11(self, node: yaml.ScalarNode, pointer: str, value: object) -> None:
        if _loses_digits(node.value, value):
            message = (
                f"plain scalar {node.value!r} is read as the number {value!r}, losing its trailing zero; "
                f"quote it if you mean the string {node.value!r}"
            )
            self._note("yaml11", pointer, node, message)
            return
        old = yaml11_value(node)
        if type(old) is type(value) and (old == value or old != old):
            return
        self._note(
            "yaml11",
            pointer,
            node,
            f"plain scalar {node.value!r} reads as {_show(value)} in YAML 1.2 but {_show(old)} in YAML 1.1; "
            f"quote it if you mean the string {node.value!r}",
        )


def _explicit_scalar(node: yaml.ScalarNode) -> object:
    """The value of a plain scalar with an explicit tag (``!!int 5``, ``!!str yes``)."""
    kind = node.tag.rsplit(":", 1)[-1]
    value = core_schema_value(node.value)
    expected = {"int": int, "float": float, "bool": bool, "null": type(None)}.get(kind)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # !!float 5 is 5.0
    return value if expected and isinstance(value, expected) else node.value


def core_schema_value(text: str) -> object:
    """A plain scalar resolved by the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def yaml11_value(node: yaml.ScalarNode) -> object:
    """What PyYAML's YAML 1.1 resolver makes of a plain scalar."""
    tag = _resolve11(node.value)
    if tag == "tag:yaml.org,2002:str":
        return node.value
    try:
        return yaml.SafeLoader.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, node.value))
    except (ValueError, TypeError, KeyError, yaml.YAMLError):
        return node.value


def _resolve11(text: str) -> str:
    resolvers = yaml.SafeLoader.yaml_implicit_resolvers.get(text[:1], [])
    for tag, pattern in resolvers:
        if pattern.match(text):
            return tag
    return "tag:yaml.org,2002:str"


_CONSTRUCTOR = yaml.SafeLoader("")


def _loses_digits(text: str, value: object) -> bool:
    """True for floats like 1.10 whose written digits a number cannot keep."""
    if not isinstance(value, float) or "." not in text or "e" in text.lower():
        return False
    return text.endswith("0") and not text.rstrip("0").endswith(".")


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "the boolean " + ("true" if value else "false")
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if not isinstance(value, str):  # a timestamp, for one
        return f"a {type(value).__name__} ({value})"
    return f"the string {value!r}"
