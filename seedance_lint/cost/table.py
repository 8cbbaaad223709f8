"""The price table of pricing/, validated at the edge: money as Decimal from strings."""

from __future__ import annotations

from decimal import Decimal
from functools import cache, cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from seedance_lint.core.data import price_document


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PriceRow(_Strict):
    aspectRatio: str
    resolution: str
    duration: Decimal
    price: Decimal


class Derivation(_Strict):
    aspectRatio: str
    from_: str = Field(alias="from")  # "from" is a Python keyword
    reason: str


class Headline(_Strict):
    note: str
    perSecond: dict[str, Decimal]


class BilledFrames(_Strict):
    """The frame rule a high end covers: bills count framesPerSecond x duration + extraFrames frames."""

    framesPerSecond: int = Field(gt=0)
    extraFrames: int = Field(ge=0)
    pixelsPerToken: int = Field(gt=0)
    source: str
    note: str


class Margin(_Strict):
    high: Decimal
    note: str
    billedFrames: BilledFrames


class Observation(_Strict):
    example: str
    width: int
    height: int
    duration: Decimal
    billed: Decimal


#: The duration models the price model implements (cost/model.py DURATION_MODELS); pricing/ names one.
DurationMethod = Literal["linear-through-documented-points"]


class DurationModel(_Strict):
    method: DurationMethod
    note: str


class PriceTable(_Strict):
    """pricing/bytedance-2-2.prices.json, validated; money as Decimal from strings."""

    model: str
    currency: str
    source: str
    headlineRates: Headline
    rows: tuple[PriceRow, ...]
    durationModel: DurationModel
    derivedAspectRatios: tuple[Derivation, ...]
    roundTo: Decimal
    estimateMargin: Margin
    billingObservations: tuple[Observation, ...]

    def points(self, resolution: str, aspect_ratio: str) -> tuple[tuple[Decimal, Decimal], ...]:
        """The documented (duration, price) points of one cell, by duration."""
        return self._points.get((resolution, aspect_ratio), ())

    @cached_property
    def memo(self) -> dict:
        """Results derived from this table, kept for the run (the table never changes)."""
        return {}

    @cached_property
    def _points(self) -> dict[tuple[str, str], tuple[tuple[Decimal, Decimal], ...]]:
        cells: dict[tuple[str, str], list[tuple[Decimal, Decimal]]] = {}
        for row in self.rows:  # indexed once: a batch looks cells up several times per task
            cells.setdefault((row.resolution, row.aspectRatio), []).append((row.duration, row.price))
        return {cell: tuple(sorted(points)) for cell, points in cells.items()}

    def resolutions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.resolution for r in self.rows))

    def aspect_ratios(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.aspectRatio for r in self.rows))


@cache
def price_table() -> PriceTable:
    return PriceTable.model_validate(price_document())
