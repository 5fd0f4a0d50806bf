"""Read-only query client for the warehouse in PostgreSQL, with the interface of warehouse.client.Warehouse.

A psycopg 3 connection pool; every session starts with `default_transaction_read_only`, `statement_timeout`
and `search_path` (the warehouse schema) as its startup options, every transaction is READ ONLY, every
query ends with a ROLLBACK and every connection returns to the pool through DISCARD ALL, so nothing (a
setting, an advisory lock, a LISTEN) outlives the statement that made it. The server
should be reached as the read-only role `noegletal build --database` creates; the client does not rely on it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool, PoolTimeout

from warehouse.client import MAX_REFERENCE_ROWS, Results
from warehouse.errors import QueryError
from warehouse.pg_build import DEFAULT_SCHEMA, NAME, redact

log = logging.getLogger(__name__)
VERSION_TTL_S = 1.0
# `?` placeholders (DuckDB's) outside string literals and quoted names become psycopg's `%s`, and so do numbered
# ones (`$1`, as a prepared shape is written: semantic_layer/shapes.py), the parameters put in their order; every
# literal `%` (psycopg reads them even inside strings) becomes `%%`.
_PIECES = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|%|\?|(?<![\w$])\$[0-9]+(?![\w$]))")


def _placeholders(sql: str, params: list[Any] | None = None) -> tuple[str, list[Any]]:
    """psycopg's form of `sql` and the parameters in the order its `%s` take them."""
    given = list(params or [])
    ordered: list[Any] = []
    position = 0

    def piece(match: re.Match[str]) -> str:
        nonlocal position
        text = match.group(0)
        if text == "?":
            if position >= len(given):
                raise QueryError("Forespørgslen har flere parametre end værdier.")
            ordered.append(given[position])
            position += 1
            return "%s"
        if text.startswith("$"):
            index = int(text[1:]) - 1
            if not 0 <= index < len(given):
                raise QueryError(f"Forespørgslen bruger {text}, men har kun {len(given)} værdier.")
            ordered.append(given[index])
            return "%s"
        return text.replace("%", "%%")

    return _PIECES.sub(piece, sql), ordered


class PostgresWarehouse:
    """Same use as Warehouse: query(sql) -> Results (columns, rows, truncated, elapsed_ms), scalar, close."""

    dialect = "postgres"

    def __init__(self, url: str, timeout_s: float = 5.0, row_cap: int = 5000, schema: str = DEFAULT_SCHEMA,
                 pool_size: int = 4, connect_timeout_s: float = 10.0) -> None:
        if not NAME.match(schema):
            raise QueryError(f"Ugyldigt skemanavn {schema!r}.")
        self.url = url
        self.schema = schema
        self.timeout_s = timeout_s
        self.row_cap = row_cap
        options = (f"-c default_transaction_read_only=on -c statement_timeout={max(1, int(timeout_s * 1000))} "
                   f"-c search_path={schema} -c idle_in_transaction_session_timeout=60000")
        self.pool = ConnectionPool(
            url, min_size=1, max_size=max(1, pool_size), open=False, name="noegletal-warehouse",
            timeout=max(timeout_s, 5.0), configure=self._configure,
            kwargs={"options": options, "application_name": "noegletal", "prepare_threshold": None,
                    "autocommit": False, "connect_timeout": max(1, int(connect_timeout_s))})
        try:
            self.pool.open(wait=True, timeout=connect_timeout_s)
        except PoolTimeout as exc:
            self.pool.close()
            raise QueryError(f"Kan ikke forbinde til PostgreSQL ({redact(url)}).") from exc
        self._version: tuple[float, Any] = (0.0, None)
        self._version_lock = threading.Lock()
        if self.scalar("SELECT current_schema() IS NULL"):  # the search path names no existing schema
            self.close()
            raise QueryError(f"Skemaet {schema} findes ikke i PostgreSQL; kør 'noegletal build --database …'.")
        if self.scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            log.warning("PostgreSQL: connected as a superuser; use the read-only role from 'noegletal build'")

    @staticmethod
    def _configure(con: psycopg.Connection[Any]) -> None:
        con.read_only = True  # BEGIN READ ONLY, whatever the session default says

    @staticmethod
    def _clean(con: psycopg.Connection[Any]) -> None:
        """Before the connection goes back to the pool: ROLLBACK, then DISCARD ALL, which drops what a statement
        could leave in the session beyond its transaction (advisory locks, LISTEN, prepared statements; session
        settings go back to the startup options). A connection that cannot be cleaned is closed (the pool
        replaces it)."""
        try:
            con.rollback()
            con.autocommit = True
            con.execute("DISCARD ALL")
            con.autocommit = False
        except psycopg.Error:
            con.close()

    def query(self, sql: str, params: list[Any] | None = None, *, capped: bool = True) -> Results:
        """Run one statement in a read-only transaction that is rolled back; time limit and row cap as DuckDB's
        (`capped=False` for the project's own reference look-ups, as there)."""
        cap = self.row_cap if capped else MAX_REFERENCE_ROWS
        if not sql or not sql.strip():
            raise QueryError("Forespørgslen er tom.")
        started = time.perf_counter()
        try:
            with self.pool.connection() as con:
                try:
                    with con.cursor() as cur:
                        if params:
                            cur.execute(*_placeholders(sql, params))
                        else:
                            cur.execute(sql)
                        if cur.description is None:
                            raise QueryError("Forespørgslen gav ingen rækker (kun SELECT er tilladt).")
                        columns = [d.name for d in cur.description]
                        rows = cur.fetchmany(cap + 1)
                finally:
                    self._clean(con)
        except pg_errors.QueryCanceled as exc:
            raise QueryError(f"Forespørgslen tog mere end {self.timeout_s:g} s og blev stoppet.") from exc
        except PoolTimeout as exc:
            raise QueryError("Databasen har ingen ledig forbindelse lige nu; prøv igen.") from exc
        except psycopg.Error as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise QueryError(f"Forespørgslen fejlede: {first}") from exc
        truncated = len(rows) > cap
        return Results(columns, [tuple(r) for r in rows[:cap]], truncated,
                       (time.perf_counter() - started) * 1000, sql, params or [])

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        result = self.query(sql, params)
        return result.rows[0][0] if result.rows else None

    def version(self) -> Any:
        """Changes when `noegletal build --database` switches in a new warehouse (the schema's oid); checked
        at most once a second."""
        now = time.monotonic()
        with self._version_lock:
            checked, value = self._version
            if now - checked < VERSION_TTL_S and value is not None:
                return value
        value = self.scalar("SELECT to_regnamespace(current_schema())::oid::bigint")
        with self._version_lock:
            self._version = (now, value)
        return value

    def close(self) -> None:
        self.pool.close()
