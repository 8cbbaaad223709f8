"""Hypothesis strategies for bytedance:2@2 requests, built from the schema data.

Every bound, enumeration, pattern and size comes from ``request_schema()`` and
``model_spec()`` (schemas/): nothing from the API page is typed in here, so
the properties follow the data when it changes.

- ``valid_tasks()``: tasks inside every documented domain (any subset of the
  optional members, and one documented source of the output size).
- ``mutations()``: a valid task with exactly one field moved out of its
  documented domain, with the RFC 6901 pointer of that field.
- ``json_values()``: arbitrary JSON-like values, some shaped like tasks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from seedance_lint.core.data import model_spec, request_schema
from seedance_lint.core.pointer import child_pointer
from seedance_lint.rules.schema import ecma_regex

SCHEMA = request_schema()
SPEC = model_spec()
PROPERTIES: dict[str, dict] = SCHEMA["properties"]
REQUIRED: list[str] = SCHEMA["required"]
#: Members whose valid combinations are cross-field rules (the dimension table), drawn together.
SIZE_MEMBERS = ("width", "height", "resolution")
FRAME_IMAGES = ("inputs", "frameImages")
#: Strings longer than this are drawn only at a documented maximum length (keeps examples small).
SHORT_TEXT = 40


def deref(node: dict) -> dict:
    ref = node.get("$ref", "")
    return SCHEMA["$defs"][ref.removeprefix("#/$defs/")] if ref.startswith("#/$defs/") else node


def pointer_of(path: tuple[str | int, ...]) -> str:
    pointer = ""
    for token in path:
        pointer = child_pointer(pointer, token)
    return pointer


# --- valid values -----------------------------------------------------------


def valid_value(node: dict) -> st.SearchStrategy[Any]:
    """Any value the (sub)schema accepts, drawn from its own keywords."""
    node = deref(node)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "anyOf" in node:
        return st.one_of([valid_value(branch) for branch in node["anyOf"]])
    kind = node["type"]
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(node.get("minimum"), node.get("maximum"))
    if kind == "number":
        low, high = node.get("minimum"), node.get("maximum")
        integers = st.integers(None if low is None else math.ceil(low), None if high is None else math.floor(high))
        return integers | st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == "string":
        return _valid_string(node)
    if kind == "array":
        return st.lists(valid_value(node["items"]), min_size=node.get("minItems", 0), max_size=node.get("maxItems"))
    if kind == "object":
        return _valid_object(node)
    raise NotImplementedError(f"no strategy for schema type {kind!r}: extend tests/strategies.py")


def _valid_string(node: dict) -> st.SearchStrategy[str]:
    if "pattern" in node:  # JSON Schema patterns are ECMA-262; draw from the equivalent Python regex
        return st.from_regex(ecma_regex(node["pattern"]), fullmatch=True)
    low, high = node.get("minLength", 0), node.get("maxLength")
    short = st.text(min_size=low, max_size=low + SHORT_TEXT if high is None else min(high, low + SHORT_TEXT))
    return short if high is None else short | st.text(min_size=high, max_size=high)


def _valid_object(node: dict) -> st.SearchStrategy[dict]:
    members = node.get("properties", {})
    required = {name: valid_value(members[name]) for name in node.get("required", [])}
    optional = {name: valid_value(sub) for name, sub in members.items() if name not in required}
    return st.fixed_dictionaries(required, optional=optional)


def frame_images_schema() -> dict:
    return PROPERTIES[FRAME_IMAGES[0]]["properties"][FRAME_IMAGES[1]]


@st.composite
def valid_tasks(draw: Callable) -> dict:
    """A task inside every documented domain, with one documented source of the output size."""
    task = {name: draw(valid_value(PROPERTIES[name])) for name in REQUIRED}
    optional = [name for name in PROPERTIES if name not in REQUIRED and name not in SIZE_MEMBERS]
    for name in draw(st.lists(st.sampled_from(optional), unique=True)):
        task[name] = draw(valid_value(PROPERTIES[name]))
    source = draw(st.sampled_from(["dimensions", "resolution", "frameImages"]))
    if source == "dimensions":
        size = draw(st.sampled_from(SPEC.sizes))
        task["width"], task["height"] = size.width, size.height
    elif source == "resolution":
        task["resolution"] = draw(valid_value(PROPERTIES["resolution"]))
    else:
        images = frame_images_schema()
        task.setdefault("inputs", {})[FRAME_IMAGES[1]] = draw(
            st.lists(valid_value(images["items"]), min_size=1, max_size=images.get("maxItems"))
        )
    return task


# --- fields and their domains -----------------------------------------------


@dataclass(frozen=True)
class Field:
    """A member the schema describes: its path in a task and its schema."""

    path: tuple[str | int, ...]
    schema: dict

    @property
    def pointer(self) -> str:
        return pointer_of(self.path)


def _fields(node: dict, path: tuple[str | int, ...]) -> list[Field]:
    node = deref(node)
    found: list[Field] = []
    for name, sub in node.get("properties", {}).items():
        found.append(Field((*path, name), deref(sub)))
        found.extend(_fields(sub, (*path, name)))
    if "items" in node:  # the first item stands for every item
        item = deref(node["items"])
        found.append(Field((*path, 0), item))
        for branch in item.get("anyOf", []):
            found.extend(_fields(branch, (*path, 0)))
    return found


#: Every member of a task the schema describes, nested ones included.
FIELDS: tuple[Field, ...] = tuple(_fields(SCHEMA, ()))
#: Objects that take no members beyond their documented ones (additionalProperties: false).
CLOSED_OBJECTS: tuple[Field, ...] = (
    Field((), SCHEMA),
    *(f for f in FIELDS if f.schema.get("additionalProperties") is False),
    *(
        Field(f.path, deref(b))
        for f in FIELDS
        for b in f.schema.get("anyOf", [])
        if deref(b).get("additionalProperties") is False
    ),
)


def _fields_where(test: Callable[[dict], bool]) -> list[Field]:
    return [f for f in FIELDS if test(f.schema)]


RANGED = _fields_where(lambda s: "minimum" in s or "maximum" in s)
TYPED = _fields_where(lambda s: "type" in s or "anyOf" in s)
ENUMERATED = _fields_where(lambda s: "enum" in s or "const" in s)
LENGTHS = _fields_where(lambda s: "minLength" in s or "maxLength" in s)
PATTERNS = _fields_where(lambda s: "pattern" in s)
BOUNDED_ARRAYS = _fields_where(lambda s: "maxItems" in s)
REQUIRED_MEMBERS = [(f.path, name) for f in CLOSED_OBJECTS for name in f.schema.get("required", [])]

JSON_TYPES = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers(),
    "number": st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
    "string": st.text(max_size=SHORT_TEXT),
    "array": st.lists(st.integers(), max_size=3),
    "object": st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
}


def _types_of(node: dict) -> set[str]:
    if "anyOf" in node:
        return set().union(*(_types_of(deref(b)) for b in node["anyOf"]))
    kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
    allowed = set(kinds)
    if "number" in allowed:
        allowed.add("integer")  # every integer is a number (JSON_TYPES' numbers all have a fraction)
    return allowed


# --- placing a value at a path ----------------------------------------------


def _object_item() -> st.SearchStrategy[dict]:
    """A valid frameImages item in its object form (the branch of the items' anyOf that is an object)."""
    branches = [deref(b) for b in deref(frame_images_schema()["items"])["anyOf"]]
    return valid_value(next(b for b in branches if b.get("type") == "object"))


def _container_for(path: tuple[str | int, ...], draw: Callable) -> Any:
    """A valid empty-ish container for the first step of ``path`` (a one-item frameImages list, say)."""
    return [draw(_object_item())] if isinstance(path[0], int) else {}


def place(task: dict, path: tuple[str | int, ...], value: Any, draw: Callable) -> None:
    """Set ``value`` at ``path``, creating valid parents where the task has none."""
    node: Any = task
    for index, step in enumerate(path[:-1]):
        following = path[index + 1 :]
        if isinstance(step, int):
            if not isinstance(node[step], dict) and isinstance(following[0], str):
                node[step] = draw(_object_item())
        elif not isinstance(node.get(step), (dict, list)) or (isinstance(following[0], int) and not node[step]):
            node[step] = _container_for(following, draw)
        node = node[step]
    node[path[-1]] = value


def remove(task: dict, path: tuple[str | int, ...], name: str, draw: Callable) -> None:
    place(task, (*path, name), None, draw)
    node: Any = task
    for step in path:
        node = node[step]
    del node[name]


# --- mutations --------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    """A task with one field out of its documented domain; ``pointer`` is that field."""

    kind: str
    task: dict
    pointer: str

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return f"Mutation({self.kind} at {self.pointer!r}: {self.task!r})"


def _out_of_range(field: Field) -> st.SearchStrategy[Any]:
    low, high = field.schema.get("minimum"), field.schema.get("maximum")
    floats = field.schema.get("type") != "integer"  # a fraction in an integer field is a type error instead
    options = []
    if low is not None:
        options.append(st.integers(max_value=math.ceil(low) - 1))
        if floats:
            options.append(st.floats(max_value=low, exclude_max=True, allow_nan=False, allow_infinity=False))
    if high is not None:
        options.append(st.integers(min_value=math.floor(high) + 1))
        if floats:
            options.append(st.floats(min_value=high, exclude_min=True, allow_nan=False, allow_infinity=False))
    return st.one_of(options)


def _wrong_type(field: Field) -> st.SearchStrategy[Any]:
    allowed = _types_of(field.schema)
    return st.one_of([strategy for kind, strategy in JSON_TYPES.items() if kind not in allowed])


def _json_equal(a: Any, b: Any) -> bool:
    return (type(a) is type(b) and a == b) or (
        not isinstance(a, bool)
        and not isinstance(b, bool)
        and isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and a == b
    )


def _not_in_enum(field: Field) -> st.SearchStrategy[Any]:
    allowed = field.schema.get("enum", [field.schema.get("const")])
    undocumented = SPEC.undocumented_values.get(pointer_of(field.path), {})  # warned about, by SDL205
    values = st.text(max_size=SHORT_TEXT)
    if any(isinstance(a, int) and not isinstance(a, bool) for a in allowed):  # frame: "first" or 0
        values = values | st.integers()
    return values.filter(lambda v: not any(_json_equal(v, a) for a in allowed) and v not in undocumented)


def _bad_length(field: Field) -> st.SearchStrategy[str]:
    low, high = field.schema.get("minLength", 0), field.schema.get("maxLength")
    options = [st.text(max_size=low - 1)] if low > 0 else []
    if high is not None:
        options.append(st.integers(high + 1, high + SHORT_TEXT).flatmap(lambda n: st.text(min_size=n, max_size=n)))
    return st.one_of(options)


def _not_matching(field: Field) -> st.SearchStrategy[str]:
    regex = ecma_regex(field.schema["pattern"])
    return st.text(max_size=SHORT_TEXT).filter(lambda s: not regex.search(s))


def _field_mutation(kind: str, fields: list[Field], values: Callable[[Field], st.SearchStrategy[Any]]):
    @st.composite
    def build(draw: Callable) -> Mutation:
        task = draw(valid_tasks())
        field = draw(st.sampled_from(fields))
        place(task, field.path, draw(values(field)), draw)
        return Mutation(kind, task, field.pointer)

    return build()


@st.composite
def _unknown_member(draw: Callable) -> Mutation:
    task = draw(valid_tasks())
    owner = draw(st.sampled_from(CLOSED_OBJECTS))
    known = set(owner.schema.get("properties", {}))
    name = draw(st.text(max_size=SHORT_TEXT).filter(lambda n: n not in known))
    path = (*owner.path, name)
    place(task, path, draw(JSON_TYPES["integer"] | JSON_TYPES["string"]), draw)
    return Mutation("unknown member", task, pointer_of(path))


@st.composite
def _missing_required(draw: Callable) -> Mutation:
    task = draw(valid_tasks())
    path, name = draw(st.sampled_from(REQUIRED_MEMBERS))
    remove(task, path, name, draw)
    return Mutation("missing required member", task, pointer_of((*path, name)))


@st.composite
def _unsupported_size(draw: Callable) -> Mutation:
    task = draw(valid_tasks())
    for member in SIZE_MEMBERS:
        task.pop(member, None)
    largest = max(max(s.width, s.height) for s in SPEC.sizes)
    sizes = st.integers(-10, 4 * largest) | st.integers() | st.integers(10**308, 10**400)  # beyond any float
    width, height = draw(st.tuples(sizes, sizes).filter(lambda wh: wh not in SPEC.by_dimensions))
    task["width"], task["height"] = width, height
    return Mutation("unsupported size", task, "/width")


@st.composite
def _unpaired_size(draw: Callable) -> Mutation:
    task = draw(valid_tasks())
    for member in SIZE_MEMBERS:
        task.pop(member, None)
    size = draw(st.sampled_from(SPEC.sizes))
    given, missing = draw(st.sampled_from([("width", "height"), ("height", "width")]))
    task[given] = getattr(size, given)
    return Mutation("unpaired size", task, f"/{missing}")


@st.composite
def _too_many_items(draw: Callable) -> Mutation:
    task = draw(valid_tasks())
    field = draw(st.sampled_from(BOUNDED_ARRAYS))
    limit = field.schema["maxItems"]
    items = draw(st.lists(valid_value(field.schema["items"]), min_size=limit + 1, max_size=limit + 3))
    place(task, field.path, items, draw)
    return Mutation("too many items", task, field.pointer)


def mutations() -> st.SearchStrategy[Mutation]:
    """One field out of its documented domain, across every kind of constraint the data holds."""
    return st.one_of(
        _field_mutation("out of range", RANGED, _out_of_range),
        _field_mutation("wrong type", TYPED, _wrong_type),
        _field_mutation("not in enum", ENUMERATED, _not_in_enum),
        _field_mutation("bad length", LENGTHS, _bad_length),
        _field_mutation("pattern mismatch", PATTERNS, _not_matching),
        _unknown_member(),
        _missing_required(),
        _unsupported_size(),
        _unpaired_size(),
        _too_many_items(),
    )


# --- arbitrary values -------------------------------------------------------

#: Keys a linter looks at, so that arbitrary objects often reach the rules.
KNOWN_KEYS = sorted({str(f.path[-1]) for f in FIELDS if isinstance(f.path[-1], str)} | {"apiKey", "taskType"})


def json_values(allow_non_finite: bool = True) -> st.SearchStrategy[Any]:
    """Arbitrary JSON-like values (YAML can carry NaN and infinities, so they are in by default)."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.integers(-(2**70), 2**70)
        | st.floats(allow_nan=allow_non_finite, allow_infinity=allow_non_finite)
        | st.text(max_size=SHORT_TEXT)
    )
    keys = st.sampled_from(KNOWN_KEYS) | st.text(max_size=10)
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6), max_leaves=25
    )


@st.composite
def task_like_values(draw: Callable, allow_non_finite: bool = True) -> dict:
    """A valid task with some members replaced by arbitrary values: deep into the rules, not rejected at the door."""
    task = draw(valid_tasks())
    task.update(draw(st.dictionaries(st.sampled_from(KNOWN_KEYS), json_values(allow_non_finite), max_size=4)))
    return task


#: Characters where regex dialects differ (Python's \s has \x1c-\x1f and \x85, ECMA-262's has \ufeff;
#: Python's $ also matches before a final newline), plus whitespace both agree on.
DIALECT_EDGES = "\n\r\t \x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\ufeff"


@st.composite
def dialect_edge_tasks(draw: Callable) -> dict:
    """A valid task with one pattern-checked string given an edge character: tests validators, not labels."""
    task = draw(valid_tasks())
    field = draw(st.sampled_from(PATTERNS))
    text = draw(_valid_string(field.schema))
    at = draw(st.integers(0, len(text)))
    place(task, field.path, text[:at] + draw(st.sampled_from(DIALECT_EDGES)) + text[at:], draw)
    return task
