"""Loading the rule cases of tests/cases/rules/*.yaml (the format is described there in README.md).

Kept apart from the test module so that the registry test can ask which
codes the cases cover without running them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

RULE_CASES_DIR = Path(__file__).resolve().parent / "cases" / "rules"
CASE_KEYS = {"id", "rule", "why", "file", "content", "bytes", "files", "paths", "args", "exit", "expect"}
EXPECT_KEYS = {"code", "pointer", "line", "column", "severity", "task", "message", "file"}
FILE_KEYS = {"name", "content", "bytes"}


@dataclass(frozen=True)
class Expected:
    code: str
    pointer: str
    line: int
    column: int
    file: str | None = None
    severity: str | None = None
    task: int | str | None = "any"  # "any": not asserted; None: must be null
    message: str | None = None

    @property
    def key(self) -> tuple[str, str, int, int]:
        return self.code, self.pointer, self.line, self.column


@dataclass(frozen=True)
class RuleCase:
    id: str
    rule: str
    source: str
    files: dict[str, bytes]
    paths: list[str]
    args: list[str]
    exit: int | None
    expect: list[Expected] = field(default_factory=list)

    @property
    def default_file(self) -> str | None:
        """The file of an expected diagnostic that names none: the only file, linted by its name."""
        return self.paths[0] if len(self.files) == 1 and self.paths == list(self.files) else None

    @property
    def fails(self) -> bool:
        """A failing case for its rule: the rule's code is among the expected diagnostics."""
        return any(e.code == self.rule for e in self.expect)


def _content(entry: dict[str, Any], where: str) -> bytes:
    """``content`` is UTF-8 text; ``bytes`` is a string of code points 0-255 taken as raw bytes."""
    if ("content" in entry) == ("bytes" in entry):
        raise ValueError(f"{where}: give exactly one of content and bytes")
    if "content" in entry:
        return str(entry["content"]).encode("utf-8")
    return str(entry["bytes"]).encode("latin-1")


def _expected(item: dict[str, Any], where: str) -> Expected:
    unknown = set(item) - EXPECT_KEYS
    missing = {"code", "pointer", "line", "column"} - set(item)
    if unknown or missing:
        raise ValueError(f"{where}: expected diagnostic has unknown keys {unknown} / lacks {missing}")
    return Expected(
        code=item["code"],
        pointer=item["pointer"],
        line=item["line"],
        column=item["column"],
        file=item.get("file"),
        severity=item.get("severity"),
        task=item.get("task", "any"),
        message=item.get("message"),
    )


def _case(raw: dict[str, Any], source: str) -> RuleCase:
    where = f"{source}: case {raw.get('id', '?')}"
    unknown = set(raw) - CASE_KEYS
    if unknown or "id" not in raw or "rule" not in raw or "expect" not in raw:
        raise ValueError(f"{where}: unknown keys {unknown}, or id/rule/expect missing")
    if "files" in raw:
        files = {}
        for entry in raw["files"]:
            if set(entry) - FILE_KEYS:
                raise ValueError(f"{where}: unknown file keys {set(entry) - FILE_KEYS}")
            files[entry["name"]] = _content(entry, where)
    else:
        files = {raw["file"]: _content(raw, where)}
    case = RuleCase(
        id=raw["id"],
        rule=raw["rule"],
        source=source,
        files=files,
        paths=list(raw.get("paths", files)),
        args=list(raw.get("args", [])),
        exit=raw.get("exit"),
        expect=[_expected(item, where) for item in raw["expect"] or []],
    )
    if case.default_file is None and any(e.file is None for e in case.expect):
        raise ValueError(f"{where}: with several files or other paths, each expected diagnostic names its file")
    return case


def load_cases(directory: Path = RULE_CASES_DIR) -> list[RuleCase]:
    """Every case of every *.yaml file, in file order; ids must be unique."""
    cases: list[RuleCase] = []
    for path in sorted(directory.glob("*.yaml")):
        raw_cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(raw_cases, list):
            raise ValueError(f"{path.name}: expected a list of cases")
        cases.extend(_case(raw, path.name) for raw in raw_cases)
    ids = [case.id for case in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate case ids: {duplicates}")
    return cases
