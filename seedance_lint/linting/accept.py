"""The accept path: what lets a clean task skip the Python rules, assembled from the rule registry.

Most tasks in a batch are clean. Instead of running every rule in Python, the
linter first asks one compiled validator (jsonschema-rs) whether the task
satisfies what every task rule declared it accepts (``Rule.accepts``: a JSON
Schema that passes only tasks the rule does not flag). A task it passes has
nothing to report; any other task goes through the rules, which explain. A
rule that declares nothing makes the schema ``false``: every task takes the
rules' path (safe by default, slower), never a silent skip. Likewise a
document rule's ``prefilter`` clears a JSON Lines line for the whole-document
rules (the secret scan); a document rule without one scans every line.

The assembled schema may be stricter than the rules (a needless slow path
costs time, never a diagnostic), never looser: a property test holds it to
that, and a registry test lints every rule's failing example through here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import compress
from typing import Any

import orjson

from seedance_lint.core.data import model_spec
from seedance_lint.input.documents import Loaded
from seedance_lint.input.jsonl import Parsed, chunked, dump_keeping_quotes, parse_lines, read_alike, runs, slices
from seedance_lint.input.sources import Source
from seedance_lint.rules import DOCUMENT_RULES, TASK_RULES
from seedance_lint.rules.base import Prefilter, Rule


@cache
def clean_schema(rules: tuple[Rule, ...] = TASK_RULES) -> dict | bool:
    """One schema that passes only tasks none of ``rules`` flags (False when one declares nothing)."""
    fragments: list[dict] = []
    for rule in rules:
        if rule.accepts is None:
            return False
        fragment = rule.accepts()
        if not any(fragment is known for known in fragments):  # the schema family shares the request schema
            fragments.append(fragment)
    if not fragments:
        return True
    # The first fragment is the root (the schema family's request schema, whose $refs point into itself);
    # the others join its allOf.
    schema = _copy(fragments[0])
    schema["allOf"] = [*schema.get("allOf", ()), *map(_copy, fragments[1:])]
    _bound_every_number(schema, model_spec().js_safe_integer_max)
    _integers_first(schema)
    return schema


def _copy(schema: dict) -> dict:
    """A copy to rewrite, without our data block (x-seedance is not schema)."""
    return {k: v for k, v in orjson.loads(orjson.dumps(schema)).items() if k != "x-seedance"}


def _bound_every_number(schema: object, bound: int) -> None:
    """Give every number without a bound one (in place): an accepted task then holds no integer past 64 bits.

    orjson reads such an integer as a rounded float; the accept path may then
    trust orjson's values without the long-integer check of
    documents.load_json_text. A task with a larger number takes the rules' path.
    """
    if isinstance(schema, dict) and schema.get("type") in ("integer", "number"):
        if "maximum" not in schema and "exclusiveMaximum" not in schema:
            schema["maximum"] = bound
        if "minimum" not in schema and "exclusiveMinimum" not in schema:
            schema["minimum"] = -bound
    for child in _subschemas(schema):
        _bound_every_number(child, bound)


def _integers_first(schema: object) -> None:
    """Compare numbers with a fractional minimum or maximum through an integer one first (in place; the same
    verdicts).

    jsonschema-rs compares any number with a fractional bound about six times
    slower than with an integer one (duration's minimum of 1.2 took a quarter
    of the time of a whole task). The bound becomes "within the bound rounded
    inward, or between the two bounds": the first branch, with an integer
    bound, decides every value but those between the two; what is between is
    compared with the fractional bound, as before, so no value passes or fails
    that did not before.
    """
    for child in _subschemas(schema):
        _integers_first(child)
    if isinstance(schema, dict):
        for keyword, inward, beyond in (
            ("minimum", math.ceil, "exclusiveMaximum"),
            ("maximum", math.floor, "exclusiveMinimum"),
        ):
            bound = schema.get(keyword)
            if isinstance(bound, float) and math.isfinite(bound) and not bound.is_integer():
                del schema[keyword]
                either = {"anyOf": [{keyword: inward(bound)}, {keyword: bound, beyond: inward(bound)}]}
                schema.setdefault("allOf", []).append(either)


#: Keywords whose values are data (an instance to compare with, an annotation), never subschemas to rewrite.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})
#: Keywords whose values map names to subschemas (a property may be named "enum").
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})


def _subschemas(schema: object) -> list[object]:
    """What the schema walkers above descend into: a list's items; a schema's values but data."""
    if isinstance(schema, list):
        return list(schema)
    if not isinstance(schema, dict):
        return []
    found: list[object] = []
    for keyword, value in schema.items():
        if keyword in _SCHEMA_MAPS and isinstance(value, dict):
            found.extend(value.values())
        elif keyword not in _DATA_KEYWORDS:
            found.append(value)
    return found


@cache
def _validator() -> Any:
    import jsonschema_rs  # the compiled validator: loaded with the first task, not at start-up

    return jsonschema_rs.validator_for(clean_schema())


def is_clean(task: object) -> bool:
    """True only for a task that no task rule reports (False when unsure)."""
    try:
        return bool(_validator().is_valid(task))
    except (ValueError, TypeError, OverflowError):  # a value it has no type for: let the rules decide
        return False


def accepts_all(values: list[object]) -> list[bool]:
    """is_clean of each value, in one map over the compiled validator."""
    try:
        return list(map(_validator().is_valid, values))
    except (ValueError, TypeError, OverflowError):
        return [is_clean(value) for value in values]


def may_be_flagged(dumped: bytes, rules: tuple[Rule, ...] = DOCUMENT_RULES) -> bool:
    """False only when no document rule can flag anything in the values orjson dumped as ``dumped``.

    Exact for the dump of a list of documents too: each prefilter looks at
    strings, and a string never spans two documents.
    """
    prefilters = _distinct_prefilters(rules)
    return None in prefilters or any(prefilter(dumped) for prefilter in prefilters if prefilter is not None)


@cache
def _distinct_prefilters(rules: tuple[Rule, ...]) -> tuple[Prefilter | None, ...]:
    """Each rule's prefilter, once: the secret rules share one, which a chunk would otherwise run three times."""
    return tuple(dict.fromkeys(rule.prefilter for rule in rules))


# -- JSON Lines: the accept path over a chunk of lines at a time --------------------------------


@dataclass(frozen=True)
class AcceptedRun:
    """Consecutive accepted lines: clean tasks with nothing to report but their taskUUIDs."""

    first_line: int
    lines: list[bytes]
    values: list[dict]

    def text(self, offset: int) -> str:
        return self.lines[offset].decode("utf-8").rstrip("\r\n")


def load_accepting(source: Source) -> Iterator[Loaded | AcceptedRun]:
    """documents.load, with the accepted lines of a JSON Lines file gathered into runs."""
    return chunked(source, accept, AcceptedRun)


def items_from(lines: list[bytes], first_line: int, data: bytes | None = None) -> Iterator[Loaded | AcceptedRun]:
    """load_accepting for some lines of a file (``data``: them joined, if at hand), from ``first_line`` on;
    no SDL002 when all are blank."""
    return runs(slices(lines, data), accept, AcceptedRun, first_line, report_empty=False)


def accept(lines: list[bytes], raw: bytes | None = None) -> list:
    """Each line's value where the accept path passes it; else a Parsed line to lint, or None (load_line).

    A line is accepted when it is a clean task, holds no duplicate key and
    nothing a document rule could flag. ``raw`` is the lines joined, when at hand.
    """
    values = parse_lines(lines)
    clean = accepts_all(values)
    taken = _taken(lines, values, clean, raw)
    if all(taken):
        return values
    rejected = [not ok for ok in taken]
    kept = iter(
        _kept(list(compress(lines, rejected)), list(compress(values, rejected)), list(compress(clean, rejected)))
    )
    return [value if ok else next(kept) for value, ok in zip(values, taken, strict=True)]


def _taken(lines: list[bytes], values: list[object], clean: list[bool], raw: bytes | None) -> list[bool]:
    """Which lines are accepted: clean, and plain (no duplicate key, nothing for the document rules)."""
    if not any(clean):
        return clean
    if raw is None or not all(clean):
        raw = b"".join(compress(lines, clean))
    if _plain(raw, list(compress(values, clean))):
        return clean
    return [ok and _plain(line, [v]) for line, v, ok in zip(lines, values, clean, strict=True)]


def _kept(lines: list[bytes], values: list[object], clean: list[bool]) -> list[Parsed | None]:
    """For rejected lines, a Parsed line where orjson's value is what load_line would read, else None.

    The checks run over all the lines joined, and line by line only where that fails.
    """
    fit = read_alike(lines, values)
    dumped = dump_keeping_quotes(b"".join(compress(lines, fit)), list(compress(values, fit)))
    if dumped is None:  # a line lost a member to a duplicate key: find which
        fit = [
            ok and dump_keeping_quotes(line, [v]) is not None for line, v, ok in zip(lines, values, fit, strict=True)
        ]
        dumped = orjson.dumps(list(compress(values, fit)))
    free = not may_be_flagged(dumped)
    found = iter(
        [
            Parsed(v, free or not may_be_flagged(orjson.dumps([v])), not ok)
            for v, ok in zip(compress(values, fit), compress(clean, fit), strict=True)
        ]
    )
    return [next(found) if ok else None for ok in fit]


def _plain(raw: bytes, values: list[object]) -> bool:
    """True when the raw lines hold no duplicate key and their values nothing a document rule could flag."""
    dumped = dump_keeping_quotes(raw, values)
    return dumped is not None and not may_be_flagged(dumped)
