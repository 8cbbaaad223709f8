"""Per-field constraints, read from the JSON Schema in schemas/.

A compiled validator (jsonschema-rs) answers "is this task valid?"; only a
task it rejects has its errors listed (by jsonschema-rs too, adapted to the
interface of jsonschema, the reference, which explains what jsonschema-rs
cannot take and which the tests hold it to), and each error becomes a finding
with our own message. Each rule below covers one family of schema keywords.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import Any

from seedance_lint.core.data import keep, model_spec, request_schema
from seedance_lint.core.diagnostic import Finding, Fix
from seedance_lint.core.pointer import child_pointer, dotted, tokens
from seedance_lint.core.values import YAML11_BOOLEANS
from seedance_lint.rules.base import TaskContext, rule, show

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "object": "an object",
    "array": "an array",
    "null": "null",
}


@cache
def fast_validator() -> Any:
    """The compiled request schema (built once; ~100x faster than a walk): which members of a task fail."""
    import jsonschema_rs  # loaded with the first failing task, not at start-up

    return jsonschema_rs.validator_for(request_schema())


@cache
def reference_validator() -> Any:
    """jsonschema's validator: slow, but its errors say exactly what failed.

    Its ``pattern`` keyword is given ECMA-262 semantics, as JSON Schema
    specifies and the fast validator implements: with Python's ``re``, ``$``
    also matches before a final newline (a taskUUID from a YAML ``|`` block
    passed unreported) and ``\\s`` is another set of characters. The two
    validators must agree, or a task one rejects goes unexplained.
    """
    from jsonschema import Draft202012Validator, validators

    ecma = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern_keyword})
    return ecma(request_schema())


#: ECMA-262's \s: WhiteSpace and LineTerminator (Python's also has \x1c-\x1f and \x85, but not \ufeff).
_ECMA_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_ECMA_CLASSES = {"s": _ECMA_SPACE, "d": "0-9", "w": "A-Za-z0-9_"}


@cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """A Python regex that matches as the ECMA-262 ``pattern`` does (for the escapes JSON Schemas use).

    ``$`` (outside a class) becomes ``\\Z``, and ``\\s``, ``\\d``, ``\\w`` and
    their negations become ECMA's ASCII/whitespace sets. A negated escape
    inside a class has no direct translation and is refused rather than guessed.
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escape = pattern[index + 1]
            index += 2
            if escape.lower() in _ECMA_CLASSES:
                members = _ECMA_CLASSES[escape.lower()]
                if in_class and escape.isupper():
                    raise ValueError(f"cannot translate \\{escape} inside a character class: {pattern}")
                out.append(members if in_class else f"[{'^' if escape.isupper() else ''}{members}]")
            else:
                out.append(char + escape)
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append("\\Z" if char == "$" and not in_class else char)
        index += 1
    return re.compile("".join(out))


def _ecma_pattern_keyword(validator: Any, pattern: str, instance: object, schema: dict) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    # jsonschema's pattern keyword, which asks validator.is_type(instance, "string"): for this validator's
    # type checker (Draft 2020-12's), that is isinstance(instance, str).
    if isinstance(instance, str) and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def findings_by_code(ctx: TaskContext) -> dict[str, list[Finding]]:
    """All schema findings of the task, grouped by rule code (computed once per task)."""
    if ctx._schema_findings is None:
        grouped: dict[str, list[Finding]] = {}
        for code, finding in _explain(ctx):
            grouped.setdefault(code, []).append(finding)
        ctx._schema_findings = grouped
    return ctx._schema_findings


def _explain(ctx: TaskContext) -> list[tuple[str, Finding]]:
    task = ctx.task
    # The member memo holds findings for the model's own spec (messages name its undocumented values).
    by_member = _explain_by_member(task, ctx) if type(task) is dict and ctx.spec is model_spec() else None
    return _explained(schema_errors(task), ctx) if by_member is None else by_member


def _explained(errors: Iterable[Any], ctx: TaskContext) -> list[tuple[str, Finding]]:
    """The findings of schema errors, once per rule code and pointer."""
    seen: set[tuple[str, str]] = set()
    found = []
    for error in _leaf_errors(errors):
        for code, finding in _describe(error, ctx):
            if (code, finding.pointer) not in seen:
                seen.add((code, finding.pointer))
                found.append((code, finding))
    return found


def _explain_by_member(task: dict, ctx: TaskContext) -> list[tuple[str, Finding]] | None:
    """_explained(schema_errors(task)), a member at a time, each member's findings remembered by its value.

    The request schema constrains each member alone (``properties``) and the
    object's member names (``required``, ``additionalProperties``), so a task's
    errors are those of its names and those of each member: missing members,
    each failing member's errors (in the task's order), unknown members. The
    compiled validator says which members fail, in one call; a batch repeats
    its members and its mistakes, so a failing member's value is explained
    once per run. None when jsonschema-rs cannot take a value (one that is not
    JSON: the parsers make none, so this is a safety net): the whole task then
    takes the reference's path.
    """
    if not _members_checked_alone():
        return None
    try:
        errors = list(fast_validator().iter_errors(task))
    except (ValueError, TypeError, OverflowError, KeyError, IndexError):
        return None
    root: list[Any] = []  # jsonschema-rs errors (no type information)
    failing: dict[str | int, list[Any]] = {}
    for error in errors:
        path = error.instance_path
        (failing.setdefault(path[0], []) if path else root).append(error)
    names = [RsError(e, task) for e in root]
    found = _explained([e for e in names if e.validator != "additionalProperties"], ctx) if root else []
    memo = _MEMBER_MEMO
    for name, value in task.items():  # the members in the task's order, as the whole task's errors give them
        if name not in failing:
            continue
        kind = type(value)
        if kind is str:
            key = (name, kind, value) if len(value) <= _MEMO_STRING_LIMIT else None
        elif kind is int or kind is bool or value is None:
            key = (name, kind, value)
        else:  # a float by its repr (-0.0 equals 0.0 but is shown as written); an object or array: not kept
            key = (name, kind, repr(value)) if kind is float else None
        member = memo.get(key) if key is not None else None
        if member is None:
            member = _explained([RsError(e, task) for e in failing[name]], ctx)
            if key is not None:
                keep(memo, key, member)
        found += member
    if root:
        found += _explained([e for e in names if e.validator == "additionalProperties"], ctx)
    return found


#: The keywords of a request schema whose errors are its names' and its members' (see _explain_by_member).
_BY_MEMBER_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "title",
        "description",
        "type",
        "required",
        "additionalProperties",
        "properties",
        "$defs",
        "x-seedance",
    }
)


@cache
def _members_checked_alone() -> bool:
    """Whether the request schema has no keyword that checks members together (a member's findings are then
    its value's alone)."""
    schema = request_schema()
    return (
        schema.keys() <= _BY_MEMBER_KEYWORDS
        and schema.get("type") == "object"
        and schema.get("additionalProperties") is False
    )


#: Member findings by (name, type, value), kept for the run: scalars only, and strings up to this length
#: (an enumeration's value, a typo). The type is part of the key: 5, 5.0 and true are equal in Python, not in
#: JSON. A prompt or a taskUUID is unique to its task and is explained each time instead.
_MEMBER_MEMO: dict[tuple, list[tuple[str, Finding]]] = {}
_MEMO_STRING_LIMIT = 32


def _leaf_errors(errors: Iterable[Any]) -> Iterator[Any]:
    """Replace anyOf/oneOf errors by the errors of the branch the value was meant for."""
    for error in errors:
        if error.validator not in ("anyOf", "oneOf"):
            yield error
            continue
        branch = _intended_branch(error)
        if branch is None:
            yield error
        else:
            yield from _leaf_errors(branch)


def _intended_branch(error: Any) -> list[Any] | None:
    typed = [errs for errs in _branches(error) if not any(e.validator == "type" and not e.relative_path for e in errs)]
    return min(typed, key=len) if typed else None


def _branches(error: Any) -> list[list[Any]]:
    """The errors of each anyOf/oneOf branch."""
    if isinstance(error, RsError):
        return error.branches
    grouped: dict[int, list[Any]] = {}
    for sub in error.context:
        grouped.setdefault(sub.relative_schema_path[0], []).append(sub)
    return list(grouped.values())


def schema_errors(task: object) -> list[Any]:
    """Why the task fails the schema, from jsonschema-rs (fast, already loaded) or jsonschema (the reference).

    jsonschema-rs reads the same schema with the same regex dialect; its errors
    are adapted to the few attributes of jsonschema's that the handlers read.
    jsonschema (tens of milliseconds to import) explains what jsonschema-rs
    cannot take: a value that is not JSON (the parsers make none; a safety net).
    """
    try:
        return [RsError(error, task) for error in fast_validator().iter_errors(task)]
    except (ValueError, TypeError, OverflowError, KeyError, IndexError):
        return list(reference_validator().iter_errors(task))


class RsError:
    """A jsonschema-rs error with the attributes of jsonschema's ValidationError used here."""

    def __init__(self, error: Any, task: object, parent: tuple = ()) -> None:
        self.absolute_path = tuple(error.instance_path)
        self.relative_path = self.absolute_path[len(parent) :]
        self.instance = _walk(task, self.absolute_path)
        self.validator = error.schema_path[-1]
        self.schema = _walk(request_schema(), tuple(error.schema_path)[:-1])
        self.validator_value = self.schema.get(self.validator) if isinstance(self.schema, dict) else None
        self.message = error.message
        self.branches = [
            [RsError(sub, task, self.absolute_path) for sub in branch]
            for branch in getattr(error.kind, "context", None) or ()
        ]

    @property
    def context(self) -> list[RsError]:
        return [sub for branch in self.branches for sub in branch]


def _walk(node: Any, path: tuple) -> Any:
    for token in path:
        node = node[token]
    return node


def pointer_of(path: Iterable[Any]) -> str:
    pointer = ""
    for token in path:
        pointer = child_pointer(pointer, token)
    return pointer


def label(pointer: str) -> str:
    """'/inputs/frameImages/0' -> 'inputs.frameImages[0]' (how people write it)."""
    return f"`{dotted(tokens(pointer))}`" if pointer else "the task"


def _describe(error: Any, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    if isinstance(error.instance, float) and not math.isfinite(error.instance):
        return  # a YAML .nan or .inf: SDL008 non-finite-number says it once, validators disagree on the rest
    pointer = pointer_of(error.absolute_path)
    handler = _HANDLERS.get(error.validator)
    if handler is None:
        yield "SDL100", Finding(pointer, f"{label(pointer)}: {error.message}")
        return
    yield from handler(error, pointer, ctx)


def _required(error: Any, pointer: str, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    for name in error.validator_value:
        if isinstance(error.instance, dict) and name not in error.instance:
            about = _description(error.schema["properties"].get(name, {}))
            yield (
                "SDL101",
                Finding(
                    child_pointer(pointer, name),
                    f"missing required parameter `{name}`: the API rejects a task without it. "
                    + (f"Add it ({about.rstrip('.')})." if about else "Add it."),
                    anchor="parent",
                ),
            )


def _description(schema: dict) -> str:
    """A property's description, following a $ref (frameImages' image is one) so it is never empty for those."""
    ref = schema.get("$ref", "")
    if not schema.get("description") and ref.startswith("#/$defs/"):
        schema = request_schema()["$defs"].get(ref.removeprefix("#/$defs/"), {})
    return schema.get("description", "")


#: How close an unknown name must be to a known one for a "did you mean" (difflib's ratio): `positivePromt`
#: is 0.96 from `positivePrompt`, `durations` 0.94 from `duration`; `routing` is 0.71 from `resolution`,
#: a misleading guess, as `negativePrompt` is 0.71 from `positivePrompt`.
SIMILARITY_THRESHOLD = 0.8
OTHER_MODELS_FILE = "videoinference-other-models.json"


@cache
def other_model_parameters() -> dict:
    """schemas/videoinference-other-models.json: other models' videoInference parameters, and members that
    belong elsewhere in this model's request, with their source."""
    import json

    from seedance_lint.core.data import read_data_text

    return json.loads(read_data_text("seedance_lint.schemas", OTHER_MODELS_FILE))


def _shape(pointer: str) -> str:
    """'/inputs/frameImages/0/timestamp' -> 'inputs.frameImages[].timestamp' (array indices as [])."""
    shape = ""
    for token in tokens(pointer):
        shape += "[]" if token.isdigit() else ("." if shape else "") + token
    return shape


def _unknown(error: Any, pointer: str, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    known = list(error.schema.get("properties", {}))
    for name in error.instance:
        if name in known:
            continue
        member = child_pointer(pointer, name)
        yield (
            "SDL102",
            Finding(
                member,
                _unknown_message(name, member, pointer, known),
                anchor="key",
                fix=Fix(member, remove=True),
            ),
        )


def _unknown_message(name: str, member: str, pointer: str, known: list[str]) -> str:
    data = other_model_parameters()
    shape = _shape(member)
    if shape in data["elsewhere"]:
        return (
            f"`{name}` does not belong in {label(pointer)}: the API answers unknownParameter for it. "
            f"Did you mean `{data['elsewhere'][shape]}`?"
        )
    if shape in data["parameters"]:
        return (
            f"`{shape}` is a videoInference parameter of other Runware models, not supported by "
            f"{data['model']}: the API answers unknownParameter. Remove it."
        )
    close = closest(name, tuple(known), SIMILARITY_THRESHOLD)
    hint = f"did you mean `{close}`?" if close else f"known parameters here: {', '.join(known)}."
    return (
        f"unknown parameter `{name}` in {label(pointer)}: the API answers unknownParameter for "
        f"members it does not document. Remove it, or {hint}"
    )


def _type(error: Any, pointer: str, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    expected: list[str] = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    if "boolean" in expected and isinstance(error.instance, str) and error.instance in YAML11_BOOLEANS:
        yield "SDL103", _yaml11_boolean(error.instance, pointer)
        return
    wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
    yield (
        "SDL103",
        Finding(
            pointer,
            f"{label(pointer)} must be {wanted}, got {_got(error.instance)}."
            + _conversion_hint(error.instance, expected)
            + _null_hint(error.instance, error.schema),
            fix=_null_fix(error.instance, error.schema, pointer),
        ),
    )


def _null_fix(value: object, schema: dict, pointer: str) -> Fix | None:
    """Removing a null member that has a default: the API then uses the default, which is what a client
    sending null for "unset" meant (safe). A member without a default may be required: no fix."""
    return Fix(pointer, remove=True, safe=True) if value is None and "default" in schema else None


def _yaml11_boolean(value: str, pointer: str) -> Finding:
    """`checkContent: yes`: a string in YAML 1.2, a boolean in YAML 1.1. One finding (SDL010 for the same
    value is then dropped by the linter) and a safe fix: the writer meant the boolean."""
    meaning = YAML11_BOOLEANS[value]
    word = "true" if meaning else "false"
    return Finding(
        pointer,
        f"{label(pointer)} must be a boolean, got the string {show(value)}: a plain {value} is a string in "
        f"YAML 1.2, which seedance-lint reads, and {word} only in YAML 1.1; the API takes a JSON boolean. "
        f"Write {word}.",
        fix=Fix(pointer, meaning, safe=True),
    )


def _null_hint(value: object, schema: dict) -> str:
    """A client that sends unset fields as null (runware-sdk 1.8) means "the default": omitting says that."""
    if value is not None:
        return ""
    if "default" in schema:
        return f" Omit the member to use the default ({show(schema['default'])})."
    return " Omit the member to use the default (unset)."


def _got(value: object) -> str:
    """'integer 42', 'string "864"'; null is just null (not "null null")."""
    return "null" if value is None else f"{_json_type(value)} {show(value)}"


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    for kind, name in ((str, "string"), (int, "integer"), (float, "number"), (dict, "object"), (list, "array")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _conversion_hint(value: object, expected: list[str]) -> str:
    if isinstance(value, str) and ("integer" in expected or "number" in expected):
        try:
            float(value)
            return " Write the number without quotes."
        except ValueError:
            return ""
    if isinstance(value, str) and "boolean" in expected and value.lower() in ("true", "false"):
        return f" Write {value.lower()} without quotes."
    return ""


def _enum(error: Any, pointer: str, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
    undocumented = ctx.spec.undocumented_values.get(pointer, {})
    if isinstance(error.instance, str) and error.instance in undocumented:
        return  # reported by the undocumented-value rule instead
    if error.instance is None and "type" in error.schema:
        return  # SDL103 says it once, with "omit the member to use the default"
    nearest = _nearest_choice(error.instance, allowed) if error.instance is not None else None
    why = error.schema.get("description", "")
    yield (
        "SDL104",
        Finding(
            pointer,
            f"{label(pointer)} is {show(error.instance)}, which is not allowed: use one of "
            f"{', '.join(show(a) for a in allowed)}. {why}".rstrip()
            + (f" Nearest valid value: {show(nearest)}." if nearest is not None else "")
            + (" Omit the member to use the default." if error.instance is None else ""),
            fix=Fix(pointer, nearest, safe=_same_but_case(error.instance, nearest)) if nearest is not None else None,
        ),
    )


def _nearest_choice(value: object, allowed: list[object]) -> object | None:
    if len(allowed) == 1:
        return allowed[0]
    text = str(value).lower()
    by_text = {str(a).lower(): a for a in allowed}
    if text in by_text:
        return by_text[text]
    close = closest(text, tuple(by_text), 0.5)
    return by_text[close] if close else None


def closest(word: str, choices: tuple[str, ...], cutoff: float) -> str | None:
    """difflib's closest match, remembered for short words: a batch repeats its typos, and each lookup
    costs tens of µs; a long word (hostile input) is neither worth keeping nor close to any choice."""
    return _remembered_closest(word, choices, cutoff) if len(word) <= 64 else _closest(word, choices, cutoff)


@lru_cache(maxsize=4096)
def _remembered_closest(word: str, choices: tuple[str, ...], cutoff: float) -> str | None:
    return _closest(word, choices, cutoff)


def _closest(word: str, choices: tuple[str, ...], cutoff: float) -> str | None:
    import difflib  # a "did you mean": only an unknown name or value asks for one

    found = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return found[0] if found else None


def _same_but_case(value: object, nearest: object) -> bool:
    """ "mp4" -> "MP4" and "0" -> 0 only respell what was written: safe to apply."""
    return isinstance(value, str) and not isinstance(nearest, bool) and value.lower() == str(nearest).lower()


def _range(error: Any, pointer: str, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    bound = error.validator_value
    low = error.validator in ("minimum", "exclusiveMinimum")
    side = "below the minimum" if low else "above the maximum"
    yield (
        "SDL105",
        Finding(
            pointer,
            f"{label(pointer)} is {show(error.instance)}, {side} {show(bound)}: the API accepts "
            f"{_bounds(error.schema)}. Nearest valid value: {show(bound)}.",
            fix=Fix(pointer, bound),
        ),
    )


def _bounds(schema: dict) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"{show(low)} to {show(high)}"
    return f"at least {show(low)}" if low is not None else f"at most {show(high)}"


def _length(error: Any, pointer: str, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    schema = error.schema
    count = len(error.instance)
    yield (
        "SDL106",
        Finding(
            pointer,
            f"{label(pointer)} has {count} character{'s' if count != 1 else ''}; the API accepts "
            f"{schema.get('minLength', 0)} to {schema.get('maxLength', 'any number of')} characters.",
        ),
    )


def _pattern(error: Any, pointer: str, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    expected = error.schema.get("x-expected") or f"a string matching {error.validator_value}"
    path_hint = error.schema.get("x-looks-like-path")
    if path_hint and isinstance(error.instance, str) and _looks_like_path(error.instance):
        yield "SDL107", Finding(pointer, f"{label(pointer)} is {show(error.instance)}, which looks like {path_hint}.")
        return
    yield "SDL107", Finding(pointer, f"{label(pointer)} is {show(error.instance)}, which is not {expected}.")


#: A file name's extension, a drive letter or a home directory: what a local path shows.
_PATH_SIGNS = re.compile(r"(?:\.[A-Za-z0-9]{2,5}$|^[A-Za-z]:[\\/]|^~|^\.{1,2}[\\/])")


def _looks_like_path(value: str) -> bool:
    """A value that failed the image-input pattern and reads as a local path or a URL of another scheme
    (file://, ftp://): a separator or an extension, and short (a damaged base64 payload is long)."""
    if len(value) > 1024 or value.startswith("data:"):
        return False
    if "://" in value:
        return True  # a URL the pattern refused: its scheme is not http(s)
    return "/" in value or "\\" in value or bool(_PATH_SIGNS.search(value))


def _items(error: Any, pointer: str, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    why = error.schema.get("description", "")
    yield (
        "SDL108",
        Finding(
            pointer,
            f"{label(pointer)} has {len(error.instance)} items; at most {error.validator_value} allowed. "
            f"{why}".rstrip(),
        ),
    )


def _no_branch(error: Any, pointer: str, ctx: TaskContext) -> Iterator[tuple[str, Finding]]:
    kinds = sorted(
        {_TYPE_NAMES.get(s.validator_value, str(s.validator_value)) for s in error.context if s.validator == "type"}
    )
    wanted = " or ".join(kinds) if kinds else "a documented shape"
    hint = _deref_expected(error.schema)
    yield (
        "SDL103",
        Finding(
            pointer,
            f"{label(pointer)} must be {wanted}, got {_got(error.instance)}.{hint}",
        ),
    )


def _deref_expected(schema: dict) -> str:
    for branch in schema.get("anyOf", []):
        ref = branch.get("$ref", "")
        expected = request_schema()["$defs"].get(ref.rsplit("/", 1)[-1], {}).get("x-expected")
        if expected:
            return f" Expected {expected}, or an object with `image` (and optionally `frame`)."
    return ""


_HANDLERS = {
    "anyOf": _no_branch,
    "oneOf": _no_branch,
    "required": _required,
    "additionalProperties": _unknown,
    "type": _type,
    "enum": _enum,
    "const": _enum,
    "minimum": _range,
    "maximum": _range,
    "minLength": _length,
    "maxLength": _length,
    "pattern": _pattern,
    "maxItems": _items,
}


def _family(code: str, ctx: TaskContext) -> list[Finding]:
    return findings_by_code(ctx).get(code, [])


@rule("SDL100", "schema-violation", "error", accepts=request_schema)
def schema_violation(ctx: TaskContext) -> Iterable[Finding]:
    """The task breaks a schema constraint that no more specific rule covers.

    A safety net: every keyword of schemas/ that seedance-lint knows maps to its
    own rule; this one reports any other, with jsonschema's own message.

    Failing: (only with a schema keyword seedance-lint has no rule for)
    Passing: {"taskType": "videoInference"}
    """
    return _family("SDL100", ctx)


@rule("SDL101", "missing-required-parameter", "error", accepts=request_schema)
def missing_required(ctx: TaskContext) -> Iterable[Finding]:
    """A required parameter is missing.

    taskType, taskUUID, model and positivePrompt are required; the API rejects
    a task without any of them.

    Failing: {"taskType": "videoInference", "model": "bytedance:2@2", "width": 864, "height": 480}
    Passing: {"taskType": "videoInference", "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7", "model": "bytedance:2@2", "positivePrompt": "a dancer", "width": 864, "height": 480}
    """  # noqa: E501 - an example is one line of JSON (docs/rules.md and `seedance-lint rule` show it as written)
    return _family("SDL101", ctx)


@rule("SDL102", "unknown-parameter", "error", accepts=request_schema)
def unknown_parameter(ctx: TaskContext) -> Iterable[Finding]:
    """A parameter the model does not document.

    The API answers `unknownParameter` for any member it does not know, so a
    typo fails the whole request. The message suggests the closest known name
    when one is close (similarity 0.8 or more); a videoInference parameter of
    other Runware models (schemas/videoinference-other-models.json: fps,
    steps, CFGScale, negativePrompt, routing, ...) is "not supported by
    bytedance:2@2", and a member written in the wrong place (a top-level
    frameImages) gets its place (inputs.frameImages[].image).

    Failing: {"positivePromt": "a dancer"}
    Passing: {"positivePrompt": "a dancer"}
    """
    return _family("SDL102", ctx)


@rule("SDL103", "wrong-type", "error", accepts=request_schema)
def wrong_type(ctx: TaskContext) -> Iterable[Finding]:
    """A parameter has the wrong JSON type.

    For example a width written as a string, or a boolean written as "true".
    A YAML `yes`/`no`/`on`/`off` on a boolean member is a string in YAML 1.2:
    a safe fix writes `true`/`false`. A `null` member (runware-sdk sends unset
    fields as null) is told to be omitted; one with a default is removed by a
    safe fix.

    Failing: {"width": "864", "height": 480}
    Passing: {"width": 864, "height": 480}
    """
    return _family("SDL103", ctx)


@rule("SDL104", "value-not-allowed", "error", accepts=request_schema)
def value_not_allowed(ctx: TaskContext) -> Iterable[Finding]:
    """A parameter's value is not one of the documented values.

    Enumerations are case-sensitive; the message names the nearest allowed value.

    Failing: {"outputFormat": "mp4"}
    Passing: {"outputFormat": "MP4"}
    """
    return _family("SDL104", ctx)


@rule("SDL105", "out-of-range", "error", accepts=request_schema)
def out_of_range(ctx: TaskContext) -> Iterable[Finding]:
    """A number is outside its documented minimum and maximum.

    The message gives the bound, which is the nearest valid value.

    Failing: {"duration": 15}
    Passing: {"duration": 12}
    """
    return _family("SDL105", ctx)


@rule("SDL106", "invalid-length", "error", accepts=request_schema)
def invalid_length(ctx: TaskContext) -> Iterable[Finding]:
    """A string is shorter or longer than documented (positivePrompt has a minimum and a maximum length).

    Failing: {"positivePrompt": "a"}
    Passing: {"positivePrompt": "a dancer on a rooftop"}
    """
    return _family("SDL106", ctx)


@rule("SDL107", "invalid-format", "error", accepts=request_schema)
def invalid_format(ctx: TaskContext) -> Iterable[Finding]:
    """A string is not in its documented format.

    taskUUID must be a UUID v4; webhookURL and uploadEndpoint must be absolute
    URIs; an image input must be a UUID, an http or https URL, a data URI of
    any media type, or valid base64 (whole 4-character groups, padding only at
    the end, at least 32 characters). A file path, or a file:// or ftp:// URL,
    is said to look like one.

    Failing: {"taskUUID": "task-1"}
    Passing: {"taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7"}
    """
    return _family("SDL107", ctx)


@rule("SDL108", "too-many-items", "error", accepts=request_schema)
def too_many_items(ctx: TaskContext) -> Iterable[Finding]:
    """An array has more items than the model supports.

    This model only supports the first frame, so inputs.frameImages takes at
    most one image.

    Failing: {"inputs": {"frameImages": ["https://example.com/a.jpg", "https://example.com/b.jpg"]}}
    Passing: {"inputs": {"frameImages": ["https://example.com/a.jpg"]}}
    """
    return _family("SDL108", ctx)


def _frame_images(ctx: TaskContext) -> Iterator[tuple[str, object]]:
    """Each first-frame image input with its pointer (a plain string, or an object's ``image``)."""
    frames = ctx.member("inputs", "frameImages")
    for index, item in enumerate(frames if isinstance(frames, list) else ()):
        pointer = f"/inputs/frameImages/{index}"
        yield (pointer + "/image", item.get("image")) if isinstance(item, dict) else (pointer, item)


def _image_input_schema() -> dict:
    return request_schema()["$defs"]["imageInput"]


@cache
def _inline_images_known() -> dict:
    """Accepts a task whose inline first-frame images start with a known header (or that has none).

    Stricter than the rule, as a fragment may be: a known header's base64 opening (a PNG's with its
    IHDR length, a JPEG's with its marker, a RIFF file's with WEBP at bytes 8-11), else a UUID or a URL.
    """
    openings = "iVBORw0KGgo|/9j/|R0lGODdh|R0lGODlh|UklGR[A-Za-z0-9+/]{5}[BFJNRVZdhlptx159]XRUJQ"
    known = {
        "anyOf": [
            {"not": {"type": "string"}},
            {"pattern": "^(?:[0-9a-fA-F]{8}-|[Hh][Tt][Tt][Pp][Ss]?://)"},
            {"pattern": f"^(?:data:[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+;base64,)?(?:{openings})"},
        ]
    }
    item = {"if": {"type": "object"}, "then": {"properties": {"image": known}}, "else": known}
    return {"properties": {"inputs": {"properties": {"frameImages": {"items": item}}}}}


@rule("SDL109", "inline-image-not-an-image", "warning", accepts=_inline_images_known)
def inline_image_not_an_image(ctx: TaskContext) -> Iterator[Finding]:
    """An inline first-frame image whose bytes do not start with a PNG, JPEG, GIF or WebP header.

    The API reads an image's format from its bytes, not from the data URI's
    media type (Runware's SDK sends `data:application/octet-stream;base64,...`
    for raw bytes), so any media type is accepted; but bytes that are no image
    format seedance-lint knows are probably not an image (a PDF, a text file),
    and the API may reject them. Neither can seedance-lint read their size for
    `cost`.

    Failing: {"inputs": {"frameImages": ["data:application/octet-stream;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+Pgo="]}}
    Passing: {"inputs": {"frameImages": ["data:application/octet-stream;base64,iVBORw0KGgoAAAANSUhEUgAAA2AAAAHgCAIAAAA="]}}
    """  # noqa: E501 - an example is one line of JSON
    from seedance_lint.input.imagesize import inline_image_format

    formats = _image_input_schema()["x-image-formats"]
    for pointer, image in _frame_images(ctx):
        if not isinstance(image, str):
            continue
        found = inline_image_format(image)
        # Only a valid image input (a value SDL107 reports is not inline data to judge).
        if found is not None and found not in formats and ecma_regex(_image_input_schema()["pattern"]).search(image):
            yield Finding(
                pointer,
                f"{label(pointer)} is inline data whose first bytes are not an image header of "
                f"{', '.join(formats)}: the API reads the format from the bytes and may reject it, and "
                "`cost` cannot read its size. Send the image file's own bytes.",
            )


RULES = (
    schema_violation,
    missing_required,
    unknown_parameter,
    wrong_type,
    value_not_allowed,
    out_of_range,
    invalid_length,
    invalid_format,
    too_many_items,
    inline_image_not_an_image,
)
