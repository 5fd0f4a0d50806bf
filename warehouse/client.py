"""Read-only query client: one connection per thread, no external access, a time limit and a row cap."""

from __future__ import annotations

import atexit
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from warehouse.errors import QueryError


@dataclass
class Results:
    """A small result set, like Datasette's: columns, rows and whether the cap cut it."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool = False
    elapsed_ms: float = 0.0
    sql: str = ""
    params: list[Any] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class Warehouse:
    """Opens the DuckDB file read-only per thread; reopens transparently when the file is swapped."""

    dialect = "duckdb"  # the SQL dialect the guard writes for this engine

    def __init__(self, path: Path, timeout_s: float = 5.0, row_cap: int = 5000) -> None:
        if not path.exists():
            raise QueryError(f"Lageret {path} findes ikke; kør 'noegletal build'.")
        self.path = path
        self.timeout_s = timeout_s
        self.row_cap = row_cap
        self._local = threading.local()
        # One watchdog for all threads: cheaper than a timer thread per query.
        self._deadlines: dict[int, tuple[float, duckdb.DuckDBPyConnection]] = {}
        self._connections: list[duckdb.DuckDBPyConnection] = []  # every thread's, so close() reaches them all
        self._registry_lock = threading.Lock()
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="warehouse-watchdog", daemon=True)
        self._watchdog.start()
        atexit.register(self.close)

    def _watch(self) -> None:
        while not self._stop.wait(min(0.05, self.timeout_s / 4)):
            now = time.monotonic()
            for key, (deadline, con) in list(self._deadlines.items()):
                if now > deadline:
                    self._deadlines.pop(key, None)
                    con.interrupt()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        info = self.path.stat()
        stamp = info.st_ino, info.st_mtime_ns
        con = getattr(self._local, "con", None)
        if con is not None and getattr(self._local, "stamp", None) == stamp:
            return con
        if con is not None:
            con.close()
        con = duckdb.connect(str(self.path), read_only=True, config={
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "threads": 1,
        })
        # Connections of one process share the database instance: lock it once, not per thread.
        if not con.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:  # type: ignore[index]
            con.execute("SET lock_configuration = true")
        self._local.con = con
        self._local.stamp = stamp
        with self._registry_lock:
            self._connections.append(con)
        return con

    def query(self, sql: str, params: list[Any] | None = None) -> Results:
        """Run one statement; stops it after the time limit and cuts the rows at the cap."""
        con = self._connect()
        started = time.perf_counter()
        key = threading.get_ident()
        self._deadlines[key] = (time.monotonic() + self.timeout_s, con)
        try:
            cursor = con.execute(sql, params or [])
            if cursor is None:  # DuckDB returns no cursor for an empty statement
                raise QueryError("Forespørgslen er tom.")
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchmany(self.row_cap + 1)
        except (duckdb.InterruptException, KeyboardInterrupt) as exc:
            raise QueryError(f"Forespørgslen tog mere end {self.timeout_s:g} s og blev stoppet.") from exc
        except duckdb.Error as exc:
            try:  # a failed statement inside a transaction poisons the connection: roll it back
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise QueryError(f"Forespørgslen fejlede: {str(exc).splitlines()[0]}") from exc
        finally:
            self._deadlines.pop(key, None)
        truncated = len(rows) > self.row_cap
        return Results(columns, rows[: self.row_cap], truncated, (time.perf_counter() - started) * 1000, sql,
                       params or [])

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        result = self.query(sql, params)
        return result.rows[0][0] if result.rows else None

    def version(self) -> Any:
        """Changes when `noegletal build` swaps in a new file (cached results are keyed by it)."""
        return self.path.stat().st_mtime_ns

    def close(self) -> None:
        """Stop the watchdog and close every thread's connection (a clean exit for DuckDB's threads)."""
        self._stop.set()
        self._deadlines.clear()
        if self._watchdog.is_alive() and self._watchdog is not threading.current_thread():
            self._watchdog.join(timeout=1)
        with self._registry_lock:
            connections, self._connections = self._connections, []
        for con in connections:
            try:
                con.close()
            except duckdb.Error:
                pass
        self._local = threading.local()
