"""The configuration file: found, validated, and merged with the command line.

Looked for in the working directory and then in each parent, first match
wins: ``.seedance-lint.toml``, ``.seedance-lint.yaml``, ``.seedance-lint.yml``
(settings at the top level) or ``pyproject.toml`` (settings under
``[tool.seedance-lint]``; a pyproject.toml without that table is passed by).
``--config PATH`` names the file instead.

pydantic validates the file, and is imported only when there is one: a
clean ``check`` with no configuration must start fast.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

from seedance_lint.core.diagnostic import Severity
from seedance_lint.core.errors import UsageError
from seedance_lint.input.sources import glob_matches, relative_path

#: Looked for in this order in each directory.
CONFIG_FILES = (".seedance-lint.toml", ".seedance-lint.yaml", ".seedance-lint.yml", "pyproject.toml")
PYPROJECT_TABLE = "seedance-lint"
#: Cheap pre-check: "seedance-lint" used as a table or key (not as a project name).
_MENTIONS_TABLE = re.compile(rb"""seedance-lint["']?[ \t]*[.\]=]""")
#: A per-rule severity of "off" disables the rule.
OFF: Final = "off"
#: A rule's severity as the configuration gives it: a Severity, or OFF.
Level = Severity | Literal["off"]
#: Worker processes for a large JSON Lines file unless configured (core/executor.py: never more than the
#: CPUs available); "auto" takes every CPU, and memory grows with them. docs/performance.md has the figures.
DEFAULT_JOBS = 2


@dataclass(frozen=True)
class Selection:
    """Which rules run and at what severity (from the config file and flags)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    #: (glob, codes or prefixes) pairs: those codes are not reported in matching files.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The directory the globs are relative to (the config file's); "" means as given.
    root: str = ""
    # A cache, never copied by dataclasses.replace (init=False): a replaced selection starts afresh.
    _ignored: dict[str, tuple[str, ...]] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def enabled(self, code: str) -> bool:
        chosen = not self.select or any(code.startswith(p) for p in self.select)
        return chosen and not any(code.startswith(p) for p in self.ignore)

    def enabled_in(self, code: str, file: str) -> bool:
        """enabled, and not ignored in this file by a per-file-ignores glob."""
        if not self.enabled(code):
            return False
        return not self.per_file_ignores or not any(code.startswith(p) for p in self.ignored_in(file))

    def ignored_in(self, file: str) -> tuple[str, ...]:
        if file not in self._ignored:  # one glob walk per file, not per diagnostic
            path = relative_path(file, self.root)
            self._ignored[file] = tuple(
                c for glob, codes in self.per_file_ignores if glob_matches(path, glob) for c in codes
            )
        return self._ignored[file]

    def severity_of(self, code: str, default: Severity) -> Severity:
        """The configured severity of a rule's code, else its own."""
        return dict(self.severity).get(code, default)


@dataclass(frozen=True)
class Config:
    """The merged settings of one run (file, then command-line flags on top)."""

    path: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Level], ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: Whether a walk skips what git ignores (.gitignore, info/exclude, core.excludesFile).
    respect_gitignore: bool = True
    #: What `check` and `cost` read when no path is given (the budget hook: the whole request set), as
    #: written in the file, relative to its directory (root).
    paths: tuple[str, ...] = ()
    budget: Decimal | None = None
    max_task_cost: Decimal | None = None
    #: Where each limit was set: "--budget" / "--max-task-cost", or the configuration file's path (messages name it).
    budget_source: str | None = field(default=None, compare=False)
    max_task_cost_source: str | None = field(default=None, compare=False)
    strict: bool = False
    #: Worker processes for a large JSON Lines file; 0 is "auto" (one per available CPU); 1, none.
    jobs: int = DEFAULT_JOBS
    #: The directory per-file-ignores globs are relative to (the config file's).
    root: str = field(default="", compare=False)

    def selection(self) -> Selection:
        """What the engine runs: select/ignore (severity "off" included), severities, per-file-ignores."""
        off = tuple(code for code, level in self.severity if level == OFF)
        return Selection(
            select=self.select,
            ignore=self.ignore + off,
            severity=tuple((code, level) for code, level in self.severity if level != OFF),
            per_file_ignores=self.per_file_ignores,
            root=self.root,
        )

    def as_dict(self) -> dict[str, Any]:
        """The settings as the file spells them (for --show-config)."""
        shown: dict[str, Any] = {"config-file": self.path}
        for item in fields(self):
            if item.name in ("path", "root", "budget_source", "max_task_cost_source"):
                continue
            value = getattr(self, item.name)
            if isinstance(value, Decimal):
                value = f"{value:f}"
            elif item.name == "jobs" and value == 0:
                value = "auto"
            elif item.name in ("severity", "per_file_ignores"):
                value = {key: list(codes) if isinstance(codes, tuple) else codes for key, codes in value}
            elif isinstance(value, tuple):
                value = list(value)
            shown[item.name.replace("_", "-")] = value
        return shown

    def default_paths(self) -> list[str]:
        """What to read when the command line names no path: the file's ``paths`` (relative to its
        directory, shown relative to the current one), else the current directory."""
        if not self.paths:
            return ["."]
        return [os.path.relpath(os.path.join(self.root, path)) if self.root else path for path in self.paths]

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"


# -- finding the file -------------------------------------------------------------------------


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``."""
    for directory in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_table(candidate)):
                return candidate
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        data = pyproject.read_bytes()
    except OSError:
        return False
    if not _MENTIONS_TABLE.search(data):  # most pyproject.toml files: no TOML parse needed
        return False
    try:
        return PYPROJECT_TABLE in _parse_toml(data, pyproject).get("tool", {})
    except UsageError:
        return True  # it mentions us but is broken: reading it reports the error


# -- reading and validating ----------------------------------------------------------------------


def read_config(path: Path) -> Config:
    """Parse and validate one configuration file (any error: UsageError naming file and key)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"{_shown(path)}: cannot read the configuration file: {error.strerror or error}") from None
    raw = _parse(data, path)
    if not isinstance(raw, dict):
        raise UsageError(f"{_shown(path)}: the configuration must be a mapping of settings, not {type(raw).__name__}")
    return _validate(raw, path)


def _parse(data: bytes, path: Path) -> Any:
    if path.name == "pyproject.toml":
        table = _parse_toml(data, path).get("tool", {}).get(PYPROJECT_TABLE, {})
        return table
    if path.suffix == ".toml":
        return _parse_toml(data, path)
    return _parse_yaml(data, path)


def _parse_toml(data: bytes, path: Path) -> dict[str, Any]:
    import tomllib  # only a run with a TOML configuration file reads one

    try:
        return tomllib.loads(data.decode("utf-8-sig"), parse_float=Decimal)  # budget = 50.1 stays exact
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{_shown(path)}: not valid TOML: {error}") from None


def _parse_yaml(data: bytes, path: Path) -> Any:
    import yaml  # PyYAML takes 15 ms to import: only a YAML configuration file needs it here

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loaded = yaml.load(data.decode("utf-8-sig"), Loader=loader)  # a safe loader
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        where = getattr(error, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        raise UsageError(f"{_shown(path)}: not valid YAML{at}: {getattr(error, 'problem', None) or error}") from None
    return {} if loaded is None else loaded


def _validate(raw: dict[str, Any], path: Path) -> Config:
    from pydantic import ValidationError

    try:
        model = file_model().model_validate(raw)
    except ValidationError as error:
        raise UsageError(f"{_shown(path)}: {_first_problem(error, raw)}") from None
    settings = {name: _rule_codes(getattr(model, name), name, path) for name in ("select", "ignore")}
    return Config(
        path=_shown(path),
        select=settings["select"],
        ignore=settings["ignore"],
        severity=tuple((_rule_code(key, f"severity.{key}", path), level) for key, level in model.severity.items()),
        per_file_ignores=tuple(
            (glob, _rule_codes(codes, f"per-file-ignores.{glob}", path))
            for glob, codes in model.per_file_ignores.items()
        ),
        include=tuple(model.include),
        exclude=tuple(model.exclude),
        respect_gitignore=model.respect_gitignore,
        paths=tuple(model.paths),
        budget=model.budget,
        max_task_cost=model.max_task_cost,
        strict=model.strict,
        jobs=model.jobs,
        root=str(path.parent.resolve()),
    )


def _first_problem(error: Any, raw: dict[str, Any]) -> str:
    problems = error.errors()
    first = problems[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    if first["type"] == "extra_forbidden":
        known = [f.alias or name for name, f in file_model().model_fields.items()]
        close = difflib.get_close_matches(str(first["loc"][0]), known, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(known)}"
        return f"unknown key `{key}`: {hint}{more}"
    message = first["msg"].removeprefix("Value error, ")
    given = repr(first.get("input"))
    given = given if len(given) <= 60 else given[:57] + "..."
    got = "" if given in message else f" (got {given})"
    return f"`{key}`: {message}{got}{more}"


def _rule_codes(values: list[str], key: str, path: Path | None) -> tuple[str, ...]:
    return tuple(_rule_code(value, key, path, prefix=True) for value in values)


def _rule_code(value: str, key: str, path: Path | None, prefix: bool = False) -> str:
    """A rule code (or, with ``prefix``, a code prefix), from a code or a rule name."""
    from seedance_lint.rules import BY_CODE, BY_NAME  # every rule module: only a file naming codes needs them

    if value in BY_NAME:
        return BY_NAME[value].code
    code = value.strip().upper()
    if code in BY_CODE or (prefix and code and any(known.startswith(code) for known in BY_CODE)):
        return code
    where = f"{_shown(path)}: `{key}`" if path else key
    kind = "rule code, prefix or name" if prefix else "rule code or name"
    raise UsageError(f"{where}: {value!r} is not a {kind} (see `seedance-lint rules`)")


def _shown(path: Path | None) -> str:
    if path is None:
        return "(command line)"
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith(os.pardir * 3) else str(path)


# -- merging with the command line ---------------------------------------------------------------


def load_config(args: argparse.Namespace, cwd: Path | None = None) -> Config:
    """The file's settings (``--config`` or the nearest file) with the flags of ``args`` on top."""
    given = getattr(args, "config", None)
    path: Path | None
    if given:
        path = Path(given)
        if not path.is_file():
            raise UsageError(f"--config {given}: no such file")
    else:
        path = find_config(cwd or Path.cwd())
    config = read_config(path) if path else Config()
    return merge_flags(config, args)


def merge_flags(config: Config, args: argparse.Namespace) -> Config:
    """Flags win: --select replaces the file's list, --ignore adds to it, --strict/--no-strict set it."""
    select = _flag_codes(getattr(args, "select", None), "--select")
    ignore = _flag_codes(getattr(args, "ignore", None), "--ignore")
    strict = getattr(args, "strict", None)
    budget = _money_flag(getattr(args, "budget", None), "--budget")
    max_task_cost = _money_flag(getattr(args, "max_task_cost", None), "--max-task-cost")
    flag_jobs = getattr(args, "jobs", None)
    respect = getattr(args, "respect_gitignore", None)
    return replace(
        config,
        respect_gitignore=config.respect_gitignore if respect is None else respect,
        jobs=config.jobs if flag_jobs is None else flag_jobs,
        select=select or config.select,
        ignore=tuple(dict.fromkeys(config.ignore + ignore)),
        budget=config.budget if budget is None else budget,
        max_task_cost=config.max_task_cost if max_task_cost is None else max_task_cost,
        budget_source=_limit_source(budget, "--budget", config.budget, config.path),
        max_task_cost_source=_limit_source(max_task_cost, "--max-task-cost", config.max_task_cost, config.path),
        strict=config.strict if strict is None else bool(strict),
    )


def _limit_source(flag: Decimal | None, name: str, filed: Decimal | None, path: str | None) -> str | None:
    """Where a limit comes from: its flag (which wins), else the configuration file that sets it."""
    if flag is not None:
        return name
    return path if filed is not None else None


def _flag_codes(text: object, flag: str) -> tuple[str, ...]:
    if not isinstance(text, str):
        return ()
    return tuple(_rule_code(part.strip(), flag, None, prefix=True) for part in text.split(",") if part.strip())


def _money_flag(value: object, flag: str) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return money(value)
    except ValueError as error:
        raise UsageError(f"{flag}: {error}") from None


def parse_jobs(value: object) -> int:
    """A number of processes (1 or more), or "auto" for one per available CPU (returned as 0)."""
    if value == "auto" and isinstance(value, str):
        return 0
    if isinstance(value, str) and value.isascii() and value.isdigit():  # --jobs 2 arrives as text
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f'expected a number of processes (1 or more) or "auto", got {value!r}')
    return value


def money(value: object) -> Decimal:
    """A non-negative amount in USD from a decimal string or a number (never via binary float)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError(f'{value!r} is not an amount in USD (write it as a number or a string such as "12.50")')
    try:
        amount = Decimal(str(value).strip())  # str() of a float is its shortest repr: 0.1 -> "0.1"
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount in USD (e.g. 12.50)") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{value!r} must be a non-negative amount in USD")
    return amount


@cache
def file_model() -> Any:
    """The pydantic model of the file's settings (built on first use: pydantic is slow to import)."""
    from typing import Annotated

    from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictStr

    Money = Annotated[Decimal, BeforeValidator(money)]
    Codes = list[StrictStr]

    class FileConfig(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True)

        select: Codes = Field(default_factory=list)
        ignore: Codes = Field(default_factory=list)
        severity: dict[str, Literal["error", "warning", "info", "off"]] = Field(default_factory=dict)
        per_file_ignores: dict[str, Codes] = Field(default_factory=dict, alias="per-file-ignores")
        include: list[StrictStr] = Field(default_factory=list)
        exclude: list[StrictStr] = Field(default_factory=list)
        respect_gitignore: StrictBool = Field(default=True, alias="respect-gitignore")
        paths: list[StrictStr] = Field(default_factory=list)
        budget: Money | None = None
        max_task_cost: Money | None = Field(default=None, alias="max-task-cost")
        strict: StrictBool = False
        jobs: Annotated[int, BeforeValidator(parse_jobs)] = DEFAULT_JOBS

    return FileConfig
