"""Problems found while reading a file, before any task is checked.

These rules are reported by the loaders and the pipeline, not by a check over
one task; their functions only document them.
"""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.core.diagnostic import Finding, Severity
from seedance_lint.rules.base import Rule, TaskContext, rule


def _reported_by_pipeline(ctx: TaskContext) -> Iterator[Finding]:
    return iter(())


def _file_rule(code: str, name: str, severity: Severity, doc: str) -> Rule:
    def check(ctx: TaskContext) -> Iterator[Finding]:
        return _reported_by_pipeline(ctx)

    check.__doc__ = doc
    check.__name__ = name.replace("-", "_")
    return rule(code, name, severity, scope="file")(check)


invalid_syntax = _file_rule(
    "SDL001",
    "invalid-syntax",
    "error",
    """The file is not valid JSON, JSON Lines or YAML.

    Reported with the parser's line and column; nothing in the file is checked.

    Failing: {"width": 864,, "height": 480}
    Passing: {"width": 864, "height": 480}
    """,
)

empty_file = _file_rule(
    "SDL002",
    "empty-file",
    "error",
    """The file (or a JSON Lines line's document) holds no request.

    Failing: (an empty file)
    Passing: {"taskType": "videoInference", ...}
    """,
)

duplicate_key = _file_rule(
    "SDL003",
    "duplicate-key",
    "error",
    """An object has the same key twice.

    JSON parsers, orjson and PyYAML silently keep the last value, so what the
    API receives depends on the client. Each repeated occurrence is reported.

    Failing: {"duration": 5, "duration": 10}
    Passing: {"duration": 10}
    """,
)

not_a_task = _file_rule(
    "SDL004",
    "not-a-task",
    "error",
    """A request file holds something that is not a task object.

    A request is a task object or an array of task objects; a scalar, or an
    array item that is not an object, is rejected by the API.

    Failing: [42]
    Passing: [{"taskType": "videoInference", ...}]
    """,
)

other_model = _file_rule(
    "SDL005",
    "other-model-skipped",
    "info",
    """A videoInference task for another model is skipped.

    seedance-lint only knows bytedance:2@2; tasks for other models are left alone.

    Failing: {"taskType": "videoInference", "model": "klingai:5@3"}
    Passing: {"taskType": "videoInference", "model": "bytedance:2@2"}
    """,
)

not_a_request_file = _file_rule(
    "SDL006",
    "not-a-request-file",
    "info",
    """A file found while walking a directory does not look like a request file.

    It has no videoInference task and no bytedance:2@2 model (a package.json,
    say), so it is skipped. Name it on the command line to lint it anyway.

    Failing: {"name": "my-package", "version": "1.0.0"}
    Passing: {"taskType": "videoInference", "model": "bytedance:2@2", ...}
    """,
)

invalid_encoding = _file_rule(
    "SDL007",
    "invalid-encoding",
    "error",
    """The file is not UTF-8 text (or is binary).

    JSON must be UTF-8 (RFC 8259); a leading byte order mark is accepted.
    A UTF-16 or UTF-32 file with its byte order mark is named as such, with
    how to convert it; it is not read (a fix could not write it back as it was).

    Failing: (a file with the byte 0xff)
    Passing: (a UTF-8 file)
    """,
)

non_finite_number = _file_rule(
    "SDL008",
    "non-finite-number",
    "error",
    """NaN, Infinity or a number too large for a double.

    JSON has no NaN or Infinity; Python's json module accepts them, the API does not.

    Failing: {"duration": NaN}
    Passing: {"duration": 5}
    """,
)

too_complex = _file_rule(
    "SDL009",
    "document-too-complex",
    "error",
    """The document nests too deeply, or its YAML aliases expand too far.

    A request is a few levels deep; this guards against hostile files
    (billion laughs, 100,000 nested arrays).

    Failing: [[[[[[...]]]]]] (hundreds of levels)
    Passing: {"inputs": {"frameImages": ["..."]}}
    """,
)

yaml11_value = _file_rule(
    "SDL010",
    "yaml-1-1-value",
    "warning",
    """A plain YAML scalar means something else in YAML 1.1.

    seedance-lint reads YAML 1.2 (yes is a string, 010 is ten); PyYAML and
    other YAML 1.1 tools read yes as true and 010 as eight, and 1.10 loses its
    trailing zero as a number. Quote the value to make it unambiguous.

    Failing: positivePrompt: yes
    Passing: positivePrompt: "yes"
    """,
)

yaml_tag = _file_rule(
    "SDL011",
    "yaml-custom-tag",
    "error",
    """A YAML node has a custom tag, such as !!python/object.

    Tags are never used to build objects; the value is read as plain data.

    Failing: seed: !!python/object/apply:os.getpid []
    Passing: seed: 42
    """,
)

duplicate_task_uuid = _file_rule(
    "SDL401",
    "duplicate-task-uuid",
    "error",
    """The taskUUID is used by another task of this file or of this run.

    A taskUUID must be unique per task: the API matches async responses by it.
    Checked across every file of one run (run pre-commit with require_serial).

    Failing: two tasks with taskUUID 59d02567-ead8-47ef-94c7-d04dfdcc78b7
    Passing: each task with its own uuid.uuid4()
    """,
)

RULES = (
    invalid_syntax,
    empty_file,
    duplicate_key,
    not_a_task,
    other_model,
    not_a_request_file,
    invalid_encoding,
    non_finite_number,
    too_complex,
    yaml11_value,
    yaml_tag,
    duplicate_task_uuid,
)
