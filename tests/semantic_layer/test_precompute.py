"""The precomputed overview (semantic_layer/precompute.py): overview_rows holds, for every municipality, exactly the
rows the full overview statement gives on the real warehouse; an answer reads them only when derived_tables says
they were made by the statement this catalog writes, and otherwise computes live."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from assistant.conversations import ConversationStore
from assistant.service import Assistant
from noegletal.wiring import get_assistant
from semantic_layer.compiler import Compiler
from semantic_layer.guard import guard, guard_tree
from semantic_layer.loader import CATALOG_DIR, OVERVIEW_FILE, PUBLISHED_SQL, parse_catalog
from semantic_layer.overview import OVERVIEW_ROWS
from semantic_layer.precompute import (
    STAND_IN,
    fingerprint,
    overview_definition,
    overview_spec,
    valid_tables,
)
from semantic_layer.spec import Years
from tests.pg.conftest import same_rows
from warehouse.client import Warehouse

VEJLE = 630
QUESTION = "Giv mig et overblik over Vejle"


@pytest.fixture(scope="module")
def published(warehouse) -> frozenset[str]:
    return frozenset(r[0] for r in warehouse.query(PUBLISHED_SQL, capped=False).rows)


@pytest.fixture(scope="module")
def compilers(catalog, published) -> tuple[Compiler, Compiler]:
    """(live, reading overview_rows), as the assistant builds them."""
    live, read = Compiler(catalog, published, row_cap=5000), Compiler(catalog, published, row_cap=5000)
    assert read.use_precomputed(frozenset({OVERVIEW_ROWS})) and not read.use_precomputed(frozenset({OVERVIEW_ROWS}))
    return live, read


def test_every_municipality_reads_the_rows_its_statement_gives(catalog, warehouse, compilers) -> None:
    live, read = compilers
    codes = [r[0] for r in warehouse.query("SELECT municipality_code FROM municipalities ORDER BY 1").rows]
    bordering = {r[0] for r in warehouse.query("SELECT municipality_code FROM neighbours").rows}
    assert len(codes) == 98 and 85 < len(bordering) < 98  # islands (Bornholm, Læsø, Samsø ...) have no neighbours
    for code in codes:
        spec = overview_spec(catalog, code)
        statement = read.compile(spec)
        assert statement.precomputed == OVERVIEW_ROWS and "latest_cells" not in statement.sql
        rows = warehouse.query(guard_tree(statement.expression, 5000)).rows
        computed = warehouse.query(guard(live.compile(spec).sql, 5000)).rows
        assert rows and same_rows(rows, computed), code  # same rows, same order
        roles = {"subject", "member", "group", "national"} if code in bordering else {"subject", "national"}
        assert {r[6] for r in rows} == roles, code


def test_one_asked_year_is_computed_live(catalog, compilers) -> None:
    _, read = compilers
    spec = overview_spec(catalog, VEJLE).model_copy(update={"years": Years.single(2022)})
    compiled = read.compile(spec)
    assert compiled.precomputed is None and "observations" in compiled.sql and OVERVIEW_ROWS not in compiled.sql


def test_derived_tables_records_the_statement(catalog, warehouse, published) -> None:
    ((name, print_, definition, written),) = warehouse.query(
        "SELECT name, fingerprint, definition, rows_written FROM derived_tables", capped=False).rows
    assert (name, definition) == (OVERVIEW_ROWS, overview_definition(catalog, published))
    assert print_ == fingerprint(definition)
    assert written == warehouse.scalar("SELECT count(*) FROM overview_rows") > 98 * 100
    assert f"= {STAND_IN} THEN 'subject'" in definition  # the stand-in municipality, said so in the schema
    assert valid_tables(catalog, published, {name: print_}) == {OVERVIEW_ROWS}
    # the published national figures are part of the statement: another set is another definition
    assert valid_tables(catalog, published - {"Udskrivningsprocent"}, {name: print_}) == frozenset()


def test_a_changed_catalog_does_not_read_the_old_rows(tmp_path: Path, warehouse, published) -> None:
    """Reordering a theme's candidates changes which figure headlines it: the rows built before are not read."""
    directory = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, directory)
    path = directory / OVERVIEW_FILE
    text = path.read_text(encoding="utf-8")
    old = "metrics: [regk_folkeskoler, udg_folkeskolen_pr_elev]"
    assert old in text
    path.write_text(text.replace(old, "metrics: [udg_folkeskolen_pr_elev, regk_folkeskoler]"), encoding="utf-8")
    changed, issues = parse_catalog(directory)
    assert changed is not None, issues
    recorded = dict(warehouse.query("SELECT name, fingerprint FROM derived_tables", capped=False).rows)
    assert valid_tables(changed, published, recorded) == frozenset()


def _assistant_on(path: Path, tmp_path: Path) -> Assistant:
    return Assistant(Warehouse(path, timeout_s=30.0), ConversationStore(tmp_path / "conversations", 3600, 100),
                     row_cap=5000, topojson_path=tmp_path / "none.topojson")


@pytest.mark.parametrize("tamper", ["UPDATE derived_tables SET fingerprint = 'x'", "DELETE FROM derived_tables"])
def test_a_stale_or_missing_record_is_answered_live(tmp_path: Path, warehouse_path: Path, tamper: str) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(tamper)
        con.execute("UPDATE overview_rows SET value = value + 1")  # rows that must never be shown
    stale = _assistant_on(copy, tmp_path)
    try:
        answer = stale.ask(QUESTION)
        assert stale.compiler.precomputed == frozenset()
        assert answer.status == "answer" and OVERVIEW_ROWS not in answer.sql and answer.sql_origin is None
        reference = get_assistant().ask(QUESTION)
        assert OVERVIEW_ROWS in reference.sql
        assert [(o.metric, o.municipality_code, o.year, o.display) for o in answer.observations] == \
               [(o.metric, o.municipality_code, o.year, o.display) for o in reference.observations]
        assert answer.text == reference.text
    finally:
        stale.close()


def test_the_answer_shows_what_ran_and_what_made_the_rows() -> None:
    assistant = get_assistant()
    assistant.clear_caches()
    first = assistant.ask(QUESTION)
    second = assistant.ask("Giv mig et overblik over Kerteminde")  # the same shape: bound to its parameters
    for answer, code in ((first, VEJLE), (second, 440)):
        assert f"FROM overview_rows\nWHERE\n  subject_code = {code}" in answer.sql
        assert answer.sql_origin is not None and f"o.municipality_code = {code}" in answer.sql_origin
        # the analyst's editor runs both and gets the same rows
        ran, made = assistant.run_sql(answer.sql), assistant.run_sql(answer.sql_origin)
        assert ran.status == made.status == "ok" and ran.columns == made.columns
        assert same_rows(ran.rows, made.rows) and len(ran.rows) == len(answer.observations)
    assert second.timings_ms["bound"] == 1.0
