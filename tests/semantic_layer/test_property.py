"""Random valid QuerySpecs always compile, pass both guards (the tree guard and the text guard) and run on the real
warehouse."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semantic_layer.compiler import RESULT_COLUMNS
from semantic_layer.guard import guard, guard_tree
from semantic_layer.model import Aggregation, Frequency
from semantic_layer.spec import REGION_CODES, Comparison, MetricRef, QuerySpec, Years
from semantic_layer.sqlbits import QUARTER_COLUMNS

SAVINGS_EXCLUDED = {"skattegrundlag", "areal"}


def _years() -> st.SearchStrategy[Years]:
    single = st.integers(1993, 2024).map(Years.single)
    ranged = st.tuples(st.integers(1993, 2024), st.integers(0, 31), st.booleans()).map(
        lambda t: Years.between(t[0], None if t[2] else min(2024, t[0] + t[1])))
    last_n = st.integers(1, 10).map(lambda n: Years(kind="last_n", last_n=n))
    quarter = st.tuples(st.integers(2007, 2025), st.integers(1, 4)).map(lambda t: Years.single(*t))
    quarters = st.integers(1, 12).map(lambda n: Years(kind="last_n", last_n=n, unit="quarter"))
    return st.one_of(single, ranged, last_n, quarter, quarters, st.just(Years()))


@st.composite
def specs(draw, catalog, codes: list[int]) -> QuerySpec:
    operation = draw(st.sampled_from(["value", "compare", "trend", "rank", "distribution", "savings", "overview"]))
    if operation == "savings":
        pool = [m.id for m in catalog.metrics if m.aggregation == Aggregation.WEIGHTED
                and m.denominator_population not in SAVINGS_EXCLUDED]
    else:
        pool = [m.id for m in catalog.metrics]
    n_metrics = draw(st.integers(1, 3)) if operation == "overview" else 1
    ids = draw(st.lists(st.sampled_from(pool), min_size=n_metrics, max_size=n_metrics, unique=True))
    municipalities = tuple(draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique=True)))
    kind = draw(st.sampled_from(["none", "explicit", "neighbours", "region", "country", "similar"]))
    comparison = Comparison(kind=kind, region_code=draw(st.none() | st.sampled_from(REGION_CODES))
                            if kind == "region" else None, similar_n=draw(st.integers(1, 8)))
    return QuerySpec(
        operation=operation, metrics=tuple(MetricRef(id=i) for i in ids), municipalities=municipalities,
        comparison=comparison, years=draw(_years()), rank_n=draw(st.integers(1, 98)),
        rank_order=draw(st.sampled_from(["asc", "desc"])),
        rank_region=draw(st.none() | st.sampled_from(REGION_CODES)) if operation == "rank" else None,
        benchmark=draw(st.sampled_from(["country", "neighbours", "region", "lowest_quartile"])),
        include_national=draw(st.booleans()))


def test_random_specs_compile_guard_and_run(catalog, compiler, warehouse):
    codes = [r[0] for r in warehouse.query("SELECT municipality_code FROM municipalities").rows]
    assert len(codes) == 98

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(specs(catalog, codes))
    def check(spec: QuerySpec) -> None:
        compiled = compiler.compile(spec)
        assert guard_tree(compiled.expression, compiler.row_cap, rendered=compiled.sql) == compiled.sql
        result = warehouse.query(guard(compiled.sql, compiler.row_cap))
        quarterly = spec.operation != "overview" and catalog.get(spec.metrics[0].id).frequency == Frequency.QUARTER
        assert tuple(result.columns) == (QUARTER_COLUMNS if quarterly else RESULT_COLUMNS)
        for row in result.dicts():
            assert row["metric_id"] in {m.id for m in spec.metrics}
            if spec.years.kind == "single" and row["year"] is not None:
                assert row["year"] == spec.years.start
            if row["role"] == "subject":
                assert row["municipality_code"] in spec.municipalities

    check()
