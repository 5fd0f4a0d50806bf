"""SQL guard for every statement that runs, compiled or typed by an analyst.

Exactly one SELECT over the warehouse's own tables and columns (qualified against its schema),
no table functions, no file/network/extension access, and a LIMIT. Refusals say what was refused.

The SQL is read as DuckDB SQL (the compiler's and the editor's dialect) and written for the engine that
runs it: `dialect="duckdb"` (the default) or `"postgres"`. For PostgreSQL the guard also refuses the
server's own system functions (pg_read_file, lo_import, dblink, set_config, query_to_xml, catalog and
privilege look-ups, ...) and casts to its object-identifier types, then checks the statement it will
actually send once more, parsed as PostgreSQL.

The compiler's own statements are checked as trees (`guard_tree`), not rendered and parsed again: the tree is
built from the catalog and the schema with sqlglot's builders, so the same rules are checked on it directly,
stricter where they can be (an allow-list of node types and functions instead of a deny-list). Analyst SQL from
the editor always takes the full text guard (`guard`). No statement runs without one of the two.
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
            _check_unqualified(node)
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


def _check_unqualified(table: exp.Table) -> None:
    if table.args.get("db") or table.args.get("catalog"):
        raise GuardError(f"Afvist: kun lagerets egne tabeller uden skema/database ({table.sql()[:80]}).")


def _unknown_table(name: str) -> GuardError:
    return GuardError(f"Afvist: tabellen {name!r} findes ikke. Tilladte tabeller: {', '.join(sorted(PUBLIC_SCHEMA))}.")


def _check_tables(tree: exp.Expr) -> None:
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.name not in PUBLIC_SCHEMA and table.name not in ctes:
            raise _unknown_table(table.name)


@lru_cache(maxsize=4096)
def guard(sql: str, row_cap: int, dialect: str = "duckdb") -> str:
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


# -- the compiler's trees ------------------------------------------------------------------------------------
# What the compiler's plans build (tests/semantic_layer/test_tree_guard.py proves that compiled specs pass):
# node types and functions outside these lists are refused, whatever they are. A plan that needs another
# harmless node type adds it here (and the tests show it).
TREE_NODES: frozenset[type[exp.Expr]] = frozenset({
    exp.Select, exp.Union, exp.With, exp.CTE, exp.Subquery, exp.From, exp.Join, exp.Where, exp.Group, exp.Qualify,
    exp.Order, exp.Ordered, exp.Limit, exp.Distinct, exp.Window, exp.Values, exp.Tuple, exp.Table, exp.TableAlias,
    exp.Alias, exp.Column, exp.Identifier, exp.Star, exp.Literal, exp.Null, exp.Boolean, exp.Parameter,
    exp.Placeholder, exp.Paren, exp.Neg, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.EQ, exp.NEQ, exp.GT, exp.GTE,
    exp.LT, exp.LTE, exp.Between, exp.In, exp.Is, exp.Not, exp.And, exp.Or, exp.Case, exp.If, exp.Exists,
    exp.Sum, exp.Count, exp.Max, exp.Min, exp.Avg, exp.AnyValue, exp.StddevPop, exp.Rank, exp.Ln, exp.Pow,
    exp.Anonymous})
# Functions are node types above (SUM, COUNT, MAX, MIN, AVG, ANY_VALUE, STDDEV_POP, RANK, LN, POWER, and CASE,
# IF, EXISTS, AND, OR); the ones sqlglot has no type for come as exp.Anonymous and must be named here.
TREE_FUNCTIONS = frozenset({"QUANTILE_CONT"})
WAREHOUSE_COLUMNS = frozenset(c for columns in PUBLIC_SCHEMA.values() for c in columns)


def _outputs(query: exp.Expr) -> frozenset[str] | None:
    """The column names a query or CTE body produces; None when it selects * (anything its sources have)."""
    while isinstance(query, exp.Union):
        query = query.this
    if isinstance(query, exp.Subquery):
        return _outputs(query.this)
    if not isinstance(query, exp.Select):
        return None
    names = []
    for projection in query.expressions:
        if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and projection.is_star):
            return None
        names.append(projection.alias_or_name)
    return frozenset(names)


def check_tree(tree: exp.Expr, row_cap: int, postgres: bool = False) -> None:
    """Check a compiler-built statement without rendering it: one query; only allow-listed node types and
    functions; only the warehouse's tables (or the statement's own CTEs), unqualified; every column a column of
    the warehouse or a name the statement itself produces, and a qualified one a column of what its qualifier
    names; a top-level LIMIT of at most `row_cap`. Values may be bound parameters. Raises GuardError."""
    if not isinstance(tree, exp.Select | exp.Union):
        raise GuardError(f"Afvist: kun én SELECT er tilladt, ikke {tree.key.upper()}.")
    ctes: dict[str, exp.Expr] = {}
    produced: set[str] = set()
    sources: dict[str, set[str] | None] = {}  # qualifier -> the columns it may have (None: any known)
    columns: list[exp.Column] = []
    tables: list[exp.Table] = []
    for node in tree.walk(bfs=False):
        kind = type(node)
        if kind not in TREE_NODES:
            raise GuardError(f"Afvist: {node.key.upper()} er ikke tilladt i en oversat forespørgsel.")
        if kind is exp.Column:
            columns.append(node)  # type: ignore[arg-type]
        elif kind is exp.Alias:
            produced.add(node.alias)
        elif kind is exp.Table:
            tables.append(node)  # type: ignore[arg-type]
        elif kind is exp.CTE:
            ctes[node.alias_or_name] = node.this
        elif kind is exp.TableAlias:
            produced.update(c.name for c in node.args.get("columns") or ())
        elif kind is exp.Subquery and node.alias:
            _add_source(sources, node.alias, _outputs(node.this))
        elif kind is exp.Values and node.alias:
            _add_source(sources, node.alias, frozenset(c.name for c in node.args["alias"].columns))
        elif kind is exp.Anonymous and str(node.this).upper() not in TREE_FUNCTIONS:
            raise GuardError(f"Afvist: funktionen {node.this}() er ikke tilladt.")
    for table in tables:
        if not isinstance(table.this, exp.Identifier):
            raise GuardError("Afvist: tabelfunktioner er ikke tilladt; brug lagerets egne tabeller.")
        _check_unqualified(table)
        if table.name in ctes:
            outputs = _outputs(ctes[table.name])
        elif table.name in PUBLIC_SCHEMA:
            outputs = frozenset(PUBLIC_SCHEMA[table.name])
        else:
            raise _unknown_table(table.name)
        _add_source(sources, table.alias_or_name, outputs)
    known = WAREHOUSE_COLUMNS | produced
    for column in columns:
        name, qualifier = column.name, column.table
        if column.is_star:
            continue
        if qualifier:
            if qualifier not in sources:
                raise GuardError(f"Afvist: ukendt tabel {qualifier!r} ({column.sql()[:80]}).")
            allowed = sources[qualifier]
            if name not in (known if allowed is None else allowed):
                raise GuardError(f"Afvist: ukendt kolonne {column.sql()[:80]!r}.")
        elif name not in known:
            raise GuardError(f"Afvist: ukendt kolonne {name!r}.")
    limit = tree.args.get("limit")
    value = limit.expression if isinstance(limit, exp.Limit) else None
    if not isinstance(value, exp.Literal) or not value.is_int or not 0 <= int(value.this) <= row_cap:
        raise GuardError(f"Afvist: en oversat forespørgsel skal have LIMIT på højst {row_cap} rækker.")
    if postgres:
        _check_nodes(tree, postgres=True)


def _add_source(sources: dict[str, set[str] | None], name: str, outputs: frozenset[str] | None) -> None:
    """An alias may name different sources in different scopes: a qualified column may be any of theirs."""
    if name in sources and sources[name] is None:
        return
    if outputs is None:
        sources[name] = None
    else:
        sources.setdefault(name, set()).update(outputs)  # type: ignore[union-attr]


def guard_tree(tree: exp.Expr, row_cap: int, dialect: str = "duckdb", rendered: str | None = None) -> str:
    """The statement text to run on `dialect` for a compiler-built tree, after `check_tree`; GuardError if refused.

    DuckDB: the tree rendered (or `rendered`, the caller's rendering of this same tree); nothing is parsed.
    PostgreSQL: the DuckDB text is parsed once, checked again, rewritten for PostgreSQL (warehouse/pg_dialect.py),
    checked with the PostgreSQL rules and rendered: exactly the statement the text guard would send (tested).
    The one parse is kept because the rewrite types bare NULLs with sqlglot's type annotation, which fails on
    trees made with the builders (sqlglot's qualify_tables trips over their tables), and a NULL typed otherwise
    than DuckDB types it would change a UNION's column type on PostgreSQL. It is paid once per prepared shape
    (semantic_layer/shapes.py); the checks of the text guard's qualify step are not repeated."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; expected one of {DIALECTS}")
    check_tree(tree, row_cap)
    sql = rendered if rendered is not None else tree.sql(dialect="duckdb", pretty=True, comments=False)
    if dialect == "duckdb":
        return sql
    from warehouse.pg_dialect import postgres_dialect, rewrite_for_postgres

    try:
        parsed = sqlglot.parse_one(sql, read="duckdb").transform(  # `$1` reads as a placeholder: keep it numbered
            lambda n: exp.Parameter(this=exp.Literal.number(int(n.this)))
            if isinstance(n, exp.Placeholder) and str(n.this or "").isdigit() else n)
    except (ParseError, sqlglot.errors.TokenError) as exc:
        raise GuardError(f"Afvist: SQL'en kan ikke læses ({str(exc).splitlines()[0][:200]}).") from exc
    if not isinstance(parsed, exp.Query):
        raise GuardError("Afvist: SQL'en kan ikke læses som én SELECT.")
    _check_nodes(parsed, postgres=True)  # the text guard's checks, on what the text says
    _check_tables(parsed)
    rewritten = rewrite_for_postgres(parsed)
    _check_nodes(rewritten, postgres=True)
    _check_tables(rewritten)
    try:
        return rewritten.sql(dialect=postgres_dialect(), pretty=True, comments=False,
                             unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as exc:
        raise GuardError(f"Afvist: SQL'en kan ikke køres på PostgreSQL ({str(exc).splitlines()[0][:200]}).") from exc
