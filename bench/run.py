"""Side-by-side benchmark of seedance-lint against what users would otherwise run.

One run, one machine, contenders in alternation, medians of repeated runs;
ratios (ours / theirs) are what to read, since these machines are noisy.

    python bench/run.py                  # everything; RSS at 200k tasks, extrapolated to 1M
    python bench/run.py --full           # RSS measured on a real 1,000,000-task JSONL (~740 MB)
    python bench/run.py --quick          # fewer repeats and a smaller scaling series (a smoke test)
    python bench/run.py --markdown bench/out/results.md --json bench/out/results.json

Sections (issue 6's targets):
  a. one request file: `seedance-lint check FILE` vs `check-jsonschema --schemafile SCHEMA FILE` (wall time);
  b. 1,000 request files in one call, same comparison;
  c. a 100,000-task JSONL: tasks/s of `seedance-lint check` and `seedance-lint cost` (subprocesses, wall
     time; as installed, two processes on two CPUs, and with --jobs 1, one) vs tasks/s of plain json.loads
     over the same lines in this process; 90% valid (the failing
     tenth with mistakes of every kind), all valid, and 90% valid with one mistake shared by the failing
     tenth (duration out of range: a generator script with one bug);
  d. peak memory of `check --format json` and `cost --format json` on a large JSONL, all processes summed;
  e. scaling over 1k, 10k, 100k tasks (one process).
The corpus comes from bench/make_corpus.py (deterministic) and is made on first use.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402

SCHEMA = ROOT / "schemas" / "bytedance-2-2.request.schema.json"
BIN = Path(sys.executable).parent
TARGETS = {
    "one_file": 0.5,  # ours / check-jsonschema wall time, at most
    "many_files": 0.5,  # same, 1,000 files
    "throughput": 0.5,  # ours / json.loads tasks per second, at least
    "rss_mb": 100.0,  # peak RSS at 1M tasks, under
}


@dataclass
class Run:
    wall: float
    rss_kb: int
    rc: int
    cpu: float = 0.0  # user + system seconds of the child (wait4, to the µs); less sensitive to other load than wall
    tree_rss_kb: int = 0  # peak of the RSS summed over the command and its workers (sampled; 0: not sampled)


@dataclass
class Series:
    """Repeated runs of one contender."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def spread(self) -> str:
        walls = sorted(r.wall for r in self.runs)
        return f"{walls[0]:.3f}..{walls[-1]:.3f}"

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(r.rss_kb for r in self.runs) / 1024


#: Children run as an installed tool runs for a user: with bytecode caches. This
#: sandbox sets PYTHONDONTWRITEBYTECODE, which would make every run recompile our
#: modules from source (about 25 ms). The caches go to a private prefix, not into
#: the source tree, and the same environment serves every contender.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
    "NO_COLOR": "1",
    "PYTHONPYCACHEPREFIX": str(HERE / "out" / "pycache"),
}


class ChildFailed(Exception):
    """A tool crashed or refused its arguments: its timing would mean nothing."""


#: GNU time reports the peak RSS of the command alone. os.wait4's ru_maxrss is
#: not enough: Linux carries the pre-exec high-water mark of the forked process
#: into the child's figure, so a child of this (large) benchmark process would
#: report at least this process's own peak.
GNU_TIME = "/usr/bin/time"


def run_child(cmd: list[str], cwd: Path = ROOT, sample_tree: bool = False) -> Run:
    """Wall time and peak RSS (KiB) of one child process.

    Exit 0 and 1 both mean "ran to the end" (1: problems found); anything else
    stops the benchmark with the child's last line of stderr. ``sample_tree``
    also samples the RSS of the command and its worker processes, summed
    (pages shared after fork count once per process: an upper bound).
    """
    timed = os.access(GNU_TIME, os.X_OK)
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as rss:
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if timed else cmd
        start = time.perf_counter()
        child = subprocess.Popen(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=CHILD_ENV)
        sampler = TreeRss(child.pid, skip_root=timed) if sample_tree else None
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        tree = sampler.stop() if sampler else 0
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            errors.seek(0)
            last = (errors.read().decode("utf-8", "replace").strip().splitlines() or ["(no stderr)"])[-1]
            raise ChildFailed(f"{' '.join(cmd[:3])} ... exited {code}: {last[:300]}")
        # CPU from wait4: it counts the command's own use (GNU time waits for it) to the microsecond, where
        # GNU time prints hundredths (a 10k-task run's 0.08 s of work would be 12% off either way).
        cpu = usage.ru_utime + usage.ru_stime
        if timed:
            peak = rss.read().strip().splitlines()[-1].split()[0]
            return Run(wall, int(peak), code, cpu, tree)
    return Run(wall, usage.ru_maxrss, code, cpu, tree)


class TreeRss:
    """Samples, every 20 ms from a thread, the memory of a process and its descendants summed; keeps the peak.

    Each process counts its proportional set size (Pss: a page shared by n
    processes counts 1/n in each), so pages that forked workers share with
    the main process are counted once in the sum, as they are in RAM. Where
    Pss cannot be read, the resident set size (VmRSS), an upper bound.
    """

    def __init__(self, root: int, skip_root: bool) -> None:
        import threading

        self.root, self.skip_root, self.peak = root, skip_root, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, self._sum())

    def _sum(self) -> int:
        total, pending = 0, [self.root]
        while pending:
            pid = pending.pop()
            try:
                if pid != self.root or not self.skip_root:  # GNU time itself is not ours
                    total += _pss_kb(pid)
                pending += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
            except (OSError, ValueError):
                continue  # gone between two reads
        return total

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def _pss_kb(pid: int) -> int:
    for name, field_name in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            text = Path(name).read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith(field_name):
                return int(line.split()[1])
    return 0


def alternate(contenders: dict[str, Callable[[], Run]], repeats: int) -> dict[str, Series]:
    """Each repeat runs every contender once, in turn, so drift hits all of them alike."""
    series = {name: Series(name) for name in contenders}
    for measure in contenders.values():  # warm-up, not counted: fills bytecode and file caches
        measure()
    for _ in range(repeats):
        for name, measure in contenders.items():
            series[name].runs.append(measure())
    return series


def in_process(measure: Callable[[], object]) -> Callable[[], Run]:
    def timed() -> Run:
        start = time.perf_counter()
        measure()
        return Run(time.perf_counter() - start, 0, 0)

    return timed


# -- tools -------------------------------------------------------------------


def ours() -> list[str]:
    exe = BIN / "seedance-lint"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "seedance_lint"]


def theirs() -> list[str]:
    exe = BIN / "check-jsonschema"
    if not exe.exists():
        print("installing check-jsonschema into", sys.prefix, flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "check-jsonschema"], check=True)
    return [str(exe), "--schemafile", str(SCHEMA)]


def cost_available(sample: Path) -> tuple[bool, str]:
    done = subprocess.run([*ours(), "cost", str(sample), "--format", "json"], capture_output=True, text=True)
    if done.returncode in (0, 1) and done.stdout.strip().startswith("{"):
        return True, ""
    why = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return False, f"`seedance-lint cost` not usable yet (exit {done.returncode}: {why[:160]})"


def versions() -> dict[str, str]:
    def version_of(cmd: list[str]) -> str:
        done = subprocess.run(cmd, capture_output=True, text=True)
        return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "?"

    from importlib.metadata import version

    found = {
        "seedance-lint": version_of([*ours(), "--version"]).removeprefix("seedance-lint "),
        "check-jsonschema": version_of([*theirs()[:1], "--version"]).removeprefix("check-jsonschema, version "),
    }
    for package in ("jsonschema", "jsonschema-rs", "orjson", "pyyaml"):
        try:
            found[package] = version(package)
        except Exception:  # a missing package is just not listed
            found[package] = "not installed"
    return found


def machine() -> dict[str, str]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return {
        "commit": git.stdout.strip() or "?",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


# -- corpus ------------------------------------------------------------------


def corpus_jsonl(count: int, invalid: float = make_corpus.DEFAULT_INVALID, mistake: str | None = None) -> Path:
    path = make_corpus.jsonl_path(count, invalid, mistake)
    if not path.exists():
        print(f"generating {path.relative_to(ROOT)} ...", flush=True)
        make_corpus.write_jsonl(path, count, invalid=invalid, mistake=mistake)
    return path


def corpus_files(count: int, invalid: float = make_corpus.DEFAULT_INVALID) -> list[Path]:
    directory = make_corpus.files_path(count, invalid)
    if not directory.exists() or len(list(directory.glob("*.json"))) != count:
        print(f"generating {directory.relative_to(ROOT)}/ ...", flush=True)
        make_corpus.write_files(directory, count, invalid=invalid)
    return sorted(directory.glob("*.json"))


def corpus_one_invalid() -> Path:
    path = make_corpus.CORPUS / "one-invalid.json"
    if not path.exists():
        make_corpus.write_one_invalid(path)
    return path


def corpus_one() -> Path:
    path = make_corpus.CORPUS / "one.json"
    if not path.exists():
        make_corpus.write_one(path)
    return path


# -- sections ----------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.data: dict[str, object] = {}

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.say("| " + " | ".join(header) + " |")
        self.say("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self.say("| " + " | ".join(row) + " |")
        self.say()


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def section_one_file(report: Report, repeats: int) -> None:
    one, bad = corpus_one(), corpus_one_invalid()
    series = alternate(
        {
            "python -c pass": lambda: run_child([sys.executable, "-c", "pass"]),
            "seedance-lint check": lambda: run_child([*ours(), "check", str(one)]),
            "check-jsonschema": lambda: run_child([*theirs(), str(one)]),
            "seedance-lint check (invalid file)": lambda: run_child([*ours(), "check", str(bad)]),
            "check-jsonschema (invalid file)": lambda: run_child([*theirs(), str(bad)]),
        },
        repeats,
    )
    ratio = series["seedance-lint check"].wall / series["check-jsonschema"].wall
    ratio_bad = series["seedance-lint check (invalid file)"].wall / series["check-jsonschema (invalid file)"].wall
    report.say(
        f"## a. One request file ({one.relative_to(ROOT)}; and {bad.relative_to(ROOT)}, the same task "
        f"with one value out of range), median of {repeats}"
    )
    report.say()
    report.table(
        ["command", "median wall (s)", "min..max (s)", "peak RSS (MB)"],
        [[s.name, f"{s.wall:.3f}", s.spread, f"{s.rss_mb:.1f}"] for s in series.values()],
    )
    report.say(
        f"Ratio ours / check-jsonschema: **{ratio:.2f}x** on the valid file (target <= {TARGETS['one_file']}x: "
        f"{verdict(ratio <= TARGETS['one_file'])}); {ratio_bad:.2f}x on the invalid one"
    )
    report.say()
    report.data["one_file"] = {name: s.wall for name, s in series.items()} | {
        "ratio": ratio,
        "ratio_invalid": ratio_bad,
    }


def section_many_files(report: Report, repeats: int) -> None:
    report.say(f"## b. 1,000 request files in one call, median of {repeats}")
    report.say()
    rows, found = [], {}
    for label, invalid in (("90% valid", make_corpus.DEFAULT_INVALID), ("all valid", 0.0)):
        files = [str(p) for p in corpus_files(1000, invalid)]
        directory = str(make_corpus.files_path(1000, invalid))
        series = alternate(
            {
                "seedance-lint check FILES": partial(run_child, [*ours(), "check", *files]),
                "seedance-lint check DIR": partial(run_child, [*ours(), "check", directory]),
                "check-jsonschema FILES": partial(run_child, theirs() + files),
            },
            repeats,
        )
        base = series["check-jsonschema FILES"].wall
        for s in series.values():
            rows.append([label, s.name, f"{s.wall:.3f}", s.spread, f"{s.wall / base:.2f}x", f"{s.rss_mb:.1f}"])
        found[label] = {name: s.wall for name, s in series.items()} | {
            "ratio": series["seedance-lint check FILES"].wall / base
        }
    report.table(
        ["corpus", "command", "median wall (s)", "min..max (s)", "ratio to check-jsonschema", "peak RSS (MB)"], rows
    )
    worst = max(v["ratio"] for v in found.values())
    report.say(
        f"Ratio ours / check-jsonschema (same file list): **{worst:.2f}x** at worst "
        f"(target <= {TARGETS['many_files']}x: {verdict(worst <= TARGETS['many_files'])})"
    )
    report.say()
    report.data["many_files"] = found


def _loads_all(path: Path, loads: Callable[[bytes], object]) -> int:
    """Parse every line with ``loads`` (the baseline: nothing but parsing)."""
    count = 0
    with open(path, "rb") as stream:
        for line in stream:
            loads(line)
            count += 1
    return count


def _linter_in_process(path: Path) -> int:
    from seedance_lint.input.sources import discover
    from seedance_lint.linting.linter import Linter

    linter = Linter()
    for _ in linter.lint_sources(discover([str(path)])):
        pass
    return linter.stats.tasks


def section_throughput(report: Report, repeats: int, count: int, has_cost: bool) -> None:
    report.say(f"## c. A {count:,}-task JSONL: throughput, median of {repeats}")
    report.say()
    rows, found = [], {}
    for label, invalid, mistake in (
        ("90% valid", make_corpus.DEFAULT_INVALID, None),
        ("all valid", 0.0, None),
        ("90% valid, one shared mistake", make_corpus.DEFAULT_INVALID, "duration"),
    ):
        path = corpus_jsonl(count, invalid, mistake)
        size_mb = path.stat().st_size / 1e6
        import orjson  # the baseline's faster sibling, for reference

        contenders: dict[str, Callable[[], Run]] = {
            "json.loads per line (this process)": in_process(partial(_loads_all, path, json.loads)),
            "orjson.loads per line (this process)": in_process(partial(_loads_all, path, orjson.loads)),
            "seedance-lint check (CLI)": partial(run_child, [*ours(), "check", str(path)]),
            "seedance-lint check --jobs 1 (CLI)": partial(run_child, [*ours(), "check", "--jobs", "1", str(path)]),
            "Linter.lint_sources (this process, no startup)": in_process(partial(_linter_in_process, path)),
        }
        if has_cost:
            contenders["seedance-lint cost (CLI)"] = partial(
                run_child, [*ours(), "cost", str(path), "--format", "json"]
            )
            contenders["seedance-lint cost --jobs 1 (CLI)"] = partial(
                run_child, [*ours(), "cost", "--jobs", "1", str(path), "--format", "json"]
            )
        series = alternate(contenders, repeats)
        base = count / series["json.loads per line (this process)"].wall
        entry: dict[str, float] = {"size_mb": size_mb}
        for s in series.values():
            rate = count / s.wall
            entry[s.name] = rate
            rss = f"{s.rss_mb:.1f}" if s.rss_mb else ""
            walls = [r.wall for r in s.runs]  # the ratio of the slowest and the fastest run: how thin a margin is
            extremes = f"{count / max(walls) / base:.2f}..{count / min(walls) / base:.2f}"
            rows.append(
                [
                    f"{label} ({size_mb:.0f} MB)",
                    s.name,
                    f"{s.wall:.3f}",
                    f"{rate:,.0f}",
                    f"{rate / base:.2f}x",
                    extremes,
                    rss,
                ]
            )
        found[label] = entry
    report.table(
        [
            "corpus",
            "what",
            "median wall (s)",
            "tasks/s",
            "ratio to json.loads",
            "ratio, slowest..fastest run",
            "peak RSS (MB)",
        ],
        rows,
    )
    for label, entry in found.items():
        base = entry["json.loads per line (this process)"]
        for name in (
            "seedance-lint check (CLI)",
            "seedance-lint cost (CLI)",
            "seedance-lint check --jobs 1 (CLI)",
            "seedance-lint cost --jobs 1 (CLI)",
        ):
            if name in entry:
                ratio = entry[name] / base
                report.say(
                    f"- {label}: {name} / json.loads = **{ratio:.2f}x** "
                    f"(target >= {TARGETS['throughput']}x: {verdict(ratio >= TARGETS['throughput'])})"
                )
    if not has_cost:
        report.say("- `seedance-lint cost`: skipped (not implemented yet)")
    report.say()
    report.data["throughput"] = found


def section_memory(report: Report, sizes: list[int], has_cost: bool, full: bool) -> None:
    report.say(
        "## d. Peak memory (one run each; \"main\": GNU time's %M, the main process's own peak RSS; "
        '"all processes": the proportional set sizes (Pss) of the command and its workers summed, '
        "sampled every 20 ms, so pages shared after fork count once)"
    )
    report.say()
    # JSON is the format a pipeline keeps, and the one whose whole document used to be built in memory.
    commands = {
        "check --format json": ["check", "--format", "json"],
        "check --format json --jobs 1": ["check", "--format", "json", "--jobs", "1"],
    }
    if has_cost:
        commands["cost --format json"] = ["cost", "--format", "json"]
        commands["cost --format json --jobs 1"] = ["cost", "--format", "json", "--jobs", "1"]
    corpora = (("90% valid", make_corpus.DEFAULT_INVALID), ("all valid", 0.0))
    rows, found = [], {}
    for name, args in commands.items():
        for label, invalid in corpora:
            points = {}
            for count in sizes:
                path = corpus_jsonl(count, invalid)
                done = run_child(ours() + args[:1] + [str(path)] + args[1:], sample_tree=True)
                points[count] = max(done.rss_kb, done.tree_rss_kb) / 1024
                rows.append(
                    [
                        name,
                        label,
                        f"{count:,}",
                        f"{done.rss_kb / 1024:.1f}",
                        f"{done.tree_rss_kb / 1024:.1f}",
                        f"{done.wall:.2f}",
                        "measured",
                    ]
                )
            if not full:
                small, large = sizes[-2], sizes[-1]
                slope = (points[large] - points[small]) / (large - small)
                points[1_000_000] = points[large] + slope * (1_000_000 - large)
                rows.append(
                    [
                        name,
                        label,
                        "1,000,000",
                        "",
                        f"{points[1_000_000]:.1f}",
                        "",
                        f"**extrapolated** linearly from {small:,} and {large:,} tasks "
                        f"({slope * 1024 * 1024:.0f} bytes per task)",
                    ]
                )
            found[f"{name} ({label})"] = points
    report.table(
        ["command", "corpus", "tasks", "peak RSS, main (MB)", "peak Pss, all processes (MB)", "wall (s)", "how"], rows
    )
    for name, points in found.items():
        at_million = points[1_000_000]
        how = "measured" if full else "extrapolated"
        report.say(
            f"- {name}: {at_million:.0f} MB at 1M tasks, all processes ({how}; target < "
            f"{TARGETS['rss_mb']:.0f} MB: "
            f"{verdict(at_million < TARGETS['rss_mb'])})"
        )
    if not has_cost:
        report.say("- cost: skipped (not implemented yet)")
    report.say()
    report.data["memory"] = {name: {str(k): v for k, v in points.items()} for name, points in found.items()}


def section_scaling(report: Report, repeats: int, counts: list[int], has_cost: bool) -> None:
    report.say(f"## e. Scaling (90% valid JSONL), median of {repeats}")
    report.say()
    report.say(
        "The marginal cost between two sizes cancels the fixed startup; CPU time (user + system) is "
        "shown beside wall time because other work on a shared machine inflates wall time unevenly. "
        "One process (`--jobs 1`): the default would use a worker for the 100k file only."
    )
    report.say()
    commands = {"check --jobs 1": ["check", "--jobs", "1"]}
    if has_cost:
        commands["cost --jobs 1"] = ["cost", "--jobs", "1", "--format", "json"]
    rows, found = [], {}
    for name, args in commands.items():
        runs: dict[int, Series] = {}
        for count in counts:
            path = corpus_jsonl(count)
            series = alternate({name: partial(run_child, [*ours(), *args[:1], str(path), *args[1:]])}, repeats)[name]
            previous = max(runs, default=None)
            runs[count] = series

            # Called only in this iteration (just below), so the loop variables it reads are this iteration's.
            def marginal(value: Callable[[Series], float]) -> str:
                if previous is None:  # noqa: B023
                    return ""
                return f"{(value(series) - value(runs[previous])) / (count - previous) * 1e6:.1f}"  # noqa: B023

            rows.append(
                [
                    name,
                    f"{count:,}",
                    f"{series.wall:.3f}",
                    f"{series.cpu:.3f}",
                    marginal(lambda s: s.wall),
                    marginal(lambda s: s.cpu),
                    f"{series.rss_mb:.1f}",
                ]
            )
        found[name] = runs
    report.table(
        [
            "command",
            "tasks",
            "median wall (s)",
            "median CPU (s)",
            "marginal wall µs/task",
            "marginal CPU µs/task",
            "peak RSS (MB)",
        ],
        rows,
    )
    for name, runs in found.items():
        sizes = sorted(runs)
        for label, value in (("wall", lambda s: s.wall), ("CPU", lambda s: s.cpu)):
            marginals = [(value(runs[b]) - value(runs[a])) / (b - a) * 1e6 for a, b in pairwise(sizes)]
            if len(marginals) >= 2:
                report.say(
                    f"- {name}, {label}: marginal cost per task "
                    f"{' then '.join(f'{m:.1f}' for m in marginals)} µs "
                    f"(last / first = {marginals[-1] / marginals[0]:.2f}; 1.00 is perfectly linear)"
                )
    report.say()
    report.data["scaling"] = {
        name: {str(k): {"wall": s.wall, "cpu": s.cpu} for k, s in runs.items()} for name, runs in found.items()
    }


def stale_install_warning() -> str:
    """The strict editable install links files one by one: a module added since is missing."""
    probe = "import pathlib, seedance_lint; print(pathlib.Path(seedance_lint.__file__).absolute().parent)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd="/")
    if done.returncode != 0:
        return "seedance_lint is not importable from this interpreter: pip install -e . first"
    installed = Path(done.stdout.strip())
    mine = {p.relative_to(ROOT / "seedance_lint") for p in (ROOT / "seedance_lint").rglob("*.py")}
    there = {p.relative_to(installed) for p in installed.rglob("*.py")}
    missing = sorted(str(p) for p in mine - there)
    if missing:
        return (
            f"the installed seedance_lint ({installed}) lacks {', '.join(missing[:5])}: reinstall with "
            f"`{sys.executable} -m pip install -e {ROOT} --config-settings editable_mode=strict`"
        )
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="runs per contender (median; at least 5 for reports)")
    parser.add_argument("--tasks", type=int, default=100_000, help="size of the throughput JSONL")
    parser.add_argument("--rss-tasks", type=int, default=200_000, help="largest JSONL for the RSS measurement")
    parser.add_argument("--full", action="store_true", help="measure RSS on a real 1,000,000-task JSONL")
    parser.add_argument("--quick", action="store_true", help="smoke test: 3 repeats, 10k-task throughput")
    parser.add_argument("--only", default="abcde", help="sections to run, e.g. 'ac'")
    parser.add_argument("--markdown", type=Path, help="also write the report as Markdown here")
    parser.add_argument("--json", type=Path, help="also write the raw numbers as JSON here")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else args.repeats
    tasks = 10_000 if args.quick else args.tasks
    rss_sizes = [1_000_000] if args.full else [args.rss_tasks // 2, args.rss_tasks]
    if args.quick:
        rss_sizes = [10_000, 20_000]
    scaling = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]

    report = Report()
    facts = machine()
    tools = versions()
    report.say("# seedance-lint benchmark")
    report.say()
    report.say(
        f"- date: {facts['date']}; machine: {facts['nproc']} CPUs, {facts['cpu']}; Python {facts['python']} "
        f"({facts['platform']})"
    )
    report.say(f'- code measured: {facts["commit"]} ("-dirty": with uncommitted changes of the working tree)')
    report.say("- versions: " + ", ".join(f"{k} {v}" for k, v in tools.items()))
    report.say(f"- command: `python bench/run.py {' '.join(argv if argv is not None else sys.argv[1:])}`")
    report.say()
    report.data.update(machine=facts, versions=tools)

    stale = stale_install_warning()
    if stale:
        report.say(f"> warning: {stale}")
        report.say()
    has_cost, why = cost_available(corpus_one())
    if not has_cost:
        report.say(f"> {why}: cost measurements are skipped.")
        report.say()
    try:
        run_sections(report, args, repeats, tasks, rss_sizes, scaling, has_cost)
    except ChildFailed as failure:
        report.say(f"benchmark stopped: {failure}")
        return 1
    finally:
        if args.markdown:
            args.markdown.parent.mkdir(parents=True, exist_ok=True)
            args.markdown.write_text("\n".join(report.lines) + "\n", encoding="utf-8")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report.data, indent=2) + "\n", encoding="utf-8")
    return 0


def run_sections(
    report: Report,
    args: argparse.Namespace,
    repeats: int,
    tasks: int,
    rss_sizes: list[int],
    scaling: list[int],
    has_cost: bool,
) -> None:
    if "a" in args.only:
        section_one_file(report, repeats * 2 + 1)
    if "b" in args.only:
        section_many_files(report, repeats)
    if "c" in args.only:
        section_throughput(report, repeats, tasks, has_cost)
    if "d" in args.only:
        section_memory(report, rss_sizes, has_cost, args.full)
    if "e" in args.only:
        section_scaling(report, repeats, scaling, has_cost)


if __name__ == "__main__":
    sys.exit(main())
