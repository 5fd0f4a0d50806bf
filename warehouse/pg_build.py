"""Load the built DuckDB warehouse into PostgreSQL: same tables, types and provenance rows, switched atomically.

The tables are copied (psycopg COPY, binary) into a new schema beside the live one; then, in ONE transaction,
the live schema is renamed away, the new one takes its name, the read-only role gets SELECT on exactly those
tables and the old schema is dropped. A reader sees the old warehouse or the new one, never half of each.

Two roles (created if missing, passwords kept unless given):
- the read-only role (default `noegletal_reader`): USAGE on the warehouse schema, SELECT on its tables, nothing
  else; `default_transaction_read_only`, `statement_timeout` and `search_path` are set on the role;
- the conversation role (default `noegletal_conversations`): read/write on the one conversations table in its
  own schema (`noegletal_state`), which a rebuild never touches.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import psycopg
from psycopg import sql

from warehouse.errors import DataError
from warehouse.schema import PUBLIC_SCHEMA

DEFAULT_SCHEMA = "noegletal"
STATE_SCHEMA = "noegletal_state"
READER_ROLE = "noegletal_reader"
CONVERSATION_ROLE = "noegletal_conversations"
NAME = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")
# DuckDB type -> PostgreSQL type with the same meaning (VARCHAR without length is PostgreSQL's text).
PG_TYPES = {"VARCHAR": "varchar", "INTEGER": "integer", "BIGINT": "bigint", "DOUBLE": "double precision",
            "DATE": "date", "BOOLEAN": "boolean", "SMALLINT": "smallint", "FLOAT": "real",
            "TIMESTAMP": "timestamp", "HUGEINT": "numeric(38)"}
# What answers filter on: PostgreSQL needs indexes where DuckDB's zone maps did the job.
INDEXES: dict[str, list[tuple[str, ...]]] = {
    "observations": [("figure", "year", "municipality_code"), ("figure", "municipality_code", "year")],
    "latest_cells": [("municipality_code", "figure"), ("figure", "year")],
    "national": [("figure", "year")],
    "facts": [("figure", "source_id")],
    "national_figures": [("figure", "source_id")],
    "population": [("municipality_code", "year")],
    "population_groups": [("group_id", "municipality_code", "year")],
    "neighbours": [("municipality_code",)],
    "figures": [("figure", "source_id")],
    "population_by_age": [("area_code", "year")],
    "overview_rows": [("subject_code",)],
}
CONVERSATIONS_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.conversations (
    id          varchar(32) PRIMARY KEY,        -- uuid4 hex, as the file store
    state       jsonb NOT NULL,                 -- what a follow-up needs (the last spec)
    turns       jsonb NOT NULL DEFAULT '[]',    -- every answer, appended (the last MAX_TURNS kept)
    version     integer NOT NULL DEFAULT 1,     -- optimistic concurrency: bumped on every write
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS conversations_updated ON {schema}.conversations (updated_at)
"""


@dataclass
class PgLoadReport:
    url: str
    schema: str
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    reader_role: str = READER_ROLE
    reader_password: str | None = None  # only when generated or changed by this load
    conversation_role: str = CONVERSATION_ROLE
    conversation_password: str | None = None

    def summary(self) -> str:
        total = sum(self.rows.values())
        lines = [f"PostgreSQL-lager indlæst: skema {self.schema} på {redact(self.url)} på {self.seconds:.1f} s — "
                 f"{len(self.rows)} tabeller, {total:,} rækker.".replace(",", ".")]
        for role, password in ((self.reader_role, self.reader_password),
                               (self.conversation_role, self.conversation_password)):
            if password:
                lines.append(f"Ny adgangskode for rollen {role}: {password}")
        lines.append(f"Sæt NOEGLETAL_DATABASE_URL til en URL med rollen {self.reader_role} (kun læsning) og "
                     f"NOEGLETAL_CONVERSATION_DATABASE_URL til en med rollen {self.conversation_role}.")
        return "\n".join(lines)


def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _check_name(name: str, what: str) -> str:
    if not NAME.match(name):
        raise ValueError(f"ugyldigt {what}: {name!r} (små bogstaver, tal og _)")
    return name


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str, bool]]:
    """(column, PostgreSQL type, nullable) in DuckDB's column order."""
    rows = con.execute("""SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns
                          WHERE table_name = ? ORDER BY ordinal_position""", [table]).fetchall()
    out = []
    for column, duck_type, nullable in rows:
        pg_type = PG_TYPES.get(str(duck_type).upper())
        if pg_type is None:
            raise DataError(f"DuckDB-typen {duck_type} har ingen PostgreSQL-modpart", f"{table}.{column}:0")
        out.append((str(column), pg_type, bool(nullable)))
    return out


def _primary_keys(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute("SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                       "WHERE constraint_type = 'PRIMARY KEY'").fetchall()
    return {str(t): list(c) for t, c in rows}


def _create_table(cur: psycopg.Cursor[Any], schema: str, table: str, columns: list[tuple[str, str, bool]],
                  key: list[str] | None) -> None:
    parts = [sql.SQL("{} {}{}").format(sql.Identifier(c), sql.SQL(t), sql.SQL("" if n else " NOT NULL"))
             for c, t, n in columns]
    if key:
        parts.append(sql.SQL("PRIMARY KEY ({})").format(sql.SQL(", ").join(map(sql.Identifier, key))))
    cur.execute(sql.SQL("CREATE TABLE {}.{} ({})").format(sql.Identifier(schema), sql.Identifier(table),
                                                         sql.SQL(", ").join(parts)))


def _copy_rows(cur: psycopg.Cursor[Any], schema: str, table: str, columns: list[tuple[str, str, bool]],
               rows: Iterable[tuple[Any, ...]]) -> None:
    names = sql.SQL(", ").join(sql.Identifier(c) for c, _, _ in columns)
    statement = sql.SQL("COPY {}.{} ({}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(schema), sql.Identifier(table), names)
    with cur.copy(statement) as copy:
        copy.set_types([t for _, t, _ in columns])
        for row in rows:
            copy.write_row(row)


def _batches(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], size: int = 50_000
             ) -> Iterable[tuple[Any, ...]]:
    cursor = con.execute(f"SELECT {', '.join(columns)} FROM {table}")  # names come from DuckDB's own catalog
    while True:
        batch = cursor.fetchmany(size)
        if not batch:
            return
        yield from batch


def _role(cur: psycopg.Cursor[Any], role: str, password: str | None) -> str | None:
    """Create the login role if missing; set the password if given (or generated for a new role)."""
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    exists = cur.fetchone() is not None
    if not exists:
        password = password or secrets.token_urlsafe(18)
        cur.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION "
                            "NOBYPASSRLS").format(sql.Identifier(role)))
    if password:
        cur.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
    return password


def load_postgres(duckdb_path: Path, url: str, *, schema: str = DEFAULT_SCHEMA,
                  reader_role: str = READER_ROLE, reader_password: str | None = None,
                  conversation_role: str = CONVERSATION_ROLE, conversation_password: str | None = None,
                  statement_timeout_s: float = 5.0,
                  progress: Callable[[str], None] = lambda _: None) -> PgLoadReport:
    """Copy every warehouse table from the DuckDB file into `schema` on the server at `url` (an owner/admin URL)."""
    started = time.perf_counter()
    for name, what in ((schema, "skemanavn"), (reader_role, "rollenavn"), (conversation_role, "rollenavn")):
        _check_name(name, what)
    report = PgLoadReport(url=url, schema=schema, reader_role=reader_role, conversation_role=conversation_role)
    staging = f"{schema}_load_{int(time.time())}_{secrets.token_hex(3)}"
    retired = staging.replace("_load_", "_old_")
    if not duckdb_path.is_file():
        raise DataError("DuckDB-lageret findes ikke (kør 'noegletal build')", f"{duckdb_path}:0")
    # Read a private copy: a consistent snapshot even if a build swaps the file meanwhile, and no clash with a
    # connection this process already has open to the file with other settings (the query client's).
    scratch = Path(tempfile.mkdtemp(prefix="noegletal-pg-load-"))
    shutil.copyfile(duckdb_path, scratch / "warehouse.duckdb")
    source = duckdb.connect(str(scratch / "warehouse.duckdb"), read_only=True)
    try:
        keys = _primary_keys(source)
        present = {r[0] for r in source.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        missing = sorted(set(PUBLIC_SCHEMA) - present)
        if missing:
            raise DataError(f"DuckDB-lageret mangler tabellerne {missing}", f"{duckdb_path}:0")
        with psycopg.connect(url, autocommit=False) as con:
            dbname = con.info.dbname
            with con.cursor() as cur:
                cur.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(staging)))
                for table in PUBLIC_SCHEMA:
                    columns = table_columns(source, table)
                    _create_table(cur, staging, table, columns, keys.get(table))
                    _copy_rows(cur, staging, table, columns, _batches(source, table, [c for c, _, _ in columns]))
                    cur.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(staging),
                                                                            sql.Identifier(table)))
                    copied = int(cur.fetchone()[0])  # type: ignore[index]
                    expected = int(source.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
                    if copied != expected:
                        raise DataError(f"{table}: {copied} rækker i PostgreSQL, {expected} i DuckDB", table)
                    report.rows[table] = copied
                    progress(f"  kopierer {table} ({copied:,} rækker)".replace(",", "."))
                    for n, index in enumerate(INDEXES.get(table, [])):
                        cur.execute(sql.SQL("CREATE INDEX {} ON {}.{} ({})").format(
                            sql.Identifier(f"{table}_{n}"), sql.Identifier(staging), sql.Identifier(table),
                            sql.SQL(", ").join(map(sql.Identifier, index))))
            con.commit()  # the staging schema is complete; nobody reads it yet
            with con.cursor() as cur:  # planner statistics for the new tables, before anyone reads them
                for table in PUBLIC_SCHEMA:
                    cur.execute(sql.SQL("ANALYZE {}.{}").format(sql.Identifier(staging), sql.Identifier(table)))
            con.commit()
            with con.cursor() as cur:
                report.reader_password = _role(cur, reader_role, reader_password)
                report.conversation_password = _role(cur, conversation_role, conversation_password)
                _setup_state(cur, conversation_role)
                _lock_down_reader(cur, dbname, reader_role, schema, statement_timeout_s)
                # The switch: one transaction. Readers resolve `schema` by name, so they see old or new.
                cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
                if cur.fetchone() is not None:
                    cur.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(schema),
                                                                              sql.Identifier(retired)))
                cur.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(staging),
                                                                          sql.Identifier(schema)))
                cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema),
                                                                            sql.Identifier(reader_role)))
                cur.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(
                    sql.SQL(", ").join(sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(t))
                                       for t in PUBLIC_SCHEMA), sql.Identifier(reader_role)))
            con.commit()
            # Separately: the drop waits for queries still running on the old tables; new ones see the new schema.
            with con.cursor() as cur:
                cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(retired)))
            con.commit()
    except BaseException:
        _drop_quietly(url, staging)
        raise
    finally:
        source.close()
        shutil.rmtree(scratch, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _setup_state(cur: psycopg.Cursor[Any], conversation_role: str) -> None:
    """The conversations table (kept across rebuilds) and its role's rights on it, nothing more."""
    state = sql.Identifier(STATE_SCHEMA)
    cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(state))
    for statement in CONVERSATIONS_DDL.split(";"):
        cur.execute(sql.SQL(statement.strip()).format(schema=state))  # type: ignore[arg-type]
    role = sql.Identifier(conversation_role)
    cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(state, role))
    cur.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {}.conversations TO {}").format(state, role))
    cur.execute(sql.SQL("ALTER ROLE {} SET search_path = {}").format(role, state))


def _lock_down_reader(cur: psycopg.Cursor[Any], dbname: str, role: str, schema: str, timeout_s: float) -> None:
    """Read-only by default (so no temporary tables either), a time limit, the warehouse schema first."""
    r = sql.Identifier(role)
    cur.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(r))
    cur.execute(sql.SQL("ALTER ROLE {} SET statement_timeout = {}").format(
        r, sql.Literal(f"{int(timeout_s * 1000)}ms")))
    cur.execute(sql.SQL("ALTER ROLE {} SET idle_in_transaction_session_timeout = '60s'").format(r))
    cur.execute(sql.SQL("ALTER ROLE {} SET search_path = {}").format(r, sql.Identifier(schema)))
    cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(dbname), r))


def _drop_quietly(url: str, schema: str) -> None:
    try:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    except psycopg.Error:
        pass
