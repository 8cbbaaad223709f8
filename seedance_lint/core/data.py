"""The data files (constraint schema, price table), read once with importlib.resources.

Nothing in the code repeats a number from the API page: it is all read here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
SCHEMA_FILE = "bytedance-2-2.request.schema.json"
PRICES_FILE = "bytedance-2-2.prices.json"
#: Results kept at most in a run's memo (ModelSpec.memo, the price table's): a batch repeats a few
#: sizes, durations and counts (the 100k-task benchmark corpus has about 9,000 combinations; 16k
#: entries take a few MB), and a batch of endless distinct values must not grow memory.
MEMO_LIMIT = 16384


@dataclass(frozen=True)
class Size:
    """One documented output size: a (resolution, aspect ratio) class and its pixels."""

    resolution: str
    aspect_ratio: str
    width: int
    height: int
    #: False for a size the API page does not list (x-seedance.undocumentedDimensions: 720p).
    documented: bool = True

    @property
    def label(self) -> str:
        return f"{self.width}x{self.height} ({self.resolution} {self.aspect_ratio})"


@dataclass(frozen=True)
class ModelSpec:
    """The cross-field facts of the schema's ``x-seedance`` block, indexed for lookups."""

    model: str
    task_type: str
    sizes: tuple[Size, ...]
    by_dimensions: dict[tuple[int, int], Size]
    #: Sizes the page does not list but the model has (720p), from x-seedance.undocumentedDimensions.
    undocumented_sizes: tuple[Size, ...]
    undocumented_sizes_source: str
    resolutions: tuple[str, ...]
    undocumented_values: dict[str, dict[str, str]]
    js_safe_integer_max: int
    safety_mode_disabled: str
    safety_modes: tuple[str, ...]
    #: Results derived from this spec, kept for the run (a batch asks about the same few image sizes).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def remember(self, key: tuple, make: Callable[[], T]) -> T:
        """make(), kept in the spec's memo under ``key`` for the rest of the run."""
        return remember(self.memo, key, make)

    @property
    def known_sizes(self) -> tuple[Size, ...]:
        """The documented sizes, then the undocumented ones: every size the model has."""
        return self.sizes + self.undocumented_sizes

    def size_of(self, width: int, height: int) -> Size | None:
        """The documented or undocumented size width x height, if the model has it."""
        return self.by_dimensions.get((width, height)) or self._undocumented_by_dimensions.get((width, height))

    @property
    def _undocumented_by_dimensions(self) -> dict[tuple[int, int], Size]:
        return self.remember(("undocumented sizes",), lambda: {(s.width, s.height): s for s in self.undocumented_sizes})

    def sizes_for(self, resolution: str) -> tuple[Size, ...]:
        return tuple(size for size in self.known_sizes if size.resolution == resolution)

    def nearest(self, width: float, height: float) -> tuple[Size, ...]:
        """The documented sizes by closeness to width x height (remembered for the run: a batch repeats its
        wrong sizes): aspect ratio class first, then pixel count.

        The class's ratio (16:9), not the pixels' (864x480 is 1.80, 1920x1088 is
        1.76): otherwise 864x486 would be sent to 1080p for a 0.01 ratio difference.
        """

        def distance(size: Size) -> tuple[float, float]:
            across, _, down = size.aspect_ratio.partition(":")
            class_ratio = float(across) / float(down)
            # Logarithms, no float division: the integers may be huge.
            ratio = abs(math.log(width) - math.log(height) - math.log(class_ratio))
            area = abs(math.log(width * height) - math.log(size.width * size.height))
            return round(ratio, 3), area

        return self.remember(("nearest sizes", width, height), lambda: tuple(sorted(self.known_sizes, key=distance)))


def remember(memo: dict, key: object, make: Callable[[], T]) -> T:
    """make(), kept in a run's memo under ``key`` (make() may return None: that is kept too)."""
    if key not in memo:
        keep(memo, key, make())
    return memo[key]


def keep(memo: dict, key: object, value: T) -> T:
    """``value`` stored in a run's memo, which is emptied first when it holds MEMO_LIMIT entries."""
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


def read_data_text(package: str, name: str) -> str:
    """A data file from the installed package, or from the checkout when run from source."""
    try:
        return resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except ModuleNotFoundError:  # `python -m seedance_lint` inside an uninstalled checkout
        checkout = Path(__file__).resolve().parents[2]
        return checkout.joinpath(package.rsplit(".", 1)[1], name).read_text(encoding="utf-8")


@cache
def request_schema() -> dict:
    """The JSON Schema of one task, as shipped in schemas/."""
    return json.loads(read_data_text("seedance_lint.schemas", SCHEMA_FILE))


@cache
def price_document() -> dict:
    """The raw price table of pricing/ (validated by :mod:`seedance_lint.pricing`)."""
    return json.loads(read_data_text("seedance_lint.pricing", PRICES_FILE), parse_float=Decimal)  # money never a float


@cache
def model_spec() -> ModelSpec:
    schema = request_schema()
    extra = schema["x-seedance"]
    sizes = tuple(
        Size(row["resolution"], row["aspectRatio"], row["width"], row["height"]) for row in extra["dimensions"]
    )
    return ModelSpec(
        model=extra["model"],
        task_type=extra["taskType"],
        sizes=sizes,
        by_dimensions={(size.width, size.height): size for size in sizes},
        undocumented_sizes=_undocumented_sizes(extra["undocumentedDimensions"]["sizes"]),
        undocumented_sizes_source=extra["undocumentedDimensions"]["source"],
        resolutions=tuple(schema["properties"]["resolution"]["enum"]),
        undocumented_values=extra["undocumentedValues"],
        js_safe_integer_max=extra["jsSafeIntegerMax"],
        safety_mode_disabled=extra["safetyModeDisabled"],
        safety_modes=tuple(schema["properties"]["safety"]["properties"]["mode"]["enum"]),
    )


def _undocumented_sizes(rows: list[dict]) -> tuple[Size, ...]:
    """The undocumented sizes; a row with ``transposeOf`` is that aspect ratio's size transposed (9:21 from
    21:9, the rule the page's own rows follow), so each number is written once."""
    given = {row["aspectRatio"]: row for row in rows if "transposeOf" not in row}

    def size(row: dict) -> Size:
        if "transposeOf" in row:
            source = given[row["transposeOf"]]
            return Size(row["resolution"], row["aspectRatio"], source["height"], source["width"], documented=False)
        return Size(row["resolution"], row["aspectRatio"], row["width"], row["height"], documented=False)

    return tuple(size(row) for row in rows)
