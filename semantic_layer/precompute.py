"""Precomputed tables: the catalog's own statements, run once by the build so that answers read their rows
instead of computing them every time (a materialised view: nothing new, only what the statement gives).

overview_rows holds the overview statement (semantic_layer/overview.py, each figure at its latest year) for each
of the 98 municipalities, with the municipality as subject_code. DuckDB spends about 12 ms planning and running
that statement; reading one municipality's rows takes under 2 ms.

derived_tables records what made each table: the statement with subject 0 standing in for the municipality, and
its sha256. The compiler reads a precomputed table only when that fingerprint equals the one of the statement
its own catalog writes on the same warehouse (`fingerprint`). After a catalog change without a rebuild, or on a
warehouse built without the catalog, the overview is computed live as before: rows made by another definition
are never shown.

The statements are sqlglot trees; noegletal/precompute.py runs them in the build (the warehouse itself does not
know the catalog).
"""

from __future__ import annotations

import hashlib

from sqlglot import exp, select

from semantic_layer.model import Catalog
from semantic_layer.overview import OVERVIEW_ROWS, OverviewPlan
from semantic_layer.spec import MetricRef, Operation, QuerySpec
from semantic_layer.sqlbits import RESULT_COLUMNS, col, lit

DERIVED_TABLES = "derived_tables"
FILL_CAP = 1_000_000  # the statement's LIMIT when the build runs it: no municipality's overview is cut
STAND_IN = 0  # the municipality code in the recorded definition
FINGERPRINTS_SQL = f"SELECT name, fingerprint FROM {DERIVED_TABLES}"


def overview_spec(catalog: Catalog, subject: int) -> QuerySpec:
    """The overview of one municipality at the latest years, as the assistant asks it."""
    return QuerySpec(operation=Operation.OVERVIEW, municipalities=(subject,),
                     metrics=tuple(MetricRef(id=m.id) for m in catalog.overview_candidates()))


def overview_statement(catalog: Catalog, published: frozenset[str] | None, subject: int,
                       row_cap: int = FILL_CAP) -> exp.Query:
    """The full overview statement for `subject` (never the read of overview_rows)."""
    spec = overview_spec(catalog, subject)
    return OverviewPlan(spec, list(catalog.overview_candidates()), row_cap, published).build()


def overview_definition(catalog: Catalog, published: frozenset[str] | None) -> str:
    """The statement that makes overview_rows, with STAND_IN for the municipality (DuckDB's dialect)."""
    return overview_statement(catalog, published, STAND_IN).sql(dialect="duckdb", pretty=True, copy=False)


def fingerprint(definition: str) -> str:
    return hashlib.sha256(definition.encode("utf-8")).hexdigest()


def overview_fill(catalog: Catalog, published: frozenset[str] | None, subjects: list[int]) -> list[exp.Insert]:
    """INSERT INTO overview_rows SELECT <subject>, <the statement's columns> FROM (<statement>) per municipality,
    in code order (the table is then sorted by subject_code, so DuckDB's zone maps skip the other subjects)."""
    out = []
    for subject in sorted(subjects):
        rows = overview_statement(catalog, published, subject).subquery("r", copy=False)
        query = select(lit(subject).as_("subject_code", copy=False), *[col(c, "r") for c in RESULT_COLUMNS]) \
            .from_(rows, copy=False)
        out.append(exp.insert(query, exp.Table(this=exp.to_identifier(OVERVIEW_ROWS)),
                              columns=["subject_code", *RESULT_COLUMNS], copy=False))
    return out


def record(name: str, definition: str, rows_written: int) -> exp.Insert:
    """The derived_tables row for a table the build filled."""
    values = exp.values([(name, fingerprint(definition), definition, rows_written)])
    return exp.insert(values, exp.Table(this=exp.to_identifier(DERIVED_TABLES)),
                      columns=["name", "fingerprint", "definition", "rows_written"], copy=False)


def valid_tables(catalog: Catalog, published: frozenset[str] | None, recorded: dict[str, str]) -> frozenset[str]:
    """The precomputed tables whose recorded fingerprint is that of the statement this catalog writes."""
    expected = {OVERVIEW_ROWS: fingerprint(overview_definition(catalog, published))}
    return frozenset(name for name, print_ in expected.items() if recorded.get(name) == print_)
