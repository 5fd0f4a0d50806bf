"""SQL guard for every statement that runs, compiled or typed by an analyst.

Exactly one SELECT over the warehouse's own tables and columns (qualified against its schema),
no table functions, no file/network/extension access, and a LIMIT. Refusals say what was refused.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import cast

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError
from sqlglot.optimizer.qualify import qualify

from warehouse.schema import PUBLIC_SCHEMA

DENIED_FUNCTION = re.compile(
    r"(read_|_scan$|^glob$|^query|parquet|csv|^json_read|sniff|attach|detach|install|load|pragma|getenv|system|"
    r"http|^s3|file|^duckdb_|^current_setting$|^setseed$|^checkpoint$|^export|^import|^copy$|^iceberg|^delta)",
    re.IGNORECASE)
MAX_LENGTH = 20_000
logging.getLogger("sqlglot").setLevel(logging.ERROR)


class GuardError(Exception):
    """The statement was refused; the message (Danish) explains why."""


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this)
    return node.sql_name()


@lru_cache(maxsize=4096)
def guard(sql: str, row_cap: int = 5000) -> str:
    """Return the statement as it will run (regenerated, with a LIMIT), or raise GuardError."""
    if not sql or not sql.strip():
        raise GuardError("Afvist: forespørgslen er tom.")
    if len(sql) > MAX_LENGTH:
        raise GuardError(f"Afvist: forespørgslen er længere end {MAX_LENGTH} tegn.")
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except (ParseError, sqlglot.errors.TokenError) as exc:
        raise GuardError(f"Afvist: SQL'en kan ikke læses ({str(exc).splitlines()[0][:200]}).") from exc
    if len(statements) != 1:
        raise GuardError(f"Afvist: præcis én SELECT-sætning er tilladt, ikke {len(statements)}.")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise GuardError(f"Afvist: kun SELECT er tilladt, ikke {tree.key.upper()}.")
    for node in tree.walk():
        if isinstance(node, exp.Command | exp.Pragma | exp.Copy | exp.Attach | exp.Detach | exp.Set | exp.Use
                      | exp.Insert | exp.Update | exp.Delete | exp.Create | exp.Drop | exp.Alter | exp.Merge
                      | exp.Transaction | exp.Commit | exp.Rollback | exp.Install | exp.LoadData | exp.Describe):
            raise GuardError(f"Afvist: {node.key.upper()} er ikke tilladt; kun læsning med SELECT.")
        if isinstance(node, exp.Func) and DENIED_FUNCTION.search(_function_name(node)):
            raise GuardError(f"Afvist: funktionen {_function_name(node)}() giver adgang til filer, netværk "
                             f"eller systemet og er ikke tilladt.")
        if isinstance(node, exp.Table):
            if not isinstance(node.this, exp.Identifier):
                raise GuardError("Afvist: tabelfunktioner er ikke tilladt; brug lagerets egne tabeller.")
            if node.args.get("db") or node.args.get("catalog"):
                raise GuardError(f"Afvist: kun lagerets egne tabeller uden skema/database ({node.sql()}).")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.name not in PUBLIC_SCHEMA and table.name not in ctes:
            raise GuardError(f"Afvist: tabellen {table.name!r} findes ikke. Tilladte tabeller: "
                             f"{', '.join(sorted(PUBLIC_SCHEMA))}.")
    try:
        # qualify() types `schema` as the invariant dict[str, object]; ours is a dict[str, dict[str, str]]
        schema = cast(dict[str, object], PUBLIC_SCHEMA)
        qualify(tree.copy(), schema=schema, dialect="duckdb", validate_qualify_columns=True)
    except OptimizeError as exc:
        raise GuardError(f"Afvist: ukendt kolonne eller tabel ({str(exc).splitlines()[0][:200]}).") from exc
    limit = tree.args.get("limit")
    value = limit.expression if isinstance(limit, exp.Limit) else None
    if not isinstance(value, exp.Literal) or not value.is_int or int(value.this) > row_cap:
        tree = tree.limit(row_cap)  # type: ignore[attr-defined]
    return tree.sql(dialect="duckdb", pretty=True, comments=False)
