"""The typed, frozen query spec: what the intent parser produces and the compiler turns into SQL."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

NATIONAL_CODE = 0
REGION_CODES = (1081, 1082, 1083, 1084, 1085)


class Operation(StrEnum):
    VALUE = "value"  # the figure for one or more municipalities
    COMPARE = "compare"  # municipalities against a comparison set and its average
    TREND = "trend"  # a series over a year range
    RANK = "rank"  # top/bottom n municipalities
    DISTRIBUTION = "distribution"  # all 98 municipalities (map)
    SAVINGS = "savings"  # savings potential against a benchmark (råderum)
    DEFINITION = "definition"  # what a figure means; no numbers needed
    OVERVIEW = "overview"  # a municipality's main figures by theme


class ComparisonKind(StrEnum):
    NONE = "none"
    EXPLICIT = "explicit"  # the municipalities named in the question
    NEIGHBOURS = "neighbours"  # land neighbours of the (first) municipality
    REGION = "region"  # the municipalities of a region, with the region's average
    COUNTRY = "country"  # the ministry's published national figure
    SIMILAR = "similar"  # nearest by socio-economic index and population
    REGIONS = "regions"  # all five regions side by side, each its municipalities' figure by the catalog's method


REGIONS_OPERATIONS = frozenset({Operation.VALUE, Operation.COMPARE, Operation.TREND, Operation.RANK})


class Benchmark(StrEnum):
    COUNTRY = "country"
    NEIGHBOURS = "neighbours"
    REGION = "region"
    LOWEST_QUARTILE = "lowest_quartile"
    MUNICIPALITY = "municipality"  # another named municipality: the second of the spec's municipalities


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MetricRef(_Frozen):
    """A typed reference to a catalog entry (its id), instead of a bare string."""

    id: str

    def __str__(self) -> str:
        return self.id


class Years(_Frozen):
    """One year, a range, the last n years with data, or the latest year with data (the default).

    A quarterly figure counts in quarters: `quarter` picks one quarter of the single year ("4. kvartal 2025"),
    and `unit` says what the question counted in: "quarter" ("seneste kvartal", "de seneste 8 kvartaler"),
    "year" ("sidste år", "årligt") or None (not said: a quarterly figure then gives its latest quarter).
    A range in quarters may start and end inside its years: `start_quarter` of `start` ("fra 1. kvartal 2023",
    "siden 2. kvartal 2024") and `end_quarter` of `end` ("til 3. kvartal 2025"); left out, a range starts with
    the first quarter of its first year and ends with the last quarter of its last year (or the latest data)."""

    kind: Literal["latest", "single", "range", "last_n"] = "latest"
    start: int | None = None
    end: int | None = None  # open-ended ranges ("siden 2018") leave end None: up to the latest year
    last_n: int | None = None  # years, or quarters when unit is "quarter"
    quarter: int | None = Field(default=None, ge=1, le=4)
    unit: Literal["year", "quarter"] | None = None
    start_quarter: int | None = Field(default=None, ge=1, le=4)
    end_quarter: int | None = Field(default=None, ge=1, le=4)

    @model_validator(mode="after")
    def _check(self) -> Years:
        if self.quarter is not None and (self.kind != "single" or self.unit != "quarter"):
            raise ValueError("a quarter is one quarter of a single year")
        if (self.start_quarter is not None or self.end_quarter is not None) and (
                self.kind != "range" or self.unit != "quarter"):
            raise ValueError("start and end quarters belong to a range in quarters")
        if self.end_quarter is not None and self.end is None:
            raise ValueError("an end quarter needs an end year")
        if (self.kind == "range" and self.start is not None and self.end is not None and self.start == self.end
                and (self.start_quarter or 1) > (self.end_quarter or 4)):
            raise ValueError("range ends before it starts")
        if self.kind == "single" and self.start is None:
            raise ValueError("single year needs start")
        if self.kind == "range" and self.start is None:
            raise ValueError("range needs start")
        if self.kind == "range" and self.end is not None and self.start is not None and self.end < self.start:
            raise ValueError("range ends before it starts")
        if self.kind == "last_n" and not self.last_n:
            raise ValueError("last_n needs last_n")
        return self

    @classmethod
    def single(cls, year: int, quarter: int | None = None) -> Years:
        if quarter is not None:
            return cls(kind="single", start=year, end=year, quarter=quarter, unit="quarter")
        return cls(kind="single", start=year, end=year)

    @property
    def in_quarters(self) -> bool:
        """A quarterly figure answers in quarters: asked for quarters, or for no period at all (its latest)."""
        return self.unit == "quarter" or (self.unit is None and self.kind == "latest")

    @classmethod
    def between(cls, start: int, end: int | None) -> Years:
        return cls(kind="range", start=start, end=end)

    @classmethod
    def between_quarters(cls, start: int, start_quarter: int | None, end: int | None,
                         end_quarter: int | None) -> Years:
        """"fra 1. kvartal 2023 til 3. kvartal 2025", "siden 2. kvartal 2024" (end None: up to the latest)."""
        return cls(kind="range", start=start, end=end, start_quarter=start_quarter, end_quarter=end_quarter,
                   unit="quarter")

    @property
    def first_period(self) -> tuple[int, int] | None:
        """A range's first (year, quarter); quarter 1 when the range starts with a whole year."""
        return (self.start, self.start_quarter or 1) if self.kind == "range" and self.start is not None else None

    @property
    def last_period(self) -> tuple[int, int] | None:
        """A range's last (year, quarter), or None when it runs to the latest data."""
        return (self.end, self.end_quarter or 4) if self.kind == "range" and self.end is not None else None


class Comparison(_Frozen):
    kind: ComparisonKind = ComparisonKind.NONE
    region_code: int | None = None  # for REGION: which region (default: the municipality's own)
    similar_n: int = 5  # for SIMILAR


class QuerySpec(_Frozen):
    operation: Operation = Operation.VALUE
    metrics: tuple[MetricRef, ...] = ()
    municipalities: tuple[int, ...] = ()  # the subject first
    comparison: Comparison = Comparison()
    years: Years = Years()
    rank_n: int = Field(default=10, ge=1, le=98)
    rank_order: Literal["desc", "asc"] = "desc"
    rank_region: int | None = None  # rank within a region only
    benchmark: Benchmark = Benchmark.COUNTRY  # for SAVINGS
    include_national: bool = True  # show the published national figure beside the answer

    @model_validator(mode="after")
    def _check_regions(self) -> QuerySpec:
        """A regions comparison (ComparisonKind.REGIONS) is about the five regions only: a table (VALUE/COMPARE),
        a series (TREND) or a ranking (RANK) of them. It names no municipality: a municipality set against
        its own region is a REGION comparison, so a spec naming both is refused rather than half-answered."""
        if self.comparison.kind != ComparisonKind.REGIONS:
            return self
        if self.operation not in REGIONS_OPERATIONS:
            raise ValueError(f"a regions comparison cannot be a {self.operation.value}")
        if self.municipalities or self.comparison.region_code is not None or self.rank_region is not None:
            raise ValueError("a regions comparison covers all five regions and names no municipality or region")
        return self

    @model_validator(mode="after")
    def _check_benchmark(self) -> QuerySpec:
        """Råderum against another municipality ("hvis vi lå på niveau med Frederikshavn") names exactly two: the
        subject first, then the municipality whose level it is measured against."""
        if self.benchmark == Benchmark.MUNICIPALITY and (self.operation != Operation.SAVINGS
                                                         or len(self.municipalities) != 2):
            raise ValueError("a municipality benchmark is the second of exactly two municipalities of a råderum")
        return self

    @property
    def metric(self) -> MetricRef | None:
        return self.metrics[0] if self.metrics else None

    @property
    def subject(self) -> int | None:
        return self.municipalities[0] if self.municipalities else None
