"""Proof that a refactor keeps every output of seedance-lint byte for byte: capture, then compare.

``capture`` runs a fixed list of seedance-lint invocations (``check`` in every
format and with its flags, ``cost`` in every format, ``prices``, ``rules``,
``rule`` for every code, fixes, stdin, ``--output``, configuration files, usage
errors) on examples/, on test-case files and on the benchmark corpus of
bench/make_corpus.py, and stores for each its stdout, stderr and exit code, plus
the content of any file it writes, under OUTDIR with a manifest. ``compare``
reports every invocation whose stdout, stderr, exit code or written files
differ between two captures, with a short unified diff of the first difference,
and exits 1 if any differ (0 if none, 2 on a usage error).

    # the baseline: the old code, from a worktree of the commit before the refactor (run from the repo root)
    git worktree add --detach /tmp/base HEAD
    PYTHONPATH=/tmp/base .venv/bin/python bench/same_output.py capture /tmp/golden-base --full --expect-code /tmp/base
    # the new code (the editable install of this checkout), same corpus, then compare
    .venv/bin/python bench/same_output.py capture /tmp/golden-new --full --expect-code .
    .venv/bin/python bench/same_output.py compare /tmp/golden-base /tmp/golden-new

A capture takes 70-100 s on two CPUs (175 invocations; the corpus, when it has
to be made, about 20 s more) and about 60 MB with --full. A capture directory
is not overwritten unless --force is given (and only if it holds a capture).

Which code is captured: the one ``import seedance_lint`` finds in the child
processes, which run ``sys.executable -P -m seedance_lint`` from the repository
root (``--cwd``) with this process's environment. ``-P`` (and PYTHONSAFEPATH=1)
matters: without it ``python -m`` puts the working directory first on
sys.path, so from the repository root PYTHONPATH=/tmp/base would silently run
the checkout's code instead. The manifest records where seedance_lint was
imported from, and ``--expect-code DIR`` stops the capture unless it is under DIR.

Inputs: the benchmark corpus (three 100,000-task JSON Lines files: 10% failing
tasks, all valid, one shared mistake; a 10,000-task one, under the 8 MB above
which a file is split over processes; 1,000 small files; one valid and one
invalid file), a snapshot of tests/cases (hostile, doc-examples, rules, fix) and
two configuration files, all in ``--corpus`` (default /tmp/same-output-corpus).
It is made on first use (by the bench/make_corpus.py and from the tests/cases
of the checkout the captured code comes from; --make-corpus and --cases name
others; make_corpus.py is deterministic) and then reused, never rebuilt: paths in the outputs name it, so both
captures must use the same directory, and ``compare`` checks that both saw the
same corpus (a sha256 of every file). examples/ is read from the repository
root, as given (relative paths). Files that a command writes (--fix, --output)
go to ``<corpus>/work``, emptied at the start of each capture.

Storage: an output of up to 1 MB is kept whole (``OUTDIR/NNN-id/stdout``);
a larger one as its sha256, size and the sha256 of each block of 1,000 lines
(so ``compare`` can say where the first difference is), plus its first 200
lines (``stdout.head``); with ``--full`` also whole, gzip-compressed
(``stdout.gz``), so the exact first difference can be shown after the old code
is gone. Timings are recorded in the manifest and never compared.

The children's environment is pinned where it could change an output: NO_COLOR=1,
COLUMNS=80, LC_ALL=C.UTF-8; SEEDANCE_LINT_*, FORCE_COLOR and PYTHONHASHSEED are
removed (hash randomisation stays on, so an output that depended on set order
would show up as a difference between two captures of the same code). Bytecode
caches go to ``<corpus>/pycache``.

Standard library only. ``--only REGEX`` (capture and compare) restricts to the
invocations whose id matches; ``capture --list`` prints them.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("/tmp/same-output-corpus")
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
CORPUS_STAMP = "CORPUS.json"
BIG = 1 << 20  # outputs above this are stored as a digest and a head
HEAD_LINES = 200
BLOCK_LINES = 1000
TIMEOUT = 600  # seconds, per invocation

TASKS = 100_000
SMALL_TASKS = 10_000
FILES = 1_000
#: JSON Lines corpora: name -> make_corpus.py arguments after "jsonl COUNT".
JSONL = {
    f"tasks-{TASKS}.jsonl": [],  # 10% of the tasks fail, with mistakes of every kind
    f"tasks-{TASKS}-invalid0.jsonl": ["--invalid", "0"],  # all valid
    f"tasks-{TASKS}-duration.jsonl": ["--mistake", "duration"],  # 10% share one mistake
}
SMALL_JSONL = f"tasks-{SMALL_TASKS}.jsonl"
FILES_DIR = f"files-{FILES}"
#: What is copied from tests/cases into the corpus (the tests may move; the snapshot does not).
CASE_DIRS = ("hostile", "doc-examples", "rules", "fix")
FIX_INPUTS = ("batch.jsonl", "comments.yaml", "crlf-duplicates.json", "unsafe.json")  # cases/fix/NAME.in

#: Every rule code (`seedance-lint rules` at the baseline commit). A fixed list: what is run must not
#: depend on the code under test.
_RULE_NUMBERS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100, 101, 102, 103, 104, 105, 106, 107, 108)
_RULE_NUMBERS += (201, 202, 203, 204, 205, 401, 402, 501, 601, 602, 603)
RULE_CODES = tuple(f"SDL{number:03d}" for number in _RULE_NUMBERS)

CONFIG_TOML = """\
# Written by bench/same_output.py: exercises every key of the configuration file.
strict = true
ignore = ["SDL006"]
include = ["*.json", "*.jsonl", "*.yaml"]
exclude = ["cases/rules/*"]
budget = "0.50"
max-task-cost = "0.10"
jobs = 1

[severity]
SDL205 = "error"
SDL402 = "off"
SDL603 = "info"

[per-file-ignores]
"cases/hostile/*.json" = ["SDL60", "SDL104"]
"""
BAD_CONFIG_TOML = """\
# Written by bench/same_output.py: a misspelt key and an unknown rule code.
budjet = 1
[severity]
SDL999 = "error"
"""


@dataclass
class Cmd:
    """One invocation: ``python -P -m seedance_lint ARGS`` from the repository root."""

    id: str
    args: list[str]
    stdin: str | None = None  # a file fed on stdin (else stdin is empty)
    setup: dict[str, str] = field(default_factory=dict)  # dest -> source, copied afresh before the run
    files: list[str] = field(default_factory=list)  # files whose content after the run is compared


def commands(corpus: Path) -> list[Cmd]:
    """The fixed list. ``corpus`` is given as an absolute path; examples/ relative to the repository root."""
    c = str(corpus)
    cases = f"{c}/cases"
    work = f"{c}/work"
    config = f"{c}/seedance-lint.toml"
    bad_config = f"{c}/bad-config.toml"
    ex = "examples/"
    # Diagnostics of every kind, in reporters: the clean examples plus hostile, doc and rule-case files.
    mixed = [ex, f"{cases}/hostile", f"{cases}/doc-examples", f"{cases}/rules", f"{c}/one-invalid.json"]
    out: list[Cmd] = []

    def add(
        id_: str,
        *args: str,
        stdin: str | None = None,
        setup: dict[str, str] | None = None,
        files: list[str] | None = None,
    ) -> None:
        out.append(Cmd(id_, list(args), stdin, setup or {}, files or []))

    # -- examples/ ----------------------------------------------------------------
    for fmt in ("text", "json", "github", "sarif", "junit"):
        add(f"examples-check-{fmt}", "check", "--format", fmt, ex)
    add("examples-check-strict", "check", "--strict", ex)
    add("examples-check-jobs1", "check", "--jobs", "1", ex)
    for fmt in ("table", "json", "csv", "markdown"):
        add(f"examples-cost-{fmt}", "cost", "--format", fmt, ex)
    add("examples-cost-budget", "cost", "--budget", "0.01", "--max-task-cost", "0.01", ex)
    add("examples-cost-budget-json", "cost", "--format", "json", "--budget", "0.01", "--max-task-cost", "0.01", ex)
    add("examples-cost-budget-ok", "cost", "--budget", "100", "--max-task-cost", "1", ex)
    add(
        "examples-check-files",
        "check",
        "examples/batch.jsonl",
        "examples/image-to-video.yaml",
        "examples/request-body.json",
        "examples/text-to-video.json",
    )
    add("prices", "prices")
    add("rules", "rules")
    for code in RULE_CODES:
        add(f"rule-{code}", "rule", code)
    add("rule-by-name", "rule", "unsupported-dimensions")
    add("rule-lowercase", "rule", "sdl204")
    add("rule-unknown", "rule", "SDL999")
    add("rule-unknown-name", "rule", "unsupported-dimension")

    # -- diagnostics of every kind, in every reporter -------------------------------------
    for fmt in ("text", "json", "github", "sarif", "junit"):
        add(f"mixed-check-{fmt}", "check", "--format", fmt, *mixed)
    add("mixed-check-strict", "check", "--strict", *mixed)
    add("mixed-check-no-strict-json", "check", "--no-strict", "--format", "json", *mixed)
    add("mixed-check-select", "check", "--select", "SDL1,SDL6", *mixed)
    add("mixed-check-select-name", "check", "--select", "unsupported-dimensions,SDL60", "--format", "json", *mixed)
    add("mixed-check-ignore", "check", "--ignore", "SDL104,SDL6", *mixed)
    add(
        "mixed-check-skip-non-requests",
        "check",
        "--skip-non-requests",
        *mixed,
        f"{cases}/rules/schema.yaml",
        f"{cases}/hostile/secrets.yaml",
    )
    add(
        "mixed-check-named-non-requests",
        "check",
        f"{cases}/rules/schema.yaml",
        f"{cases}/hostile/secrets.yaml",
        f"{cases}/hostile/inputs.yaml",
    )
    add("mixed-check-secrets-txt", "check", f"{cases}/hostile/leaky-request.secrets.txt")
    for fmt in ("table", "json", "csv", "markdown"):
        add(f"mixed-cost-{fmt}", "cost", "--format", fmt, *mixed)
    add("mixed-cost-budget", "cost", "--budget", "0.50", "--max-task-cost", "0.05", *mixed)
    add(
        "mixed-check-sarif-output",
        "check",
        "--format",
        "sarif",
        "--output",
        f"{work}/mixed.sarif",
        *mixed,
        files=[f"{work}/mixed.sarif"],
    )
    add(
        "mixed-check-junit-output",
        "check",
        "--format",
        "junit",
        "-o",
        f"{work}/mixed.xml",
        *mixed,
        files=[f"{work}/mixed.xml"],
    )
    add("mixed-check-text-output", "check", "--output", f"{work}/mixed.txt", *mixed, files=[f"{work}/mixed.txt"])
    add(
        "examples-check-sarif-output",
        "check",
        "--format",
        "sarif",
        "--output",
        f"{work}/examples.sarif",
        ex,
        files=[f"{work}/examples.sarif"],
    )

    # -- configuration files ------------------------------------------------------
    add("config-show-check", "check", "--config", config, "--show-config")
    add("config-show-cost", "cost", "--config", config, "--show-config")
    add(
        "config-show-flags",
        "check",
        "--config",
        config,
        "--no-strict",
        "--select",
        "SDL1",
        "--ignore",
        "SDL105",
        "--jobs",
        "auto",
        "--show-config",
    )
    add("config-check", "check", "--config", config, f"{c}/cases", ex)
    add("config-check-json", "check", "--config", config, "--format", "json", f"{c}/cases", ex)
    add("config-cost", "cost", "--config", config, f"{c}/cases", ex)
    add("config-bad", "check", "--config", bad_config, ex)
    add("config-missing", "check", "--config", f"{c}/no-such-config.toml", ex)

    # -- stdin ----------------------------------------------------------------------
    add("stdin-check-jsonl", "check", "-", "--stdin-filename", "batch.jsonl", stdin="examples/batch.jsonl")
    add(
        "stdin-check-yaml-json",
        "check",
        "--format",
        "json",
        "-",
        "--stdin-filename",
        "i2v.yaml",
        stdin="examples/image-to-video.yaml",
    )
    add("stdin-check-unnamed", "check", "-", stdin=f"{cases}/hostile/leaky-request.json")
    add(
        "stdin-check-hostile-json",
        "check",
        "--format",
        "json",
        "-",
        "--stdin-filename",
        "leaky.json",
        stdin=f"{cases}/hostile/leaky-request.json",
    )
    add("stdin-check-empty", "check", "-")
    add(
        "stdin-cost-json",
        "cost",
        "--format",
        "json",
        "-",
        "--stdin-filename",
        "body.json",
        stdin="examples/request-body.json",
    )
    add("stdin-cost-table-unnamed", "cost", "-", stdin="examples/batch.jsonl")

    # -- fixes (on copies of tests/cases/fix/*.in, in the work directory) ------------------------
    fixed = [f"{work}/fix/{name}" for name in FIX_INPUTS]
    copies = {dest: f"{cases}/fix/{name}.in" for dest, name in zip(fixed, FIX_INPUTS, strict=True)}
    diffs = [f"{work}/diff/{name}" for name in FIX_INPUTS]
    diff_copies = {dest: f"{cases}/fix/{name}.in" for dest, name in zip(diffs, FIX_INPUTS, strict=True)}
    for name, path in zip(FIX_INPUTS, diffs, strict=True):
        add(f"fix-diff-unsafe-{name}", "check", "--diff", "--unsafe-fixes", path, setup=diff_copies, files=[path])
    add("fix-diff-safe-all", "check", "--diff", *diffs, setup=diff_copies, files=diffs)
    add("fix-diff-json", "check", "--diff", "--format", "json", *diffs, setup=diff_copies, files=diffs)
    add("fix-apply-safe", "check", "--fix", *fixed, setup=copies, files=fixed)
    add("fix-apply-unsafe", "check", "--fix", "--unsafe-fixes", *fixed, setup=copies, files=fixed)
    add("fix-apply-safe-json", "check", "--fix", "--format", "json", *fixed, setup=copies, files=fixed)
    add("fix-diff-clean", "check", "--diff", f"{cases}/fix/crlf-duplicates.json.out", "examples/batch.jsonl")
    add(
        "fix-stdin-diff",
        "check",
        "--diff",
        "-",
        "--stdin-filename",
        "comments.yaml",
        stdin=f"{cases}/fix/comments.yaml.in",
    )

    # -- usage errors and the like ----------------------------------------------------
    add("version", "--version")
    add("help", "--help")
    for sub in ("check", "cost", "prices", "rules", "rule"):
        add(f"help-{sub}", sub, "--help")
    add("error-no-command")
    add("error-unknown-command", "lint", ex)
    add("error-bad-format", "check", "--format", "xml", ex)
    add("error-cost-bad-format", "cost", "--format", "text", ex)
    add("error-jobs-zero", "check", "--jobs", "0", ex)
    add("error-jobs-word", "check", "--jobs", "many", ex)
    add("error-bad-budget", "cost", "--budget", "lots", ex)
    add("error-negative-budget", "cost", "--budget", "-1", ex)
    add("error-select-unknown", "check", "--select", "SDL999", ex)
    add("error-missing-file", "check", "examples/no-such-file.json")
    add("error-missing-file-cost", "cost", "examples/no-such-file.json", "examples/batch.jsonl")
    add("flag-unsafe-without-fix", "check", "--unsafe-fixes", *diffs, setup=diff_copies, files=diffs)
    add(
        "flag-diff-with-output",
        "check",
        "--diff",
        "--output",
        f"{work}/diff.txt",
        *diffs,
        setup=diff_copies,
        files=[f"{work}/diff.txt", *diffs],
    )
    add(
        "flag-fix-with-output",
        "check",
        "--fix",
        "--format",
        "json",
        "--output",
        f"{work}/fix.json",
        *fixed,
        setup=copies,
        files=[f"{work}/fix.json", *fixed],
    )
    add(
        "flag-fix-stdin",
        "check",
        "--fix",
        "-",
        "--stdin-filename",
        "comments.yaml",
        stdin=f"{cases}/fix/comments.yaml.in",
    )
    add(
        "flag-fix-clean-file",
        "check",
        "--fix",
        f"{work}/clean/batch.jsonl",
        setup={f"{work}/clean/batch.jsonl": "examples/batch.jsonl"},
        files=[f"{work}/clean/batch.jsonl"],
    )
    add("error-rule-no-code", "rule")

    # -- the benchmark corpus -------------------------------------------------------------
    one, bad = f"{c}/one.json", f"{c}/one-invalid.json"
    add("one-check", "check", one)
    add("one-invalid-check", "check", bad)
    add("one-invalid-check-json", "check", "--format", "json", bad)
    add("one-cost", "cost", one)
    files_dir = f"{c}/{FILES_DIR}"
    for fmt in ("text", "json", "github", "sarif", "junit"):
        add(f"files-check-{fmt}", "check", "--format", fmt, files_dir)
    add("files-check-strict-json", "check", "--strict", "--format", "json", files_dir)
    add("files-check-select", "check", "--select", "SDL2", files_dir)
    add("files-check-ignore", "check", "--ignore", "SDL204,SDL105", "--format", "json", files_dir)
    add("files-check-named", "check", "--format", "json", *[f"{files_dir}/task-{i:05d}.json" for i in range(FILES)])
    for fmt in ("table", "json", "csv", "markdown"):
        add(f"files-cost-{fmt}", "cost", "--format", fmt, files_dir)
    add("files-cost-budget", "cost", "--budget", "10", "--max-task-cost", "0.5", files_dir)
    small = f"{c}/{SMALL_JSONL}"
    add("small-jsonl-check-json", "check", "--format", "json", small)
    add("small-jsonl-check-text", "check", small)
    add("small-jsonl-cost-json", "cost", "--format", "json", small)
    add(
        "small-jsonl-stdin-check-json", "check", "--format", "json", "-", "--stdin-filename", "tasks.jsonl", stdin=small
    )
    add("small-jsonl-stdin-cost-csv", "cost", "--format", "csv", "-", "--stdin-filename", "tasks.jsonl", stdin=small)
    add("small-jsonl-with-files-check-json", "check", "--format", "json", small, one, bad, ex)
    for name in JSONL:
        path = f"{c}/{name}"
        stem = name.removesuffix(".jsonl")
        add(f"{stem}-check-json", "check", "--format", "json", path)
        add(f"{stem}-check-text", "check", "--format", "text", path)
        add(f"{stem}-check-json-jobs1", "check", "--format", "json", "--jobs", "1", path)
        add(f"{stem}-check-json-jobs2", "check", "--format", "json", "--jobs", "2", path)
        add(f"{stem}-cost-json", "cost", "--format", "json", path)
        add(f"{stem}-cost-csv", "cost", "--format", "csv", path)
        add(f"{stem}-cost-table", "cost", "--format", "table", path)
        add(f"{stem}-cost-json-jobs1", "cost", "--format", "json", "--jobs", "1", path)
    big = f"{c}/tasks-{TASKS}.jsonl"
    add(f"tasks-{TASKS}-check-sarif", "check", "--format", "sarif", big)
    add(f"tasks-{TASKS}-check-github", "check", "--format", "github", big)
    add(f"tasks-{TASKS}-check-junit", "check", "--format", "junit", big)
    return out


# -- the corpus ---------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def corpus_digest(corpus: Path) -> str:
    """One sha256 over the name and content of every corpus file (not work/, pycache/ or the stamp)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        rel = path.relative_to(corpus).as_posix()
        if rel == CORPUS_STAMP or rel.split("/", 1)[0] in ("work", "pycache"):
            continue
        digest.update(f"{rel}\0{_sha256_file(path)}\n".encode())
    return digest.hexdigest()


def make_corpus(corpus: Path, generator: Path, cases: Path, env: dict[str, str]) -> dict:
    """Make the corpus if it is not there (never rebuilt); check it otherwise. Returns its stamp."""
    stamp_path = corpus / CORPUS_STAMP
    if stamp_path.exists():
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        digest = corpus_digest(corpus)
        if digest != stamp["digest"]:
            sys.exit(
                f"same_output: the corpus in {corpus} changed since it was made ({stamp['digest'][:12]} -> "
                f"{digest[:12]}); captures made with it cannot be compared. Remove it to make it afresh."
            )
        return stamp
    if corpus.exists() and any(p.name not in ("work", "pycache") for p in corpus.iterdir()):
        sys.exit(f"same_output: {corpus} exists but holds no {CORPUS_STAMP}; remove it or give another --corpus")
    if not generator.is_file():
        sys.exit(f"same_output: no corpus generator at {generator} (--make-corpus)")
    for sub in CASE_DIRS:
        if not (cases / sub).is_dir():
            sys.exit(f"same_output: {cases / sub} is missing (--cases: the tests/cases directory to snapshot)")
    corpus.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"making the corpus in {corpus} with {generator} ...", file=sys.stderr)
    runs = [["jsonl", str(TASKS), *extra, "--out", str(corpus / name)] for name, extra in JSONL.items()]
    runs += [
        ["jsonl", str(SMALL_TASKS), "--out", str(corpus / SMALL_JSONL)],
        ["files", str(FILES), "--out", str(corpus / FILES_DIR)],
        ["one", "--out", str(corpus / "one.json")],
        ["one-invalid", "--out", str(corpus / "one-invalid.json")],
    ]
    for args in runs:
        subprocess.run([sys.executable, "-P", str(generator), *args], check=True, env=env, stdout=subprocess.DEVNULL)
    for sub in CASE_DIRS:
        shutil.copytree(cases / sub, corpus / "cases" / sub)
    (corpus / "seedance-lint.toml").write_text(CONFIG_TOML, encoding="utf-8")
    (corpus / "bad-config.toml").write_text(BAD_CONFIG_TOML, encoding="utf-8")
    stamp = {
        "digest": corpus_digest(corpus),
        "generator": str(generator),
        "cases": str(cases),
        "generator_runs": runs,
        "seconds": round(time.perf_counter() - started, 1),
    }
    stamp_path.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    print(f"corpus made in {stamp['seconds']} s", file=sys.stderr)
    return stamp


# -- capture ------------------------------------------------------------------------


def child_env(corpus: Path) -> dict[str, str]:
    drop = {"FORCE_COLOR", "CLICOLOR_FORCE", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE", "COLUMNS", "LINES"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("SEEDANCE_LINT")}
    env.update(
        NO_COLOR="1",
        COLUMNS="80",
        LINES="24",
        LC_ALL="C.UTF-8",
        PYTHONSAFEPATH="1",
        PYTHONPYCACHEPREFIX=str(corpus / "pycache"),
    )
    return env


PROBE = """\
import importlib.util, json, sys
import seedance_lint
info = {"seedance_lint": seedance_lint.__file__, "version": getattr(seedance_lint, "__version__", None),
        "python": sys.version.split()[0], "executable": sys.executable}
for name in ("seedance_lint.schemas", "seedance_lint.pricing"):
    try:
        spec = importlib.util.find_spec(name)
        info[name] = (list(spec.submodule_search_locations or []) or spec.origin) if spec else None
    except ModuleNotFoundError:
        info[name] = None  # the code then reads the checkout's schemas/ and pricing/
print(json.dumps(info))
"""


def probe(env: dict[str, str], cwd: Path) -> dict:
    """Where the children import seedance_lint from (run the same way as the commands)."""
    done = subprocess.run([sys.executable, "-P", "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"same_output: cannot import seedance_lint in a child process:\n{done.stderr}")
    info = json.loads(done.stdout)
    code_root = Path(info["seedance_lint"]).resolve().parent.parent
    info["code_root"] = str(code_root)
    head = subprocess.run(["git", "-C", str(code_root), "rev-parse", "HEAD"], capture_output=True, text=True)
    info["git_head"] = head.stdout.strip() if head.returncode == 0 else None
    dirty = subprocess.run(
        ["git", "-C", str(code_root), "status", "--porcelain", "--", "seedance_lint", "schemas", "pricing"],
        capture_output=True,
        text=True,
    )
    info["git_dirty"] = dirty.stdout.splitlines() if dirty.returncode == 0 else None
    return info


def _lines(data: bytes) -> list[bytes]:
    """Lines split on b"\\n" only, each keeping it (the last may have none)."""
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def store(data: bytes, where: Path, name: str, full: bool) -> dict:
    """Write one output (whole, or head + digests) and describe it for the manifest."""
    info: dict = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "lines": data.count(b"\n")}
    if len(data) <= BIG:
        (where / name).write_bytes(data)
        info["stored"] = "whole"
        return info
    lines = _lines(data)
    (where / f"{name}.head").write_bytes(b"".join(lines[:HEAD_LINES]))
    info["blocks"] = [
        hashlib.sha256(b"".join(lines[i : i + BLOCK_LINES])).hexdigest()[:16] for i in range(0, len(lines), BLOCK_LINES)
    ]
    info["stored"] = "head"
    if full:
        with gzip.open(where / f"{name}.gz", "wb", compresslevel=1) as f:
            f.write(data)
        info["stored"] = "head+gz"
    return info


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip("/")) or "file"


def run_one(cmd: Cmd, where: Path, env: dict[str, str], cwd: Path, full: bool) -> dict:
    where.mkdir(parents=True)
    for dest in [*cmd.setup, *cmd.files]:
        Path(dest).unlink(missing_ok=True)
    for dest, source in cmd.setup.items():
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
    for dest in cmd.files:
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-P", "-m", "seedance_lint", *cmd.args]
    started = time.perf_counter()
    with open(cwd / cmd.stdin if cmd.stdin else os.devnull, "rb") as stdin:
        done = subprocess.run(argv, cwd=cwd, env=env, stdin=stdin, capture_output=True, timeout=TIMEOUT)
    seconds = time.perf_counter() - started
    (where / "exit").write_text(f"{done.returncode}\n", encoding="utf-8")
    written: dict[str, dict | None] = {}
    entry = {
        "id": cmd.id,
        "args": cmd.args,
        "stdin": cmd.stdin,
        "dir": where.name,
        "exit": done.returncode,
        "stdout": store(done.stdout, where, "stdout", full),
        "stderr": store(done.stderr, where, "stderr", full),
        "files": written,
        "seconds": round(seconds, 3),
    }
    for dest in cmd.files:
        path = Path(dest)
        data = path.read_bytes() if path.exists() else None
        if data is None:
            written[dest] = None  # not written
        else:
            written[dest] = {**store(data, where, f"file-{_safe(dest)}", full), "name": f"file-{_safe(dest)}"}
    return entry


def capture(args: argparse.Namespace) -> int:
    outdir: Path = args.outdir
    if outdir.exists() and any(outdir.iterdir()):
        if not args.force:
            sys.exit(f"same_output: {outdir} is not empty (--force replaces it)")
        if not (outdir / MANIFEST).exists():
            sys.exit(f"same_output: {outdir} holds no {MANIFEST}: not replacing something that is not a capture")
        shutil.rmtree(outdir)
    corpus: Path = args.corpus.resolve()
    cwd: Path = args.cwd.resolve()
    env = child_env(corpus)
    info = probe(env, cwd)
    print(
        f"capturing seedance_lint {info['version']} from {info['seedance_lint']} (git {info['git_head']}"
        f"{', uncommitted changes' if info['git_dirty'] else ''}); cwd {cwd}",
        file=sys.stderr,
    )
    if args.expect_code:
        want = args.expect_code.resolve()
        if not Path(info["seedance_lint"]).resolve().is_relative_to(want):
            sys.exit(f"same_output: seedance_lint comes from {info['seedance_lint']}, not from under {want}")
    generator = args.make_corpus or Path(info["code_root"]) / "bench" / "make_corpus.py"
    if not generator.is_file():
        generator = ROOT / "bench" / "make_corpus.py"
    cases = args.cases or Path(info["code_root"]) / "tests" / "cases"
    if not cases.is_dir():
        cases = cwd / "tests" / "cases"
    stamp = make_corpus(corpus, generator.resolve(), cases.resolve(), env)
    shutil.rmtree(corpus / "work", ignore_errors=True)
    (corpus / "work").mkdir()

    selected = [cmd for cmd in commands(corpus) if not args.only or re.search(args.only, cmd.id)]
    if not selected:
        sys.exit(f"same_output: no command matches --only {args.only!r}")
    outdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    entries = []
    width = len(str(len(selected)))
    for number, cmd in enumerate(selected, 1):
        entry = run_one(cmd, outdir / f"{number:03d}-{_safe(cmd.id)}", env, cwd, args.full)
        entries.append(entry)
        if args.verbose:
            print(
                f"[{number:{width}d}/{len(selected)}] {entry['seconds']:7.2f} s  exit {entry['exit']:3d}  {cmd.id}",
                file=sys.stderr,
            )
        if entry["exit"] not in (0, 1, 2):
            print(f"same_output: note: {cmd.id} exited {entry['exit']}", file=sys.stderr)
    seconds = round(time.perf_counter() - started, 1)
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "about": "bench/same_output.py capture; compare with bench/same_output.py compare A B",
        "code": info,
        "cwd": str(cwd),
        "corpus": {"path": str(corpus), **stamp},
        "only": args.only,
        "full": args.full,
        "host": {
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        },
        "seconds": seconds,
        "commands": entries,
    }
    (outdir / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"captured {len(entries)} commands in {seconds} s into {outdir}", file=sys.stderr)
    return 0


# -- compare ------------------------------------------------------------------------


def load(outdir: Path) -> dict:
    if not (outdir / MANIFEST).is_file():
        print(f"same_output: {outdir} holds no {MANIFEST} (not a capture)", file=sys.stderr)
        raise SystemExit(2)
    manifest = json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("manifest_version") != MANIFEST_VERSION:
        print(
            f"same_output: {outdir}: manifest version {manifest.get('manifest_version')}, "
            f"this script reads {MANIFEST_VERSION}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    manifest["_dir"] = outdir
    return manifest


def stored_text(manifest: dict, entry: dict, stream: str, info: dict) -> tuple[bytes, bool]:
    """What was kept of one output: (bytes, whole?)."""
    where = manifest["_dir"] / entry["dir"]
    name = info.get("name", stream)
    if info["stored"] == "whole":
        return (where / name).read_bytes(), True
    if info["stored"] == "head+gz" and (where / f"{name}.gz").exists():
        with gzip.open(where / f"{name}.gz", "rb") as f:
            return f.read(), True
    return (where / f"{name}.head").read_bytes(), False


def show_difference(a: dict, ea: dict, ia: dict, b: dict, eb: dict, ib: dict, stream: str, max_lines: int) -> None:
    """A short unified diff around the first differing line of one output."""
    data_a, whole_a = stored_text(a, ea, stream, ia)
    data_b, whole_b = stored_text(b, eb, stream, ib)
    lines_a, lines_b = _lines(data_a), _lines(data_b)
    partial = not (whole_a and whole_b)
    if partial:  # only the heads can be compared line by line
        lines_a, lines_b = lines_a[:HEAD_LINES], lines_b[:HEAD_LINES]
    shorter = min(len(lines_a), len(lines_b))
    first = next((i for i, (x, y) in enumerate(zip(lines_a, lines_b, strict=False)) if x != y), shorter)
    if partial and lines_a == lines_b:
        blocks_a, blocks_b = ia.get("blocks", []), ib.get("blocks", [])
        where = ""
        if blocks_a and blocks_b:
            block = next(
                (i for i, (x, y) in enumerate(zip(blocks_a, blocks_b, strict=False)) if x != y),
                min(len(blocks_a), len(blocks_b)),
            )
            where = f"; the first difference is in lines {block * BLOCK_LINES + 1}-{(block + 1) * BLOCK_LINES}"
        rerun = " ".join(ea["args"]) + (f" < {ea['stdin']}" if ea["stdin"] else "")
        print(
            f"    the first {HEAD_LINES} lines, all that was kept, are identical{where} "
            f"({ia['lines']} vs {ib['lines']} lines). To see it, capture both with --full, or rerun: "
            f"seedance-lint {rerun}"
        )
        return
    start = max(0, first - 3)
    window_a = [x.decode("utf-8", "backslashreplace") for x in lines_a[start : first + 12]]
    window_b = [x.decode("utf-8", "backslashreplace") for x in lines_b[start : first + 12]]
    print(f"    first difference at line {first + 1}:")
    diff = list(
        difflib.unified_diff(
            window_a,
            window_b,
            fromfile=f"A/{ea['dir']}/{stream} (from line {start + 1})",
            tofile=f"B/{eb['dir']}/{stream} (from line {start + 1})",
            n=3,
        )
    )
    for line in diff[:max_lines]:
        ending = "" if line.endswith("\n") else "\n    \\ No newline at end of file"
        print("    " + line.removesuffix("\n").replace("\r", "\\r") + ending)
    if len(diff) > max_lines:
        print(f"    ... ({len(diff) - max_lines} more diff lines)")


def compare(args: argparse.Namespace) -> int:
    a, b = load(args.a), load(args.b)
    print(
        f"A: {args.a}: seedance_lint {a['code']['version']} from {a['code']['seedance_lint']} "
        f"(git {a['code']['git_head']}), {a['seconds']} s"
    )
    print(
        f"B: {args.b}: seedance_lint {b['code']['version']} from {b['code']['seedance_lint']} "
        f"(git {b['code']['git_head']}), {b['seconds']} s"
    )
    problems = 0
    if a["corpus"]["digest"] != b["corpus"]["digest"] or a["corpus"]["path"] != b["corpus"]["path"]:
        print(
            f"WARNING: the captures used different corpora ({a['corpus']['path']} {a['corpus']['digest'][:12]} vs "
            f"{b['corpus']['path']} {b['corpus']['digest'][:12]}): outputs naming or reading it will differ"
        )
        problems += 1
    if a["cwd"] != b["cwd"]:
        print(f"WARNING: the captures ran from different directories ({a['cwd']} vs {b['cwd']})")
        problems += 1
    by_id_a = {e["id"]: e for e in a["commands"]}
    by_id_b = {e["id"]: e for e in b["commands"]}
    ids = [i for i in by_id_a] + [i for i in by_id_b if i not in by_id_a]
    if args.only:
        ids = [i for i in ids if re.search(args.only, i)]
    differing = 0
    for id_ in ids:
        ea, eb = by_id_a.get(id_), by_id_b.get(id_)
        if ea is None or eb is None:
            differing += 1
            print(f"DIFFERS {id_}: only in {'B' if ea is None else 'A'}")
            continue
        what = []
        if ea["args"] != eb["args"] or ea["stdin"] != eb["stdin"]:
            what.append(("command", None, None))
        if ea["exit"] != eb["exit"]:
            what.append((f"exit {ea['exit']} vs {eb['exit']}", None, None))
        for stream in ("stdout", "stderr"):
            if ea[stream]["sha256"] != eb[stream]["sha256"]:
                what.append((stream, ea[stream], eb[stream]))
        for path in sorted(set(ea["files"]) | set(eb["files"])):
            fa, fb = ea["files"].get(path), eb["files"].get(path)
            if fa and fb:
                if fa["sha256"] != fb["sha256"]:
                    what.append((f"file {path}", fa, fb))
            elif fa or fb:
                what.append((f"file {path} (written only in {'A' if fa else 'B'})", None, None))
        if not what:
            continue
        differing += 1
        print(f"DIFFERS {id_}: seedance-lint {' '.join(ea['args'])}" + (f" < {ea['stdin']}" if ea["stdin"] else ""))
        print(
            "    "
            + "; ".join(name + (f" ({ia['size']} vs {ib['size']} bytes)" if ia and ib else "") for name, ia, ib in what)
        )
        for name, ia, ib in what:
            if ia and ib:
                show_difference(a, ea, ia, b, eb, ib, ia.get("name", name), args.diff_lines)
                break
    same = len(ids) - differing
    print(
        f"{len(ids)} commands: {same} identical, {differing} differ"
        + (f"; {problems} warning(s) above" if problems else "")
    )
    return 1 if differing or problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    cap = sub.add_parser("capture", help="run every command and store what it printed")
    cap.add_argument("outdir", type=Path)
    cap.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help=f"the corpus directory, made on first use (default {DEFAULT_CORPUS}); "
        "use the same one for the captures to compare",
    )
    cap.add_argument("--cwd", type=Path, default=ROOT, help=f"where the commands run (default {ROOT})")
    cap.add_argument(
        "--make-corpus",
        type=Path,
        help="the corpus generator (default: bench/make_corpus.py of the checkout seedance_lint is "
        "imported from, else the one next to this script); used only when the corpus is made",
    )
    cap.add_argument(
        "--cases",
        type=Path,
        help="the tests/cases directory copied into a new corpus (default: the one of the checkout seedance_lint is "
        "imported from, else CWD/tests/cases); used only when the corpus is made",
    )
    cap.add_argument(
        "--expect-code", type=Path, metavar="DIR", help="stop unless the children import seedance_lint from under DIR"
    )
    cap.add_argument(
        "--full",
        action="store_true",
        help="also keep outputs above 1 MB whole (gzip), so compare can show any difference",
    )
    cap.add_argument("--only", metavar="REGEX", help="only the commands whose id matches")
    cap.add_argument("--force", action="store_true", help="replace OUTDIR if it holds a capture")
    cap.add_argument("--list", action="store_true", help="print the commands and exit")
    cap.add_argument("-q", "--quiet", dest="verbose", action="store_false", help="no line per command")
    cmp = sub.add_parser("compare", help="report every command whose output differs (exit 1 if any)")
    cmp.add_argument("a", type=Path)
    cmp.add_argument("b", type=Path)
    cmp.add_argument("--only", metavar="REGEX", help="only the commands whose id matches")
    cmp.add_argument("--diff-lines", type=int, default=40, help="diff lines shown per differing command")
    args = parser.parse_args(argv)
    if args.action == "capture":
        if args.list:
            for cmd in commands(args.corpus.resolve()):
                if not args.only or re.search(args.only, cmd.id):
                    print(f"{cmd.id}: seedance-lint {' '.join(cmd.args)}" + (f" < {cmd.stdin}" if cmd.stdin else ""))
            return 0
        return capture(args)
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
