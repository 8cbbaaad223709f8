"""Deterministic benchmark corpus: request files for bytedance:2@2, mostly valid, some not.

Every size, enum and bound comes from the data files (seedance_lint.core.data), so
the corpus follows the schema when the schema changes; no number of the API
page is typed in here.

    python bench/make_corpus.py files 1000            # bench/corpus/files-1000/task-00000.json ...
    python bench/make_corpus.py jsonl 100000          # bench/corpus/tasks-100000.jsonl
    python bench/make_corpus.py one                   # bench/corpus/one.json (one valid task)
    python bench/make_corpus.py one-invalid           # bench/corpus/one-invalid.json (the same, one value out of range)
    python bench/make_corpus.py jsonl 10000 --invalid 0 --verify   # all valid, and lint it to prove so

The same (mode, count, seed, invalid fraction) always gives byte-identical output.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import struct
import sys
import uuid
import zlib
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from seedance_lint.core.data import ModelSpec, Size, model_spec, request_schema  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"
DEFAULT_SEED = 20261125
DEFAULT_INVALID = 0.10

# Prompt vocabulary: realistic length (the doc's example prompts are 500-700
# characters), so a JSONL line weighs about what a real one does.
_SUBJECTS = [
    "a contemporary dancer",
    "a flamenco dancer in a red dress",
    "a K-pop crew of five",
    "a ballet soloist",
    "a breakdancer in streetwear",
    "a tango couple",
    "a drummer procession",
    "a ribbon gymnast",
    "a hip-hop duo",
    "a lone violinist",
]
_PLACES = [
    "on a moonlit rooftop",
    "at a desert festival",
    "in a neon-lit alley",
    "on a glowing circular stage",
    "beside a reflecting pool",
    "in an abandoned warehouse",
    "under cherry blossoms",
    "on a windswept cliff",
]
_DETAILS = [
    "cinematic lighting",
    "shallow depth of field",
    "strong temporal consistency",
    "smooth natural body motion",
    "soft haze",
    "teal and amber color palette",
    "rim lighting",
    "natural cloth physics",
    "subtle dust trails",
    "polished music-video styling",
    "expressive face",
    "precise footwork",
    "sweeping arm lines",
    "highly detailed environment",
    "warm lantern light",
    "cool moonlight",
    "dynamic shadows",
    "graceful fabric motion",
    "realistic anatomy",
    "atmospheric and mesmerizing",
]
_HOSTS = [
    "https://assets.example.com/inputs/",
    "https://cdn.example.org/frames/",
    "https://bucket-example.s3.amazonaws.com/poses/",
]


def props() -> dict:
    return request_schema()["properties"]


def _bounds(name: str) -> tuple[float, float | None]:
    schema = props()[name]
    return schema["minimum"], schema.get("maximum")


def _enum(name: str, sub: str | None = None) -> list:
    schema = props()[name]
    if sub:
        schema = schema["properties"][sub]
    return list(schema["enum"])


def _frame_values() -> list:
    return list(request_schema()["$defs"]["frameImageObject"]["properties"]["frame"]["enum"])


def _prompt(rng: random.Random) -> str:
    schema = props()["positivePrompt"]
    target = rng.randint(280, 600)
    words = [f"{rng.choice(_SUBJECTS).capitalize()} performing {rng.choice(_PLACES)}"]
    while sum(len(w) + 2 for w in words) < target:
        words.append(rng.choice(_DETAILS))
    return ", ".join(words)[: schema["maxLength"]] + "."


def _uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@cache
def _png(width: int, height: int) -> bytes:
    """A real (black, 1-bit) PNG of the size, so a header reader can learn its dimensions."""
    row = b"\x00" + bytes((width + 7) // 8)
    raw = zlib.compress(row * height, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _image(rng: random.Random, spec: ModelSpec) -> str:
    kind = rng.random()
    if kind < 0.45:
        return f"{rng.choice(_HOSTS)}{_uuid4(rng)}.jpg"
    if kind < 0.75:
        return _uuid4(rng)  # an image uploaded earlier, by its UUID
    size = rng.choice(spec.sizes)
    encoded = base64.b64encode(_png(size.width, size.height)).decode("ascii")
    return f"data:image/png;base64,{encoded}" if kind < 0.92 else encoded


def _frame_images(rng: random.Random, spec: ModelSpec) -> list:
    image = _image(rng, spec)
    if rng.random() < 0.5:
        return [image]
    return [{"image": image, "frame": rng.choice(_frame_values())}]


def _set_size(task: dict, rng: random.Random, spec: ModelSpec) -> None:
    """Every documented way to give the output size."""
    shape = rng.random()
    if shape < 0.55:
        size: Size = rng.choice(spec.sizes)
        task["width"], task["height"] = size.width, size.height
    elif shape < 0.75:
        task["resolution"] = rng.choice(spec.resolutions)
    elif shape < 0.88:
        task["inputs"] = {"frameImages": _frame_images(rng, spec)}
    elif shape < 0.95:
        task["inputs"] = {"frameImages": _frame_images(rng, spec)}
        task["resolution"] = rng.choice(spec.resolutions)
    else:
        size = rng.choice(spec.sizes)
        task["width"], task["height"] = size.width, size.height
        task["inputs"] = {"frameImages": _frame_images(rng, spec)}


def _duration(rng: random.Random) -> float | int:
    low, high = _bounds("duration")
    if rng.random() < 0.6:  # whole seconds, the common case (5 and 10 are the documented price points)
        return rng.randint(int(low) + 1, int(high))
    return round(rng.uniform(low, high), 1)


def valid_task(rng: random.Random, spec: ModelSpec) -> dict:
    task: dict = {
        "taskType": spec.task_type,
        "taskUUID": _uuid4(rng),
        "model": spec.model,
        "positivePrompt": _prompt(rng),
    }
    _set_size(task, rng, spec)
    if rng.random() < 0.8:
        task["duration"] = _duration(rng)
    if rng.random() < 0.6:
        task["seed"] = rng.randint(0, 2**32 - 1)  # the doc's "unsigned 32-bit range" for random seeds
    if rng.random() < 0.3:
        task["outputFormat"] = rng.choice(_enum("outputFormat"))
    if rng.random() < 0.2:
        low, high = _bounds("outputQuality")
        task["outputQuality"] = rng.randint(int(low), int(high))
    if rng.random() < 0.2:
        low, high = _bounds("numberResults")
        task["numberResults"] = rng.randint(int(low), int(high))
    if rng.random() < 0.2:
        task["includeCost"] = rng.random() < 0.5
    if rng.random() < 0.1:
        task["outputType"] = rng.choice(_enum("outputType"))
        task["deliveryMethod"] = rng.choice(_enum("deliveryMethod"))
        task["ttl"] = int(_bounds("ttl")[0]) * rng.randint(1, 60)
    if rng.random() < 0.1:
        task["webhookURL"] = f"https://hooks.example.com/runware/{rng.randrange(10**6)}"
    if rng.random() < 0.15:
        modes = [m for m in _enum("safety", "mode")]
        mode = rng.choice(modes)
        # checkContent true with the mode that disables checking is a warning: keep valid tasks clean.
        task["safety"] = {"checkContent": mode != modes[0] and rng.random() < 0.5, "mode": mode}
    if rng.random() < 0.5:
        task["providerSettings"] = {"bytedance": {"cameraFixed": rng.random() < 0.3}}
    return task


# -- one mutation per invalid task; each must make the task fail a rule ------


def _out_of_range(name: str) -> Callable[[dict, random.Random, ModelSpec, list[str]], None]:
    def mutate(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
        low, high = _bounds(name)
        task[name] = high + 1 if high is not None and rng.random() < 0.5 else low - 1

    return mutate


def _bad_enum(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    task["outputFormat"] = rng.choice(["GIF", "mp4", "AVI"])


def _unknown_parameter(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    task[rng.choice(["negativePrompt", "positivePromt", "fps", "steps"])] = "x"


def _unsupported_size(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    _clear_size(task)
    size = rng.choice(spec.sizes)
    width = size.width + 16 * rng.randint(1, 8)  # off the table, same ballpark
    assert (width, size.height) not in spec.by_dimensions
    task["width"], task["height"] = width, size.height


def _unpaired(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    _clear_size(task)
    task["width"] = rng.choice(spec.sizes).width


def _resolution_and_size(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    _clear_size(task)
    size = rng.choice(spec.sizes)
    task["width"], task["height"], task["resolution"] = size.width, size.height, size.resolution


def _no_size(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    _clear_size(task)


def _missing_prompt(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    del task["positivePrompt"]


def _short_prompt(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    task["positivePrompt"] = "x" * (props()["positivePrompt"]["minLength"] - 1)


def _not_v4(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    task["taskUUID"] = str(uuid.UUID(int=rng.getrandbits(128), version=1))


def _duplicate_uuid(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    if seen:
        task["taskUUID"] = rng.choice(seen[-1000:])
    else:
        _not_v4(task, rng, spec, seen)


def _two_frames(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    task.setdefault("inputs", {})["frameImages"] = _frame_images(rng, spec) + _frame_images(rng, spec)


def _other_frame(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    task.setdefault("inputs", {})["frameImages"] = [{"image": _image(rng, spec), "frame": rng.choice(["last", 1])}]


def _quoted_number(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    task["duration"] = str(_duration(rng))


def _undocumented_720p(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    _clear_size(task)
    task["resolution"] = next(iter(spec.undocumented_values["/resolution"]))


def _huge_seed(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    task["seed"] = spec.js_safe_integer_max + rng.randint(2, 1000)


def _safety_contradiction(task: dict, rng: random.Random, spec: ModelSpec, seen: list[str]) -> None:
    task["safety"] = {"checkContent": True, "mode": _enum("safety", "mode")[0]}


def _clear_size(task: dict) -> None:
    for key in ("width", "height", "resolution", "inputs"):
        task.pop(key, None)


MUTATIONS = [
    _out_of_range("outputQuality"),
    _out_of_range("numberResults"),
    _out_of_range("duration"),
    _bad_enum,
    _unknown_parameter,
    _unsupported_size,
    _unpaired,
    _resolution_and_size,
    _no_size,
    _missing_prompt,
    _short_prompt,
    _not_v4,
    _duplicate_uuid,
    _two_frames,
    _other_frame,
    _quoted_number,
    # warnings, not errors: still "invalid" in the sense of "has a diagnostic"
    _undocumented_720p,
    _huge_seed,
    _safety_contradiction,
]


#: Mistakes a whole batch may share (a generator script with one bug): every mutated task gets the same one.
SHARED_MISTAKES: dict[str, Callable[[dict, random.Random, ModelSpec, list[str]], None]] = {
    "duration": _out_of_range("duration"),
}


def tasks(
    count: int, seed: int = DEFAULT_SEED, invalid: float = DEFAULT_INVALID, mistake: str | None = None
) -> Iterator[dict]:
    """``count`` tasks; about ``invalid`` of them carry exactly one mutation (the named shared one, if given)."""
    rng = random.Random(seed)
    spec = model_spec()
    seen: list[str] = []
    for _ in range(count):
        task = valid_task(rng, spec)
        if rng.random() < invalid:
            (SHARED_MISTAKES[mistake] if mistake else rng.choice(MUTATIONS))(task, rng, spec, seen)
        if isinstance(task.get("taskUUID"), str):
            seen.append(task["taskUUID"])
            del seen[:-2000]  # bounded memory for the 1M corpus
        yield task


def write_jsonl(
    path: Path, count: int, seed: int = DEFAULT_SEED, invalid: float = DEFAULT_INVALID, mistake: str | None = None
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        for task in tasks(count, seed, invalid, mistake):
            out.write(json.dumps(task, ensure_ascii=False))
            out.write("\n")
    tmp.replace(path)
    return path


def write_files(directory: Path, count: int, seed: int = DEFAULT_SEED, invalid: float = DEFAULT_INVALID) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    width = max(5, len(str(count - 1)))
    for index, task in enumerate(tasks(count, seed, invalid)):
        name = directory / f"task-{index:0{width}d}.json"
        name.write_text(json.dumps(task, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return directory


def _hand_written_task(seed: int) -> dict:
    """A valid task given by width/height and no inputs, like a hand-written request file."""
    rng = random.Random(seed)
    spec = model_spec()
    while True:
        task = valid_task(rng, spec)
        if "width" in task and "inputs" not in task:
            return task


def _write_pretty(path: Path, task: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(task, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_one(path: Path, seed: int = DEFAULT_SEED) -> Path:
    """One valid task, pretty-printed."""
    return _write_pretty(path, _hand_written_task(seed))


def write_one_invalid(path: Path, seed: int = DEFAULT_SEED) -> Path:
    """The task of write_one with one value out of its documented range (the schema's maximum + 1)."""
    task = _hand_written_task(seed)
    _out_of_range("numberResults")(task, random.Random(0), model_spec(), [])
    return _write_pretty(path, task)


def jsonl_path(count: int, invalid: float = DEFAULT_INVALID, mistake: str | None = None) -> Path:
    suffix = "" if invalid == DEFAULT_INVALID else f"-invalid{round(invalid * 100)}"
    return CORPUS / f"tasks-{count}{suffix}{f'-{mistake}' if mistake else ''}.jsonl"


def files_path(count: int, invalid: float = DEFAULT_INVALID) -> Path:
    suffix = "" if invalid == DEFAULT_INVALID else f"-invalid{round(invalid * 100)}"
    return CORPUS / f"files-{count}{suffix}"


def verify(paths: list[Path]) -> str:
    """Lint what was written, to show the corpus is what it claims to be."""
    from seedance_lint.input.sources import discover
    from seedance_lint.linting.linter import Linter

    linter = Linter()
    counts: dict[str, int] = {}
    flagged: set[tuple[str, int | None]] = set()
    for diagnostic in linter.lint_sources(discover([str(p) for p in paths])):
        counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
        flagged.add((diagnostic.file, diagnostic.task))
    tasks_seen = linter.stats.tasks
    by_code = ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
    return (
        f"{tasks_seen} tasks, {len(flagged)} with at least one diagnostic "
        f"({100 * len(flagged) / max(tasks_seen, 1):.1f}%); by code: {by_code or 'none'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("files", "jsonl", "one", "one-invalid"))
    parser.add_argument("count", type=int, nargs="?", default=1000)
    parser.add_argument("--out", type=Path, help="output file (jsonl, one) or directory (files)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--invalid", type=float, default=DEFAULT_INVALID, help="fraction of mutated tasks")
    parser.add_argument(
        "--mistake", choices=sorted(SHARED_MISTAKES), help="give every mutated task this one mistake (jsonl only)"
    )
    parser.add_argument("--verify", action="store_true", help="lint the result and print what it holds")
    args = parser.parse_args(argv)
    if args.mode == "jsonl":
        out = write_jsonl(
            args.out or jsonl_path(args.count, args.invalid, args.mistake),
            args.count,
            args.seed,
            args.invalid,
            args.mistake,
        )
    elif args.mode == "files":
        out = write_files(args.out or files_path(args.count, args.invalid), args.count, args.seed, args.invalid)
    elif args.mode == "one":
        out = write_one(args.out or CORPUS / "one.json", args.seed)
    else:
        out = write_one_invalid(args.out or CORPUS / "one-invalid.json", args.seed)
    print(out)
    if args.verify:
        print(verify([out]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
