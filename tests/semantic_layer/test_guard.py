"""The SQL guard, table-driven from hostile_sql.yaml, plus every compiled spec."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from semantic_layer.guard import MAX_LENGTH, GuardError, guard
from tests.semantic_layer.specs import NAMED_SPECS

CAP = 5000  # the settings' default row cap, which the table's expected LIMITs assume
TABLE = yaml.safe_load((Path(__file__).parent / "hostile_sql.yaml").read_text(encoding="utf-8"))


def _sql(text: str) -> str:
    return "SELECT 1 AS x" + " " * MAX_LENGTH if text == "LONG" else text


def test_table_is_big_enough():
    assert len(TABLE["refused"]) >= 30
    assert len(TABLE["allowed"]) >= 5


@pytest.mark.parametrize("case", TABLE["refused"], ids=[c["why"] for c in TABLE["refused"]])
def test_hostile_statement_is_refused(case):
    with pytest.raises(GuardError) as err:
        guard(_sql(case["sql"]), CAP)
    assert str(err.value).startswith("Afvist"), str(err.value)


@pytest.mark.parametrize("case", TABLE["refused"], ids=[c["why"] for c in TABLE["refused"]])
def test_hostile_statement_would_not_get_through_the_client_either(case, warehouse):
    """Belt and braces: what the guard refuses, the read-only client must not execute as a write."""
    from warehouse.errors import QueryError

    sql = _sql(case["sql"])
    try:
        warehouse.query(sql)
    except QueryError:
        pass
    assert warehouse.scalar("SELECT count(*) FROM regions") == 5
    assert warehouse.scalar("SELECT count(*) FROM municipalities") == 98


@pytest.mark.parametrize("case", TABLE["allowed"], ids=[c["sql"][:40] for c in TABLE["allowed"]])
def test_allowed_statement_passes_with_a_limit(case, warehouse):
    guarded = guard(case["sql"], CAP)
    assert guarded.rstrip().splitlines()[-1] == f"LIMIT {case['limit']}"
    result = warehouse.query(guarded)
    assert len(result.rows) <= case["limit"]


def test_row_cap_parameter():
    assert guard("SELECT * FROM regions", row_cap=7).splitlines()[-1] == "LIMIT 7"
    assert guard("SELECT * FROM regions LIMIT 3", row_cap=7).splitlines()[-1] == "LIMIT 3"


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_every_compiled_spec_passes_the_guard(name, compiler):
    guarded = guard(compiler.compile(NAMED_SPECS[name][1]).sql, CAP)
    assert "LIMIT" in guarded
