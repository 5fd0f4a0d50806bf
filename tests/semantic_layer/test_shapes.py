"""Prepared shapes give what the literal SQL gives: the same rows, the same plan spec and group, and byte for byte
the SQL the compiler writes for the question (which the analyst sees); a shape that cannot be prepared is refused
and its questions compile literally."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semantic_layer.compiler import CompileError, Compiler
from semantic_layer.model import Frequency
from semantic_layer.shapes import Shapes
from semantic_layer.spec import NATIONAL_CODE, REGION_CODES, MetricRef, QuerySpec, Years
from tests.semantic_layer.specs import NAMED_SPECS
from tests.semantic_layer.test_property import specs


@pytest.fixture(scope="module")
def published(warehouse) -> frozenset[str]:  # type: ignore[no-untyped-def]
    return frozenset(r[0] for r in warehouse.query(
        "SELECT DISTINCT figure FROM national WHERE value IS NOT NULL UNION "
        "SELECT DISTINCT figure FROM quarterly_national WHERE value IS NOT NULL").rows)


@pytest.fixture(scope="module")
def real_compiler(catalog, published) -> Compiler:  # type: ignore[no-untyped-def]
    """As the assistant builds it: with the figures whose national figure is published."""
    return Compiler(catalog, published, row_cap=5000)


def _same_as_literal(shapes: Shapes, compiler: Compiler, warehouse, spec: QuerySpec) -> bool:  # type: ignore[no-untyped-def]
    """Prepare `spec` and check it against the compiler's literal statement; True if it ran bound."""
    try:
        compiled = compiler.compile(spec)
    except CompileError:
        with pytest.raises(CompileError):
            shapes.prepare(spec)
        return False
    prepared = shapes.prepare(spec)
    assert prepared.display_sql == compiled.sql
    assert prepared.spec == compiled.spec
    assert prepared.group_label == compiled.group_label
    literal = warehouse.query(compiled.sql)
    bound = warehouse.query(prepared.sql, prepared.params or None)
    assert bound.columns == literal.columns
    assert bound.rows == literal.rows
    assert [tuple(map(type, r)) for r in bound.rows] == [tuple(map(type, r)) for r in literal.rows]
    return bool(prepared.params)


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_named_spec_bound_equals_literal(name, real_compiler, warehouse) -> None:  # type: ignore[no-untyped-def]
    shapes = Shapes(real_compiler, "duckdb")
    spec = NAMED_SPECS[name][1]
    assert not _same_as_literal(shapes, real_compiler, warehouse, spec)  # first seen: compiled literally
    assert _same_as_literal(shapes, real_compiler, warehouse, spec)  # then: the shape, values bound
    assert shapes.built == 1 and shapes.refused == 0


def _sibling(spec: QuerySpec, catalog, rng: random.Random, published: frozenset[str]) -> QuerySpec:  # type: ignore[no-untyped-def]
    """The same shape with other values: other municipalities, another figure of the same kind, other years."""
    codes = [c for c in range(101, 861) if c not in spec.municipalities]
    municipalities = tuple(c if c == NATIONAL_CODE or c in REGION_CODES else rng.choice(codes)
                           for c in spec.municipalities)
    update: dict = {"municipalities": tuple(dict.fromkeys(municipalities))} if len(
        set(municipalities)) == len(municipalities) else {}
    if len(spec.metrics) == 1:
        metric = catalog.get(spec.metrics[0].id)
        same = [m for m in catalog.metrics if (m.aggregation, m.frequency, m.denominator_population,
                                                m.label in published) == (
            metric.aggregation, metric.frequency, metric.denominator_population, metric.label in published)]
        update["metrics"] = (MetricRef(id=rng.choice(same).id),)
    years = spec.years
    if years.kind == "single" and years.start is not None and years.start > 2000:
        update["years"] = years.model_copy(update={"start": years.start - 1, "end": years.start - 1})
    update["rank_n"] = rng.randint(1, 98)
    return spec.model_copy(update=update)


def test_random_specs_and_their_siblings_bound_equal_literal(catalog, real_compiler, warehouse,  # type: ignore[no-untyped-def]
                                                            published) -> None:
    codes = [r[0] for r in warehouse.query("SELECT municipality_code FROM municipalities").rows]
    shapes = Shapes(real_compiler, "duckdb")
    bound = 0

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(specs(catalog, codes), st.randoms(use_true_random=False))
    def check(spec: QuerySpec, rng: random.Random) -> None:
        nonlocal bound
        _same_as_literal(shapes, real_compiler, warehouse, spec)  # first of its shape, or bound to an earlier one
        sibling = _sibling(spec, catalog, rng, published)
        bound += _same_as_literal(shapes, real_compiler, warehouse, sibling)

    check()
    assert bound >= 20, bound  # most siblings ran on a prepared shape
    assert shapes.built >= 10


def test_a_shape_serves_other_values(catalog, real_compiler, warehouse, published) -> None:  # type: ignore[no-untyped-def]
    service = catalog.get("serviceudgifter_pr_indb")
    other = next(m for m in catalog.metrics if m.id != service.id and m.label in published and (
        m.aggregation, m.frequency, m.denominator_population) == (
        service.aggregation, service.frequency, service.denominator_population))
    shapes = Shapes(real_compiler, "duckdb")
    asked = [QuerySpec(operation="trend", metrics=(MetricRef(id=metric),), municipalities=(code,),
                       years=Years.between(start, start + 4))
             for metric, code, start in [(service.id, 101, 2010), (other.id, 461, 2015), (service.id, 210, 2012),
                                         (other.id, 101, 2018)]]
    ran = [_same_as_literal(shapes, real_compiler, warehouse, spec) for spec in asked]
    assert ran == [False, True, True, True]
    assert shapes.built == 1


def test_a_plan_that_computes_with_a_value_is_refused_and_answers_literally(catalog, real_compiler,  # type: ignore[no-untyped-def]
                                                                           warehouse) -> None:
    """A range of quarters compares `year * 4 + quarter`: the shape would bake in a number computed from a
    placeholder, so it is refused and each question compiles literally (and is still right)."""
    quarterly = next(m for m in catalog.metrics if m.frequency == Frequency.QUARTER)
    try:
        years = Years.between_quarters(2020, 2, 2023, 3)  # type: ignore[attr-defined]
    except AttributeError:
        pytest.skip("no quarter ranges in this tree")
    spec = QuerySpec(operation="trend", metrics=(MetricRef(id=quarterly.id),), municipalities=(101,), years=years)
    shapes = Shapes(real_compiler, "duckdb")
    assert not _same_as_literal(shapes, real_compiler, warehouse, spec)
    assert not _same_as_literal(shapes, real_compiler, warehouse, spec)
    assert shapes.refused == 1 and shapes.built == 0


def test_clear_empties_the_shapes(real_compiler, warehouse) -> None:  # type: ignore[no-untyped-def]
    shapes = Shapes(real_compiler, "duckdb")
    spec = NAMED_SPECS["value"][1]
    shapes.prepare(spec)
    assert shapes.prepare(spec).params
    shapes.clear()
    assert not shapes.prepare(spec).params  # seen for the first time again: literal


@pytest.mark.parametrize("operation", ["value", "compare", "trend", "rank"])
def test_the_regions_plan_binds_too(operation: str, catalog, real_compiler, warehouse) -> None:  # type: ignore[no-untyped-def]
    """Any plan the compiler dispatches to gets shapes: here the five regions side by side."""
    from semantic_layer.spec import Comparison, ComparisonKind

    kind = getattr(ComparisonKind, "REGIONS", None)
    if kind is None:
        pytest.skip("no regions comparison in this tree")
    shapes = Shapes(real_compiler, "duckdb")
    for metric, years in [("serviceudgifter_pr_indb", Years.between(2015, 2020)),
                          ("serviceudgifter_pr_indb", Years.between(2016, 2021)),
                          ("serviceudgifter_pr_indb", Years.between(2010, 2012))]:
        spec = QuerySpec(operation=operation, metrics=(MetricRef(id=metric),), comparison=Comparison(kind=kind),
                         years=years)
        _same_as_literal(shapes, real_compiler, warehouse, spec)
    assert shapes.built == 1 and shapes.refused == 0


def test_a_shape_that_does_not_say_what_the_compiler_said_is_refused(real_compiler, warehouse) -> None:  # type: ignore[no-untyped-def]
    """The check at preparation: the shape with the first question's values must be the compiler's SQL for it.
    Fed another SQL as the first question's, the shape is refused and the questions compile literally."""
    from semantic_layer.shapes import abstract

    spec = NAMED_SPECS["trend"][1]
    shapes = Shapes(real_compiler, "duckdb")
    metrics = real_compiler.metrics_of(spec)
    published = metrics[0].label in (real_compiler.published_national or ())
    key, sentinel, values, metric = abstract(spec, metrics, published)
    compiled_sql = real_compiler.compile(spec).sql
    assert shapes._build(key, sentinel, metric, published, (values, compiled_sql.replace("2015", "2016")),
                         len(values)) is not None
    assert shapes.refused == 1 and shapes.built == 0
    assert not _same_as_literal(shapes, real_compiler, warehouse, spec)  # refused: literal, and still right
