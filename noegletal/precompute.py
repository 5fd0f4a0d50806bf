"""The build's last step: fill the precomputed tables with the catalog's own statements (semantic_layer/
precompute.py says what they are and when an answer may read them).

It lives here, in the wiring, because it joins the two sides the build keeps apart: the warehouse builds and
checks the new DuckDB file without knowing the catalog, and the semantic layer writes statements without running
anything. `warehouse.build.build(..., precompute=precompute)` calls it on the checked new file before the swap,
so a server never sees a warehouse whose precomputed rows are missing or half written.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from semantic_layer.loader import FIGURES_SQL, PUBLISHED_SQL, load_catalog, validate_against_warehouse
from semantic_layer.overview import OVERVIEW_ROWS
from semantic_layer.precompute import overview_definition, overview_fill, record


def precompute(con: duckdb.DuckDBPyConnection, progress: Callable[[str], None] = lambda _: None) -> int:
    """Fill overview_rows (the overview of each municipality) and record its statement in derived_tables; the
    rows written. A catalog that does not fit this warehouse precomputes nothing (the assistant refuses to start
    on it anyway, and says why)."""
    catalog = load_catalog()
    issues = validate_against_warehouse(catalog, dict(con.execute(FIGURES_SQL).fetchall()))
    if issues:
        progress(f"  forudberegner intet: kataloget passer ikke til lageret ({issues[0]})")
        return 0
    published = frozenset(r[0] for r in con.execute(PUBLISHED_SQL).fetchall())
    subjects = [int(r[0]) for r in con.execute("SELECT municipality_code FROM municipalities").fetchall()]
    for statement in overview_fill(catalog, published, subjects):
        con.execute(statement.sql(dialect="duckdb"))
    written = int(con.execute(f"SELECT count(*) FROM {OVERVIEW_ROWS}").fetchone()[0])  # type: ignore[index]
    con.execute(record(OVERVIEW_ROWS, overview_definition(catalog, published), written).sql(dialect="duckdb"))
    progress(f"  forudberegner {OVERVIEW_ROWS} ({f'{written:,}'.replace(',', '.')} rækker, {len(subjects)} "
             f"kommuners overblik)")
    return written
