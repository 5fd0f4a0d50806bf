"""SQL guard for every statement that runs, compiled or typed by an analyst.

Exactly one SELECT over the warehouse's own tables and columns (qualified against its schema),
no table functions, no file/network/extension access, and a LIMIT. Refusals say what was refused.

The SQL is read as DuckDB SQL (the compiler's and the editor's dialect) and written for the engine that
runs it: `dialect="duckdb"` (the default) or `"postgres"`. For PostgreSQL the guard also refuses the
server's own system functions (pg_read_file, lo_import, dblink, set_config, query_to_xml, catalog and
privilege look-ups, ...) and casts to its object-identifier types, then checks the statement it will
actually send once more, parsed as PostgreSQL.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import cast

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, OptimizeError, ParseError, UnsupportedError
from sqlglot.optimizer.qualify import qualify

from warehouse.schema import PUBLIC_SCHEMA

DENIED_FUNCTION = re.compile(
    r"(read_|_scan$|^glob$|^query|parquet|csv|^json_read|sniff|attach|detach|install|load|pragma|getenv|system|"
    r"http|^s3|file|^duckdb_|^current_setting$|^setseed$|^checkpoint$|^export|^import|^copy$|^iceberg|^delta)",
    re.IGNORECASE)
# PostgreSQL: system, catalog, privilege, large-object, remote and settings functions, and the ones that
# run a query given as text (query_to_xml, ts_stat, dblink). Applied besides DENIED_FUNCTION.
PG_DENIED_FUNCTION = re.compile(
    r"(^_?pg_|set_config|setting|^lo_|^lo$|dblink|xml|^ts_stat$|^ts_debug$|"
    r"^current_(?!date$|time$|timestamp|datetime$|timezone$)|^session_|^user$|^system_user$|^inet_|version|"
    r"privilege|^has_|^txid|^xid|^to_reg|description$|^format_type$|^(nextval|setval|currval|lastval)$|^acl|"
    r"^makeaclitem$|^row_security_active$|^brin_|^gin_|^binary_upgrade)", re.IGNORECASE)
PG_DENIED_TYPE = re.compile(r"(^reg|oid|^pg_|xid$|^aclitem$|^lsn$)", re.IGNORECASE)
DIALECTS = ("duckdb", "postgres")
MAX_LENGTH = 20_000
logging.getLogger("sqlglot").setLevel(logging.ERROR)


class GuardError(Exception):
    """The statement was refused; the message (Danish) explains why."""


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this)
    return node.sql_name()


def _check_nodes(tree: exp.Expr, postgres: bool = False) -> None:
    for node in tree.walk():
        if isinstance(node, exp.Command | exp.Pragma | exp.Copy | exp.Attach | exp.Detach | exp.Set | exp.Use
                      | exp.Insert | exp.Update | exp.Delete | exp.Create | exp.Drop | exp.Alter | exp.Merge
                      | exp.Transaction | exp.Commit | exp.Rollback | exp.Install | exp.LoadData | exp.Describe):
            raise GuardError(f"Afvist: {node.key.upper()} er ikke tilladt; kun læsning med SELECT.")
        if isinstance(node, exp.Func) and (DENIED_FUNCTION.search(_function_name(node)) or (
                postgres and PG_DENIED_FUNCTION.search(_function_name(node)))):
            raise GuardError(f"Afvist: funktionen {_function_name(node)}() giver adgang til filer, netværk "
                             f"eller systemet og er ikke tilladt.")
        if isinstance(node, exp.Table):
            if not isinstance(node.this, exp.Identifier):
                raise GuardError("Afvist: tabelfunktioner er ikke tilladt; brug lagerets egne tabeller.")
            if node.args.get("db") or node.args.get("catalog"):
                raise GuardError(f"Afvist: kun lagerets egne tabeller uden skema/database ({node.sql()}).")
        if postgres:
            _check_postgres_node(node)


def _check_postgres_node(node: exp.Expr) -> None:
    """What PostgreSQL has beyond DuckDB: schema-qualified functions, system types, locking clauses."""
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
        raise GuardError(f"Afvist: funktioner med skemanavn er ikke tilladt ({node.sql()[:80]}).")
    if isinstance(node, exp.DataType) and (node.is_type(exp.DataType.Type.USERDEFINED) or PG_DENIED_TYPE.search(
            node.sql(dialect="postgres"))):
        raise GuardError(f"Afvist: typen {node.sql(dialect='postgres')} giver adgang til systemkataloget og er "
                         f"ikke tilladt.")
    if isinstance(node, exp.Lock):
        raise GuardError("Afvist: FOR UPDATE/SHARE er ikke tilladt; kun læsning med SELECT.")


def _for_postgres(tree: exp.Expr) -> str:
    """The guarded DuckDB tree written for PostgreSQL, checked again as PostgreSQL parses it."""
    from warehouse.pg_dialect import postgres_dialect, rewrite_for_postgres

    try:
        sql = rewrite_for_postgres(tree).sql(dialect=postgres_dialect(), pretty=True, comments=False,
                                             unsupported_level=ErrorLevel.RAISE)
        statements = [s for s in sqlglot.parse(sql, read=postgres_dialect()) if s is not None]
    except (UnsupportedError, ParseError, sqlglot.errors.TokenError) as exc:
        raise GuardError(f"Afvist: SQL'en kan ikke køres på PostgreSQL ({str(exc).splitlines()[0][:200]}).") from exc
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise GuardError("Afvist: SQL'en kan ikke oversættes til én SELECT på PostgreSQL.")
    _check_nodes(statements[0], postgres=True)
    _check_tables(statements[0])
    return sql


def _check_tables(tree: exp.Expr) -> None:
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.name not in PUBLIC_SCHEMA and table.name not in ctes:
            raise GuardError(f"Afvist: tabellen {table.name!r} findes ikke. Tilladte tabeller: "
                             f"{', '.join(sorted(PUBLIC_SCHEMA))}.")


@lru_cache(maxsize=4096)
def guard(sql: str, row_cap: int = 5000, dialect: str = "duckdb") -> str:
    """Return the statement as it will run on `dialect` (regenerated, with a LIMIT), or raise GuardError."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; expected one of {DIALECTS}")
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
    _check_nodes(tree)
    _check_tables(tree)
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
    if dialect == "postgres":
        _check_nodes(tree, postgres=True)
        return _for_postgres(tree)
    return tree.sql(dialect="duckdb", pretty=True, comments=False)
